// The error model inside the DLL: classification of HRESULTs, descriptions, and the
// thread-local last error that zlhcs_last_error() reports.
#pragma once

#include <zlhcs/zlhcs.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace zlhcs::core {

/// vmcompute reports some HCS codes with the NT severity bit set (0xC037xxxx): they are the
/// same condition as 0x8037xxxx. Maps the former to the latter; other codes pass unchanged.
[[nodiscard]] zlhcs_hresult normalize_hcs_code(zlhcs_hresult code) noexcept;

/// The category of any HRESULT (HCS's in both severity forms, zlhcs's, common Win32 ones).
[[nodiscard]] zlhcs_error_category classify(zlhcs_hresult code) noexcept;

/// Whether `code` belongs to `category`: its primary one, or a secondary one as hcsshim's
/// predicates count it (zlhcs_error_matches).
[[nodiscard]] bool matches(zlhcs_hresult code, std::uint32_t category) noexcept;

/// A short English description of a code ("The operation did not complete in time").
[[nodiscard]] std::string describe(zlhcs_hresult code);

/// Records a failure as this thread's last error and returns `code`, so that failure paths
/// read `return fail(code, "...")`. `function` names the HCS entry point involved (or is
/// empty); `document` is HCS's result document (or empty).
zlhcs_hresult fail(zlhcs_hresult code, std::string message, std::string function = {},
                   std::string document = {}) noexcept;

/// Records ZLHCS_E_OUT_OF_MEMORY without allocating (`function` must be a static string).
zlhcs_hresult fail_out_of_memory(const char* function) noexcept;

/// The message of a failed HCS call: the code's description and, when the result document
/// has one, HCS's own ErrorMessage.
[[nodiscard]] std::string hcs_failure_message(zlhcs_hresult code, std::string_view function,
                                              const std::string& document);

/// Records the failure of an HCS call, building the message from the code's description and,
/// when the result document has one, HCS's own ErrorMessage. Out of memory for the message is
/// fatal (std::terminate: docs/internals.md, "Out of memory").
zlhcs_hresult fail_hcs(zlhcs_hresult code, std::string_view function,
                       std::string document) noexcept;

/// Puts this thread's last error back when it goes out of scope: internal clean-up that may
/// fail on its own must not replace the failure the caller is being told about.
class last_error_scope {
public:
    last_error_scope();
    ~last_error_scope();
    last_error_scope(const last_error_scope&) = delete;
    last_error_scope& operator=(const last_error_scope&) = delete;

private:
    bool set_ = false;
    zlhcs_hresult code_ = 0;
    std::string message_;
    std::string function_;
    std::string document_;
    const char* fixed_message_ = nullptr;
    const char* fixed_function_ = nullptr;
};

/// Fills the caller's zlhcs_error (`size` bytes of it, from writable_size()).
void fill_error(zlhcs_error& out, std::uint32_t size, zlhcs_hresult code, const char* message,
                const char* function, const char* document) noexcept;

/// Fills the caller's struct from this thread's last error.
zlhcs_hresult last_error(zlhcs_error* out) noexcept;
void clear_last_error() noexcept;

}  // namespace zlhcs::core
