/*
 * struct_layout.h - the layout baseline of zlhcs's public structs on x86_64.
 *
 * These numbers are the ABI: every field of the public structs is a fixed-width integer or a
 * pointer, so the layout is the same on x86_64 Linux (LP64) and x86_64 Windows (LLP64). A
 * change to any number below breaks every compiled caller; a struct may only grow at its end
 * (struct_size tells old from new), and zlhcs_api_v1 only by appending members.
 *
 * Checked at compile time by tests/abi (C11 and C++, natively and with mingw) and at run time
 * against the loaded library's function table. Plain C89 so any translation unit can use it.
 */
#ifndef ZLHCS_ABI_STRUCT_LAYOUT_H
#define ZLHCS_ABI_STRUCT_LAYOUT_H

#include <stddef.h>
#include <zlhcs/zlhcs.h>

/* CHECK(name, expression): expression is a constant that must be true. */
#define ZLHCS_STRUCT_LAYOUT_CHECKS(CHECK) \
    CHECK(version_info_size, sizeof(zlhcs_version_info) == 32) \
    CHECK(version_info_struct_size, offsetof(zlhcs_version_info, struct_size) == 0) \
    CHECK(version_info_abi_version, offsetof(zlhcs_version_info, abi_version) == 4) \
    CHECK(version_info_major, offsetof(zlhcs_version_info, major) == 8) \
    CHECK(version_info_minor, offsetof(zlhcs_version_info, minor) == 12) \
    CHECK(version_info_patch, offsetof(zlhcs_version_info, patch) == 16) \
    CHECK(version_info_version_string, offsetof(zlhcs_version_info, version_string) == 24) \
    CHECK(init_options_size, sizeof(zlhcs_init_options) == 16) \
    CHECK(init_options_struct_size, offsetof(zlhcs_init_options, struct_size) == 0) \
    CHECK(init_options_backend, offsetof(zlhcs_init_options, backend) == 4) \
    CHECK(init_options_backend_path, offsetof(zlhcs_init_options, backend_path) == 8) \
    CHECK(error_size, sizeof(zlhcs_error) == 40) \
    CHECK(error_struct_size, offsetof(zlhcs_error, struct_size) == 0) \
    CHECK(error_code, offsetof(zlhcs_error, code) == 4) \
    CHECK(error_category, offsetof(zlhcs_error, category) == 8) \
    CHECK(error_message, offsetof(zlhcs_error, message) == 16) \
    CHECK(error_function, offsetof(zlhcs_error, function) == 24) \
    CHECK(error_result_document, offsetof(zlhcs_error, result_document) == 32) \
    CHECK(api_v1_size, sizeof(zlhcs_api_v1) == 496) \
    CHECK(api_v1_struct_size, offsetof(zlhcs_api_v1, struct_size) == 0) \
    CHECK(api_v1_abi_version, offsetof(zlhcs_api_v1, abi_version) == 4) \
    CHECK(handle_size, sizeof(zlhcs_handle) == 8) \
    CHECK(hresult_size, sizeof(zlhcs_hresult) == 4) \
    CHECK(enum_size, sizeof(zlhcs_error_category) == 4)

/* The members of zlhcs_api_v1 after its two header fields, in order:
 * X(member, exported function it points to, offset). 0.1.0 had 39; 0.2.0 appended
 * the 22 process functions; later versions append. */
#define ZLHCS_API_V1_MEMBERS(X) \
    X(version, zlhcs_version, 8) \
    X(init, zlhcs_init, 16) \
    X(backend_path, zlhcs_backend_path, 24) \
    X(free_memory, zlhcs_free, 32) \
    X(last_error, zlhcs_last_error, 40) \
    X(clear_error, zlhcs_clear_error, 48) \
    X(error_category_of, zlhcs_error_category_of, 56) \
    X(error_describe, zlhcs_error_describe, 64) \
    X(operation_wait, zlhcs_operation_wait, 72) \
    X(operation_result, zlhcs_operation_result, 80) \
    X(operation_cancel, zlhcs_operation_cancel, 88) \
    X(operation_close, zlhcs_operation_close, 96) \
    X(system_create_async, zlhcs_system_create_async, 104) \
    X(system_create, zlhcs_system_create, 112) \
    X(system_open, zlhcs_system_open, 120) \
    X(system_close, zlhcs_system_close, 128) \
    X(system_id, zlhcs_system_id, 136) \
    X(system_start_async, zlhcs_system_start_async, 144) \
    X(system_start, zlhcs_system_start, 152) \
    X(system_shutdown_async, zlhcs_system_shutdown_async, 160) \
    X(system_shutdown, zlhcs_system_shutdown, 168) \
    X(system_terminate_async, zlhcs_system_terminate_async, 176) \
    X(system_terminate, zlhcs_system_terminate, 184) \
    X(system_crash_async, zlhcs_system_crash_async, 192) \
    X(system_crash, zlhcs_system_crash, 200) \
    X(system_pause_async, zlhcs_system_pause_async, 208) \
    X(system_pause, zlhcs_system_pause, 216) \
    X(system_resume_async, zlhcs_system_resume_async, 224) \
    X(system_resume, zlhcs_system_resume, 232) \
    X(system_save_async, zlhcs_system_save_async, 240) \
    X(system_save, zlhcs_system_save, 248) \
    X(system_properties_async, zlhcs_system_properties_async, 256) \
    X(system_properties, zlhcs_system_properties, 264) \
    X(system_modify_async, zlhcs_system_modify_async, 272) \
    X(system_modify, zlhcs_system_modify, 280) \
    X(system_wait_exit, zlhcs_system_wait_exit, 288) \
    X(enumerate_async, zlhcs_enumerate_async, 296) \
    X(enumerate, zlhcs_enumerate, 304) \
    X(service_properties, zlhcs_service_properties, 312) \
    X(process_create_async, zlhcs_process_create_async, 320) \
    X(process_create, zlhcs_process_create, 328) \
    X(process_open, zlhcs_process_open, 336) \
    X(process_close, zlhcs_process_close, 344) \
    X(process_id, zlhcs_process_id, 352) \
    X(process_signal_async, zlhcs_process_signal_async, 360) \
    X(process_signal, zlhcs_process_signal, 368) \
    X(process_terminate_async, zlhcs_process_terminate_async, 376) \
    X(process_terminate, zlhcs_process_terminate, 384) \
    X(process_properties_async, zlhcs_process_properties_async, 392) \
    X(process_properties, zlhcs_process_properties, 400) \
    X(process_modify_async, zlhcs_process_modify_async, 408) \
    X(process_modify, zlhcs_process_modify, 416) \
    X(process_resize_console, zlhcs_process_resize_console, 424) \
    X(process_wait_exit, zlhcs_process_wait_exit, 432) \
    X(process_exit_code, zlhcs_process_exit_code, 440) \
    X(process_write_stdin, zlhcs_process_write_stdin, 448) \
    X(process_close_stdin, zlhcs_process_close_stdin, 456) \
    X(process_read, zlhcs_process_read, 464) \
    X(process_detach_stdio, zlhcs_process_detach_stdio, 472) \
    X(process_info_async, zlhcs_process_info_async, 480) \
    X(process_info, zlhcs_process_info, 488)

#endif /* ZLHCS_ABI_STRUCT_LAYOUT_H */
