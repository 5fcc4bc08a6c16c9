// zlhcs C++ facade - umbrella header.
//
// A header-only C++17 (C++20 for co_await) layer over the flat C ABI of <zlhcs/zlhcs.h>:
//   core.hpp            the light header: all of the below except process_stream.hpp and
//                       coroutine.hpp (no iostreams, no <coroutine>)
//   error.hpp           zlhcs::error (std::system_error), zlhcs::errc, zlhcs::category(),
//                       check(), hresult_of()/same_error() (also across modules)
//   memory.hpp          unique_string, out_string, take_string() for zlhcs-allocated strings
//   handle.hpp          unique_handle<Traits>: move-only RAII for zlhcs handles;
//                       unique_os_handle for OS handles zlhcs hands over
//   timeout.hpp         zlhcs::default_timeout (4 min) and the other named defaults;
//                       zlhcs::infinite; timeouts are std::chrono::milliseconds
//   string_arg.hpp      zlhcs::string_arg: const char* / std::string / std::string_view arguments
//   executor.hpp        zlhcs::executor, default_executor() (facade threads), inline_executor()
//   operation.hpp       zlhcs::operation, zlhcs::async_result (wait / std::future / close),
//                       info() (zlhcs::operation_info: what an operation is and concerns)
//   events.hpp          zlhcs::subscription (callback or pull form), zlhcs::event, event_kind,
//                       event_mask; compute_system/process::subscribe() and exited()
//   coroutine.hpp       co_await async_result, .resume_on(executor), .resume_inline() (C++20)
//   compute_system.hpp  zlhcs::compute_system (create/open/start/.../properties/modify/wait_exit),
//                       system_create_timeout (a create that timed out hands the system over)
//   process.hpp         zlhcs::process (create/open/signal/terminate/wait_exit/raw stdio,
//                       interrupt_stdio), process_create_timeout
//   process_stream.hpp  process_istream / process_ostream over a process's stdio pipes, and
//                       process::stdin_stream()/stdout_stream()/stderr_stream()
//   service.hpp         enumerate_systems(), service_properties()
//   library.hpp         library_version(), initialize() (backend, document_validation), backend_path()
//   validation.hpp      validate(type, document[, version]) -> validation_report (every problem:
//                       path, severity, rule, message, expected, actual, suggestion, since),
//                       validation_report::from_error(), describe_schema()
//
// The typed HCS schema (zlhcs.hpp includes these, core.hpp does not):
//   schema.hpp          every HCS schema type as C++ (zlhcs::schema::ComputeSystem, Statistics,
//                       ...), schema::from_json<T>(), to_json(), parse_any(), ==,
//                       minimum_version() - declared; compiled once (implementation.hpp)
//   typed_result.hpp    typed_result<T> (properties_async<T>()); core.hpp has it
//   typed.hpp           result_error() and error_events(): HCS's error document of a
//                       zlhcs::error, typed; list_systems() with a system_filter (owner, type,
//                       state, ...). The typed members of compute_system and process (create(id,
//                       schema::ComputeSystem), properties<T>(), modify(schema::...)) are
//                       declared with their classes.
//   builders.hpp        container_builder (process- or Hyper-V isolated), utility_vm_builder,
//                       property_query::statistics()/memory()/process_list()/of(...),
//                       process_parameters_builder, windows_command_line(),
//                       minimum_schema_version()
//   statistics.hpp      statistics(system), cpu_usage(earlier, later, processors),
//                       processor_count(configuration), memory_of(), storage_of(),
//                       storage_rates_between(), parse_hcs_timestamp(); cadence advice
//   implementation.hpp  the implementation unit: the codec of every schema struct and the typed
//                       members that are not templates. One translation unit of a program
//                       compiles it: link the `zlhcs::schema` CMake target (zlhcs_schema in this
//                       tree), or #define ZLHCS_IMPLEMENTATION before including this header in
//                       one .cpp. Only that unit needs RapidJSON (and <zlhcs/validation.hpp>).
//
// Link the `zlhcs_cpp` CMake target (it brings the zlhcs library and RapidJSON's include path),
// and `zlhcs_schema` for the implementation unit.
#pragma once

#include <zlhcs/core.hpp>
#include <zlhcs/process_stream.hpp>
#include <zlhcs/coroutine.hpp>
#include <zlhcs/schema.hpp>
#include <zlhcs/typed.hpp>
#include <zlhcs/builders.hpp>
#include <zlhcs/statistics.hpp>

// The implementation unit, in the one translation unit that asks for it (see schema.hpp).
#if defined(ZLHCS_IMPLEMENTATION)
#include <zlhcs/implementation.hpp>
#endif
