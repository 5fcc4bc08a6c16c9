// zlhcs C++ facade - host-wide queries: enumerate compute systems, service properties.
//
// Free functions over the C ABI; thread-safe (any thread, concurrently). They own nothing:
// results are copied into std::string. Failures throw zlhcs::error (errc::invalid_json for a
// malformed query, errc::service_unavailable when HCS is not reachable, errc::timeout when the
// timeout - default zlhcs::default_timeout, 4 minutes - passes; the query goes on).
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>

#include <chrono>
#include <string>

namespace zlhcs {

/// The compute systems of the host, as a JSON array of {Id, SystemType, Name, Owner,
/// RuntimeId, RuntimeOsType, State} (Owner only for systems whose configuration has one).
/// Stopped systems are not listed (HCS cleans them up at once). query: an optional
/// SystemQuery, e.g. {"Owners":["me"]}. timeout: default zlhcs::default_timeout (4 minutes).
[[nodiscard]] inline std::string enumerate_systems(const string_arg& query = {},
                                                   std::chrono::milliseconds timeout = default_timeout) {
    out_string systems;
    check(zlhcs_system_enumerate(query.c_str_or_null(), nullptr, detail::to_timeout_ms(timeout), systems.put()),
          "zlhcs_system_enumerate");
    return systems.str();
}

/// Asynchronous form of enumerate_systems(): completes with the JSON array.
[[nodiscard]] inline async_result enumerate_systems_async(const string_arg& query = {}) {
    const char* text = query.c_str_or_null();
    return detail::start_async("zlhcs_system_enumerate_async",
                               [text](zlhcs_operation_callback callback, void* context, zlhcs_release_callback release_context,
                                      zlhcs_operation* out) {
                                   return zlhcs_system_enumerate_async(text, nullptr, callback, context, release_context, out);
                               });
}

/// The service properties (e.g. SupportedSchemaVersions). query: an optional
/// ServicePropertyQuery such as {"PropertyTypes":["Basic"]}.
[[nodiscard]] inline std::string service_properties(const string_arg& query = {}) {
    out_string properties;
    check(zlhcs_service_properties(query.c_str_or_null(), properties.put()), "zlhcs_service_properties");
    return properties.str();
}

}  // namespace zlhcs
