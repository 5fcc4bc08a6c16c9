// Export: the versioned function table.
#include "guard.hpp"

namespace {

constexpr zlhcs_api_v1 api_v1 = {
    sizeof(zlhcs_api_v1),
    1,
    &zlhcs_version,
    &zlhcs_init,
    &zlhcs_backend_path,
    &zlhcs_free,
    &zlhcs_last_error,
    &zlhcs_clear_error,
    &zlhcs_error_category_of,
    &zlhcs_error_describe,
    &zlhcs_operation_wait,
    &zlhcs_operation_result,
    &zlhcs_operation_cancel,
    &zlhcs_operation_close,
    &zlhcs_system_create_async,
    &zlhcs_system_create,
    &zlhcs_system_open,
    &zlhcs_system_close,
    &zlhcs_system_id,
    &zlhcs_system_start_async,
    &zlhcs_system_start,
    &zlhcs_system_shutdown_async,
    &zlhcs_system_shutdown,
    &zlhcs_system_terminate_async,
    &zlhcs_system_terminate,
    &zlhcs_system_crash_async,
    &zlhcs_system_crash,
    &zlhcs_system_pause_async,
    &zlhcs_system_pause,
    &zlhcs_system_resume_async,
    &zlhcs_system_resume,
    &zlhcs_system_save_async,
    &zlhcs_system_save,
    &zlhcs_system_properties_async,
    &zlhcs_system_properties,
    &zlhcs_system_modify_async,
    &zlhcs_system_modify,
    &zlhcs_system_wait_exit,
    &zlhcs_enumerate_async,
    &zlhcs_enumerate,
    &zlhcs_service_properties,
    &zlhcs_process_create_async,
    &zlhcs_process_create,
    &zlhcs_process_open,
    &zlhcs_process_close,
    &zlhcs_process_id,
    &zlhcs_process_signal_async,
    &zlhcs_process_signal,
    &zlhcs_process_terminate_async,
    &zlhcs_process_terminate,
    &zlhcs_process_properties_async,
    &zlhcs_process_properties,
    &zlhcs_process_modify_async,
    &zlhcs_process_modify,
    &zlhcs_process_resize_console,
    &zlhcs_process_wait_exit,
    &zlhcs_process_exit_code,
    &zlhcs_process_write_stdin,
    &zlhcs_process_close_stdin,
    &zlhcs_process_read,
    &zlhcs_process_detach_stdio,
    &zlhcs_process_info_async,
    &zlhcs_process_info,
};

}  // namespace

extern "C" ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_get_api(uint32_t version,
                                                           const void** out_api) {
    return zlhcs::api::guarded("zlhcs_get_api", [&]() -> zlhcs_hresult {
        if (out_api == nullptr) {
            return zlhcs::core::fail(ZLHCS_E_INVALID_ARGUMENT, "out_api must not be NULL");
        }
        *out_api = nullptr;
        if (version != 1) {
            return zlhcs::core::fail(ZLHCS_E_NOT_SUPPORTED,
                                     "ABI version " + std::to_string(version) +
                                         " is not provided by this zlhcs (it provides 1)");
        }
        *out_api = &api_v1;
        return ZLHCS_S_OK;
    });
}
