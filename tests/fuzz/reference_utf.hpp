// A tiny reference UTF-8 / UTF-16 codec for the fuzz harnesses and tests/unit/utf_test.cpp, written to be obviously
// correct rather than fast, and independently of src/common/utf.cpp: UTF-8 is decoded by the
// table of well-formed byte sequences of the Unicode Standard (chapter 3, table 3-7), which
// names for each lead byte the exact range of every following byte, so overlong forms,
// surrogates and code points above U+10FFFF are excluded by construction, without any
// arithmetic check; UTF-16 by the definition of a surrogate pair.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zlhcs_fuzz::reference {

struct byte_range {
    unsigned char low;
    unsigned char high;
    [[nodiscard]] bool contains(unsigned char b) const { return b >= low && b <= high; }
};

/// One row of table 3-7: lead bytes [lead.low, lead.high], then the ranges of the bytes after.
struct sequence_form {
    byte_range lead;
    std::vector<byte_range> rest;
};

inline const std::vector<sequence_form>& well_formed_sequences() {
    static const std::vector<sequence_form> table = {
        {{0x00, 0x7F}, {}},
        {{0xC2, 0xDF}, {{0x80, 0xBF}}},
        {{0xE0, 0xE0}, {{0xA0, 0xBF}, {0x80, 0xBF}}},
        {{0xE1, 0xEC}, {{0x80, 0xBF}, {0x80, 0xBF}}},
        {{0xED, 0xED}, {{0x80, 0x9F}, {0x80, 0xBF}}},
        {{0xEE, 0xEF}, {{0x80, 0xBF}, {0x80, 0xBF}}},
        {{0xF0, 0xF0}, {{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
        {{0xF1, 0xF3}, {{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
        {{0xF4, 0xF4}, {{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}},
    };
    return table;
}

/// The code points of `utf8`, or nullopt with *bad_offset set to the byte offset where the
/// first ill-formed sequence starts.
inline std::optional<std::u32string> decode_utf8(std::string_view utf8, std::size_t* bad_offset) {
    std::u32string out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const sequence_form* form = nullptr;
        for (const sequence_form& candidate : well_formed_sequences()) {
            if (candidate.lead.contains(lead)) form = &candidate;
        }
        bool ok = form != nullptr && utf8.size() - i > form->rest.size();
        for (std::size_t k = 0; ok && k < form->rest.size(); ++k) {
            ok = form->rest[k].contains(static_cast<unsigned char>(utf8[i + 1 + k]));
        }
        if (!ok) {
            *bad_offset = i;
            return std::nullopt;
        }
        // The payload bits: the lead keeps 7, 5, 4 or 3 bits for 1, 2, 3 or 4 bytes; each
        // following byte 6.
        static constexpr unsigned lead_mask[] = {0x7F, 0x1F, 0x0F, 0x07};
        char32_t cp = lead & lead_mask[form->rest.size()];
        for (std::size_t k = 0; k < form->rest.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + 1 + k]) & 0x3F);
        }
        out.push_back(cp);
        i += 1 + form->rest.size();
    }
    return out;
}

inline bool is_high_surrogate(std::uint16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
inline bool is_low_surrogate(std::uint16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

/// The code points of `utf16`, or nullopt with *bad_index set to the index of the first
/// unpaired surrogate.
inline std::optional<std::u32string> decode_utf16(const std::vector<std::uint16_t>& utf16, std::size_t* bad_index) {
    std::u32string out;
    for (std::size_t i = 0; i < utf16.size(); ++i) {
        const std::uint16_t unit = utf16[i];
        if (is_high_surrogate(unit) && i + 1 < utf16.size() && is_low_surrogate(utf16[i + 1])) {
            out.push_back(0x10000 + ((char32_t{unit} - 0xD800) << 10) + (char32_t{utf16[i + 1]} - 0xDC00));
            ++i;
        } else if (is_high_surrogate(unit) || is_low_surrogate(unit)) {
            *bad_index = i;
            return std::nullopt;
        } else {
            out.push_back(unit);
        }
    }
    return out;
}

/// UTF-8 of scalar values (the caller passes decoded text: no surrogates, nothing above
/// U+10FFFF).
inline std::string encode_utf8(std::u32string_view code_points) {
    std::string out;
    for (const char32_t cp : code_points) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

/// UTF-16 of scalar values.
inline std::vector<std::uint16_t> encode_utf16(std::u32string_view code_points) {
    std::vector<std::uint16_t> out;
    for (const char32_t cp : code_points) {
        if (cp < 0x10000) {
            out.push_back(static_cast<std::uint16_t>(cp));
        } else {
            out.push_back(static_cast<std::uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
            out.push_back(static_cast<std::uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        }
    }
    return out;
}

/// Whether `text` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view text) {
    std::size_t ignored = 0;
    return decode_utf8(text, &ignored).has_value();
}

}  // namespace zlhcs_fuzz::reference
