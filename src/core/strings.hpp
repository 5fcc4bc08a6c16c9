// Strings across the boundary: UTF-8 in from the caller, UTF-16 to HCS, and memory handed to
// the caller (freed with zlhcs_free).
#pragma once

#include <zlhcs/zlhcs.h>
#include <zlhcs_common/utf.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace zlhcs::core {

/// Upper bound for any JSON document or string passed in (HCS documents are kilobytes).
inline constexpr std::size_t max_input_bytes = ZLHCS_MAX_INPUT_BYTES;

/// A UTF-8 argument converted for HCS. `null` is true when the caller passed NULL, so the
/// call can pass NULL on (HCS treats NULL and "" differently for some parameters).
struct wide_argument {
    common::u16string text;
    bool null = true;
    [[nodiscard]] const common::utf16_char* c_str() const noexcept {
        return null ? nullptr : text.c_str();
    }
};

/// Converts a UTF-8 string argument. On failure records the last error (naming `parameter`)
/// and returns the failure code: ZLHCS_E_INVALID_ARGUMENT (NULL where required),
/// ZLHCS_E_TOO_LARGE, ZLHCS_E_INVALID_UTF8.
zlhcs_hresult to_wide(const char* utf8, const char* parameter, bool required,
                      wide_argument& out);

/// As to_wide(), and also checks the text is well-formed JSON (RapidJSON, SAX, iterative so
/// deep nesting cannot exhaust the stack) without a lone surrogate escaped in a string
/// (lone_surrogate.hpp) -> HCS_E_INVALID_JSON with the offset and reason.
/// An optional document (`required` false) that is "" or JSON whitespace only is absent, as
/// NULL is (out.null).
zlhcs_hresult json_to_wide(const char* utf8, const char* parameter, bool required,
                           wide_argument& out);

/// `size` bytes the caller frees with zlhcs_free(), counted as handed out (zlhcs_debug_counts)
/// until then. Throws std::bad_alloc.
[[nodiscard]] void* allocate_for_caller(std::size_t size);

/// zlhcs_free(): releases memory allocate_for_caller() handed out (NULL: nothing).
void free_from_caller(void* memory) noexcept;

/// Copies `text` into memory the caller frees with zlhcs_free().
[[nodiscard]] char* duplicate_for_caller(std::string_view text);

/// UTF-16 from HCS -> UTF-8. HCS never sends unpaired surrogates; if a backend does, they are
/// replaced by U+FFFD rather than losing the whole document.
[[nodiscard]] std::string from_wide(const common::utf16_char* text);

}  // namespace zlhcs::core
