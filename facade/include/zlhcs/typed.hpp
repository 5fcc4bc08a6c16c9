// zlhcs C++ facade - the typed HCS documents: typed overloads of compute_system and process,
// typed_result<T>, typed views of HCS's error documents, and list_systems().
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
//     are declared in compute_system.hpp / process.hpp and defined in this header, the pattern
//     process_stream.hpp uses for the stdio streams.
//   - New helpers are FREE functions: here result_error(), error_events(), list_systems(); the
//     document builders in <zlhcs/builders.hpp>; statistics() and the usage arithmetic in
//     <zlhcs/statistics.hpp>.
//   - This header includes <zlhcs/schema.hpp> (the generated types and RapidJSON's SAX reader and
//     writer). <zlhcs/zlhcs.hpp> includes it; the light <zlhcs/core.hpp> does not, so code that
//     sends JSON text itself compiles neither RapidJSON nor the 13 000 generated lines. A
//     translation unit that calls a typed member must include this header (or zlhcs.hpp);
//     without it the call compiles but does not link (g++ warns "used but never defined").
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
#if ZLHCS_HAS_COROUTINES
#include <zlhcs/coroutine.hpp>

#include <coroutine>
#endif

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zlhcs {

template <class T>
class typed_awaitable;

/// The pending result of an asynchronous call whose result document reads as T
/// (compute_system::properties_async<T>(), process::properties_async<T>()): an async_result
/// (operation.hpp: the same lifetime, threads and close() rules) whose document wait(),
/// try_result() and co_await read with schema::from_json<T>(). For a std::future, take
/// untyped().get_future() (it yields the JSON text: schema::from_json<T>() it). Move-only; an
/// empty typed_result's calls throw std::future_error (no_state).
template <class T>
class typed_result {
public:
    typed_result() noexcept = default;
    /// Takes over `result`.
    explicit typed_result(async_result result) noexcept : result_(std::move(result)) {}

    /// Blocks until complete or `timeout` (default zlhcs::default_timeout) passes; returns the
    /// document read as T. Throws as async_result::wait(), and errc::invalid_argument if the
    /// document does not read as T.
    T wait(std::chrono::milliseconds timeout = default_timeout) const {
        return schema::from_json<T>(result_.wait(timeout));
    }

    /// The result read as T if complete, std::nullopt while running; throws as wait(). Never
    /// blocks.
    [[nodiscard]] std::optional<T> try_result() const {
        std::optional<std::string> text = result_.try_result();
        if (!text) return std::nullopt;
        return schema::from_json<T>(*text);
    }

    /// See async_result: ready(), cancel(), close(), info(), native_handle().
    [[nodiscard]] bool ready() const { return result_.ready(); }
    bool cancel() const { return result_.cancel(); }
    void close() noexcept { result_.close(); }
    [[nodiscard]] operation_info info() const { return result_.info(); }
    [[nodiscard]] zlhcs_operation native_handle() const noexcept { return result_.native_handle(); }

    /// For `co_await r.resume_on(e)` / `co_await r.resume_inline()` (C++20): as
    /// async_result's, yielding T.
    [[nodiscard]] typed_awaitable<T> resume_on(executor where) const;
    [[nodiscard]] typed_awaitable<T> resume_inline() const { return resume_on(inline_executor()); }

    /// The untyped result (its document as JSON text), e.g. for get_future().
    [[nodiscard]] async_result& untyped() & noexcept { return result_; }
    [[nodiscard]] const async_result& untyped() const& noexcept { return result_; }
    [[nodiscard]] async_result untyped() && noexcept { return std::move(result_); }

    [[nodiscard]] bool valid() const noexcept { return result_.valid(); }
    explicit operator bool() const noexcept { return valid(); }

private:
    async_result result_;
};

/// What typed_result<T>::resume_on() and resume_inline() return: an awaitable_result whose
/// co_await yields T (C++20, see coroutine.hpp). Move-only.
template <class T>
class typed_awaitable {
public:
    explicit typed_awaitable(awaitable_result inner) noexcept : inner_(std::move(inner)) {}

    /// The executor the awaiting coroutine resumes on.
    [[nodiscard]] const executor& where() const noexcept { return inner_.where(); }
    /// The untyped awaitable (co_await it for the JSON text).
    [[nodiscard]] const awaitable_result& untyped() const noexcept { return inner_; }

private:
    awaitable_result inner_;
};

template <class T>
typed_awaitable<T> typed_result<T>::resume_on(executor where) const {
    return typed_awaitable<T>(result_.resume_on(std::move(where)));
}

#if ZLHCS_HAS_COROUTINES
namespace detail {

/// The awaiter of a typed_result: async_awaiter (coroutine.hpp), its document read as T.
template <class T>
class typed_awaiter {
public:
    typed_awaiter(std::shared_ptr<async_state> state, executor where) noexcept
        : inner_(std::move(state), std::move(where)) {}

    [[nodiscard]] bool await_ready() const { return inner_.await_ready(); }
    // Touches nothing of *this after the inner awaiter has registered the coroutine (which may
    // then be resumed and destroyed on another thread).
    bool await_suspend(std::coroutine_handle<> continuation) { return inner_.await_suspend(continuation); }
    T await_resume() { return schema::from_json<T>(inner_.await_resume()); }

private:
    async_awaiter inner_;
};

}  // namespace detail

/// `co_await result` of a typed_result<T>: resumes on zlhcs::default_executor() and yields T.
template <class T>
[[nodiscard]] detail::typed_awaiter<T> operator co_await(const typed_result<T>& result) {
    return {detail::async_access::state(result.untyped()), default_executor()};
}

/// `co_await result.resume_on(e)` / `.resume_inline()` of a typed_result<T>.
template <class T>
[[nodiscard]] detail::typed_awaiter<T> operator co_await(const typed_awaitable<T>& result) {
    return {detail::async_access::state(result.untyped()), detail::async_access::where(result.untyped())};
}
#endif  // ZLHCS_HAS_COROUTINES

// ---- compute_system: the typed members (declared in compute_system.hpp) -----------------------

inline compute_system compute_system::create(const string_arg& id, const schema::ComputeSystem& configuration,
                                             std::chrono::milliseconds timeout) {
    return create(id, schema::to_json(configuration), call_options{}, timeout);
}

inline compute_system compute_system::create(const string_arg& id, const schema::ComputeSystem& configuration,
                                             const call_options& options, std::chrono::milliseconds timeout) {
    return create(id, schema::to_json(configuration), options, timeout);
}

inline creation compute_system::create_async(const string_arg& id, const schema::ComputeSystem& configuration,
                                             const call_options& options) {
    // zlhcs copies the document during the call, so a temporary suffices.
    return create_async(id, schema::to_json(configuration), options);
}

template <class T>
T compute_system::properties(const string_arg& query, std::chrono::milliseconds timeout) const {
    return schema::from_json<T>(properties(query, timeout));
}

template <class T>
T compute_system::properties(const schema::System_PropertyQuery& query, std::chrono::milliseconds timeout) const {
    return schema::from_json<T>(properties(string_arg(schema::to_json(query)), timeout));
}

template <class T>
T compute_system::properties(std::chrono::milliseconds timeout) const {
    return schema::from_json<T>(properties(string_arg{}, timeout));
}

template <class T>
typed_result<T> compute_system::properties_async(const string_arg& query) const {
    return typed_result<T>(properties_async(query));
}

template <class T>
typed_result<T> compute_system::properties_async(const schema::System_PropertyQuery& query) const {
    return typed_result<T>(properties_async(string_arg(schema::to_json(query))));
}

inline void compute_system::modify(const schema::ModifySettingRequest& settings,
                                   std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), call_options{}, timeout);
}

inline void compute_system::modify(const schema::ModifySettingRequest& settings, const call_options& options,
                                   std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), options, timeout);
}

inline async_result compute_system::modify_async(const schema::ModifySettingRequest& settings,
                                                 const call_options& options) const {
    return modify_async(string_arg(schema::to_json(settings)), options);
}

// ---- process: the typed members (declared in process.hpp) ------------------------------------

inline process process::create(const compute_system& system, const schema::ProcessParameters& parameters,
                               std::chrono::milliseconds timeout) {
    return create(system, string_arg(schema::to_json(parameters)), call_options{}, timeout);
}

inline process process::create(const compute_system& system, const schema::ProcessParameters& parameters,
                               const call_options& options, std::chrono::milliseconds timeout) {
    return create(system, string_arg(schema::to_json(parameters)), options, timeout);
}

inline process_creation process::create_async(const compute_system& system,
                                              const schema::ProcessParameters& parameters,
                                              const call_options& options) {
    return create_async(system, string_arg(schema::to_json(parameters)), options);
}

template <class T>
T process::properties(const string_arg& query, std::chrono::milliseconds timeout) const {
    return schema::from_json<T>(properties(query, timeout));
}

template <class T>
T process::properties(std::chrono::milliseconds timeout) const {
    return schema::from_json<T>(properties(string_arg{}, timeout));
}

template <class T>
typed_result<T> process::properties_async(const string_arg& query) const {
    return typed_result<T>(properties_async(query));
}

inline void process::modify(const schema::ProcessModifyRequest& settings, std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), timeout);
}

inline async_result process::modify_async(const schema::ProcessModifyRequest& settings) const {
    return modify_async(string_arg(schema::to_json(settings)));
}

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
