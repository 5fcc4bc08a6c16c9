// zlhcs C++ facade - memory that zlhcs allocates for the caller.
//
// Every char** out-parameter of the C ABI returns memory owned by the caller and released
// with zlhcs_free(). unique_string owns such a pointer; out_string is the adapter to pass to
// a C call's out-parameter; take_string() copies one into a std::string and frees it.
// Ownership is unique (move-only, like std::unique_ptr); one object is not to be used from
// several threads at once; nothing here throws except std::bad_alloc from copies.
#pragma once

#include <zlhcs/config.hpp>

#include <memory>
#include <string>

namespace zlhcs {

/// Deleter calling zlhcs_free().
struct free_deleter {
    void operator()(void* memory) const noexcept { (void)zlhcs_free(memory); }
};

/// Owns a NUL-terminated string allocated by zlhcs.
using unique_string = std::unique_ptr<char, free_deleter>;

/// Copies a zlhcs-allocated string into a std::string and frees it (also if the copy
/// throws). nullptr yields "".
inline std::string take_string(char* text) {
    const unique_string owner(text);
    return owner ? std::string(owner.get()) : std::string();
}

/// An out-parameter for a zlhcs call returning a string:
///     out_string doc;  zlhcs_operation_result(op, doc.put());  std::string s = doc.str();
/// The memory is freed when the out_string dies (or on the next put()).
class out_string {
public:
    out_string() noexcept = default;
    out_string(const out_string&) = delete;
    out_string& operator=(const out_string&) = delete;
    ~out_string() { reset(); }

    /// Frees any previous string and returns the address to pass as char**.
    [[nodiscard]] char** put() noexcept {
        reset();
        return &text_;
    }
    [[nodiscard]] const char* get() const noexcept { return text_; }
    /// A copy of the string ("" if zlhcs returned none).
    [[nodiscard]] std::string str() const { return text_ != nullptr ? std::string(text_) : std::string(); }
    /// Gives up ownership.
    [[nodiscard]] unique_string release() noexcept {
        unique_string owner(text_);
        text_ = nullptr;
        return owner;
    }
    void reset() noexcept {
        free_deleter{}(text_);
        text_ = nullptr;
    }

private:
    char* text_ = nullptr;
};

}  // namespace zlhcs
