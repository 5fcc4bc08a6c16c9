// Exports: event subscriptions and exit watches.
#include "guard.hpp"

#include "../core/registry.hpp"

namespace {

using namespace zlhcs::core;

zlhcs_hresult require_out(const void* out, const char* name) {
    if (out != nullptr) return ZLHCS_S_OK;
    return fail(ZLHCS_E_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
}

std::shared_ptr<subscription_object> find_subscription(zlhcs_subscription handle) {
    return subscriptions().find(handle);
}

zlhcs_hresult invalid_subscription(zlhcs_subscription handle) {
    return zlhcs::api::invalid_handle("subscription", handle);
}

// Subscribes to the hub of a live system or process (kept alive for the call), then opens the
// subscription's gate: its callback may run only once the handle is written.
template <typename Object>
zlhcs_hresult subscribe(Object& source, uint32_t event_mask, uint32_t queue_capacity, zlhcs_event_callback callback,
                        void* context, zlhcs_release_callback release, zlhcs_subscription* out_subscription) {
    std::shared_ptr<subscription_object> subscription;
    const zlhcs_hresult hr = source.events().subscribe(event_mask, queue_capacity, callback, context, release,
                                                       out_subscription, &subscription);
    if (hr >= 0) subscription->open_gate();
    return hr;
}

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_subscribe(zlhcs_system system, uint32_t event_mask,
                                                          uint32_t queue_capacity, zlhcs_event_callback callback,
                                                          void* context, zlhcs_release_callback release,
                                                          zlhcs_subscription* out_subscription) {
    return zlhcs::api::guarded("zlhcs_system_subscribe", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_subscription, "out_subscription"); hr < 0) return hr;
        *out_subscription = 0;
        const auto object = systems().find(system);
        if (object == nullptr) return zlhcs::api::invalid_handle("compute system", system);
        return subscribe(*object, event_mask, queue_capacity, callback, context, release, out_subscription);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_subscribe(zlhcs_process process, uint32_t event_mask,
                                                           uint32_t queue_capacity, zlhcs_event_callback callback,
                                                           void* context, zlhcs_release_callback release,
                                                           zlhcs_subscription* out_subscription) {
    return zlhcs::api::guarded("zlhcs_process_subscribe", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_subscription, "out_subscription"); hr < 0) return hr;
        *out_subscription = 0;
        const auto object = processes().find(process);
        if (object == nullptr) return zlhcs::api::invalid_handle("process", process);
        return subscribe(*object, event_mask, queue_capacity, callback, context, release, out_subscription);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_next(zlhcs_subscription subscription, uint32_t timeout_ms,
                                                           zlhcs_event** out_event) {
    return zlhcs::api::guarded("zlhcs_subscription_next", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_event, "out_event"); hr < 0) return hr;
        *out_event = nullptr;
        const auto object = find_subscription(subscription);
        if (object == nullptr) return invalid_subscription(subscription);
        return object->next(timeout_ms, out_event);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_wait_handle(zlhcs_subscription subscription,
                                                                  uint64_t* out_os_handle) {
    return zlhcs::api::guarded("zlhcs_subscription_wait_handle", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_os_handle, "out_os_handle"); hr < 0) return hr;
        *out_os_handle = 0;
        const auto object = find_subscription(subscription);
        if (object == nullptr) return invalid_subscription(subscription);
        return object->wait_handle(out_os_handle);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_close(zlhcs_subscription subscription) {
    return zlhcs::api::guarded("zlhcs_subscription_close", [&]() -> zlhcs_hresult {
        const auto object = subscriptions().remove(subscription);
        if (object == nullptr) return invalid_subscription(subscription);
        object->close();
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit_async(zlhcs_system system, zlhcs_operation_callback callback,
                                                                void* context, zlhcs_release_callback release,
                                                                zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_wait_exit_async", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_operation, "out_operation"); hr < 0) return hr;
        *out_operation = 0;
        const auto object = systems().find(system);
        if (object == nullptr) return zlhcs::api::invalid_handle("compute system", system);
        const auto* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        return object->events().watch_exit(*backend, callback, context, release, out_operation, nullptr);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit_async(zlhcs_process process,
                                                                 zlhcs_operation_callback callback, void* context,
                                                                 zlhcs_release_callback release,
                                                                 zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_process_wait_exit_async", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = require_out(out_operation, "out_operation"); hr < 0) return hr;
        *out_operation = 0;
        const auto object = processes().find(process);
        if (object == nullptr) return zlhcs::api::invalid_handle("process", process);
        const auto* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        return object->events().watch_exit(*backend, callback, context, release, out_operation, nullptr);
    });
}

}  // extern "C"
