// Lone surrogates escaped in JSON text ("\uDC00", or "\uD800" not followed by a low-surrogate
// escape). JSON's grammar allows them (RFC 8259 section 8.2 calls their behaviour
// unpredictable); Debian's RapidJSON 1.1.0 accepts a lone LOW surrogate even with
// kParseValidateEncodingFlag and decodes it into bytes that are not UTF-8 (ED B3 AD for
// \uDCED), which would then reach reports that promise UTF-8, and HCS's UTF-16. zlhcs refuses
// them wherever JSON enters the C side (core/strings.cpp before HCS, schema/validator.cpp).
// Header-only so both can use it without a new library dependency.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zlhcs::core {

struct lone_surrogate {
    std::size_t offset = 0;  ///< byte offset of the escape's backslash
    std::uint16_t unit = 0;  ///< the surrogate escaped (0xD800..0xDFFF)
};

namespace detail {

inline int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The code unit of the "\uXXXX" escape at text[at], or -1 when there is none.
inline long unicode_escape_at(std::string_view text, std::size_t at) noexcept {
    if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return -1;
    long unit = 0;
    for (std::size_t i = at + 2; i < at + 6; ++i) {
        const int digit = hex_digit(text[i]);
        if (digit < 0) return -1;
        unit = unit * 16 + digit;
    }
    return unit;
}

}  // namespace detail

/// The first lone surrogate escaped inside a string of `text`, or nullopt. Exact for
/// well-formed JSON and for the well-formed prefix of malformed JSON (a '"' or '\' byte never
/// occurs inside a multi-byte UTF-8 sequence, so byte-wise string tracking is exact). One
/// pass, O(text.size()), no allocation.
[[nodiscard]] inline std::optional<lone_surrogate> find_lone_surrogate(std::string_view text) noexcept {
    bool in_string = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (!in_string) {
            in_string = c == '"';
            ++i;
            continue;
        }
        if (c == '"') {
            in_string = false;
            ++i;
            continue;
        }
        if (c != '\\') {
            ++i;
            continue;
        }
        const long unit = detail::unicode_escape_at(text, i);
        if (unit < 0) {
            i += 2;  // another escape (\" \\ \/ \b \f \n \r \t), or a malformed one
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) return lone_surrogate{i, static_cast<std::uint16_t>(unit)};
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const long low = detail::unicode_escape_at(text, i + 6);
            if (low < 0xDC00 || low > 0xDFFF) return lone_surrogate{i, static_cast<std::uint16_t>(unit)};
            i += 12;  // a pair: one character outside the BMP
            continue;
        }
        i += 6;
    }
    return std::nullopt;
}

/// "the escape \uDC00 at byte 6 is a lone surrogate (a high surrogate \uD800-\uDBFF must be
/// followed by a low one \uDC00-\uDFFF, together one character; alone neither is a character)"
[[nodiscard]] inline std::string describe(const lone_surrogate& found) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string escape = "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) escape.push_back(digits[(found.unit >> shift) & 0xF]);
    return "the escape " + escape + " at byte " + std::to_string(found.offset) +
           " is a lone surrogate, which is no Unicode character (a high surrogate \\uD800-\\uDBFF "
           "must be followed at once by a low one \\uDC00-\\uDFFF, the pair escaping one character)";
}

}  // namespace zlhcs::core
