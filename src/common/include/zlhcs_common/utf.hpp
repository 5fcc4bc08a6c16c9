// Strict UTF-8 <-> UTF-16 conversion, shared by the zlhcs core and hcsim.
//
// Strict means: overlong forms, surrogates encoded in UTF-8, code points above U+10FFFF,
// truncated sequences and unpaired UTF-16 surrogates are errors, never replaced silently.
// HCS speaks UTF-16 (PCWSTR); zlhcs's ABI speaks UTF-8.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zlhcs::common {

#ifdef _WIN32
using utf16_char = wchar_t;
#else
using utf16_char = char16_t;
#endif
static_assert(sizeof(utf16_char) == 2, "HCS strings are UTF-16");

using u16string = std::basic_string<utf16_char>;
using u16string_view = std::basic_string_view<utf16_char>;

/// Where a conversion failed: the byte (UTF-8) or code-unit (UTF-16) offset of the bad input.
struct utf_error {
    std::size_t offset = 0;
};

/// UTF-8 -> UTF-16. Returns nullopt and sets *error on invalid input.
[[nodiscard]] std::optional<u16string> utf8_to_utf16(std::string_view utf8,
                                                     utf_error* error = nullptr);

/// UTF-16 -> UTF-8. Returns nullopt and sets *error on an unpaired surrogate.
[[nodiscard]] std::optional<std::string> utf16_to_utf8(u16string_view utf16,
                                                       utf_error* error = nullptr);

/// Whether `utf8` is valid UTF-8 (the same strict rules as utf8_to_utf16, without
/// converting). Sets *error to the offset of the first bad sequence when it is not.
[[nodiscard]] bool is_valid_utf8(std::string_view utf8, utf_error* error = nullptr) noexcept;

/// Length of a NUL-terminated UTF-16 string.
[[nodiscard]] std::size_t utf16_length(const utf16_char* s) noexcept;

}  // namespace zlhcs::common
