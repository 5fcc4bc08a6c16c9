#include "zlhcs_common/utf.hpp"

#include <cstdint>
#include <cstring>

namespace zlhcs::common {
namespace {

constexpr char32_t max_code_point = 0x10FFFF;

bool is_surrogate(char32_t cp) noexcept { return cp >= 0xD800 && cp <= 0xDFFF; }
bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

// Decodes one code point starting at utf8[i]; advances i. Returns false on invalid input.
bool decode_utf8(std::string_view utf8, std::size_t& i, char32_t& cp) noexcept {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t length = 0;
    char32_t min_value = 0;
    if (lead < 0x80) {
        cp = lead;
        ++i;
        return true;
    }
    if ((lead & 0xE0) == 0xC0) {
        length = 2; cp = lead & 0x1F; min_value = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3; cp = lead & 0x0F; min_value = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4; cp = lead & 0x07; min_value = 0x10000;
    } else {
        return false;
    }
    if (utf8.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(utf8[i + k]);
        if (!is_continuation(byte)) return false;
        cp = (cp << 6) | (byte & 0x3F);
    }
    if (cp < min_value || cp > max_code_point || is_surrogate(cp)) return false;
    i += length;
    return true;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

}  // namespace

std::optional<u16string> utf8_to_utf16(std::string_view utf8, utf_error* error) {
    // Sized once for the worst case (one code unit per byte), trimmed at the end: no
    // per-character growth on the hot path.
    u16string out(utf8.size(), utf16_char{});
    std::size_t written = 0;
    std::size_t i = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
    while (i < utf8.size()) {
        // HCS documents are almost entirely ASCII: widen eight bytes at a time while the
        // whole word is ASCII.
        while (i + 8 <= utf8.size()) {
            std::uint64_t word;
            std::memcpy(&word, bytes + i, sizeof word);
            if ((word & 0x8080808080808080ull) != 0) break;
            for (std::size_t k = 0; k < 8; ++k) out[written + k] = static_cast<utf16_char>(bytes[i + k]);
            written += 8;
            i += 8;
        }
        if (i >= utf8.size()) break;
        if (bytes[i] < 0x80) {
            out[written++] = static_cast<utf16_char>(bytes[i++]);
            continue;
        }
        const std::size_t start = i;
        char32_t cp = 0;
        if (!decode_utf8(utf8, i, cp)) {
            if (error != nullptr) error->offset = start;
            return std::nullopt;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[written++] = static_cast<utf16_char>(0xD800 + (cp >> 10));
            out[written++] = static_cast<utf16_char>(0xDC00 + (cp & 0x3FF));
        } else {
            out[written++] = static_cast<utf16_char>(cp);
        }
    }
    out.resize(written);
    return out;
}

std::optional<std::string> utf16_to_utf8(u16string_view utf16, utf_error* error) {
    std::string out;
    out.reserve(utf16.size());
    for (std::size_t i = 0; i < utf16.size(); ++i) {
        char32_t cp = static_cast<std::uint16_t>(utf16[i]);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            const bool has_low = i + 1 < utf16.size() &&
                                 static_cast<std::uint16_t>(utf16[i + 1]) >= 0xDC00 &&
                                 static_cast<std::uint16_t>(utf16[i + 1]) <= 0xDFFF;
            if (!has_low) {
                if (error != nullptr) error->offset = i;
                return std::nullopt;
            }
            const char32_t low = static_cast<std::uint16_t>(utf16[i + 1]);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            ++i;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            if (error != nullptr) error->offset = i;
            return std::nullopt;
        }
        append_utf8(out, cp);
    }
    return out;
}

bool is_valid_utf8(std::string_view utf8, utf_error* error) noexcept {
    std::size_t i = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
    while (i < utf8.size()) {
        while (i + 8 <= utf8.size()) {  // ASCII fast path, as in utf8_to_utf16
            std::uint64_t word;
            std::memcpy(&word, bytes + i, sizeof word);
            if ((word & 0x8080808080808080ull) != 0) break;
            i += 8;
        }
        if (i >= utf8.size()) break;
        const std::size_t start = i;
        char32_t cp = 0;
        if (!decode_utf8(utf8, i, cp)) {
            if (error != nullptr) error->offset = start;
            return false;
        }
    }
    return true;
}

std::size_t utf16_length(const utf16_char* s) noexcept {
    std::size_t n = 0;
    while (s[n] != 0) ++n;
    return n;
}

}  // namespace zlhcs::common
