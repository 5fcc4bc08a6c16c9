#include <zlhcs_common/utf.hpp>

#include <gtest/gtest.h>

#include <string>

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
