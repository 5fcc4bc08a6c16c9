// Exports: event subscriptions and exit watches.
#include "arguments.hpp"

namespace {

using namespace zlhcs::core;

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
        ZLHCS_ARG_NOT_NULL(out_subscription);
        *out_subscription = 0;
        ZLHCS_RESOLVE(object, system_object, system);
        return subscribe(*object, event_mask, queue_capacity, callback, context, release, out_subscription);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_subscribe(zlhcs_process process, uint32_t event_mask,
                                                           uint32_t queue_capacity, zlhcs_event_callback callback,
                                                           void* context, zlhcs_release_callback release,
                                                           zlhcs_subscription* out_subscription) {
    return zlhcs::api::guarded("zlhcs_process_subscribe", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_subscription);
        *out_subscription = 0;
        ZLHCS_RESOLVE(object, process_object, process);
        return subscribe(*object, event_mask, queue_capacity, callback, context, release, out_subscription);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_next(zlhcs_subscription subscription, uint32_t timeout_ms,
                                                           zlhcs_event** out_event) {
    return zlhcs::api::guarded("zlhcs_subscription_next", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_event);
        *out_event = nullptr;
        ZLHCS_RESOLVE(object, subscription_object, subscription);
        return object->next(timeout_ms, out_event);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_wait_handle(zlhcs_subscription subscription,
                                                                  uint64_t* out_os_handle) {
    return zlhcs::api::guarded("zlhcs_subscription_wait_handle", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_os_handle);
        *out_os_handle = 0;
        ZLHCS_RESOLVE(object, subscription_object, subscription);
        return object->wait_handle(out_os_handle);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_close(zlhcs_subscription subscription) {
    return zlhcs::api::guarded("zlhcs_subscription_close", [&]() -> zlhcs_hresult {
        const auto object = zlhcs::api::take<subscription_object>(subscription);
        if (object == nullptr) return ZLHCS_E_INVALID_HANDLE;
        object->close();
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit_async(zlhcs_system system, zlhcs_operation_callback callback,
                                                                void* context, zlhcs_release_callback release,
                                                                zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_wait_exit_async", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_operation);
        *out_operation = 0;
        ZLHCS_RESOLVE(object, system_object, system);
        ZLHCS_BACKEND(backend);
        return object->events().watch_exit(*backend, callback, context, release, out_operation, nullptr);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit_async(zlhcs_process process,
                                                                 zlhcs_operation_callback callback, void* context,
                                                                 zlhcs_release_callback release,
                                                                 zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_process_wait_exit_async", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_operation);
        *out_operation = 0;
        ZLHCS_RESOLVE(object, process_object, process);
        ZLHCS_BACKEND(backend);
        return object->events().watch_exit(*backend, callback, context, release, out_operation, nullptr);
    });
}

}  // extern "C"
