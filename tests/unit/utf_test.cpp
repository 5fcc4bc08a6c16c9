#include <zlhcs_common/utf.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../fuzz/reference_utf.hpp"

namespace {

using zlhcs::common::u16string;
using zlhcs::common::utf16_char;
using zlhcs::common::utf16_to_utf8;
using zlhcs::common::utf8_to_utf16;
using zlhcs::common::utf_error;

u16string units(std::initializer_list<unsigned> values) {
    u16string out;
    for (unsigned v : values) out.push_back(static_cast<utf16_char>(v));
    return out;
}

TEST(Utf, AsciiRoundTrips) {
    const auto wide = utf8_to_utf16("{\"Id\":\"abc\"}");
    ASSERT_TRUE(wide);
    EXPECT_EQ(wide->size(), 12u);
    EXPECT_EQ(utf16_to_utf8(*wide).value(), "{\"Id\":\"abc\"}");
}

TEST(Utf, EveryEncodingLengthRoundTrips) {
    // U+00E9 (2 bytes), U+20AC (3 bytes), U+1F600 (4 bytes, a surrogate pair in UTF-16).
    const std::string text = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
    const auto wide = utf8_to_utf16(text);
    ASSERT_TRUE(wide);
    EXPECT_EQ(*wide, units({0xE9, 0x20AC, 0xD83D, 0xDE00}));
    EXPECT_EQ(utf16_to_utf8(*wide).value(), text);
}

TEST(Utf, RejectsMalformedUtf8WithOffset) {
    struct bad {
        std::string text;
        std::size_t offset;
    };
    const bad cases[] = {
        {"ab\xC3\x28", 2},            // continuation byte missing
        {"\xC0\xAF", 0},              // overlong '/'
        {"x\xE0\x80\xAF", 1},         // overlong 3-byte
        {"\xED\xA0\x80", 0},          // UTF-16 surrogate encoded in UTF-8
        {"\xF4\x90\x80\x80", 0},      // above U+10FFFF
        {"abc\xE2\x82", 3},           // truncated at the end
        {"\xFF", 0},                  // never valid
        {"\x80", 0},                  // lone continuation byte
    };
    for (const auto& c : cases) {
        utf_error error{};
        EXPECT_FALSE(utf8_to_utf16(c.text, &error)) << "input index " << &c - cases;
        EXPECT_EQ(error.offset, c.offset) << "input index " << &c - cases;
    }
}

TEST(Utf, RejectsUnpairedSurrogatesInUtf16) {
    utf_error error{};
    EXPECT_FALSE(utf16_to_utf8(units({'a', 0xD800}), &error));
    EXPECT_EQ(error.offset, 1u);
    EXPECT_FALSE(utf16_to_utf8(units({0xDC00, 'a'}), &error));
    EXPECT_EQ(error.offset, 0u);
    EXPECT_FALSE(utf16_to_utf8(units({0xD800, 'a'}), &error));
}

TEST(Utf, EmbeddedNulIsKept) {
    const std::string text("a\0b", 3);
    const auto wide = utf8_to_utf16(text);
    ASSERT_TRUE(wide);
    EXPECT_EQ(wide->size(), 3u);
    EXPECT_EQ(utf16_to_utf8(*wide).value(), text);
}

}  // namespace

namespace {

// The ASCII fast path works on 8-byte words: a multi-byte character or an error at every
// position relative to a word boundary must still be found and decoded.
TEST(Utf, NonAsciiAtEveryWordOffset) {
    for (std::size_t position = 0; position < 20; ++position) {
        std::string text(24, 'a');
        text.replace(position, 2, "\xC3\xA9");
        const auto wide = utf8_to_utf16(text);
        ASSERT_TRUE(wide) << position;
        EXPECT_EQ(wide->size(), 23u) << position;
        EXPECT_EQ(static_cast<unsigned>((*wide)[position]), 0xE9u) << position;
        EXPECT_EQ(utf16_to_utf8(*wide).value(), text) << position;

        std::string bad(24, 'a');
        bad[position] = '\x80';
        utf_error error{};
        EXPECT_FALSE(utf8_to_utf16(bad, &error)) << position;
        EXPECT_EQ(error.offset, position);
    }
}

}  // namespace

// The converters against an independent reference: the fuzz harnesses' codec
// (tests/fuzz/reference_utf.hpp: the Unicode Standard's table of well-formed sequences, one code
// point at a time, no fast paths). Inputs cross the converters' 8- and 16-byte ASCII blocks at
// every offset.
namespace {

using zlhcs::common::is_valid_utf8;
namespace reference = zlhcs_fuzz::reference;

struct reference_result {
    bool ok = false;
    std::u32string code_points;
    std::size_t error_offset = 0;  // the first byte of the first sequence that is no character
};

reference_result reference_decode(const std::string& text) {
    reference_result result;
    std::optional<std::u32string> decoded = reference::decode_utf8(text, &result.error_offset);
    result.ok = decoded.has_value();
    if (decoded) result.code_points = std::move(*decoded);
    return result;
}

u16string reference_utf16(const std::u32string& code_points) {
    const std::vector<std::uint16_t> units = reference::encode_utf16(code_points);
    return u16string(units.begin(), units.end());
}

void append_reference_utf8(std::string& out, char32_t cp) { out += reference::encode_utf8(std::u32string_view(&cp, 1)); }

std::string reference_utf8(char32_t cp) { return reference::encode_utf8(std::u32string_view(&cp, 1)); }

// Both directions of the converters, and the validator, must agree with the reference on
// `text`: accepted or refused, at which offset, and the output.
void expect_agrees_with_reference(const std::string& text) {
    const reference_result expected = reference_decode(text);
    utf_error error{};
    const auto wide = utf8_to_utf16(text, &error);
    utf_error validate_error{};
    const bool valid = is_valid_utf8(text, &validate_error);
    ASSERT_EQ(wide.has_value(), expected.ok);
    ASSERT_EQ(valid, expected.ok);
    if (!expected.ok) {
        ASSERT_EQ(error.offset, expected.error_offset);
        ASSERT_EQ(validate_error.offset, expected.error_offset);
        return;
    }
    ASSERT_TRUE(*wide == reference_utf16(expected.code_points));
    const auto back = utf16_to_utf8(*wide);
    ASSERT_TRUE(back);
    ASSERT_EQ(*back, text);
}

std::string hex(const std::string& text) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 15];
        out += ' ';
    }
    return out;
}

// A fixed-seed generator; only raw mt19937 output is used (the standard fixes its sequence,
// unlike the distributions'), so every platform sees the same inputs.
struct fixed_random {
    std::mt19937 engine{20240617u};
    std::uint32_t below(std::uint32_t bound) { return engine() % bound; }
};

// A random valid scalar value encoded in `length` bytes.
char32_t random_code_point(fixed_random& random, int length) {
    switch (length) {
        case 1: return random.below(0x80);
        case 2: return 0x80 + random.below(0x800 - 0x80);
        case 3: {
            char32_t cp = 0x800 + random.below(0x10000 - 0x800 - 0x800);
            return cp >= 0xD800 ? cp + 0x800 : cp;  // skip the surrogates
        }
        default: return 0x10000 + random.below(0x110000 - 0x10000);
    }
}

std::string ascii_run(fixed_random& random, std::size_t length) {
    std::string out;
    for (std::size_t k = 0; k < length; ++k) out += static_cast<char>(0x20 + random.below(0x5F));
    return out;
}

const char32_t boundary_code_points[] = {
    0x0,     0x1,     0x7E,    0x7F,                      // 1 byte
    0x80,    0x81,    0x7FE,   0x7FF,                     // 2 bytes
    0x800,   0x801,   0xD7FF,  0xE000,  0xFFFD, 0xFFFE, 0xFFFF,  // 3 bytes, around the surrogates
    0x10000, 0x10001, 0xFFFFF, 0x100000, 0x10FFFE, 0x10FFFF,   // 4 bytes
};

// Every scalar value of 1 to 3 bytes, every 61st of 4 bytes (all of them would take half a
// second unoptimised) and the first and last 256 of every plane, in one document.
TEST(UtfReference, ScalarValuesOfEveryLengthInOneDocument) {
    std::string text;
    std::u32string code_points;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        const char32_t in_plane = cp & 0xFFFF;
        if (cp >= 0x10000 && (cp - 0x10000) % 61 != 0 && in_plane >= 0x100 && in_plane < 0xFF00) continue;
        append_reference_utf8(text, cp);
        code_points.push_back(cp);
    }
    const auto wide = utf8_to_utf16(text);
    ASSERT_TRUE(wide);
    ASSERT_TRUE(*wide == reference_utf16(code_points));
    const auto back = utf16_to_utf8(*wide);
    ASSERT_TRUE(back);
    ASSERT_TRUE(*back == text);
    ASSERT_TRUE(is_valid_utf8(text));
}

TEST(UtfReference, BoundaryCodePointsAtEveryOffset) {
    for (const char32_t cp : boundary_code_points) {
        for (std::size_t offset = 0; offset < 16; ++offset) {
            for (std::size_t after : {0u, 1u, 7u, 8u, 15u, 16u, 17u, 33u}) {
                const std::string text = std::string(offset, 'a') + reference_utf8(cp) + std::string(after, 'b');
                SCOPED_TRACE(hex(text));
                expect_agrees_with_reference(text);
                // Truncated: every proper prefix of the sequence, then ASCII.
                const std::string sequence = reference_utf8(cp);
                for (std::size_t cut = 1; cut < sequence.size(); ++cut) {
                    expect_agrees_with_reference(std::string(offset, 'a') + sequence.substr(0, cut) +
                                                 std::string(after, 'b'));
                }
            }
        }
    }
}

TEST(UtfReference, RefusedFormsAtEveryOffset) {
    const std::string refused[] = {
        "\xC0\x80", "\xC1\xBF",                          // overlong 2-byte
        "\xE0\x80\x80", "\xE0\x9F\xBF",                  // overlong 3-byte
        "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",          // overlong 4-byte
        "\xED\xA0\x80", "\xED\xAF\xBF", "\xED\xB0\x80", "\xED\xBF\xBF",  // surrogates
        "\xF4\x90\x80\x80", "\xF7\xBF\xBF\xBF",          // above U+10FFFF
        "\xF8\x88\x80\x80\x80", "\xFC\x84\x80\x80\x80\x80", "\xFE", "\xFF",
        "\x80", "\xBF", "\xC3\xA9\xA9",                  // stray continuation bytes
        "\xC3\x28", "\xE2\x28\xAC", "\xE2\x82\x28", "\xF0\x9F\x28\x80", "\xF0\x9F\x98\x28",
    };
    for (const auto& bad : refused) {
        for (std::size_t offset = 0; offset < 16; ++offset) {
            for (std::size_t after : {0u, 1u, 8u, 16u, 20u}) {
                const std::string text = std::string(offset, 'a') + bad + std::string(after, 'b');
                SCOPED_TRACE(hex(text));
                expect_agrees_with_reference(text);
                utf_error error{};
                ASSERT_FALSE(utf8_to_utf16(text, &error));
            }
        }
    }
}

TEST(UtfReference, RandomValidTextWithAsciiRunsOfEveryLengthAtEveryOffset) {
    fixed_random random;
    for (std::size_t offset = 0; offset < 16; ++offset) {
        for (std::size_t run = 0; run <= 40; ++run) {
            for (int length = 2; length <= 4; ++length) {
                std::string text = ascii_run(random, offset);
                text += reference_utf8(random_code_point(random, length));
                text += ascii_run(random, run);
                text += reference_utf8(random_code_point(random, 2 + static_cast<int>(random.below(3))));
                // A random tail: ASCII runs of 0..40 between characters of every length.
                for (int piece = 0; piece < 6; ++piece) {
                    text += ascii_run(random, random.below(41));
                    const int tail_length = 1 + static_cast<int>(random.below(4));
                    for (std::uint32_t k = random.below(4); k > 0; --k) {
                        text += reference_utf8(random_code_point(random, tail_length));
                    }
                }
                SCOPED_TRACE(hex(text));
                expect_agrees_with_reference(text);
            }
        }
    }
}

TEST(UtfReference, RandomBytes) {
    fixed_random random;
    std::size_t accepted = 0;
    for (int sample = 0; sample < 20000; ++sample) {
        std::string text;
        const std::uint32_t size = random.below(48);
        switch (sample % 3) {
            case 0:  // uniformly random bytes: nearly always refused
                for (std::uint32_t k = 0; k < size; ++k) text += static_cast<char>(random.below(256));
                break;
            case 1:  // mostly ASCII with some bytes of 0x80 and above: both outcomes
                for (std::uint32_t k = 0; k < size; ++k) {
                    text += static_cast<char>(random.below(8) == 0 ? 0x80 + random.below(0x80) : random.below(0x80));
                }
                break;
            default: {  // valid text, then one byte replaced, dropped or inserted (or none)
                while (text.size() < size) {
                    if (random.below(2) == 0) {
                        text += ascii_run(random, random.below(20));
                    } else {
                        text += reference_utf8(random_code_point(random, 2 + static_cast<int>(random.below(3))));
                    }
                }
                if (!text.empty()) {
                    const std::size_t at = random.below(static_cast<std::uint32_t>(text.size()));
                    switch (random.below(4)) {
                        case 0: text[at] = static_cast<char>(random.below(256)); break;
                        case 1: text.erase(at, 1); break;
                        case 2: text.insert(at, 1, static_cast<char>(0x80 + random.below(0x80))); break;
                        default: break;
                    }
                }
            }
        }
        SCOPED_TRACE(hex(text));
        expect_agrees_with_reference(text);
        if (HasFatalFailure()) return;
        if (reference_decode(text).ok) ++accepted;
    }
    // Both outcomes were exercised in earnest.
    EXPECT_GT(accepted, 3000u);
    EXPECT_LT(accepted, 17000u);
}

TEST(UtfReference, RandomUtf16Units) {
    // UTF-16 -> UTF-8 against the reference encoder: accepted exactly when every surrogate is
    // paired; refused at the first unpaired one.
    fixed_random random;
    for (int sample = 0; sample < 20000; ++sample) {
        u16string units_in;
        const std::uint32_t size = random.below(48);
        for (std::uint32_t k = 0; k < size; ++k) {
            const std::uint32_t kind = random.below(16);
            std::uint32_t unit = 0;
            if (kind < 9) unit = random.below(0x80);
            else if (kind < 11) unit = 0x80 + random.below(0x780);
            else if (kind < 13) unit = 0x800 + random.below(0x10000 - 0x800);
            else if (kind < 15) {  // a pair, usually
                units_in.push_back(static_cast<utf16_char>(0xD800 + random.below(0x400)));
                unit = random.below(8) == 0 ? random.below(0x10000) : 0xDC00 + random.below(0x400);
            } else unit = 0xD800 + random.below(0x800);  // a surrogate, probably lone
            units_in.push_back(static_cast<utf16_char>(unit));
        }
        // Reference: walk the units.
        std::string expected;
        bool ok = true;
        std::size_t bad_at = 0;
        for (std::size_t i = 0; i < units_in.size(); ++i) {
            const auto u = static_cast<std::uint16_t>(units_in[i]);
            if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units_in.size() &&
                static_cast<std::uint16_t>(units_in[i + 1]) >= 0xDC00 &&
                static_cast<std::uint16_t>(units_in[i + 1]) <= 0xDFFF) {
                const auto low = static_cast<std::uint16_t>(units_in[i + 1]);
                expected += reference_utf8(0x10000 + ((char32_t{u} - 0xD800) << 10) + (low - 0xDC00u));
                ++i;
            } else if (u >= 0xD800 && u <= 0xDFFF) {
                ok = false;
                bad_at = i;
                break;
            } else {
                expected += reference_utf8(u);
            }
        }
        utf_error error{};
        const auto narrow = utf16_to_utf8(units_in, &error);
        ASSERT_EQ(narrow.has_value(), ok) << sample;
        if (ok) {
            ASSERT_EQ(*narrow, expected) << sample;
        } else {
            ASSERT_EQ(error.offset, bad_at) << sample;
        }
    }
}

}  // namespace
