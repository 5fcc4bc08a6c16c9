// zlhcs C++ facade - string arguments crossing the C boundary.
//
// string_arg is a by-value parameter type only (it may point into the caller's string for the
// duration of the call); it never throws except std::bad_alloc when it copies a string_view.
#pragma once

#include <zlhcs/config.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace zlhcs {

/// A UTF-8 string argument for a zlhcs call: accepts a `const char*` (may be nullptr), a
/// `std::string` (no copy) or a `std::string_view` (copied, to add the terminating NUL).
/// Used only as a function parameter: it may point into the caller's string, which must
/// outlive the call (it does, for any argument expression).
///
/// For optional JSON parameters (options, query) both nullptr and "" mean "none" and reach
/// zlhcs as NULL.
class string_arg {
public:
    string_arg() noexcept = default;
    string_arg(std::nullptr_t) noexcept {}                         // NOLINT: implicit by design
    string_arg(const char* text) noexcept : pointer_(text) {}      // NOLINT: implicit by design
    string_arg(const std::string& text) noexcept : pointer_(text.c_str()) {}  // NOLINT
    string_arg(std::string_view text) : owned_(text), is_owned_(true) {}     // NOLINT

    /// The NUL-terminated string, or nullptr if none was given.
    [[nodiscard]] const char* c_str() const noexcept {
        return is_owned_ ? owned_.c_str() : pointer_;
    }

    /// nullptr if no string or an empty one was given (for optional parameters).
    [[nodiscard]] const char* c_str_or_null() const noexcept {
        const char* text = c_str();
        return (text == nullptr || *text == '\0') ? nullptr : text;
    }

    [[nodiscard]] bool empty() const noexcept {
        const char* text = c_str();
        return text == nullptr || *text == '\0';
    }

private:
    const char* pointer_ = nullptr;
    std::string owned_;
    bool is_owned_ = false;
};

}  // namespace zlhcs
