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
//
// Across modules
//   The facade is header-only: every module (EXE or DLL, or a .so built with hidden
//   visibility) that includes it has its OWN zlhcs::category() and condition_category()
//   objects, and std::error_category's operator== is not virtual: it compares addresses. As in
//   Boost.System (1.69+: error_category(unsigned long long id)), each zlhcs category therefore
//   carries a 64-bit id (detail::identified_category), and the categories' equivalent()
//   overloads recognise another module's instance by that id (through dynamic_cast, so RTTI
//   must be on; without RTTI, by name). What works for a std::error_code `ec` made in one module
//   and compared in another:
//     ec == zlhcs::errc::not_found           yes (condition of any module)
//     ec == std::errc::timed_out             yes (also with a static C++ runtime per DLL: the
//                                            generic category is recognised by name too)
//     ec == other_ec.default_error_condition()  yes (error_code == error_condition)
//     zlhcs::hresult_of(ec), zlhcs::same_error(ec, other_ec), zlhcs::is_hresult_category(
//     ec.category()), e.hresult(), e.condition()   yes (the facade's helpers)
//     ec == other_ec                          NO: std::error_code == std::error_code compares
//                                            the category objects' addresses; use same_error()
//     ec.category() == zlhcs::category()      NO (addresses); use is_hresult_category()
//     condition == other_condition            NO (std::error_condition ==, addresses)
//   Within one module all of them work.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/memory.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#if defined(__GXX_RTTI) || defined(_CPPRTTI) || defined(__cpp_rtti)
#define ZLHCS_HAS_RTTI 1
#else
#define ZLHCS_HAS_RTTI 0
#endif

// The identified category's type must be one type across modules for dynamic_cast: on ELF
// its type information is exported (default visibility) even when a module hides its symbols.
#if defined(_WIN32) || !defined(__GNUC__)
#define ZLHCS_FACADE_SHARED_TYPE
#else
#define ZLHCS_FACADE_SHARED_TYPE __attribute__((visibility("default")))
#endif

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

/// The ids of zlhcs's categories (as Boost.System's): they name the value space (HRESULTs,
/// zlhcs_error_category values), which never changes, so any version of the facade in any
/// module recognises any other's.
inline constexpr std::uint64_t hresult_category_id = 0x7A6C686373E40001ull;    // "zlhcs" HRESULTs
inline constexpr std::uint64_t condition_category_id = 0x7A6C686373E40002ull;  // zlhcs::errc

/// A std::error_category with a 64-bit id (Boost.System's design): another module's instance
/// of the same category has another address but the same id. The layout of this class (a
/// std::error_category and the id) never changes.
class ZLHCS_FACADE_SHARED_TYPE identified_category : public std::error_category {
public:
    [[nodiscard]] std::uint64_t id() const noexcept { return id_; }

protected:
    explicit constexpr identified_category(std::uint64_t id) noexcept : id_(id) {}
    ~identified_category() override = default;

private:
    std::uint64_t id_;
};

/// true if `category` is zlhcs's category `id` (named `name`): `local` (this module's
/// instance) or another module's. Never throws.
inline bool is_identified(const std::error_category& category, const std::error_category& local, std::uint64_t id,
                          const char* name) noexcept {
    if (&category == &local) return true;
#if ZLHCS_HAS_RTTI
    (void)name;
    const auto* identified = dynamic_cast<const identified_category*>(&category);
    return identified != nullptr && identified->id() == id;
#else
    (void)id;
    return std::strcmp(category.name(), name) == 0;
#endif
}

/// true for std::generic_category() of any module (a DLL linked with a static C++ runtime has
/// its own; its name is "generic" in every implementation).
inline bool is_generic(const std::error_category& category) noexcept {
    return category == std::generic_category() || std::strcmp(category.name(), "generic") == 0;
}

/// The DLL's classification of `code` (a zlhcs_error_category value).
inline int classify(zlhcs_hresult code) noexcept {
    if (code >= 0) return ZLHCS_CATEGORY_NONE;
    std::uint32_t category = ZLHCS_CATEGORY_OTHER;
    if (zlhcs_error_category_of(code, &category) < 0) return ZLHCS_CATEGORY_OTHER;
    return static_cast<int>(category);
}

/// zlhcs_error_describe's text of `code` ("" if it has none). The one place the facade calls it.
inline std::string describe(zlhcs_hresult code) {
    out_string text;
    if (zlhcs_error_describe(code, text.put()) < 0) return {};
    return text.str();
}

inline std::string hex_code(zlhcs_hresult code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(static_cast<std::uint32_t>(code)));
    return buffer;
}

/// zlhcs_error_describe's text of `code` with the code in hex, or a generic text naming it.
inline std::string describe_with_code(zlhcs_hresult code) {
    const std::string text = describe(code);
    if (!text.empty()) return text + " (" + hex_code(code) + ")";
    return "zlhcs error " + hex_code(code);
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

/// A message that is ready while a zlhcs::error is being made: its std::system_error base
/// asks the category for the message of the code, and gets this text instead of a second
/// zlhcs_error_describe call (see error's constructor).
struct ready_message {
    const std::error_category* category;
    int value;
    const std::string* text;
};

inline thread_local const ready_message* pending_message = nullptr;

/// Makes `text` the message of (category, value) on this thread for the scope of the object.
class ready_message_scope {
public:
    ready_message_scope(const std::error_code& code, const std::string& text) noexcept
        : code_(code), message_{&code.category(), code.value(), &text}, previous_(pending_message) {
        pending_message = &message_;
    }
    ready_message_scope(const ready_message_scope&) = delete;
    ready_message_scope& operator=(const ready_message_scope&) = delete;
    ~ready_message_scope() { pending_message = previous_; }

    [[nodiscard]] const std::error_code& code() const noexcept { return code_; }

private:
    std::error_code code_;
    ready_message message_;
    const ready_message* previous_;
};

class hresult_category_impl;
class condition_category_impl;

}  // namespace detail

/// The category of zlhcs::errc conditions (this module's instance; see the top of this file).
inline const std::error_category& condition_category() noexcept;
/// The std::error_category of zlhcs HRESULTs (this module's instance); its name() is "zlhcs".
inline const std::error_category& category() noexcept;

/// true if `category` is zlhcs's HRESULT category - this module's or another module's.
[[nodiscard]] inline bool is_hresult_category(const std::error_category& category) noexcept {
    return detail::is_identified(category, zlhcs::category(), detail::hresult_category_id,
                                 detail::hresult_category_name);
}

/// true if `category` is zlhcs's condition category (zlhcs::errc) - of any module.
[[nodiscard]] inline bool is_condition_category(const std::error_category& category) noexcept {
    return detail::is_identified(category, condition_category(), detail::condition_category_id,
                                 detail::condition_category_name);
}

namespace detail {

/// The category of zlhcs::errc conditions.
class condition_category_impl final : public identified_category {
public:
    constexpr condition_category_impl() noexcept : identified_category(condition_category_id) {}

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

    // An HRESULT of zlhcs's category - of this module or another's - matches the condition the
    // DLL classifies it as.
    bool equivalent(const std::error_code& code, int condition) const noexcept override {
        if (is_hresult_category(code.category())) return classify(static_cast<zlhcs_hresult>(code.value())) == condition;
        return std::error_category::equivalent(code, condition);
    }

    // A condition of another module's condition category with the same value.
    bool equivalent(int value, const std::error_condition& condition) const noexcept override {
        return is_condition_category(condition.category()) && condition.value() == value;
    }
};

/// The category of zlhcs HRESULTs (HCS_E_*, ZLHCS_E_*, the Win32 ones HCS returns).
class hresult_category_impl final : public identified_category {
public:
    constexpr hresult_category_impl() noexcept : identified_category(hresult_category_id) {}

    const char* name() const noexcept override { return hresult_category_name; }

    /// zlhcs_error_describe()'s text and the code in hex (while a zlhcs::error of this code is
    /// being made on this thread: its ready message).
    std::string message(int value) const override {
        const ready_message* ready = pending_message;
        if (ready != nullptr && ready->category == this && ready->value == value) return *ready->text;
        return describe_with_code(static_cast<zlhcs_hresult>(value));
    }

    std::error_condition default_error_condition(int value) const noexcept override {
        return {classify(static_cast<zlhcs_hresult>(value)), condition_category()};
    }

    // Matches the zlhcs::errc condition (of any module's condition category), and the std::errc
    // ones with the same meaning (timed_out, permission_denied, operation_canceled,
    // not_supported, invalid_argument, operation_in_progress).
    bool equivalent(int value, const std::error_condition& condition) const noexcept override {
        const int category = classify(static_cast<zlhcs_hresult>(value));
        if (is_condition_category(condition.category())) return category == condition.value();
        if (is_generic(condition.category())) {
            const int generic = generic_equivalent(category);
            return generic != 0 && generic == condition.value();
        }
        return false;
    }

    // A code of another module's zlhcs category with the same value (error_code ->
    // error_condition comparisons of HRESULT conditions).
    bool equivalent(const std::error_code& code, int value) const noexcept override {
        return is_hresult_category(code.category()) && code.value() == value;
    }
};

}  // namespace detail

inline const std::error_category& condition_category() noexcept {
    static const detail::condition_category_impl instance;
    return instance;
}

inline std::error_condition make_error_condition(errc condition) noexcept {
    return {static_cast<int>(condition), condition_category()};
}

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

/// The HRESULT of a code of zlhcs's category (of any module), std::nullopt for a code of
/// another category.
[[nodiscard]] inline std::optional<zlhcs_hresult> hresult_of(const std::error_code& code) noexcept {
    if (!is_hresult_category(code.category())) return std::nullopt;
    return static_cast<zlhcs_hresult>(code.value());
}

/// `a == b`, also when the codes come from different modules' zlhcs categories (std's
/// operator== compares category addresses; see the top of this file).
[[nodiscard]] inline bool same_error(const std::error_code& a, const std::error_code& b) noexcept {
    if (a == b) return true;
    return a.value() == b.value() && is_hresult_category(a.category()) && is_hresult_category(b.category());
}

/// A failed zlhcs call. code() is the HRESULT in zlhcs::category(); compare it with a
/// zlhcs::errc (that also works across modules; see the top of this file). The details are
/// copied when the error is made (from the failing thread's zlhcs_last_error(), or the
/// operation's result document), so the exception may cross threads and outlive further zlhcs
/// calls. Copies are cheap and do not throw. what() is composed once, when the error is made,
/// and the std::system_error base is built from that same text (std::system_error().what(),
/// e.g. of a sliced copy, says the same): making an error asks zlhcs_error_describe at most
/// once (only when zlhcs_last_error() has no message for the code).
class error : public std::system_error {
public:
    /// call: the zlhcs function that failed ("zlhcs_system_start"); message: what failed and
    /// why; function: the HCS entry point involved or ""; document: HCS's result document or "".
    error(zlhcs_hresult code, std::string call, std::string message, std::string function,
          std::string document)
        : error(make_details(code, std::move(call), std::move(message), std::move(function), std::move(document))) {}

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
        if (message.empty()) message = detail::describe_with_code(code);
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
        zlhcs_hresult code;
        std::string what;
        std::string call;
        std::string message;
        std::string function;
        std::string document;
    };

    // The base is built from the ready what() text: while it is made, the category's message()
    // returns that text (detail::ready_message_scope) instead of describing the code again.
    explicit error(std::shared_ptr<const details> ready)
        : std::system_error(detail::ready_message_scope(make_error_code(ready->code), ready->what).code()),
          details_(std::move(ready)) {}

    static std::shared_ptr<const details> make_details(zlhcs_hresult code, std::string call, std::string message,
                                                       std::string function, std::string document) {
        std::string what = make_what(code, call, message);
        return std::make_shared<const details>(details{code, std::move(what), std::move(call), std::move(message),
                                                       std::move(function), std::move(document)});
    }

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
