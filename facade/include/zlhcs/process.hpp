// zlhcs C++ facade - processes in compute systems.
//
//     auto child = zlhcs::process::create(system, R"({"CommandLine":"cmd /c echo hi",)"
//                                                 R"("CreateStdOutPipe":true})");
//     std::string out = child.read_all(zlhcs::stdio_stream::out);   // "hi\r\n"
//     std::uint32_t code = child.wait_exit(30s);                      // 0
//
// This header is part of the light <zlhcs/core.hpp>: it has no iostreams. The C++ streams over
// a process's stdio (stdin_stream(), stdout_stream(), stderr_stream(), process_istream,
// process_ostream) are in <zlhcs/process_stream.hpp> (included by <zlhcs/zlhcs.hpp>); include it
// to call the stream accessors.
//
// process owns a zlhcs_process handle (move-only). Destroying or close()-ing it closes the
// handle and the host ends of its stdio pipes; it never kills the process (call terminate()
// first for that). zlhcs tracks the process's exit itself, so wait_exit()/exit_code() report
// the exit code even if the process ended before anyone asked.
//
// Calls mirror compute_system's: synchronous forms block up to their timeout (default
// zlhcs::default_timeout, 4 minutes; wait_exit() and stdio reads wait without limit on purpose:
// timeout.hpp) and throw errc::timeout if the work has not completed by then - it goes on, HCS
// cannot cancel it (see operation.hpp) -, *_async forms return a zlhcs::async_result, failures
// throw zlhcs::error. Typical conditions:
//   errc::already_stopped  signal/terminate/modify of a process that has exited; writing
//                          stdin of a process that no longer reads it (ZLHCS_WIN32_E_BROKEN_PIPE,
//                          0x8007006D)
//   errc::invalid_state    create in a system that is not running (never started);
//                          stdio that the parameters did not ask for, was closed or was
//                          detached
//   errc::not_found        create of an unknown program (0x80070002), open of an unknown id;
//                          create in a system that has stopped (HCS_E_SYSTEM_NOT_FOUND: a
//                          stopped system is cleaned up)
//   errc::cancelled        a stdio read released by interrupt_stdio()
//
// Standard streams
//   The pipes exist only if the ProcessParameters asked for them (CreateStdInPipe,
//   CreateStdOutPipe, CreateStdErrPipe). Use them either through the raw calls
//   (write_stdin, close_stdin, read, read_all) or as C++ streams (process_stream.hpp); for one
//   pipe, pick one of the two, since a stream buffers what it reads.
//   - Reads block until data arrives or the stream ends (the process closed it: everything it
//     wrote has been read), or until interrupt_stdio() releases them; read() with a timeout,
//     try_read() with 0 polls.
//   - Writes to stdin block until the pipe has taken the bytes (the process must read them);
//     they cannot be interrupted (terminate() the process, or close it, to end them).
//   - A process writing much to both stdout and stderr blocks once the pipe nobody reads is
//     full: read them concurrently (one thread each), as read_all() reads only one.
//
// Typed documents
//   create(), create_async(), properties<T>(), properties_async<T>(), modify() and
//   modify_async() also take and give the typed schema of <zlhcs/schema.hpp>
//   (schema::ProcessParameters, schema::ProcessModifyRequest, T normally
//   schema::ProcessStatus); as compute_system's (see compute_system.hpp): the templates are
//   defined here, the others in the implementation unit.
//
// Interrupting a blocked read
//   interrupt_stdio() (any thread, any time) makes every read of this process's stdout and
//   stderr through the facade - read(), try_read(), read_all(), the C++ streams of this process
//   - that blocks or would block fail with errc::cancelled (ZLHCS_WIN32_E_CANCELLED). It sets
//   the facade's flag, which a read checks before it starts, and zlhcs's interrupt
//   (zlhcs_process_stdio_interrupt) of the pipes such reads are blocked on, which releases them
//   at once, without polling. A stream then sets badbit (or throws the zlhcs::error, if its
//   exceptions() ask for badbit). The interrupt is sticky (a read that starts later fails too,
//   so an interrupt racing a reader that has not blocked yet is never lost) until
//   clear_stdio_interrupt(); data already buffered by a stream can still be read. Polls
//   (try_read() with a zero timeout, istream::readsome()) are not affected. A stream over a raw
//   handle has a flag of its own, which this does not set.
//
// Thread safety
//   The calls on one process may run concurrently (zlhcs is thread-safe), except moving,
//   assigning, close() and release() (interrupt the readers and let them return first).
//   Each stdio pipe is to be used by one thread at a time: stdout and stderr may be read
//   concurrently from two threads while a third writes stdin. interrupt_stdio() and
//   clear_stdio_interrupt() may be called from any thread.
#pragma once

#include <zlhcs/compute_system.hpp>
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

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace zlhcs {

/// The standard streams of a process (values equal zlhcs_stdio_stream's).
enum class stdio_stream : std::int32_t {
    in = ZLHCS_STDIN,
    out = ZLHCS_STDOUT,
    err = ZLHCS_STDERR,
};

/// The console control signals of SignalProcessOptions.
enum class process_signal {
    ctrl_c,         ///< "CtrlC"
    ctrl_break,     ///< "CtrlBreak"
    ctrl_close,     ///< "CtrlClose"
    ctrl_logoff,    ///< "CtrlLogOff"
    ctrl_shutdown,  ///< "CtrlShutdown"
};

/// The OS handle of a stdio pipe (process::detach_stdio() hands one out, owned, as a
/// unique_os_handle): a HANDLE on Windows, a file descriptor elsewhere.
using native_stdio_handle = native_os_handle;

/// Close policy of zlhcs_process handles.
struct process_handle_traits {
    using handle_type = zlhcs_process;
    static constexpr handle_type invalid() noexcept { return 0; }
    static void close(handle_type handle) noexcept { (void)zlhcs_process_close(handle); }
};

using unique_process_handle = unique_handle<process_handle_traits>;

class process;
class process_istream;
class process_ostream;
class process_streambuf;

namespace detail {

/// The SignalProcessOptions document of a signal.
constexpr const char* signal_options(process_signal signal) noexcept {
    switch (signal) {
        case process_signal::ctrl_c: return R"({"Signal":"CtrlC"})";
        case process_signal::ctrl_break: return R"({"Signal":"CtrlBreak"})";
        case process_signal::ctrl_close: return R"({"Signal":"CtrlClose"})";
        case process_signal::ctrl_logoff: return R"({"Signal":"CtrlLogOff"})";
        case process_signal::ctrl_shutdown: return R"({"Signal":"CtrlShutdown"})";
    }
    return R"({"Signal":"CtrlC"})";
}

// The zlhcs_process stdio calls of the facade, one place each.

/// Reads what is available (up to `capacity` bytes) within the timeout: the byte count (0 at
/// end of stream), or std::nullopt if nothing arrived in time. Throws zlhcs::error otherwise.
inline std::optional<std::size_t> read_some(zlhcs_process process, stdio_stream stream, void* buffer,
                                            std::size_t capacity, std::uint32_t timeout_ms) {
    std::size_t got = 0;
    const zlhcs_hresult result =
        zlhcs_process_stdio_read(process, static_cast<std::uint32_t>(stream), buffer, capacity, timeout_ms, &got);
    if (result == ZLHCS_HCS_E_OPERATION_TIMEOUT) return std::nullopt;
    check(result, "zlhcs_process_stdio_read");
    return got;
}

inline void write_stdin(zlhcs_process process, const void* data, std::size_t size) {
    check(zlhcs_process_stdio_write(process, data, size, ZLHCS_INFINITE, nullptr), "zlhcs_process_stdio_write");
}

/// true if this call closed stdin, false if it was closed already.
inline bool close_stdin(zlhcs_process process) {
    return check(zlhcs_process_stdio_close(process, ZLHCS_STDIN), "zlhcs_process_stdio_close") == ZLHCS_S_OK;
}

/// What a read that starts while the flag is set throws (the same error as zlhcs's).
inline error interrupted_read() {
    return error(ZLHCS_WIN32_E_CANCELLED, "zlhcs_process_stdio_read",
                 "the read was interrupted (interrupt_stdio()) before data arrived", "", "");
}

/// The interrupt flag shared by a process and the streams over its stdio (see the top of this
/// file). zlhcs's interrupt (zlhcs_process_stdio_interrupt) belongs to a pipe, so a flag raises
/// it only on the pipes its own reads are blocked on now, and lowers it when the last of them
/// has left or on clearing: one flag never releases the reads of another over the same process
/// (a stream over a raw handle has a flag of its own). The mutex orders a read's start against
/// set(): either the read sees the flag, or set() sees the read. zlhcs's refusals (a pipe no
/// longer open) are ignored: such a pipe has no read to release.
class stdio_interrupt {
public:
    [[nodiscard]] bool is_set() const noexcept { return set_.load(std::memory_order_acquire); }

    /// Sets or clears the flag; never blocks (zlhcs's interrupt does not wait for the reads).
    void set(zlhcs_process process, bool on) noexcept {
        const std::lock_guard guard(mutex_);
        set_.store(on, std::memory_order_release);
        for (std::size_t stream = 0; stream < readers_.size(); ++stream) {
            if (raised_[stream] != (on && readers_[stream] > 0)) raise(process, stream, !raised_[stream]);
        }
    }

    /// A read of `stream` that may wait begins: throws interrupted_read() if the flag is set.
    void enter(stdio_stream stream) {
        const std::lock_guard guard(mutex_);
        if (set_.load(std::memory_order_relaxed)) throw interrupted_read();
        ++readers_[static_cast<std::size_t>(stream)];
    }

    /// It has ended, however it ended.
    void leave(zlhcs_process process, stdio_stream stream) noexcept {
        const std::lock_guard guard(mutex_);
        const auto index = static_cast<std::size_t>(stream);
        if (--readers_[index] == 0 && raised_[index]) raise(process, index, false);
    }

private:
    void raise(zlhcs_process process, std::size_t stream, bool on) noexcept {
        (void)zlhcs_process_stdio_interrupt(process, static_cast<std::uint32_t>(stream), on ? 1 : 0);
        raised_[stream] = on;
    }

    std::mutex mutex_;
    std::atomic<bool> set_{false};
    std::array<unsigned, 3> readers_{};  // reads that may wait, per stream
    std::array<bool, 3> raised_{};       // streams whose zlhcs interrupt this flag raised
};

/// A read that waits up to `timeout` (>= zlhcs::infinite: without limit); if `interrupt` is
/// given, one that may wait throws interrupted_read() if it is set, and is released by its
/// set() meanwhile. Returns as read_some().
inline std::optional<std::size_t> read_blocking(zlhcs_process process, stdio_stream stream, void* buffer,
                                                std::size_t capacity, std::chrono::milliseconds timeout,
                                                stdio_interrupt* interrupt) {
    if (timeout <= std::chrono::milliseconds(0)) return read_some(process, stream, buffer, capacity, 0);
    if (interrupt == nullptr) return read_some(process, stream, buffer, capacity, to_timeout_ms(timeout));
    interrupt->enter(stream);
    struct leaving {
        stdio_interrupt* interrupt;
        zlhcs_process process;
        stdio_stream stream;
        ~leaving() { interrupt->leave(process, stream); }
    } const left{interrupt, process, stream};
    return read_some(process, stream, buffer, capacity, to_timeout_ms(timeout));
}

/// The C++ streams of a process, made by its stream accessors (defined in process_stream.hpp,
/// so that this header needs no iostreams): destroyed and flushed through function pointers.
struct process_streams;
struct process_streams_ops {
    void (*destroy)(process_streams* streams) noexcept;
    void (*flush_stdin)(process_streams& streams);  // writes what stdin_stream() buffers
};
struct process_streams_deleter {
    const process_streams_ops* ops = nullptr;
    void operator()(process_streams* streams) const noexcept {
        if (ops != nullptr) ops->destroy(streams);
    }
};

template <typename T>
using element_of = std::remove_cv_t<std::remove_reference_t<decltype(*std::declval<T&>().data())>>;

template <typename T>
inline constexpr bool is_byte_like = sizeof(T) == 1 && (std::is_integral_v<T> || std::is_enum_v<T>);

/// A contiguous range of bytes (member data() and size(), one-byte elements) that is not a
/// string (strings go to the std::string_view overloads): std::span<std::byte>,
/// std::vector<char>, std::array<unsigned char, N>, ...
template <typename T, typename = void>
struct is_byte_range : std::false_type {};
template <typename T>
struct is_byte_range<T, std::void_t<decltype(std::declval<T&>().data()), decltype(std::declval<T&>().size())>>
    : std::bool_constant<is_byte_like<element_of<T>> && !std::is_convertible_v<const T&, std::string_view>> {};

template <typename T>
struct has_mutable_elements
    : std::bool_constant<!std::is_const_v<std::remove_reference_t<decltype(*std::declval<T&>().data())>>> {};

/// A byte range (above) whose elements can be written.
template <typename T>
struct is_mutable_byte_range : std::conjunction<is_byte_range<T>, has_mutable_elements<T>> {};

}  // namespace detail

struct process_creation;

/// What process::create throws when `timeout` passes before HCS has finished creating the
/// process: a zlhcs::error with errc::timeout (HCS_E_OPERATION_TIMEOUT). HCS cannot cancel
/// the creation, so the process may still start; the exception therefore carries its handle,
/// and take_process() hands it to the caller. Its id() and stdio become available when the
/// creation completes (id() throws errc::pending until then); wait_exit() and terminate()
/// work as usual. If nobody takes it, the handle (and the host ends of the pipes) is closed
/// when the last copy of the exception is destroyed, as destroying a process would; that does
/// not stop the process. Copies share the one handle.
class process_create_timeout : public detail::create_timeout<process_handle_traits> {
public:
    using create_timeout::create_timeout;

    /// The process's handle, the first time it is called (on any copy of the exception); an
    /// empty process afterwards. Throws only std::bad_alloc (then the handle is closed).
    [[nodiscard]] zlhcs::process take_process() const;
};

/// A process in a compute system (see the top of this file). Move-only RAII over a
/// zlhcs_process handle.
class process {
public:
    process() noexcept = default;
    /// Takes ownership of `handle`. Throws only std::bad_alloc (the handle is then closed).
    explicit process(zlhcs_process handle) : handle_(handle), interrupt_(std::make_shared<detail::stdio_interrupt>()) {}
    process(process&&) noexcept = default;
    process& operator=(process&&) noexcept = default;
    process(const process&) = delete;
    process& operator=(const process&) = delete;
    /// Closes the handle and the host ends of the pipes (the process goes on running);
    /// discards what stdin_stream() buffers.
    ~process() = default;

    // ---- construction -----------------------------------------------------------------

    /// Starts a process in a running system from a ProcessParameters JSON document
    /// (CommandLine, WorkingDirectory, Environment, EmulateConsole, ConsoleSize,
    /// CreateStdInPipe, CreateStdOutPipe, CreateStdErrPipe, ...) and waits until it runs, up to
    /// `timeout` (default: zlhcs::default_timeout, 4 minutes).
    /// Throws errc::invalid_state (system not started), errc::not_found (no such program, or
    /// the system has stopped), errc::invalid_json, ...; if the creation has not completed
    /// within `timeout`, throws zlhcs::process_create_timeout (errc::timeout), which carries
    /// the handle of the process HCS goes on creating.
    [[nodiscard]] static process create(const compute_system& system, const string_arg& parameters,
                                        std::chrono::milliseconds timeout = default_timeout) {
        return create(system, parameters, call_options{}, timeout);
    }
    /// The same with call options (security_descriptor).
    [[nodiscard]] static process create(const compute_system& system, const string_arg& parameters,
                                        const call_options& options,
                                        std::chrono::milliseconds timeout = default_timeout) {
        unique_process_handle handle;
        const zlhcs_call_options native = options.native();
        const zlhcs_hresult result = zlhcs_process_create(system.native_handle(), parameters.c_str(), &native,
                                                          detail::to_timeout_ms(timeout), handle.put(), nullptr);
        // A create that timed out hands out the handle: the process may still start.
        detail::check_create<process_create_timeout>(result, handle, "zlhcs_process_create");
        return process(handle.release());
    }

    /// Starts creating a process. The process handle is valid at once; the process runs (and
    /// its id and stdio become available) only if the returned operation succeeds.
    [[nodiscard]] static process_creation create_async(const compute_system& system, const string_arg& parameters,
                                                       const call_options& options = {});

    /// create() and create_async() from typed ProcessParameters : the same as
    /// the JSON forms with schema::to_json(parameters); the same options, timeout and errors.
    [[nodiscard]] static process create(const compute_system& system, const schema::ProcessParameters& parameters,
                                               std::chrono::milliseconds timeout = default_timeout);
    [[nodiscard]] static process create(const compute_system& system, const schema::ProcessParameters& parameters,
                                               const call_options& options,
                                               std::chrono::milliseconds timeout = default_timeout);
    [[nodiscard]] static process_creation create_async(const compute_system& system,
                                                              const schema::ProcessParameters& parameters,
                                                              const call_options& options = {});

    /// Opens a process of the system by id; an opened process has no stdio.
    /// Throws errc::not_found (0x80070490) for an unknown id.
    [[nodiscard]] static process open(const compute_system& system, std::uint32_t process_id) {
        unique_process_handle handle;
        check(zlhcs_process_open(system.native_handle(), process_id, handle.put()), "zlhcs_process_open");
        return process(handle.release());
    }

    // ---- control ------------------------------------------------------------------------

    /// The process id. Throws errc::pending while create_async's operation runs.
    [[nodiscard]] std::uint32_t id() const {
        std::uint32_t value = 0;
        check(zlhcs_process_id(handle_.get(), &value), "zlhcs_process_id");
        return value;
    }

    /// Sends a console control signal. true if it was delivered, false if the process is gone
    /// (ZLHCS_S_FALSE: HCS gave one of its gone-process codes; see zlhcs_process_signal).
    bool signal(process_signal which, std::chrono::milliseconds timeout = default_timeout) const {
        return signal(detail::signal_options(which), timeout);
    }
    /// Sends a signal described by a SignalProcessOptions document ({"Signal":"CtrlC"}).
    bool signal(const string_arg& options, std::chrono::milliseconds timeout = default_timeout) const {
        return run(&zlhcs_process_signal, "zlhcs_process_signal", options, timeout) == ZLHCS_S_OK;
    }
    [[nodiscard]] async_result signal_async(process_signal which) const {
        return signal_async(detail::signal_options(which));
    }
    [[nodiscard]] async_result signal_async(const string_arg& options) const {
        return run_async(&zlhcs_process_signal_async, "zlhcs_process_signal_async", options);
    }

    /// Asks HCS to terminate the process (it exits with code 1 in hcsim); HCS does not wait
    /// for the exit (wait_exit() does). true if this call requested it, false if the
    /// process is gone or already being terminated (ZLHCS_S_FALSE). options must be empty:
    /// HCS reserves them.
    bool terminate(const string_arg& options = {}, std::chrono::milliseconds timeout = default_timeout) const {
        return run(&zlhcs_process_terminate, "zlhcs_process_terminate", options, timeout) == ZLHCS_S_OK;
    }
    bool terminate(std::chrono::milliseconds timeout) const { return terminate({}, timeout); }
    /// Same as terminate(), for those who think of it as kill.
    bool kill(std::chrono::milliseconds timeout = default_timeout) const { return terminate({}, timeout); }
    [[nodiscard]] async_result terminate_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_process_terminate_async, "zlhcs_process_terminate_async", options);
    }

    /// The startup information document (HcsGetProcessInfo; hcsim: the ProcessParameters).
    [[nodiscard]] std::string info(std::chrono::milliseconds timeout = default_timeout) const {
        out_string document;
        check(zlhcs_process_info(handle_.get(), detail::to_timeout_ms(timeout), document.put()),
              "zlhcs_process_info");
        return document.str();
    }

    /// The ProcessStatus JSON document {ProcessId, Exited, ExitCode, LastWaitResult}.
    [[nodiscard]] std::string properties(const string_arg& query = {},
                                         std::chrono::milliseconds timeout = default_timeout) const {
        out_string document;
        check(zlhcs_process_properties(handle_.get(), query.c_str_or_null(), detail::to_timeout_ms(timeout),
                                       document.put()),
              "zlhcs_process_properties");
        return document.str();
    }
    [[nodiscard]] std::string properties(std::chrono::milliseconds timeout) const { return properties({}, timeout); }
    /// Completes with the ProcessStatus JSON document.
    [[nodiscard]] async_result properties_async(const string_arg& query = {}) const {
        return run_async(&zlhcs_process_properties_async, "zlhcs_process_properties_async", query);
    }

    /// properties() parsed as T, normally schema::ProcessStatus ; the same
    /// timeout and errors, and errc::invalid_argument if HCS's answer does not read as T.
    template <class T>
    [[nodiscard]] T properties(const string_arg& query = {}, std::chrono::milliseconds timeout = default_timeout) const;
    template <class T>
    [[nodiscard]] T properties(std::chrono::milliseconds timeout) const;
    /// properties_async() whose result reads as T (zlhcs::typed_result<T>, typed_result.hpp).
    template <class T>
    [[nodiscard]] typed_result<T> properties_async(const string_arg& query = {}) const;

    /// Applies a ProcessModifyRequest JSON document (ConsoleSize, CloseHandle).
    void modify(const string_arg& settings, std::chrono::milliseconds timeout = default_timeout) const {
        check(zlhcs_process_modify(handle_.get(), settings.c_str(), detail::to_timeout_ms(timeout), nullptr),
              "zlhcs_process_modify");
    }
    [[nodiscard]] async_result modify_async(const string_arg& settings) const {
        const zlhcs_process native = handle_.get();
        const char* text = settings.c_str();
        return detail::start_async("zlhcs_process_modify_async",
                                   [native, text](zlhcs_operation_callback callback, void* context,
                                                  zlhcs_release_callback release_context, zlhcs_operation* out) {
                                       return zlhcs_process_modify_async(native, text, callback, context, release_context, out);
                                   });
    }

    /// modify() and modify_async() with a typed ProcessModifyRequest .
    void modify(const schema::ProcessModifyRequest& settings,
                       std::chrono::milliseconds timeout = default_timeout) const;
    [[nodiscard]] async_result modify_async(const schema::ProcessModifyRequest& settings) const;

    /// Resizes the process's console (columns, rows).
    void resize_console(std::uint16_t width, std::uint16_t height,
                        std::chrono::milliseconds timeout = default_timeout) const {
        check(zlhcs_process_resize_console(handle_.get(), width, height, detail::to_timeout_ms(timeout), nullptr),
              "zlhcs_process_resize_console");
    }

    // ---- exit -----------------------------------------------------------------------------

    /// Blocks until the process exits; returns its exit code. The default timeout is
    /// zlhcs::default_wait_exit_timeout: infinite, on purpose (an exit is an event, not HCS
    /// work; timeout.hpp). Throws errc::timeout if it is still running after `timeout` (it goes
    /// on running).
    std::uint32_t wait_exit(std::chrono::milliseconds timeout = default_wait_exit_timeout) const {
        const std::optional<std::uint32_t> code = try_wait_exit(timeout);
        if (!code) throw_error(ZLHCS_HCS_E_OPERATION_TIMEOUT, "zlhcs_process_wait_exit");
        return *code;
    }

    /// Like wait_exit(), but std::nullopt if the process still runs after `timeout` (other
    /// failures still throw; 0 polls).
    [[nodiscard]] std::optional<std::uint32_t> try_wait_exit(std::chrono::milliseconds timeout) const {
        std::uint32_t code = 0;
        const zlhcs_hresult result = zlhcs_process_wait_exit(handle_.get(), detail::to_timeout_ms(timeout), &code);
        if (result == ZLHCS_HCS_E_OPERATION_TIMEOUT) return std::nullopt;
        check(result, "zlhcs_process_wait_exit");
        return code;
    }

    /// Completes when the process exits, with its ProcessStatus document ({"ProcessId",
    /// "Exited":true,"ExitCode",...}); at once if it has exited already (never missed). Built
    /// on HCS's exit event (zlhcs_process_wait_exit_async); holds no thread while it waits.
    /// Fails with errc::service_unavailable if the service disconnects first,
    /// errc::invalid_handle if this handle is closed first, errc::cancelled after cancel().
    /// An async_result like every other (operation.hpp: wait, get_future, co_await, executors).
    [[nodiscard]] async_result exited() const {
        const zlhcs_process native = handle_.get();
        return detail::start_async("zlhcs_process_wait_exit_async",
                                   [native](zlhcs_operation_callback callback, void* context,
                                            zlhcs_release_callback release_context, zlhcs_operation* out) {
                                       return zlhcs_process_wait_exit_async(native, callback, context, release_context, out);
                                   });
    }

    /// The exit code if the process has exited, std::nullopt while it runs. Never blocks.
    [[nodiscard]] std::optional<std::uint32_t> exit_code() const {
        std::uint32_t code = 0;
        const zlhcs_hresult result = zlhcs_process_exit_code(handle_.get(), &code);
        if (result == ZLHCS_HCS_E_OPERATION_PENDING) return std::nullopt;
        check(result, "zlhcs_process_exit_code");
        return code;
    }

    // ---- events (events.hpp) ---------------------------------------------------------------
    // A process's events: event_kind::process_exited (data: ProcessStatus; also delivered to a
    // subscription made after the exit), service_disconnect, and kinds zlhcs does not know.

    /// Callback form; see compute_system::subscribe() and events.hpp.
    [[nodiscard]] subscription subscribe(event_mask mask, std::function<void(const event&)> handler,
                                         std::uint32_t queue_capacity = 0) const {
        return detail::subscription_access::subscribe(&zlhcs_process_subscribe, "zlhcs_process_subscribe",
                                                      handle_.get(), mask, std::move(handler), queue_capacity);
    }

    /// Pull form; see compute_system::subscribe() and events.hpp.
    [[nodiscard]] subscription subscribe(event_mask mask, std::uint32_t queue_capacity = 0) const {
        return detail::subscription_access::subscribe(&zlhcs_process_subscribe, "zlhcs_process_subscribe",
                                                      handle_.get(), mask, queue_capacity);
    }

    // ---- stdio: raw calls -----------------------------------------------------------------

    /// Writes all bytes to stdin, blocking until the pipe has taken them (not interruptible).
    /// Throws errc::invalid_state (no stdin pipe, or closed or detached), errc::already_stopped
    /// with ZLHCS_WIN32_E_BROKEN_PIPE (the process no longer reads). Does not go through
    /// stdin_stream()'s buffer: flush that first.
    void write_stdin(const void* data, std::size_t size) const { detail::write_stdin(handle_.get(), data, size); }
    void write_stdin(std::string_view text) const { write_stdin(text.data(), text.size()); }
    /// Writes a contiguous range of one-byte elements: std::span<const std::byte>,
    /// std::vector<char>, std::array<unsigned char, N>, ...
    template <typename Bytes, typename = std::enable_if_t<detail::is_byte_range<const Bytes>::value>>
    void write_stdin(const Bytes& bytes) const {
        write_stdin(static_cast<const void*>(bytes.data()), static_cast<std::size_t>(bytes.size()));
    }

    /// Writes what stdin_stream() buffers (if it was used), then closes stdin: the process
    /// reads end of stream after everything written so far. true if this call closed it,
    /// false if it was closed already.
    bool close_stdin() const {
        if (streams_) streams_.get_deleter().ops->flush_stdin(*streams_);
        return detail::close_stdin(handle_.get());
    }

    /// Reads what stdout or stderr has (at most `capacity` bytes), waiting up to `timeout`
    /// (default: zlhcs::default_read_timeout, infinite on purpose) for at least one byte.
    /// Returns the byte count, 0 at end of stream. Throws errc::timeout if nothing arrived in
    /// time, errc::cancelled if interrupt_stdio() released it, errc::invalid_state if there is
    /// no such pipe (or it was detached).
    std::size_t read(stdio_stream stream, void* buffer, std::size_t capacity,
                     std::chrono::milliseconds timeout = default_read_timeout) const {
        const std::optional<std::size_t> got = try_read(stream, buffer, capacity, timeout);
        if (!got) throw_error(ZLHCS_HCS_E_OPERATION_TIMEOUT, "zlhcs_process_stdio_read");
        return *got;
    }
    /// Like read(), but std::nullopt if nothing arrived in time (0 never blocks: a poll).
    [[nodiscard]] std::optional<std::size_t> try_read(stdio_stream stream, void* buffer, std::size_t capacity,
                                                      std::chrono::milliseconds timeout) const {
        return detail::read_blocking(handle_.get(), stream, buffer, capacity, timeout, interrupt_.get());
    }
    /// read() into a contiguous range of one-byte elements (std::span<std::byte>,
    /// std::vector<char>, ...).
    template <typename Buffer, typename = std::enable_if_t<detail::is_mutable_byte_range<Buffer>::value>>
    std::size_t read(stdio_stream stream, Buffer&& buffer, std::chrono::milliseconds timeout = default_read_timeout) const {
        return read(stream, static_cast<void*>(buffer.data()), static_cast<std::size_t>(buffer.size()), timeout);
    }

    /// Reads stdout or stderr to its end (the process closed it, usually by exiting). Blocks
    /// as long as the process keeps it open (without limit, on purpose; interrupt_stdio()
    /// releases it with errc::cancelled); see the top of this file about reading both.
    [[nodiscard]] std::string read_all(stdio_stream stream) const {
        constexpr std::size_t chunk = 64 * 1024;
        std::string text;
        for (;;) {
            const std::size_t used = text.size();
            text.resize(used + chunk);
            const std::size_t got = read(stream, &text[used], chunk);
            text.resize(used + got);
            if (got == 0) return text;
        }
    }

    /// Releases every read of this process's stdout/stderr that blocks, now or later, with
    /// errc::cancelled (see the top of this file). Any thread; never blocks, never throws.
    void interrupt_stdio() const noexcept {
        if (interrupt_) interrupt_->set(handle_.get(), true);
    }
    /// Lets reads block again after interrupt_stdio() (a stream also needs clear()).
    void clear_stdio_interrupt() const noexcept {
        if (interrupt_) interrupt_->set(handle_.get(), false);
    }
    /// true between interrupt_stdio() and clear_stdio_interrupt().
    [[nodiscard]] bool stdio_interrupted() const noexcept {
        return interrupt_ && interrupt_->is_set();
    }

    /// Hands the OS handle of one stdio pipe to the caller as an owning unique_os_handle (it
    /// closes the handle - CloseHandle / close() - unless release()d); zlhcs no longer uses
    /// that stream (read/write on it throw errc::invalid_state, and so does its C++ stream once
    /// its buffer is used up). Throws errc::invalid_state if the pipe does not exist, was closed
    /// or was detached already. Closing the detached stdin does not end the process's stdin
    /// for HCS: call close_stdin() for that.
    [[nodiscard]] unique_os_handle detach_stdio(stdio_stream stream) const {
        std::uint64_t handle = 0;
        check(zlhcs_process_stdio_detach(handle_.get(), static_cast<std::uint32_t>(stream), &handle),
              "zlhcs_process_stdio_detach");
#if defined(_WIN32)
        return unique_os_handle(reinterpret_cast<native_os_handle>(static_cast<std::uintptr_t>(handle)));
#else
        return unique_os_handle(static_cast<native_os_handle>(handle));
#endif
    }

    // ---- stdio: C++ streams (defined in <zlhcs/process_stream.hpp>) -----------------------
    // Made on first use, owned by this object: references stay valid when the process object
    // is moved (they move with it), until it is destroyed or assigned to. After close() they
    // fail (badbit). They share this process's interrupt flag. A stream accessor and the
    // stream it returns belong to the thread that uses that pipe; close_stdin() flushes
    // stdin_stream(), so call it from the thread writing stdin (or once it is done).

    /// stdin as a buffered std::ostream: flush() or close() writes everything, close() (or
    /// close_stdin()) also ends the process's stdin.
    [[nodiscard]] inline process_ostream& stdin_stream();
    /// stdout as a std::istream; reads block until data arrives, the stream ends or
    /// interrupt_stdio() releases them.
    [[nodiscard]] inline process_istream& stdout_stream();
    /// stderr as a std::istream; like stdout_stream().
    [[nodiscard]] inline process_istream& stderr_stream();

    // ---- the handle -----------------------------------------------------------------------

    [[nodiscard]] zlhcs_process native_handle() const noexcept { return handle_.get(); }
    /// Gives up ownership (the caller closes it with zlhcs_process_close). Streams made by
    /// the accessors above keep referring to the handle.
    [[nodiscard]] zlhcs_process release() noexcept { return handle_.release(); }
    /// Closes the handle and the host ends of the pipes now (the process goes on running).
    void close() noexcept { handle_.reset(); }
    [[nodiscard]] bool valid() const noexcept { return handle_.valid(); }
    explicit operator bool() const noexcept { return handle_.valid(); }

private:
    friend class process_istream;

    using sync_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, std::uint32_t, char**);
    using async_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, zlhcs_operation_callback, void*,
                                                  zlhcs_release_callback, zlhcs_operation*);

    zlhcs_hresult run(sync_call function, const char* name, const string_arg& options,
                      std::chrono::milliseconds timeout) const {
        return check(function(handle_.get(), options.c_str_or_null(), detail::to_timeout_ms(timeout), nullptr), name);
    }

    async_result run_async(async_call function, const char* name, const string_arg& options) const {
        const zlhcs_process native = handle_.get();
        const char* text = options.c_str_or_null();
        return detail::start_async(name, [function, native, text](zlhcs_operation_callback callback, void* context,
                                                                  zlhcs_release_callback release_context,
                                                                  zlhcs_operation* out) {
            return function(native, text, callback, context, release_context, out);
        });
    }

    unique_process_handle handle_;
    std::shared_ptr<detail::stdio_interrupt> interrupt_;  // null only without a handle
    std::unique_ptr<detail::process_streams, detail::process_streams_deleter> streams_;
};

/// What process::create_async returns: the new process's handle (valid at once) and the
/// creation operation. The process runs only if `result` succeeds:
///     auto [child, result] = zlhcs::process::create_async(system, parameters);
///     co_await result;   // or result.wait(), result.get_future()
struct process_creation {
    zlhcs::process process;
    async_result result;
};

inline process_creation process::create_async(const compute_system& system, const string_arg& parameters,
                                              const call_options& options) {
    const zlhcs_system system_handle = system.native_handle();
    const char* text = parameters.c_str();
    const zlhcs_call_options native = options.native();
    unique_process_handle handle;
    zlhcs_process* out_process = handle.put();
    async_result result = detail::start_async(
        "zlhcs_process_create_async",
        [system_handle, text, native, out_process](zlhcs_operation_callback callback, void* context,
                                                   zlhcs_release_callback release_context, zlhcs_operation* out) {
            return zlhcs_process_create_async(system_handle, text, &native, callback, context, release_context, out_process,
                                              out);
        });
    return process_creation{process(handle.release()), std::move(result)};
}

inline process process_create_timeout::take_process() const {
    const zlhcs_process handle = take_handle();
    if (handle == 0) return process();
    return process(handle);
}

// ---- the typed members: templates (T must be complete where they are used) ---------------------

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

}  // namespace zlhcs
