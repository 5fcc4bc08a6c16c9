// Exports: operations.
#include "arguments.hpp"

#include "../core/caller_struct.hpp"

namespace {

using zlhcs::core::operation_object;

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_wait(zlhcs_operation operation,
                                                        uint32_t timeout_ms,
                                                        char** out_document) {
    return zlhcs::api::guarded("zlhcs_operation_wait", [&]() -> zlhcs_hresult {
        if (out_document != nullptr) *out_document = nullptr;
        ZLHCS_RESOLVE(object, operation_object, operation);
        return object->wait(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_document);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_result(zlhcs_operation operation,
                                                          char** out_document) {
    return zlhcs::api::guarded("zlhcs_operation_result", [&]() -> zlhcs_hresult {
        if (out_document != nullptr) *out_document = nullptr;
        ZLHCS_RESOLVE(object, operation_object, operation);
        return object->wait(0, ZLHCS_HCS_E_OPERATION_PENDING, out_document);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_error(zlhcs_operation operation,
                                                         zlhcs_error* error) {
    return zlhcs::api::guarded("zlhcs_operation_error", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(error);
        const std::uint32_t size = zlhcs::core::writable_size(*error, ZLHCS_ERROR_SIZE_V1, "error");
        if (size == 0) return ZLHCS_E_INVALID_ARGUMENT;
        ZLHCS_RESOLVE(object, operation_object, operation);
        return object->error(*error, size);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_inspect(zlhcs_operation operation,
                                                           zlhcs_operation_info* info) {
    return zlhcs::api::guarded("zlhcs_operation_inspect", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(info);
        const std::uint32_t size = zlhcs::core::writable_size(*info, ZLHCS_OPERATION_INFO_SIZE_V1, "info");
        if (size == 0) return ZLHCS_E_INVALID_ARGUMENT;
        ZLHCS_RESOLVE(object, operation_object, operation);
        return object->inspect(*info, size);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_cancel(zlhcs_operation operation) {
    return zlhcs::api::guarded("zlhcs_operation_cancel", [&]() -> zlhcs_hresult {
        ZLHCS_RESOLVE(object, operation_object, operation);
        return object->cancel();
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_close(zlhcs_operation operation) {
    return zlhcs::api::guarded("zlhcs_operation_close", [&]() -> zlhcs_hresult {
        const auto object = zlhcs::api::take<operation_object>(operation);
        if (object == nullptr) return ZLHCS_E_INVALID_HANDLE;
        // S_FALSE: the callback never ran and never will; S_OK: it has run (see close()).
        return object->close();
    });
}

}  // extern "C"
