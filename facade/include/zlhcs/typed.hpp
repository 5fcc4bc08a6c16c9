// zlhcs C++ facade - the typed HCS documents: typed views of HCS's error documents and
// list_systems(); the typed members of compute_system and process are declared with them.
//
//     namespace schema = zlhcs::schema;
//     auto system = zlhcs::compute_system::create(id, zlhcs::container_builder().owner("me").build());
//     system.start();
//     schema::Properties props = system.properties<schema::Properties>(zlhcs::property_query::memory());
//     system.modify(request);                                   // a schema::ModifySettingRequest
//     auto child = zlhcs::process::create(system, zlhcs::process_parameters_builder()
//                                                     .command_line("cmd /c echo hi").stdout_pipe().build());
//     schema::ProcessStatus status = child.properties<schema::ProcessStatus>();
//     try { ... } catch (const zlhcs::error& e) {
//         for (const schema::ErrorEvent& event : zlhcs::error_events(e)) log(event.Message, event.Source);
//     }
//     for (const schema::Properties& s : zlhcs::list_systems(zlhcs::system_filter().owner("me"))) ...
//
// Where the typed API lives (the choice, and why)
//   - Typed forms of calls that exist as JSON text are MEMBERS of compute_system and process,
//     overloaded beside their text forms (create, create_async, properties<T>,
//     properties_async<T>, modify, modify_async), so they read like the rest of the class. They
//     are declared in compute_system.hpp / process.hpp with the schema only declared
//     (<zlhcs/schema/fwd.hpp>); the templates are defined there too, the rest in the
//     implementation unit (<zlhcs/implementation.hpp>), so no call compiles and then fails to
//     link for want of a header. typed_result<T> is in <zlhcs/typed_result.hpp>.
//   - New helpers are FREE functions: here result_error(), error_events(), list_systems(); the
//     document builders in <zlhcs/builders.hpp>; statistics() and the usage arithmetic in
//     <zlhcs/statistics.hpp>.
//   - The codec (RapidJSON's SAX reader and writer for every type) is compiled once, in the
//     implementation unit: link zlhcs::schema, or #define ZLHCS_IMPLEMENTATION in one .cpp
//     before including <zlhcs/zlhcs.hpp> (see <zlhcs/schema.hpp>).
//
// Conversions: a typed argument is written with schema::to_json() and passed to the JSON-text
// form (same options, timeouts, errors); a typed result is read with schema::from_json<T>(),
// which keeps fields and enum values this schema does not know (a newer Windows's) in
// unknown_fields / open_enum. An answer from HCS that does not read as T throws zlhcs::error
// with errc::invalid_argument naming the JSON pointer (call "zlhcs::schema::from_json").
//
// Threading: as the JSON-text forms (every call may be made concurrently on one object);
// typed_result<T> follows async_result's rules. The free functions are reentrant.
#pragma once

#include <zlhcs/call_options.hpp>
#include <zlhcs/compute_system.hpp>
#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/executor.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/process.hpp>
#include <zlhcs/schema.hpp>
#include <zlhcs/service.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>
#include <zlhcs/typed_result.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zlhcs {

// ---- HCS's error documents ---------------------------------------------------------------------
// A failed HCS call may come with a result document, a schema::ResultError: {"Error": <HRESULT>,
// "ErrorMessage", "ErrorEvents": [ErrorEvent {Message, StackTrace, Provider (a GUID), EventId,
// Flags, Source, Data}], "Attribution"}. zlhcs::error::result_document() carries it as text. HCS
// does not guarantee one (HcsGetOperationResult.md), so these views never throw for an absent or
// malformed document: they give std::nullopt / an empty vector (only std::bad_alloc escapes).

/// `document` read as a ResultError; std::nullopt if it is empty (or only blanks) or does not
/// read as one (not JSON, not an object, a known field of the wrong type).
[[nodiscard]] inline std::optional<schema::ResultError> result_error(std::string_view document) {
    if (document.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
    try {
        return schema::from_json<schema::ResultError>(document);
    } catch (const error&) {
        return std::nullopt;
    }
}

/// The ResultError of a failure (its result_document()), or std::nullopt; see above.
[[nodiscard]] inline std::optional<schema::ResultError> result_error(const error& failure) {
    return result_error(failure.result_document());
}

/// The ErrorEvents of `document` (read as a ResultError), in HCS's order; empty if there are
/// none or the document is absent or malformed.
[[nodiscard]] inline std::vector<schema::ErrorEvent> error_events(std::string_view document) {
    std::optional<schema::ResultError> parsed = result_error(document);
    if (!parsed || !parsed->ErrorEvents) return {};
    return std::move(*parsed->ErrorEvents);
}

/// The ErrorEvents of a failure's result document; empty if it has none (see above).
[[nodiscard]] inline std::vector<schema::ErrorEvent> error_events(const error& failure) {
    return error_events(failure.result_document());
}

// ---- enumerate ---------------------------------------------------------------------------------

/// Which systems list_systems() returns: a value type built fluently,
///     zlhcs::system_filter().owner("containerd-shim-runhcs-v1.exe").state(zlhcs::schema::State::Running)
/// Ids, names, owners and types go to HCS in the SystemQuery (HcsEnumerateComputeSystems
/// filters: a system matches if it matches one value of each list that is set); states are
/// filtered here, on each entry's State (the SystemQuery has no state filter). Calling the same
/// setter again adds a value (any of them matches). An empty filter lists every system.
class system_filter {
public:
    /// Systems with this id (HCS compares ids case-insensitively).
    system_filter& id(std::string value) { return add(query_.Ids, std::move(value)); }
    /// Systems with this name.
    system_filter& name(std::string value) { return add(query_.Names, std::move(value)); }
    /// Systems whose configuration's Owner is this.
    system_filter& owner(std::string value) { return add(query_.Owners, std::move(value)); }
    /// Containers or virtual machines.
    system_filter& type(schema::SystemType value) { return add(query_.Types, schema::open_enum<schema::SystemType>(value)); }
    /// Systems in this state (checked on the listed entries; an entry without State never
    /// matches a state filter).
    system_filter& state(schema::State value) {
        states_.push_back(value);
        return *this;
    }

    /// The SystemQuery sent to HCS (empty when only states are filtered).
    [[nodiscard]] const schema::SystemQuery& query() const noexcept { return query_; }
    /// The states filtered on the entries (empty: any).
    [[nodiscard]] const std::vector<schema::State>& states() const noexcept { return states_; }
    /// true if the filter sends HCS a query (ids, names, owners or types are set).
    [[nodiscard]] bool has_query() const noexcept {
        return query_.Ids || query_.Names || query_.Owners || query_.Types;
    }

    /// true if `entry` passes the state filter (the part HCS does not apply).
    [[nodiscard]] bool matches(const schema::Properties& entry) const {
        if (states_.empty()) return true;
        if (!entry.State) return false;
        return std::any_of(states_.begin(), states_.end(),
                           [&entry](schema::State wanted) { return *entry.State == wanted; });
    }

    /// `entries` without those matches() rejects (for enumerate_systems_async()'s answer, read
    /// with schema::from_json<std::vector<schema::Properties>>()).
    [[nodiscard]] std::vector<schema::Properties> apply(std::vector<schema::Properties> entries) const {
        entries.erase(std::remove_if(entries.begin(), entries.end(),
                                     [this](const schema::Properties& entry) { return !matches(entry); }),
                      entries.end());
        return entries;
    }

private:
    template <class V>
    system_filter& add(std::optional<std::vector<V>>& list, V value) {
        if (!list) list.emplace();
        list->push_back(std::move(value));
        return *this;
    }

    schema::SystemQuery query_;
    std::vector<schema::State> states_;
};

/// The compute systems of the host that `filter` selects, typed (one schema::Properties per
/// system, in HCS's order: Id, Name, SystemType, State, Owner, RuntimeId, RuntimeOsType, as
/// HCS gives them; stopped systems are not listed, HCS cleans them up at once). options:
/// namespace_id (the InNamespace entry point). timeout: default zlhcs::default_timeout. Throws
/// as enumerate_systems(), and errc::invalid_argument if HCS's answer does not read as an array
/// of Properties.
[[nodiscard]] inline std::vector<schema::Properties> list_systems(const system_filter& filter,
                                                                  const call_options& options,
                                                                  std::chrono::milliseconds timeout = default_timeout) {
    const std::string query = filter.has_query() ? schema::to_json(filter.query()) : std::string();
    const zlhcs_call_options native = options.native();
    out_string systems;
    check(zlhcs_system_enumerate(query.empty() ? nullptr : query.c_str(), &native, detail::to_timeout_ms(timeout),
                                 systems.put()),
          "zlhcs_system_enumerate");
    return filter.apply(schema::from_json<std::vector<schema::Properties>>(systems.str()));
}

/// The same in the default namespace.
[[nodiscard]] inline std::vector<schema::Properties> list_systems(const system_filter& filter = {},
                                                                  std::chrono::milliseconds timeout = default_timeout) {
    return list_systems(filter, call_options{}, timeout);
}

}  // namespace zlhcs
