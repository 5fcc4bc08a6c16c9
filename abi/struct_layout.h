/*
 * struct_layout.h - the layout baseline of zlhcs's public structs on x86_64.
 *
 * These numbers are the ABI (as of 0.7.0; frozen at 1.0): every field of the public structs is a fixed-width integer or a
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
    CHECK(version_info_size_v1, ZLHCS_VERSION_INFO_SIZE_V1 == 32) \
    CHECK(version_info_struct_size, offsetof(zlhcs_version_info, struct_size) == 0) \
    CHECK(version_info_abi_version, offsetof(zlhcs_version_info, abi_version) == 4) \
    CHECK(version_info_major, offsetof(zlhcs_version_info, major) == 8) \
    CHECK(version_info_minor, offsetof(zlhcs_version_info, minor) == 12) \
    CHECK(version_info_patch, offsetof(zlhcs_version_info, patch) == 16) \
    CHECK(version_info_api_revision, offsetof(zlhcs_version_info, api_revision) == 20) \
    CHECK(version_info_version_string, offsetof(zlhcs_version_info, version_string) == 24) \
    CHECK(init_options_size, sizeof(zlhcs_init_options) == 24) \
    CHECK(init_options_size_v1, ZLHCS_INIT_OPTIONS_SIZE_V1 == 16) \
    CHECK(init_options_size_v2, ZLHCS_INIT_OPTIONS_SIZE_V2 == 24) \
    CHECK(init_options_struct_size, offsetof(zlhcs_init_options, struct_size) == 0) \
    CHECK(init_options_backend, offsetof(zlhcs_init_options, backend) == 4) \
    CHECK(init_options_backend_path, offsetof(zlhcs_init_options, backend_path) == 8) \
    CHECK(init_options_validation, offsetof(zlhcs_init_options, validation) == 16) \
    CHECK(init_options_reserved, offsetof(zlhcs_init_options, reserved) == 20) \
    CHECK(error_size, sizeof(zlhcs_error) == 40) \
    CHECK(error_size_v1, ZLHCS_ERROR_SIZE_V1 == 40) \
    CHECK(error_struct_size, offsetof(zlhcs_error, struct_size) == 0) \
    CHECK(error_code, offsetof(zlhcs_error, code) == 4) \
    CHECK(error_category, offsetof(zlhcs_error, category) == 8) \
    CHECK(error_reserved, offsetof(zlhcs_error, reserved) == 12) \
    CHECK(error_message, offsetof(zlhcs_error, message) == 16) \
    CHECK(error_function, offsetof(zlhcs_error, function) == 24) \
    CHECK(error_result_document, offsetof(zlhcs_error, result_document) == 32) \
    CHECK(call_options_size, sizeof(zlhcs_call_options) == 32) \
    CHECK(call_options_size_v1, ZLHCS_CALL_OPTIONS_SIZE_V1 == 32) \
    CHECK(call_options_struct_size, offsetof(zlhcs_call_options, struct_size) == 0) \
    CHECK(call_options_requested_access, offsetof(zlhcs_call_options, requested_access) == 4) \
    CHECK(call_options_namespace_id, offsetof(zlhcs_call_options, namespace_id) == 8) \
    CHECK(call_options_security_descriptor, offsetof(zlhcs_call_options, security_descriptor) == 16) \
    CHECK(call_options_identity_token, offsetof(zlhcs_call_options, identity_token) == 24) \
    CHECK(operation_info_size, sizeof(zlhcs_operation_info) == 56) \
    CHECK(operation_info_size_v1, ZLHCS_OPERATION_INFO_SIZE_V1 == 56) \
    CHECK(operation_info_hcs_type, offsetof(zlhcs_operation_info, hcs_type) == 4) \
    CHECK(operation_info_hcs_id, offsetof(zlhcs_operation_info, hcs_id) == 8) \
    CHECK(operation_info_function, offsetof(zlhcs_operation_info, function) == 16) \
    CHECK(operation_info_system, offsetof(zlhcs_operation_info, system) == 24) \
    CHECK(operation_info_process, offsetof(zlhcs_operation_info, process) == 32) \
    CHECK(operation_info_system_id, offsetof(zlhcs_operation_info, system_id) == 40) \
    CHECK(operation_info_kind, offsetof(zlhcs_operation_info, kind) == 48) \
    CHECK(event_size, sizeof(zlhcs_event) == 64) \
    CHECK(event_size_v1, ZLHCS_EVENT_SIZE_V1 == 64) \
    CHECK(event_kind, offsetof(zlhcs_event, kind) == 4) \
    CHECK(event_hcs_type, offsetof(zlhcs_event, hcs_type) == 8) \
    CHECK(event_process_id, offsetof(zlhcs_event, process_id) == 12) \
    CHECK(event_sequence, offsetof(zlhcs_event, sequence) == 16) \
    CHECK(event_lost_count, offsetof(zlhcs_event, lost_count) == 24) \
    CHECK(event_subscription, offsetof(zlhcs_event, subscription) == 32) \
    CHECK(event_source, offsetof(zlhcs_event, source) == 40) \
    CHECK(event_system_id, offsetof(zlhcs_event, system_id) == 48) \
    CHECK(event_data, offsetof(zlhcs_event, data) == 56) \
    CHECK(operation_kind_enum_size, sizeof(zlhcs_operation_kind) == 4) \
    CHECK(schema_validate_options_size, sizeof(zlhcs_schema_validate_options) == 16) \
    CHECK(schema_validate_options_size_v1, ZLHCS_SCHEMA_VALIDATE_OPTIONS_SIZE_V1 == 16) \
    CHECK(schema_validate_options_struct_size, offsetof(zlhcs_schema_validate_options, struct_size) == 0) \
    CHECK(schema_validate_options_flags, offsetof(zlhcs_schema_validate_options, flags) == 4) \
    CHECK(schema_validate_options_schema_version, offsetof(zlhcs_schema_validate_options, schema_version) == 8) \
    CHECK(debug_counts_info_size, sizeof(zlhcs_debug_counts_info) == 96) \
    CHECK(debug_counts_info_size_v1, ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1 == 80) \
    CHECK(debug_counts_info_size_v2, ZLHCS_DEBUG_COUNTS_INFO_SIZE_V2 == 96) \
    CHECK(debug_counts_info_struct_size, offsetof(zlhcs_debug_counts_info, struct_size) == 0) \
    CHECK(debug_counts_info_reserved, offsetof(zlhcs_debug_counts_info, reserved) == 4) \
    CHECK(debug_counts_info_systems, offsetof(zlhcs_debug_counts_info, systems) == 8) \
    CHECK(debug_counts_info_processes, offsetof(zlhcs_debug_counts_info, processes) == 16) \
    CHECK(debug_counts_info_operations, offsetof(zlhcs_debug_counts_info, operations) == 24) \
    CHECK(debug_counts_info_subscriptions, offsetof(zlhcs_debug_counts_info, subscriptions) == 32) \
    CHECK(debug_counts_info_contexts, offsetof(zlhcs_debug_counts_info, contexts) == 40) \
    CHECK(debug_counts_info_strings, offsetof(zlhcs_debug_counts_info, strings) == 48) \
    CHECK(debug_counts_info_live_subscriptions, offsetof(zlhcs_debug_counts_info, live_subscriptions) == 56) \
    CHECK(debug_counts_info_live_operations, offsetof(zlhcs_debug_counts_info, live_operations) == 64) \
    CHECK(debug_counts_info_delivery_threads, offsetof(zlhcs_debug_counts_info, delivery_threads) == 72) \
    CHECK(debug_counts_info_waiting_calls, offsetof(zlhcs_debug_counts_info, waiting_calls) == 80) \
    CHECK(debug_counts_info_queued_tasks, offsetof(zlhcs_debug_counts_info, queued_tasks) == 88) \
    CHECK(api_v1_size, sizeof(zlhcs_api_v1) == 616) \
    CHECK(api_v1_struct_size, offsetof(zlhcs_api_v1, struct_size) == 0) \
    CHECK(api_v1_revision, offsetof(zlhcs_api_v1, revision) == 4) \
    CHECK(handle_size, sizeof(zlhcs_handle) == 8) \
    CHECK(hresult_size, sizeof(zlhcs_hresult) == 4) \
    CHECK(category_enum_size, sizeof(zlhcs_error_category) == 4) \
    CHECK(backend_enum_size, sizeof(zlhcs_backend_kind) == 4) \
    CHECK(stdio_enum_size, sizeof(zlhcs_stdio_stream) == 4)

/* The members of zlhcs_api_v1 after its two header fields, in order:
 * X(member, exported function it points to, offset). Revision 1 (0.4.0) has 64, revision 2
 * (0.5.0) 72, revision 3 (0.6.0) 74, revision 4 (0.7.0) 75; later revisions append. */
#define ZLHCS_API_V1_MEMBERS(X) \
    X(version, zlhcs_version, 8) \
    X(get_api, zlhcs_get_api, 16) \
    X(init, zlhcs_init, 24) \
    X(backend_path, zlhcs_backend_path, 32) \
    X(free_memory, zlhcs_free, 40) \
    X(last_error, zlhcs_last_error, 48) \
    X(clear_error, zlhcs_clear_error, 56) \
    X(error_category_of, zlhcs_error_category_of, 64) \
    X(error_matches, zlhcs_error_matches, 72) \
    X(error_describe, zlhcs_error_describe, 80) \
    X(operation_wait, zlhcs_operation_wait, 88) \
    X(operation_result, zlhcs_operation_result, 96) \
    X(operation_error, zlhcs_operation_error, 104) \
    X(operation_cancel, zlhcs_operation_cancel, 112) \
    X(operation_close, zlhcs_operation_close, 120) \
    X(system_create_async, zlhcs_system_create_async, 128) \
    X(system_create, zlhcs_system_create, 136) \
    X(system_open, zlhcs_system_open, 144) \
    X(system_close, zlhcs_system_close, 152) \
    X(system_id, zlhcs_system_id, 160) \
    X(system_start_async, zlhcs_system_start_async, 168) \
    X(system_start, zlhcs_system_start, 176) \
    X(system_shutdown_async, zlhcs_system_shutdown_async, 184) \
    X(system_shutdown, zlhcs_system_shutdown, 192) \
    X(system_terminate_async, zlhcs_system_terminate_async, 200) \
    X(system_terminate, zlhcs_system_terminate, 208) \
    X(system_crash_async, zlhcs_system_crash_async, 216) \
    X(system_crash, zlhcs_system_crash, 224) \
    X(system_pause_async, zlhcs_system_pause_async, 232) \
    X(system_pause, zlhcs_system_pause, 240) \
    X(system_resume_async, zlhcs_system_resume_async, 248) \
    X(system_resume, zlhcs_system_resume, 256) \
    X(system_save_async, zlhcs_system_save_async, 264) \
    X(system_save, zlhcs_system_save, 272) \
    X(system_properties_async, zlhcs_system_properties_async, 280) \
    X(system_properties, zlhcs_system_properties, 288) \
    X(system_modify_async, zlhcs_system_modify_async, 296) \
    X(system_modify, zlhcs_system_modify, 304) \
    X(system_wait_exit, zlhcs_system_wait_exit, 312) \
    X(system_enumerate_async, zlhcs_system_enumerate_async, 320) \
    X(system_enumerate, zlhcs_system_enumerate, 328) \
    X(service_properties, zlhcs_service_properties, 336) \
    X(process_create_async, zlhcs_process_create_async, 344) \
    X(process_create, zlhcs_process_create, 352) \
    X(process_open, zlhcs_process_open, 360) \
    X(process_close, zlhcs_process_close, 368) \
    X(process_id, zlhcs_process_id, 376) \
    X(process_info_async, zlhcs_process_info_async, 384) \
    X(process_info, zlhcs_process_info, 392) \
    X(process_signal_async, zlhcs_process_signal_async, 400) \
    X(process_signal, zlhcs_process_signal, 408) \
    X(process_terminate_async, zlhcs_process_terminate_async, 416) \
    X(process_terminate, zlhcs_process_terminate, 424) \
    X(process_properties_async, zlhcs_process_properties_async, 432) \
    X(process_properties, zlhcs_process_properties, 440) \
    X(process_modify_async, zlhcs_process_modify_async, 448) \
    X(process_modify, zlhcs_process_modify, 456) \
    X(process_resize_console, zlhcs_process_resize_console, 464) \
    X(process_wait_exit, zlhcs_process_wait_exit, 472) \
    X(process_exit_code, zlhcs_process_exit_code, 480) \
    X(process_stdio_write, zlhcs_process_stdio_write, 488) \
    X(process_stdio_read, zlhcs_process_stdio_read, 496) \
    X(process_stdio_close, zlhcs_process_stdio_close, 504) \
    X(process_stdio_detach, zlhcs_process_stdio_detach, 512) \
    X(operation_inspect, zlhcs_operation_inspect, 520) \
    X(system_subscribe, zlhcs_system_subscribe, 528) \
    X(process_subscribe, zlhcs_process_subscribe, 536) \
    X(subscription_next, zlhcs_subscription_next, 544) \
    X(subscription_wait_handle, zlhcs_subscription_wait_handle, 552) \
    X(subscription_close, zlhcs_subscription_close, 560) \
    X(system_wait_exit_async, zlhcs_system_wait_exit_async, 568) \
    X(process_wait_exit_async, zlhcs_process_wait_exit_async, 576) \
    X(schema_validate, zlhcs_schema_validate, 584) \
    X(schema_info, zlhcs_schema_info, 592) \
    X(debug_counts, zlhcs_debug_counts, 600) \
    X(process_stdio_interrupt, zlhcs_process_stdio_interrupt, 608)

#endif /* ZLHCS_ABI_STRUCT_LAYOUT_H */
