// The checks every export makes before it hands over to core: one way to reject an argument,
// one way to resolve a handle, one way to get the backend. Each records the thread's last
// error and returns from the calling export, like libgit2's GIT_ASSERT_ARG.
#pragma once

#include "guard.hpp"

#include "../backend/backend.hpp"
#include "../core/registry.hpp"

#include <memory>
#include <string>

namespace zlhcs::api {

/// "`name` must not be NULL" as ZLHCS_E_INVALID_ARGUMENT.
inline zlhcs_hresult null_argument(const char* name) {
    return core::fail(ZLHCS_E_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
}

/// Which table holds a kind of object, and how messages name it.
template <typename Object>
struct handle_traits;
template <>
struct handle_traits<core::system_object> {
    static constexpr const char* name = "compute system";
    static auto& table() noexcept { return core::systems(); }
};
template <>
struct handle_traits<core::process_object> {
    static constexpr const char* name = "process";
    static auto& table() noexcept { return core::processes(); }
};
template <>
struct handle_traits<core::operation_object> {
    static constexpr const char* name = "operation";
    static auto& table() noexcept { return core::operations(); }
};
template <>
struct handle_traits<core::subscription_object> {
    static constexpr const char* name = "subscription";
    static auto& table() noexcept { return core::subscriptions(); }
};

/// The live object behind `handle`, or nullptr with ZLHCS_E_INVALID_HANDLE recorded.
template <typename Object>
std::shared_ptr<Object> resolve(zlhcs_handle handle) {
    auto object = handle_traits<Object>::table().find(handle);
    if (object == nullptr) (void)invalid_handle(handle_traits<Object>::name, handle);
    return object;
}

/// Takes `handle` out of its table (a close), or nullptr with ZLHCS_E_INVALID_HANDLE recorded.
template <typename Object>
std::shared_ptr<Object> take(zlhcs_handle handle) {
    auto object = handle_traits<Object>::table().remove(handle);
    if (object == nullptr) (void)invalid_handle(handle_traits<Object>::name, handle);
    return object;
}

}  // namespace zlhcs::api

/// Returns ZLHCS_E_INVALID_ARGUMENT ("x must not be NULL") from the export if `pointer` is NULL.
#define ZLHCS_ARG_NOT_NULL(pointer)                                                       \
    do {                                                                                  \
        if ((pointer) == nullptr) return ::zlhcs::api::null_argument(#pointer);           \
    } while (false)

/// Declares `var`, the live Object behind `handle`, or returns ZLHCS_E_INVALID_HANDLE.
#define ZLHCS_RESOLVE(var, Object, handle)                                                \
    const auto var = ::zlhcs::api::resolve<Object>(handle);                               \
    if (var == nullptr) return ZLHCS_E_INVALID_HANDLE

/// Declares `var`, the backend table, or returns ZLHCS_E_BACKEND_UNAVAILABLE (recorded by
/// backend::get()).
#define ZLHCS_BACKEND(var)                                                                \
    const ::zlhcs::backend::table* const var = ::zlhcs::backend::get();                   \
    if (var == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE
