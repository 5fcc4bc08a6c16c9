// zlhcs C++ facade - compute systems (containers and VMs).
//
//     auto system = zlhcs::compute_system::create("my-container", config_json);
//     system.start();
//     std::string stats = system.properties(R"({"PropertyTypes":["Statistics"]})");
//     system.terminate();
//
// compute_system owns a zlhcs_system handle (move-only; closes it on destruction, which
// terminates the system if its document sets ShouldTerminateOnLastHandleClosed). Every
// method is a thin call of the C ABI: synchronous forms block up to their timeout (default
// zlhcs::default_timeout, 4 minutes as in hcsshim; wait_exit() waits without limit on purpose:
// see timeout.hpp) and throw errc::timeout if the work has not completed by then. HCS cannot
// cancel work once started (HcsCancelOperation is not implemented), so a timeout does not
// stop it: the work goes on and may still complete; to undo it, call its opposite
// (terminate() a system whose start timed out). *_async forms return a zlhcs::async_result.
// Failures throw zlhcs::error; asynchronous failures to *start* the work (bad handle, bad
// argument) throw from the *_async call itself.
//
// As in HCS, a compute system that has stopped (shutdown, terminate, crash, or on its own) is
// cleaned up at once: open() by its id throws errc::not_found, enumerate_systems() no longer
// lists it, and every call on a handle still open to it throws errc::not_found
// (HCS_E_SYSTEM_NOT_FOUND) - except wait_exit(), which still returns its exit status,
// and terminate()/shutdown(), which return false ("already stopped").
//
// Containers (a "Container" configuration, process isolation) support create, start,
// shutdown, terminate, properties, modify and processes; pause, resume, save and crash are
// VM operations: on a container they throw errc::not_supported
// (HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), 0x80070032) and change nothing.
//
// JSON arguments (options, query, settings, configuration) are UTF-8 documents as HCS
// defines them; optional ones may be omitted (nullptr or "" reach HCS as NULL). Results are
// the JSON documents HCS returns, as std::string.
//
// Typed documents: create(), properties<T>(), properties_async<T>(), modify() and
// modify_async() also take and give the typed HCS schema of <zlhcs/schema.hpp>
// (schema::ComputeSystem, schema::System_PropertyQuery, schema::ModifySettingRequest, any
// schema type as the properties result). This header only declares the schema
// (<zlhcs/schema/fwd.hpp>), so code using the JSON-text forms compiles no generated types: the
// templates are defined below (T must be complete where they are used: include
// <zlhcs/schema.hpp>), the others in the implementation unit (<zlhcs/implementation.hpp>, with
// the codec: link zlhcs::schema or define ZLHCS_IMPLEMENTATION in one .cpp).
//
// Events (events.hpp): subscribe() delivers the system's events to a handler or into a queue;
// exited() is the exit alone, as an async_result. A subscription ends when this handle is
// closed; an exited() still running then fails with errc::invalid_handle.
//
// Thread safety: the methods may be called concurrently on one object (zlhcs is
// thread-safe), except moving, assigning, close() and release().
#pragma once

#include <zlhcs/call_options.hpp>
#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/events.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>
#include <zlhcs/typed_result.hpp>
#include <zlhcs/schema/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace zlhcs {

struct creation;
class compute_system;
template <class T>
class typed_result;

namespace detail {

/// A handle that a synchronous create handed out alongside a timeout, shared by the copies
/// of the exception that carries it: the first take() gets it, and if nobody takes it, it is
/// closed with the last copy.
template <typename Traits>
class handed_over_handle {
public:
    using handle_type = typename Traits::handle_type;

    explicit handed_over_handle(handle_type handle) noexcept : handle_(handle) {}
    handed_over_handle(const handed_over_handle&) = delete;
    handed_over_handle& operator=(const handed_over_handle&) = delete;
    ~handed_over_handle() {
        const handle_type handle = take();
        if (handle != Traits::invalid()) Traits::close(handle);
    }

    /// The handle the first time, Traits::invalid() afterwards.
    [[nodiscard]] handle_type take() noexcept { return handle_.exchange(Traits::invalid()); }

private:
    std::atomic<handle_type> handle_;
};

/// The shared part of system_create_timeout and process_create_timeout: a zlhcs::error that
/// owns the handle the timed-out create handed out (copies share it).
template <typename Traits>
class create_timeout : public error {
public:
    /// Takes ownership of `handle` (if this throws std::bad_alloc, `handle` keeps it).
    create_timeout(const error& failure, unique_handle<Traits>&& handle)
        : error(failure), handle_(std::make_shared<handed_over_handle<Traits>>(handle.get())) {
        (void)handle.release();
    }

protected:
    /// The handle the first time (on any copy), Traits::invalid() afterwards.
    [[nodiscard]] typename Traits::handle_type take_handle() const noexcept { return handle_->take(); }

private:
    std::shared_ptr<handed_over_handle<Traits>> handle_;
};

/// Checks the result of a synchronous create: a timeout that came with a handle throws
/// `Timeout` carrying it (HCS goes on creating); anything else as check().
template <typename Timeout, typename Traits>
void check_create(zlhcs_hresult result, unique_handle<Traits>& handle, const char* call) {
    if (result < 0 && handle && condition_of(result) == errc::timeout) {
        throw Timeout(error::from_last_error(result, call), std::move(handle));
    }
    check(result, call);
}

}  // namespace detail

/// What compute_system::create throws when `timeout` passes before HCS has finished creating
/// the system: a zlhcs::error with errc::timeout (HCS_E_OPERATION_TIMEOUT). HCS cannot cancel
/// the creation, so the system may still come to exist; the exception therefore carries the
/// new system's handle, and take_system() hands it to the caller - to wait for the creation
/// (poll properties(), which throws until the system exists; a creation that failed leaves
/// a handle whose calls throw errc::not_found), to use the system, or to terminate() it.
///
///     try {
///         auto system = zlhcs::compute_system::create(id, config, 10s);
///     } catch (const zlhcs::system_create_timeout& e) {
///         zlhcs::compute_system late = e.take_system();   // still being created
///         ...
///     }
///
/// If nobody takes it, the handle is closed when the last copy of the exception is
/// destroyed, as destroying a compute_system would: HCS then terminates the system if its
/// configuration sets ShouldTerminateOnLastHandleClosed; otherwise it lives on without a
/// holder (open() it by id once created). Copies share the one handle.
class system_create_timeout : public detail::create_timeout<system_handle_traits> {
public:
    using create_timeout::create_timeout;

    /// The system's handle, the first time it is called (on any copy of the exception);
    /// an empty compute_system afterwards. Never throws.
    [[nodiscard]] compute_system take_system() const noexcept;
};

/// A compute system, container or VM (see the top of this file): move-only RAII over a
/// zlhcs_system handle; its calls are thread-safe, failures throw zlhcs::error.
class compute_system {
public:
    compute_system() noexcept = default;
    /// Takes ownership of `handle`.
    explicit compute_system(zlhcs_system handle) noexcept : handle_(handle) {}

    // ---- construction -----------------------------------------------------------------

    /// Creates a compute system from a ComputeSystem JSON document and waits for creation (up
    /// to `timeout`, default zlhcs::default_timeout).
    /// An empty id lets HCS choose a GUID (see id()). Throws errc::already_exists,
    /// errc::invalid_json, ...; if the creation has not completed within `timeout`, throws
    /// zlhcs::system_create_timeout (errc::timeout), which carries the handle of the system
    /// HCS goes on creating.
    [[nodiscard]] static compute_system create(const string_arg& id, const string_arg& configuration,
                                               std::chrono::milliseconds timeout = default_timeout) {
        return create(id, configuration, call_options{}, timeout);
    }
    /// The same with call options (security_descriptor, namespace_id).
    [[nodiscard]] static compute_system create(const string_arg& id, const string_arg& configuration,
                                               const call_options& options,
                                               std::chrono::milliseconds timeout = default_timeout) {
        unique_system_handle handle;
        const zlhcs_call_options native = options.native();
        const zlhcs_hresult result = zlhcs_system_create(id.c_str_or_null(), configuration.c_str(), &native,
                                                         detail::to_timeout_ms(timeout), handle.put(), nullptr);
        // A create that timed out hands out the handle: the system may still come to exist.
        detail::check_create<system_create_timeout>(result, handle, "zlhcs_system_create");
        return compute_system(handle.release());
    }

    /// Starts creating a compute system. The system handle is valid at once; creation
    /// succeeded only if the returned operation does.
    [[nodiscard]] static creation create_async(const string_arg& id, const string_arg& configuration,
                                               const call_options& options = {});

    /// create() from a typed ComputeSystem document: the same as the JSON
    /// form with schema::to_json(configuration); the same options, timeout and errors.
    [[nodiscard]] static compute_system create(const string_arg& id, const schema::ComputeSystem& configuration,
                                                      std::chrono::milliseconds timeout = default_timeout);
    [[nodiscard]] static compute_system create(const string_arg& id, const schema::ComputeSystem& configuration,
                                                      const call_options& options,
                                                      std::chrono::milliseconds timeout = default_timeout);
    /// create_async() from a typed ComputeSystem document.
    [[nodiscard]] static creation create_async(const string_arg& id, const schema::ComputeSystem& configuration,
                                                      const call_options& options = {});

    /// Opens an existing compute system by id (options: namespace_id, requested_access).
    /// Throws errc::not_found.
    [[nodiscard]] static compute_system open(const string_arg& id, const call_options& options = {}) {
        unique_system_handle handle;
        const zlhcs_call_options native = options.native();
        check(zlhcs_system_open(id.c_str(), &native, handle.put()), "zlhcs_system_open");
        return compute_system(handle.release());
    }

    // ---- state changes ------------------------------------------------------------------
    // options: the JSON document HCS defines for each call, optional. A change the current
    // state forbids throws errc::invalid_state; a call on a system that has stopped throws
    // errc::not_found (it is cleaned up; see the top of this file), except terminate() and
    // shutdown(), which report it by returning false. Pause, resume, save and crash throw
    // errc::not_supported on a container (VMs only).

    /// Created -> Running.
    void start(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        run(&zlhcs_system_start, "zlhcs_system_start", options, timeout);
    }
    void start(std::chrono::milliseconds timeout) const { start({}, timeout); }
    [[nodiscard]] async_result start_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_start_async, "zlhcs_system_start_async", options);
    }

    /// Graceful shutdown (options: ShutdownOptions). Running/Paused -> Stopped. true if this
    /// call stopped the system, false if it had stopped already (ZLHCS_S_FALSE: HCS reported
    /// it gone, HCS_E_SYSTEM_NOT_FOUND or HCS_E_SYSTEM_ALREADY_STOPPED). Throws
    /// errc::invalid_state for a system that was never started.
    bool shutdown(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        return run(&zlhcs_system_shutdown, "zlhcs_system_shutdown", options, timeout) == ZLHCS_S_OK;
    }
    bool shutdown(std::chrono::milliseconds timeout) const { return shutdown({}, timeout); }
    /// Unlike shutdown(), the operation of a system that has stopped already fails
    /// (errc::not_found).
    [[nodiscard]] async_result shutdown_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_shutdown_async, "zlhcs_system_shutdown_async", options);
    }

    /// Forceful termination. -> Stopped. true if this call stopped the system, false if it had
    /// stopped already (ZLHCS_S_FALSE, as for shutdown()); so of two racing terminations one
    /// returns true and the other false.
    bool terminate(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        return run(&zlhcs_system_terminate, "zlhcs_system_terminate", options, timeout) == ZLHCS_S_OK;
    }
    bool terminate(std::chrono::milliseconds timeout) const { return terminate({}, timeout); }
    /// Unlike terminate(), the operation of a system that has stopped already fails
    /// (errc::not_found).
    [[nodiscard]] async_result terminate_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_terminate_async, "zlhcs_system_terminate_async", options);
    }

    /// Crashes a VM on purpose (an NMI to the guest, for crash-dump testing): Running/Paused
    /// -> Stopped, exit type UnexpectedExit. errc::not_supported on a container.
    void crash(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        run(&zlhcs_system_crash, "zlhcs_system_crash", options, timeout);
    }
    void crash(std::chrono::milliseconds timeout) const { crash({}, timeout); }
    [[nodiscard]] async_result crash_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_crash_async, "zlhcs_system_crash_async", options);
    }

    /// Running -> Paused (options: PauseOptions). VMs only.
    void pause(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        run(&zlhcs_system_pause, "zlhcs_system_pause", options, timeout);
    }
    void pause(std::chrono::milliseconds timeout) const { pause({}, timeout); }
    [[nodiscard]] async_result pause_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_pause_async, "zlhcs_system_pause_async", options);
    }

    /// Paused -> Running. VMs only.
    void resume(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        run(&zlhcs_system_resume, "zlhcs_system_resume", options, timeout);
    }
    void resume(std::chrono::milliseconds timeout) const { resume({}, timeout); }
    [[nodiscard]] async_result resume_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_resume_async, "zlhcs_system_resume_async", options);
    }

    /// Saves the state of a paused VM (options: SaveOptions); it stays Paused (SaveType
    /// AsTemplate: SavedAsTemplate). VMs only.
    void save(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        run(&zlhcs_system_save, "zlhcs_system_save", options, timeout);
    }
    void save(std::chrono::milliseconds timeout) const { save({}, timeout); }
    [[nodiscard]] async_result save_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_save_async, "zlhcs_system_save_async", options);
    }

    // ---- queries and changes ------------------------------------------------------------

    /// The Properties JSON document. query: a System_PropertyQuery such as
    /// {"PropertyTypes":["Statistics","Memory","ProcessList"]}, or none for the basic ones
    /// (Id, SystemType, RuntimeOsType, RuntimeId, State; HCS returns the Owner with
    /// Statistics only). ProcessList lists the processes that process::create started in
    /// the system and that still run. Throws errc::not_found once the system has stopped.
    [[nodiscard]] std::string properties(const string_arg& query = {},
                                         std::chrono::milliseconds timeout = default_timeout) const {
        out_string document;
        check(zlhcs_system_properties(handle_.get(), query.c_str_or_null(), detail::to_timeout_ms(timeout),
                                      document.put()),
              "zlhcs_system_properties");
        return document.str();
    }
    [[nodiscard]] std::string properties(std::chrono::milliseconds timeout) const { return properties({}, timeout); }
    /// Completes with the Properties JSON document.
    [[nodiscard]] async_result properties_async(const string_arg& query = {}) const {
        return run_async(&zlhcs_system_properties_async, "zlhcs_system_properties_async", query);
    }

    /// properties() parsed as T, normally schema::Properties:
    ///     auto props = system.properties<zlhcs::schema::Properties>(zlhcs::property_query::memory());
    /// query: a System_PropertyQuery, typed or as JSON text (none: the basic properties). The
    /// same timeout and errors as properties(); throws zlhcs::error (errc::invalid_argument,
    /// naming the JSON pointer) if HCS's answer does not read as T.
    template <class T>
    [[nodiscard]] T properties(const string_arg& query = {}, std::chrono::milliseconds timeout = default_timeout) const;
    template <class T>
    [[nodiscard]] T properties(const schema::System_PropertyQuery& query,
                               std::chrono::milliseconds timeout = default_timeout) const;
    template <class T>
    [[nodiscard]] T properties(std::chrono::milliseconds timeout) const;
    /// properties_async() whose result reads as T (zlhcs::typed_result<T>, typed_result.hpp).
    template <class T>
    [[nodiscard]] typed_result<T> properties_async(const string_arg& query = {}) const;
    template <class T>
    [[nodiscard]] typed_result<T> properties_async(const schema::System_PropertyQuery& query) const;

    /// Applies a ModifySettingRequest JSON document.
    void modify(const string_arg& settings, std::chrono::milliseconds timeout = default_timeout) const {
        modify(settings, call_options{}, timeout);
    }
    /// The same with call options (identity_token).
    void modify(const string_arg& settings, const call_options& options,
                std::chrono::milliseconds timeout = default_timeout) const {
        const zlhcs_call_options native = options.native();
        check(zlhcs_system_modify(handle_.get(), settings.c_str(), &native, detail::to_timeout_ms(timeout), nullptr),
              "zlhcs_system_modify");
    }
    [[nodiscard]] async_result modify_async(const string_arg& settings, const call_options& options = {}) const {
        const zlhcs_system system = handle_.get();
        const char* text = settings.c_str();
        const zlhcs_call_options native = options.native();
        return detail::start_async("zlhcs_system_modify_async",
                                   [system, text, native](zlhcs_operation_callback callback, void* context,
                                                          zlhcs_release_callback release_context, zlhcs_operation* out) {
                                       return zlhcs_system_modify_async(system, text, &native, callback, context,
                                                                        release_context, out);
                                   });
    }

    /// modify() and modify_async() with a typed ModifySettingRequest: the
    /// same as the JSON forms with schema::to_json(settings).
    void modify(const schema::ModifySettingRequest& settings,
                       std::chrono::milliseconds timeout = default_timeout) const;
    void modify(const schema::ModifySettingRequest& settings, const call_options& options,
                       std::chrono::milliseconds timeout = default_timeout) const;
    [[nodiscard]] async_result modify_async(const schema::ModifySettingRequest& settings,
                                                   const call_options& options = {}) const;

    /// Blocks until the system exits; returns HCS's exit document ({"Status":...,
    /// "ExitType":"GracefulExit"|"ForcedExit"|"UnexpectedExit"}), also long after it stopped
    /// (the one call a stopped system still answers). The default timeout is
    /// zlhcs::default_wait_exit_timeout: infinite, on purpose (a system runs until someone
    /// stops it; timeout.hpp). Throws errc::timeout if it is still running after `timeout`,
    /// errc::not_supported on hosts without HcsWaitForComputeSystemExit.
    std::string wait_exit(std::chrono::milliseconds timeout = default_wait_exit_timeout) const {
        out_string document;
        check(zlhcs_system_wait_exit(handle_.get(), detail::to_timeout_ms(timeout), document.put()),
              "zlhcs_system_wait_exit");
        return document.str();
    }

    // ---- events (events.hpp) ---------------------------------------------------------------

    /// Completes when the system exits, with HCS's exit document (SystemExitStatus:
    /// {"Status":...,"ExitType":"GracefulExit"|"ForcedExit"|"UnexpectedExit"}); at once if it
    /// has exited already (zlhcs records the exit: it is never missed). Built on HCS's exit
    /// event (zlhcs_system_wait_exit_async), so it works on every host and holds no thread
    /// while it waits. Fails with errc::service_unavailable (HCS_E_SERVICE_DISCONNECT) if the
    /// service disconnects first, errc::invalid_handle if this handle is closed first,
    /// errc::cancelled after cancel() (exit watches can be cancelled). wait(), get_future(),
    /// co_await and the executor rules are those of every async_result (operation.hpp); its
    /// info().kind is operation_kind::exit_watch.
    [[nodiscard]] async_result exited() const {
        const zlhcs_system system = handle_.get();
        return detail::start_async("zlhcs_system_wait_exit_async",
                                   [system](zlhcs_operation_callback callback, void* context,
                                            zlhcs_release_callback release_context, zlhcs_operation* out) {
                                       return zlhcs_system_wait_exit_async(system, callback, context, release_context, out);
                                   });
    }

    /// Callback form: calls `handler` with each event `mask` selects, on a zlhcs delivery thread,
    /// one call at a time, until the subscription is closed or this handle is (see events.hpp
    /// for the handler's lifetime and exceptions). queue_capacity bounds the events waiting for
    /// the handler (0: ZLHCS_EVENT_QUEUE_DEFAULT).
    [[nodiscard]] subscription subscribe(event_mask mask, std::function<void(const event&)> handler,
                                         std::uint32_t queue_capacity = 0) const {
        return detail::subscription_access::subscribe(&zlhcs_system_subscribe, "zlhcs_system_subscribe",
                                                      handle_.get(), mask, std::move(handler), queue_capacity);
    }

    /// Pull form: queues each event `mask` selects for subscription::next() (up to
    /// queue_capacity; 0: ZLHCS_EVENT_QUEUE_DEFAULT).
    [[nodiscard]] subscription subscribe(event_mask mask, std::uint32_t queue_capacity = 0) const {
        return detail::subscription_access::subscribe(&zlhcs_system_subscribe, "zlhcs_system_subscribe",
                                                      handle_.get(), mask, queue_capacity);
    }

    /// The system's id (the one given to create/open, or the GUID HCS chose).
    [[nodiscard]] std::string id() const {
        out_string text;
        check(zlhcs_system_id(handle_.get(), text.put()), "zlhcs_system_id");
        return text.str();
    }

    // ---- the handle ---------------------------------------------------------------------

    [[nodiscard]] zlhcs_system native_handle() const noexcept { return handle_.get(); }
    /// Gives up ownership (the caller closes it with zlhcs_system_close).
    [[nodiscard]] zlhcs_system release() noexcept { return handle_.release(); }
    /// Closes the handle now (operations started on it stay valid).
    void close() noexcept { handle_.reset(); }
    [[nodiscard]] bool valid() const noexcept { return handle_.valid(); }
    explicit operator bool() const noexcept { return handle_.valid(); }

private:
    using sync_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_system, const char*, std::uint32_t, char**);
    using async_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_system, const char*, zlhcs_operation_callback,
                                                  void*, zlhcs_release_callback, zlhcs_operation*);

    zlhcs_hresult run(sync_call function, const char* name, const string_arg& options,
                      std::chrono::milliseconds timeout) const {
        return check(function(handle_.get(), options.c_str_or_null(), detail::to_timeout_ms(timeout), nullptr), name);
    }

    async_result run_async(async_call function, const char* name, const string_arg& options) const {
        const zlhcs_system system = handle_.get();
        const char* text = options.c_str_or_null();
        return detail::start_async(name, [function, system, text](zlhcs_operation_callback callback, void* context,
                                                                  zlhcs_release_callback release_context,
                                                                  zlhcs_operation* out) {
            return function(system, text, callback, context, release_context, out);
        });
    }

    unique_system_handle handle_;
};

/// What compute_system::create_async returns: the new system's handle (valid at once) and
/// the creation operation. Creation succeeded only if `result` does:
///     auto [system, result] = zlhcs::compute_system::create_async(id, config);
///     co_await result;   // or result.wait(), result.get_future()
struct creation {
    compute_system system;
    async_result result;
};

inline compute_system system_create_timeout::take_system() const noexcept {
    return compute_system(take_handle());
}

inline creation compute_system::create_async(const string_arg& id, const string_arg& configuration,
                                             const call_options& options) {
    const char* id_text = id.c_str_or_null();
    const char* configuration_text = configuration.c_str();
    const zlhcs_call_options native = options.native();
    unique_system_handle handle;
    zlhcs_system* out_system = handle.put();
    async_result result = detail::start_async(
        "zlhcs_system_create_async",
        [id_text, configuration_text, native, out_system](zlhcs_operation_callback callback, void* context,
                                                          zlhcs_release_callback release_context, zlhcs_operation* out) {
            return zlhcs_system_create_async(id_text, configuration_text, &native, callback, context, release_context,
                                             out_system, out);
        });
    return creation{compute_system(handle.release()), std::move(result)};
}

// ---- the typed members: templates (T must be complete where they are used) ---------------------

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

}  // namespace zlhcs
