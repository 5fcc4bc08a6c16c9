// zlhcs C++ facade - the UTF-8 checks of the schema codec. The project's rule: text is valid
// UTF-8 (RFC 3629: shortest form, no surrogates, at most U+10FFFF) and a JSON escape of a lone
// surrogate (\uD800-\uDFFF not in a high+low pair) is invalid input. RapidJSON 1.1.0 refuses
// raw invalid bytes and unpaired high surrogates but decodes a lone low surrogate (\uDCED) into
// the bytes ED B3 AD; the reader looks for those, the writer checks every string it writes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace zlhcs::schema::detail {

/// True if [s, s + n) is valid UTF-8.
inline bool valid_utf8(const char* s, std::size_t n) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s);
    const unsigned char* const end = p + n;
    while (p != end) {
        // ASCII runs, the common case, eight bytes at a time.
        while (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, 8);
            if ((word & 0x8080808080808080ULL) != 0) break;
            p += 8;
        }
        if (p == end) break;
        const unsigned char lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;  // the range of the second byte (the others: 80-BF)
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;   // no overlong forms
            if (lead == 0xED) high = 0x9F;  // no surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;   // no overlong forms
            if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
        } else {
            return false;  // a continuation byte, C0/C1 (overlong) or F5-FF
        }
        if (static_cast<std::size_t>(end - p) < length) return false;
        if (p[1] < low || p[1] > high) return false;
        for (std::size_t i = 2; i < length; ++i) {
            if (p[i] < 0x80 || p[i] > 0xBF) return false;
        }
        p += length;
    }
    return true;
}

inline bool valid_utf8(const std::string& text) noexcept { return valid_utf8(text.data(), text.size()); }

/// In a string RapidJSON decoded from valid UTF-8 input: the surrogate (0xD800-0xDFFF) an
/// escape put there as three bytes ED A0-BF xx, or 0 if there is none.
inline unsigned decoded_surrogate(const char* s, std::size_t n) noexcept {
    const void* found = n == 0 ? nullptr : std::memchr(s, 0xED, n);
    while (found != nullptr) {
        const auto* p = static_cast<const unsigned char*>(found);
        const std::size_t at = static_cast<std::size_t>(reinterpret_cast<const char*>(p) - s);
        if (n - at >= 3 && p[1] >= 0xA0 && p[1] <= 0xBF) {
            return 0xD000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        }
        found = n - at > 1 ? std::memchr(p + 1, 0xED, n - at - 1) : nullptr;
    }
    return 0;
}

/// "\uDCED is a lone surrogate, not Unicode" for a message.
inline std::string describe_surrogate(unsigned surrogate) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string text = "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) text += digits[(surrogate >> shift) & 0xFu];
    return text + " is a lone surrogate, not Unicode (a \\u escape of U+D800-U+DFFF must be a high+low pair)";
}

}  // namespace zlhcs::schema::detail
