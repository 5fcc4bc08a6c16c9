// zlhcs C++ facade - errors.
//
// Every zlhcs failure surfaces as a zlhcs::error, a std::system_error whose code() is the
// HRESULT in zlhcs::category(). Compare it with a portable condition rather than a raw code:
//
//     catch (const zlhcs::error& e) {
//         if (e.code() == zlhcs::errc::invalid_state) ...   // HCS_E_INVALID_STATE, 0xC0370105...
//         if (e.code() == std::errc::timed_out) ...         // the std conditions that apply
//         log(e.what(), e.function(), e.result_document());
//     }
//
// zlhcs::errc mirrors zlhcs_error_category; the classification itself is the DLL's
// (zlhcs_error_category_of), so both severity forms of an HCS code match alike.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/memory.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

namespace zlhcs {

/// The conditions a caller acts on (values equal zlhcs_error_category's).
enum class errc : int {
    not_found = ZLHCS_CATEGORY_NOT_FOUND,
    access_denied = ZLHCS_CATEGORY_ACCESS_DENIED,
    invalid_json = ZLHCS_CATEGORY_INVALID_JSON,
    invalid_state = ZLHCS_CATEGORY_INVALID_STATE,
    already_exists = ZLHCS_CATEGORY_ALREADY_EXISTS,
    already_stopped = ZLHCS_CATEGORY_ALREADY_STOPPED,
    timeout = ZLHCS_CATEGORY_TIMEOUT,
    pending = ZLHCS_CATEGORY_PENDING,
    cancelled = ZLHCS_CATEGORY_CANCELLED,
    service_unavailable = ZLHCS_CATEGORY_SERVICE_UNAVAILABLE,
    not_supported = ZLHCS_CATEGORY_NOT_SUPPORTED,
    invalid_argument = ZLHCS_CATEGORY_INVALID_ARGUMENT,
    invalid_handle = ZLHCS_CATEGORY_INVALID_HANDLE,
    other = ZLHCS_CATEGORY_OTHER,
};

namespace detail {

inline constexpr const char* hresult_category_name = "zlhcs";
inline constexpr const char* condition_category_name = "zlhcs.condition";

/// The DLL's classification of `code` (a zlhcs_error_category value).
inline int classify(zlhcs_hresult code) noexcept {
    if (code >= 0) return ZLHCS_CATEGORY_NONE;
    std::uint32_t category = ZLHCS_CATEGORY_OTHER;
    if (zlhcs_error_category_of(code, &category) < 0) return ZLHCS_CATEGORY_OTHER;
    return static_cast<int>(category);
}

inline std::string hex_code(zlhcs_hresult code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(static_cast<std::uint32_t>(code)));
    return buffer;
}

/// The std::errc a zlhcs category also matches, or 0 (no generic equivalent).
inline int generic_equivalent(int category) noexcept {
    switch (category) {
        case ZLHCS_CATEGORY_ACCESS_DENIED: return static_cast<int>(std::errc::permission_denied);
        case ZLHCS_CATEGORY_TIMEOUT: return static_cast<int>(std::errc::timed_out);
        case ZLHCS_CATEGORY_PENDING: return static_cast<int>(std::errc::operation_in_progress);
        case ZLHCS_CATEGORY_CANCELLED: return static_cast<int>(std::errc::operation_canceled);
        case ZLHCS_CATEGORY_NOT_SUPPORTED: return static_cast<int>(std::errc::not_supported);
        case ZLHCS_CATEGORY_INVALID_ARGUMENT: return static_cast<int>(std::errc::invalid_argument);
        default: break;
    }
    return 0;
}

/// The category of zlhcs::errc conditions.
class condition_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return condition_category_name; }

    std::string message(int condition) const override {
        switch (static_cast<errc>(condition)) {
            case errc::not_found: return "not found";
            case errc::access_denied: return "access denied";
            case errc::invalid_json: return "invalid JSON document";
            case errc::invalid_state: return "invalid state for the operation";
            case errc::already_exists: return "already exists";
            case errc::already_stopped: return "already stopped";
            case errc::timeout: return "timed out";
            case errc::pending: return "operation pending";
            case errc::cancelled: return "cancelled";
            case errc::service_unavailable: return "compute service unavailable";
            case errc::not_supported: return "not supported";
            case errc::invalid_argument: return "invalid argument";
            case errc::invalid_handle: return "invalid handle";
            case errc::other: return "other failure";
        }
        return condition == 0 ? "success" : "unknown zlhcs condition";
    }

    // An HRESULT of zlhcs::category() - also one from another module's copy of it (the
    // facade is header-only, so each module has its own category object) - matches the
    // condition the DLL classifies it as.
    bool equivalent(const std::error_code& code, int condition) const noexcept override {
        if (std::strcmp(code.category().name(), hresult_category_name) == 0)
            return classify(static_cast<zlhcs_hresult>(code.value())) == condition;
        return std::error_category::equivalent(code, condition);
    }
};

}  // namespace detail

/// The category of zlhcs::errc conditions.
inline const std::error_category& condition_category() noexcept {
    static const detail::condition_category_impl instance;
    return instance;
}

inline std::error_condition make_error_condition(errc condition) noexcept {
    return {static_cast<int>(condition), condition_category()};
}

namespace detail {

/// The category of zlhcs HRESULTs (HCS_E_*, ZLHCS_E_*, the Win32 ones HCS returns).
class hresult_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return hresult_category_name; }

    /// zlhcs_error_describe()'s text and the code in hex.
    std::string message(int value) const override {
        const auto code = static_cast<zlhcs_hresult>(value);
        out_string text;
        if (zlhcs_error_describe(code, text.put()) >= 0 && text.get() != nullptr && *text.get() != '\0')
            return text.str() + " (" + hex_code(code) + ")";
        return "zlhcs error " + hex_code(code);
    }

    std::error_condition default_error_condition(int value) const noexcept override {
        return {classify(static_cast<zlhcs_hresult>(value)), condition_category()};
    }

    // Matches the zlhcs::errc condition, and the std::errc ones with the same meaning
    // (timed_out, permission_denied, operation_canceled, not_supported, invalid_argument,
    // operation_in_progress).
    bool equivalent(int value, const std::error_condition& condition) const noexcept override {
        const int category = classify(static_cast<zlhcs_hresult>(value));
        if (condition.category() == condition_category() ||
            std::strcmp(condition.category().name(), condition_category_name) == 0)
            return category == condition.value();
        if (condition.category() == std::generic_category()) {
            const int generic = generic_equivalent(category);
            return generic != 0 && generic == condition.value();
        }
        return false;
    }
};

}  // namespace detail

/// The std::error_category of zlhcs HRESULTs; its name() is "zlhcs".
inline const std::error_category& category() noexcept {
    static const detail::hresult_category_impl instance;
    return instance;
}

/// A std::error_code for a zlhcs HRESULT.
inline std::error_code make_error_code(zlhcs_hresult code) noexcept {
    return {static_cast<int>(code), category()};
}

/// The condition (zlhcs::errc) of a code; errc{} (0) for success.
inline errc condition_of(zlhcs_hresult code) noexcept {
    return static_cast<errc>(detail::classify(code));
}

/// A failed zlhcs call. code() is the HRESULT in zlhcs::category(); compare it with a
/// zlhcs::errc. The details are copied when the error is made (from the failing thread's
/// zlhcs_last_error(), or the operation's result document), so the exception may cross
/// threads and outlive further zlhcs calls. Copies are cheap and do not throw.
class error : public std::system_error {
public:
    /// call: the zlhcs function that failed ("zlhcs_system_start"); message: what failed and
    /// why; function: the HCS entry point involved or ""; document: HCS's result document or "".
    error(zlhcs_hresult code, std::string call, std::string message, std::string function,
          std::string document)
        : std::system_error(make_error_code(code)),
          details_(std::make_shared<const details>(details{make_what(code, call, message), std::move(call),
                                                           std::move(message), std::move(function),
                                                           std::move(document)})) {}

    /// "<call>: <message>", with the code in hex if the message lacks it.
    const char* what() const noexcept override { return details_->what.c_str(); }

    /// The failing call's error as recorded in this thread's zlhcs_last_error(), if it is the
    /// last error (its code is `code`); else a description of `code`. A non-empty `document`
    /// (e.g. a failed operation's own result document) takes precedence over the recorded one.
    [[nodiscard]] static error from_last_error(zlhcs_hresult code, const char* call,
                                               std::string document = {}) {
        zlhcs_error last{};
        last.struct_size = sizeof last;
        std::string message;
        std::string function;
        std::string recorded_document;
        if (zlhcs_last_error(&last) == ZLHCS_S_OK && last.code == code) {
            if (last.message != nullptr) message = last.message;
            if (last.function != nullptr) function = last.function;
            if (last.result_document != nullptr) recorded_document = last.result_document;
        }
        if (message.empty()) message = category().message(code);
        if (document.empty()) document = std::move(recorded_document);
        return error(code, call != nullptr ? call : "", std::move(message), std::move(function),
                     std::move(document));
    }

    /// The HRESULT.
    [[nodiscard]] zlhcs_hresult hresult() const noexcept { return static_cast<zlhcs_hresult>(code().value()); }
    /// The condition the HRESULT belongs to.
    [[nodiscard]] errc condition() const noexcept { return condition_of(hresult()); }
    /// The zlhcs C function the facade called ("" if unknown).
    [[nodiscard]] const std::string& call() const noexcept { return details_->call; }
    /// What failed and why (zlhcs_last_error's message, else the code's description).
    [[nodiscard]] const std::string& message() const noexcept { return details_->message; }
    /// The HCS entry point involved (e.g. "HcsStartComputeSystem"), or "".
    [[nodiscard]] const std::string& function() const noexcept { return details_->function; }
    /// HCS's JSON result document (Error, ErrorMessage, ErrorEvents), or "": HCS does not
    /// guarantee one (HcsGetOperationResult.md), so code and message() must suffice.
    [[nodiscard]] const std::string& result_document() const noexcept { return details_->document; }

private:
    struct details {
        std::string what;
        std::string call;
        std::string message;
        std::string function;
        std::string document;
    };

    static std::string make_what(zlhcs_hresult code, const std::string& call, const std::string& message) {
        std::string text = call.empty() ? message : call + ": " + message;
        const std::string hex = detail::hex_code(code);
        if (message.find(hex) == std::string::npos && message.find(hex.substr(2)) == std::string::npos)
            text += " (" + hex + ")";
        return text;
    }

    std::shared_ptr<const details> details_;
};

/// Throws zlhcs::error for a failed `code` (see error::from_last_error).
[[noreturn]] inline void throw_error(zlhcs_hresult code, const char* call = nullptr,
                                     std::string document = {}) {
    throw error::from_last_error(code, call, std::move(document));
}

/// Throws zlhcs::error if `code` is a failure; returns it (S_OK or S_FALSE) otherwise.
/// Call it right after the failing zlhcs call, on the same thread (it reads the last error).
inline zlhcs_hresult check(zlhcs_hresult code, const char* call = nullptr) {
    if (code < 0) throw_error(code, call);
    return code;
}

}  // namespace zlhcs

namespace std {
template <>
struct is_error_condition_enum<zlhcs::errc> : true_type {};
}  // namespace std
