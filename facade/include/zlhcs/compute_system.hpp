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
// zlhcs::infinite; on timeout the work is cancelled and errc::timeout is thrown), *_async
// forms return a zlhcs::async_result. Failures throw zlhcs::error; asynchronous failures to
// *start* the work (bad handle, bad argument) throw from the *_async call itself.
//
// JSON arguments (options, query, settings, configuration) are UTF-8 documents as HCS
// defines them; optional ones may be omitted (nullptr or "" reach HCS as NULL). Results are
// the JSON documents HCS returns, as std::string.
//
// Thread safety: the methods may be called concurrently on one object (zlhcs is
// thread-safe), except moving, assigning, close() and release().
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace zlhcs {

struct creation;

class compute_system {
public:
    compute_system() noexcept = default;
    /// Takes ownership of `handle`.
    explicit compute_system(zlhcs_system handle) noexcept : handle_(handle) {}

    // ---- construction -----------------------------------------------------------------

    /// Creates a compute system from a ComputeSystem JSON document and waits for creation.
    /// An empty id lets HCS choose a GUID (see id()). Throws errc::already_exists,
    /// errc::invalid_json, ...
    [[nodiscard]] static compute_system create(const string_arg& id, const string_arg& configuration,
                                               std::chrono::milliseconds timeout = infinite) {
        unique_system_handle handle;
        check(zlhcs_system_create(id.c_str_or_null(), configuration.c_str(), detail::to_timeout_ms(timeout),
                                  handle.put()),
              "zlhcs_system_create");
        return compute_system(handle.release());
    }

    /// Starts creating a compute system. The system handle is valid at once; creation
    /// succeeded only if the returned operation does.
    [[nodiscard]] static creation create_async(const string_arg& id, const string_arg& configuration);

    /// Opens an existing compute system by id. Throws errc::not_found.
    [[nodiscard]] static compute_system open(const string_arg& id) {
        unique_system_handle handle;
        check(zlhcs_system_open(id.c_str(), handle.put()), "zlhcs_system_open");
        return compute_system(handle.release());
    }

    // ---- state changes ------------------------------------------------------------------
    // options: the JSON document HCS defines for each call, optional. A change the current
    // state forbids throws errc::invalid_state (errc::already_stopped for shutdown,
    // terminate and crash of a stopped system).

    /// Created -> Running.
    void start(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_start, "zlhcs_system_start", options, timeout);
    }
    void start(std::chrono::milliseconds timeout) const { start({}, timeout); }
    [[nodiscard]] async_result start_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_start_async, "zlhcs_system_start_async", options);
    }

    /// Graceful shutdown (options: ShutdownOptions). Running/Paused -> Stopped.
    void shutdown(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_shutdown, "zlhcs_system_shutdown", options, timeout);
    }
    void shutdown(std::chrono::milliseconds timeout) const { shutdown({}, timeout); }
    [[nodiscard]] async_result shutdown_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_shutdown_async, "zlhcs_system_shutdown_async", options);
    }

    /// Forceful termination. -> Stopped.
    void terminate(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_terminate, "zlhcs_system_terminate", options, timeout);
    }
    void terminate(std::chrono::milliseconds timeout) const { terminate({}, timeout); }
    [[nodiscard]] async_result terminate_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_terminate_async, "zlhcs_system_terminate_async", options);
    }

    /// Crashes the system on purpose (crash-dump testing). -> Stopped.
    void crash(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_crash, "zlhcs_system_crash", options, timeout);
    }
    void crash(std::chrono::milliseconds timeout) const { crash({}, timeout); }
    [[nodiscard]] async_result crash_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_crash_async, "zlhcs_system_crash_async", options);
    }

    /// Running -> Paused (options: PauseOptions).
    void pause(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_pause, "zlhcs_system_pause", options, timeout);
    }
    void pause(std::chrono::milliseconds timeout) const { pause({}, timeout); }
    [[nodiscard]] async_result pause_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_pause_async, "zlhcs_system_pause_async", options);
    }

    /// Paused -> Running.
    void resume(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_resume, "zlhcs_system_resume", options, timeout);
    }
    void resume(std::chrono::milliseconds timeout) const { resume({}, timeout); }
    [[nodiscard]] async_result resume_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_resume_async, "zlhcs_system_resume_async", options);
    }

    /// Saves the state of a paused system (options: SaveOptions).
    void save(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        run(&zlhcs_system_save, "zlhcs_system_save", options, timeout);
    }
    void save(std::chrono::milliseconds timeout) const { save({}, timeout); }
    [[nodiscard]] async_result save_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_system_save_async, "zlhcs_system_save_async", options);
    }

    // ---- queries and changes ------------------------------------------------------------

    /// The Properties JSON document. query: a System_PropertyQuery such as
    /// {"PropertyTypes":["Statistics","Memory","ProcessList"]}, or none for the basic ones
    /// (Id, SystemType, Owner, State, ...).
    [[nodiscard]] std::string properties(const string_arg& query = {},
                                         std::chrono::milliseconds timeout = infinite) const {
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

    /// Applies a ModifySettingRequest JSON document.
    void modify(const string_arg& settings, std::chrono::milliseconds timeout = infinite) const {
        check(zlhcs_system_modify(handle_.get(), settings.c_str(), detail::to_timeout_ms(timeout)),
              "zlhcs_system_modify");
    }
    [[nodiscard]] async_result modify_async(const string_arg& settings) const {
        const zlhcs_system system = handle_.get();
        const char* text = settings.c_str();
        return detail::start_async("zlhcs_system_modify_async",
                                   [system, text](zlhcs_operation_callback callback, void* context,
                                                  zlhcs_operation* out) {
                                       return zlhcs_system_modify_async(system, text, callback, context, out);
                                   });
    }

    /// Blocks until the system exits; returns HCS's exit document ({"ExitType":...}).
    /// Throws errc::timeout if it is still running after `timeout`, errc::not_supported on
    /// hosts without HcsWaitForComputeSystemExit.
    std::string wait_for_exit(std::chrono::milliseconds timeout = infinite) const {
        out_string document;
        check(zlhcs_system_wait_exit(handle_.get(), detail::to_timeout_ms(timeout), document.put()),
              "zlhcs_system_wait_exit");
        return document.str();
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
    using sync_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_system, const char*, std::uint32_t);
    using async_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_system, const char*, zlhcs_operation_callback,
                                                  void*, zlhcs_operation*);

    void run(sync_call function, const char* name, const string_arg& options,
             std::chrono::milliseconds timeout) const {
        check(function(handle_.get(), options.c_str_or_null(), detail::to_timeout_ms(timeout)), name);
    }

    async_result run_async(async_call function, const char* name, const string_arg& options) const {
        const zlhcs_system system = handle_.get();
        const char* text = options.c_str_or_null();
        return detail::start_async(name, [function, system, text](zlhcs_operation_callback callback,
                                                                  void* context, zlhcs_operation* out) {
            return function(system, text, callback, context, out);
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

inline creation compute_system::create_async(const string_arg& id, const string_arg& configuration) {
    const char* id_text = id.c_str_or_null();
    const char* configuration_text = configuration.c_str();
    unique_system_handle handle;
    zlhcs_system* out_system = handle.put();
    async_result result = detail::start_async(
        "zlhcs_system_create_async",
        [id_text, configuration_text, out_system](zlhcs_operation_callback callback, void* context,
                                                  zlhcs_operation* out) {
            return zlhcs_system_create_async(id_text, configuration_text, callback, context, out_system, out);
        });
    return creation{compute_system(handle.release()), std::move(result)};
}

}  // namespace zlhcs
