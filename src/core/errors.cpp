#include "errors.hpp"

#include "caller_struct.hpp"
#include "hcs_document.hpp"

#include <cstdio>
#include <cstring>
#include <utility>

namespace zlhcs::core {
namespace {

struct code_info {
    std::uint32_t code;
    zlhcs_error_category category;
    const char* text;
};

constexpr std::uint32_t hcs_code(zlhcs_hresult code) { return static_cast<std::uint32_t>(code); }

// HCSHResult.md, plus zlhcs's own codes and the Win32 codes HCS commonly returns: generated from
// src/core/error_codes.json (edit that, then run scripts/generate_api.py). Every code zlhcs.h
// names has a row, by its name (scripts/generate_api.py --check says so); the other Win32 codes
// are written as numbers.
constexpr code_info known_codes[] = {
#include "error_codes.inc"
};

constexpr std::uint32_t hcs_facility_mask = 0x0FFF0000u;
constexpr std::uint32_t hcs_facility = 0x00370000u;
constexpr std::uint32_t severity_bit_n = 0x40000000u;

std::uint32_t normalize(zlhcs_hresult code) noexcept {
    return static_cast<std::uint32_t>(normalize_hcs_code(code));
}

const code_info* find(zlhcs_hresult code) noexcept {
    const std::uint32_t value = normalize(code);
    for (const auto& info : known_codes) {
        if (info.code == value) return &info;
    }
    return nullptr;
}

struct thread_error {
    bool set = false;
    zlhcs_hresult code = 0;
    std::string message;
    std::string function;
    std::string document;
    // Out of memory is reported without allocating: static texts stand in for the strings.
    const char* fixed_message = nullptr;
    const char* fixed_function = nullptr;
};

thread_error& this_thread_error() noexcept {
    thread_local thread_error error;
    return error;
}

std::string hex(zlhcs_hresult code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(code));
    return buffer;
}

// HCS's error documents carry the useful text in ErrorMessage.
std::string error_message_of(const std::string& document) {
    if (document.empty()) return {};
    return hcs_document(document).string("ErrorMessage").value_or(std::string());
}

}  // namespace

zlhcs_hresult normalize_hcs_code(zlhcs_hresult code) noexcept {
    auto value = static_cast<std::uint32_t>(code);
    if ((value & hcs_facility_mask) == hcs_facility) value &= ~severity_bit_n;
    return static_cast<zlhcs_hresult>(value);
}

zlhcs_error_category classify(zlhcs_hresult code) noexcept {
    if (code >= 0) return ZLHCS_CATEGORY_NONE;
    const code_info* info = find(code);
    return info != nullptr ? info->category : ZLHCS_CATEGORY_OTHER;
}

bool matches(zlhcs_hresult code, std::uint32_t category) noexcept {
    if (code >= 0) return category == ZLHCS_CATEGORY_NONE;
    if (static_cast<std::uint32_t>(classify(code)) == category) return true;
    const std::uint32_t value = normalize(code);
    // hcsshim's predicates (internal/hcs/errors.go): IsAlreadyStopped includes ERROR_NOT_FOUND
    // ("can mean that a Process has either already exited, or does not exist"); IsNotSupported
    // includes what a host answers to a request it does not know.
    switch (category) {
    case ZLHCS_CATEGORY_ALREADY_STOPPED:
        return value == 0x80070490u;
    case ZLHCS_CATEGORY_NOT_SUPPORTED:
        return value == 0x8037010Du || value == 0x8007000Du || value == 0x80070032u ||
               value == 0x8037010Bu;
    default:
        return false;
    }
}

std::string describe(zlhcs_hresult code) {
    if (code == 0) return "Success";
    if (code == 1) return "Success (nothing to do)";
    if (const code_info* info = find(code)) return info->text;
    return (code < 0 ? "Unknown failure " : "Unknown success code ") + hex(code);
}

zlhcs_hresult fail(zlhcs_hresult code, std::string message, std::string function,
                   std::string document) noexcept {
    thread_error& error = this_thread_error();
    error.set = true;
    error.code = code;
    error.message = std::move(message);
    error.function = std::move(function);
    error.document = std::move(document);
    error.fixed_message = nullptr;
    error.fixed_function = nullptr;
    return code;
}

zlhcs_hresult fail_out_of_memory(const char* function) noexcept {
    thread_error& error = this_thread_error();
    error.set = true;
    error.code = ZLHCS_E_OUT_OF_MEMORY;
    error.message.clear();  // clear() keeps the capacity: no allocation, no release
    error.function.clear();
    error.document.clear();
    error.fixed_message = "out of memory";
    error.fixed_function = function;
    return ZLHCS_E_OUT_OF_MEMORY;
}

std::string hcs_failure_message(zlhcs_hresult code, std::string_view function,
                                const std::string& document) {
    std::string message(function);
    message += " failed with " + hex(code) + ": " + describe(code);
    const std::string detail = error_message_of(document);
    if (!detail.empty()) message += " (" + detail + ")";
    return message;
}

zlhcs_hresult fail_hcs(zlhcs_hresult code, std::string_view function,
                       std::string document) noexcept {
    std::string message = hcs_failure_message(code, function, document);  // out of memory: fatal
    return fail(code, std::move(message), std::string(function), std::move(document));
}

last_error_scope::last_error_scope() {
    const thread_error& error = this_thread_error();
    set_ = error.set;
    fixed_message_ = error.fixed_message;
    fixed_function_ = error.fixed_function;
    code_ = error.code;
    message_ = error.message;
    function_ = error.function;
    document_ = error.document;
}

last_error_scope::~last_error_scope() {
    thread_error& error = this_thread_error();
    error.set = set_;
    error.code = code_;
    error.message = std::move(message_);
    error.function = std::move(function_);
    error.document = std::move(document_);
    error.fixed_message = fixed_message_;
    error.fixed_function = fixed_function_;
}

void fill_error(zlhcs_error& out, std::uint32_t size, zlhcs_hresult code, const char* message,
                const char* function, const char* document) noexcept {
    zlhcs_error filled{};
    filled.code = code;
    filled.category = static_cast<std::uint32_t>(classify(code));
    filled.message = message;
    filled.function = function;
    filled.result_document = document;
    write_caller_struct(out, filled, size);
}

zlhcs_hresult last_error(zlhcs_error* out) noexcept {
    // Deliberately records nothing on bad input: the last error is what the caller is after.
    if (out == nullptr || out->struct_size < ZLHCS_ERROR_SIZE_V1) return ZLHCS_E_INVALID_ARGUMENT;
    const std::uint32_t size =
        out->struct_size < sizeof(zlhcs_error) ? out->struct_size : static_cast<std::uint32_t>(sizeof(zlhcs_error));
    const thread_error& error = this_thread_error();
    fill_error(*out, size, error.set ? error.code : 0,
               error.fixed_message != nullptr ? error.fixed_message : error.message.c_str(),
               error.fixed_function != nullptr ? error.fixed_function : error.function.c_str(),
               error.document.c_str());
    return error.set ? ZLHCS_S_OK : ZLHCS_S_FALSE;
}

void clear_last_error() noexcept {
    thread_error& error = this_thread_error();
    error.set = false;
    error.code = 0;
    error.message.clear();
    error.function.clear();
    error.document.clear();
    error.fixed_message = nullptr;
    error.fixed_function = nullptr;
}

}  // namespace zlhcs::core
