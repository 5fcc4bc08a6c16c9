// zlhcs C++ facade - umbrella header.
//
// A header-only C++17 (C++20 for co_await) layer over the flat C ABI of <zlhcs/zlhcs.h>:
//   error.hpp           zlhcs::error (std::system_error), zlhcs::errc, zlhcs::category(), check()
//   memory.hpp          unique_string, out_string, take_string() for zlhcs-allocated strings
//   handle.hpp          unique_handle<Traits>: move-only RAII for zlhcs handles
//   timeout.hpp         zlhcs::infinite; timeouts are std::chrono::milliseconds
//   string_arg.hpp      zlhcs::string_arg: const char* / std::string / std::string_view arguments
//   operation.hpp       zlhcs::operation, zlhcs::async_result (wait / std::future / co_await)
//   compute_system.hpp  zlhcs::compute_system (create/open/start/.../properties/modify),
//                       system_create_timeout (a create that timed out hands the system over)
//   process.hpp         zlhcs::process (create/open/signal/terminate/wait_for_exit/stdio),
//                       process_istream / process_ostream over its stdio pipes,
//                       process_create_timeout
//   service.hpp         enumerate_systems(), service_properties()
//   library.hpp         library_version(), initialize(), backend_path()
//
// Link the `zlhcs_cpp` CMake target (it brings the zlhcs library).
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/timeout.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/compute_system.hpp>
#include <zlhcs/process.hpp>
#include <zlhcs/service.hpp>
#include <zlhcs/library.hpp>
