// zlhcs C++ facade - processes in compute systems, and their standard streams.
//
//     auto child = zlhcs::process::create(system, R"({"CommandLine":"cmd /c echo hi",)"
//                                                 R"("CreateStdOutPipe":true})");
//     std::string line;
//     std::getline(child.stdout_stream(), line);          // "hi\r"
//     std::uint32_t code = child.wait_for_exit(30s);      // 0
//
// process owns a zlhcs_process handle (move-only). Destroying or close()-ing it closes the
// handle and the host ends of its stdio pipes; it never kills the process (call terminate()
// first for that). zlhcs tracks the process's exit itself, so wait_for_exit()/exit_code()
// report the exit code even if the process ended before anyone asked.
//
// Calls mirror compute_system's: synchronous forms block up to their timeout (default
// zlhcs::infinite) and throw errc::timeout if the work has not completed by then - it goes
// on, HCS cannot cancel it (see operation.hpp) -, *_async forms return a zlhcs::async_result,
// failures throw zlhcs::error. Typical conditions:
//   errc::already_stopped  signal/terminate/modify of a process that has exited; writing
//                          stdin of a process that no longer reads it (ZLHCS_WIN32_E_BROKEN_PIPE,
//                          0x8007006D)
//   errc::invalid_state    create in a system that is not running (never started);
//                          stdio that the parameters did not ask for, was closed or was
//                          detached
//   errc::not_found        create of an unknown program (0x80070002), open of an unknown id;
//                          create in a system that has stopped (HCS_E_SYSTEM_NOT_FOUND: a
//                          stopped system is cleaned up)
//
// Standard streams
//   The pipes exist only if the ProcessParameters asked for them (CreateStdInPipe,
//   CreateStdOutPipe, CreateStdErrPipe). Use them either through the raw calls
//   (write_stdin, close_stdin, read, read_all) or as C++ streams (stdin_stream(),
//   stdout_stream(), stderr_stream(), or process_ostream / process_istream objects of your
//   own); for one pipe, pick one of the two, since a stream buffers what it reads.
//   - Reads block until data arrives or the stream ends (the process closed it: everything it
//     wrote has been read); istream::readsome() never blocks.
//   - Writes to stdin block until the pipe has taken the bytes (the process must read them).
//     process_ostream buffers: flush() (std::flush, std::endl) or close() writes everything;
//     close() - and process::close_stdin() - then ends the process's stdin. Bytes still
//     buffered when the stream or the process is destroyed are discarded (destructors never
//     block on a process that does not read).
//   - A process writing much to both stdout and stderr blocks once the pipe nobody reads is
//     full: read them concurrently (one thread each), as read_all() reads only one.
//   - A failed stream operation sets badbit (a failed close() sets failbit); call
//     exceptions(std::ios::badbit) on the stream to receive the zlhcs::error instead.
//
// Thread safety
//   The calls on one process may run concurrently (zlhcs is thread-safe), except moving,
//   assigning, close() and release(). Each stdio pipe is to be used by one thread at a time:
//   stdout and stderr may be read concurrently from two threads while a third writes stdin.
//   A stream accessor (stdin_stream() ...) and the stream it returns belong to the thread that
//   uses that pipe; close_stdin() flushes stdin_stream(), so call it from the thread writing
//   stdin (or once it is done).
#pragma once

#include <zlhcs/compute_system.hpp>
#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ios>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__has_include)
#if __has_include(<version>)
#include <version>
#endif
#endif
#if defined(__cpp_lib_span) && !defined(ZLHCS_HAS_SPAN)
#define ZLHCS_HAS_SPAN 1
#include <span>
#endif
#ifndef ZLHCS_HAS_SPAN
#define ZLHCS_HAS_SPAN 0
#endif

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

/// The OS handle of a stdio pipe handed out by process::detach_stdio(): a HANDLE on Windows
/// (close it with CloseHandle), a file descriptor elsewhere (close it with close()).
#if defined(_WIN32)
using native_stdio_handle = void*;
#else
using native_stdio_handle = int;
#endif

/// Close policy of zlhcs_process handles.
struct process_handle_traits {
    using handle_type = zlhcs_process;
    static constexpr handle_type invalid() noexcept { return 0; }
    static void close(handle_type handle) noexcept { (void)zlhcs_process_close(handle); }
};

using unique_process_handle = unique_handle<process_handle_traits>;

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

/// Reads what is available (up to `capacity` bytes) within the timeout: the byte count (0 at
/// end of stream), or std::nullopt if nothing arrived in time. Throws zlhcs::error otherwise.
inline std::optional<std::size_t> read_some(zlhcs_process process, stdio_stream stream, void* buffer,
                                            std::size_t capacity, std::uint32_t timeout_ms) {
    std::size_t got = 0;
    const zlhcs_hresult result =
        zlhcs_process_stdio_read(process, static_cast<std::uint32_t>(stream), buffer, capacity, timeout_ms, &got);
    if (result == ZLHCS_HCS_E_OPERATION_TIMEOUT) return std::nullopt;
    check(result, "zlhcs_process_read");
    return got;
}

inline void write_stdin(zlhcs_process process, const void* data, std::size_t size) {
    check(zlhcs_process_stdio_write(process, data, size, ZLHCS_INFINITE, nullptr), "zlhcs_process_write_stdin");
}

}  // namespace detail

class process;

/// A std::streambuf over one stdio pipe of a process: stdin is written (put area; nothing
/// can be read), stdout or stderr is read (get area; nothing can be written). It refers to
/// the process's handle, which it does not own: once that is closed its calls fail with
/// errc::invalid_handle. Blocking and buffering: see the top of this file. Its virtual
/// functions throw zlhcs::error on failure (a std::istream/ostream over it turns that into
/// badbit, or rethrows it if its exceptions() ask for badbit). One thread at a time.
class process_streambuf : public std::streambuf {
public:
    static constexpr std::size_t default_buffer_size = 64 * 1024;

    /// buffer_size: the bytes buffered before a write reaches the pipe, or read at most at once.
    process_streambuf(zlhcs_process process, stdio_stream stream, std::size_t buffer_size = default_buffer_size)
        : process_(process),
          stream_(stream),
          buffer_(std::clamp<std::size_t>(buffer_size, 1, static_cast<std::size_t>(INT_MAX))) {
        char* begin = buffer_.data();
        if (writes())
            setp(begin, begin + buffer_.size());
        else
            setg(begin, begin, begin);
    }
    process_streambuf(const process_streambuf&) = delete;
    process_streambuf& operator=(const process_streambuf&) = delete;
    ~process_streambuf() override = default;  // discards unwritten bytes (never blocks)

    [[nodiscard]] zlhcs_process native_handle() const noexcept { return process_; }
    [[nodiscard]] stdio_stream stream() const noexcept { return stream_; }

    /// stdin: writes the buffered bytes, then closes the process's stdin (it reads end of
    /// stream). true if this call closed it, false if it was closed already. Throws
    /// zlhcs::error (errc::invalid_state for a stream other than stdin).
    bool close() {
        if (!writes())
            throw error(ZLHCS_E_INVALID_STATE, "zlhcs_process_close_stdin",
                        "only the stdin stream buffer can be closed", "", "");
        write_buffer();
        return check(zlhcs_process_stdio_close(process_, ZLHCS_STDIN), "zlhcs_process_close_stdin") == ZLHCS_S_OK;
    }

protected:
    // ---- reading (stdout, stderr) ----------------------------------------------------------

    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (writes()) return traits_type::eof();
        const std::size_t got = *detail::read_some(process_, stream_, buffer_.data(), buffer_.size(), ZLHCS_INFINITE);
        if (got == 0) return traits_type::eof();
        setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

    // Large reads go to the caller's memory directly; like any sgetn, it returns fewer than
    // `count` bytes only at end of stream.
    std::streamsize xsgetn(char* destination, std::streamsize count) override {
        if (writes() || count <= 0) return 0;
        std::streamsize done = 0;
        while (done < count) {
            const std::streamsize buffered = egptr() - gptr();
            if (buffered > 0) {
                const std::streamsize n = std::min(buffered, count - done);
                std::memcpy(destination + done, gptr(), static_cast<std::size_t>(n));
                gbump(static_cast<int>(n));
                done += n;
                continue;
            }
            const auto wanted = static_cast<std::size_t>(count - done);
            if (wanted >= buffer_.size()) {
                const std::size_t got = *detail::read_some(process_, stream_, destination + done, wanted, ZLHCS_INFINITE);
                if (got == 0) break;
                done += static_cast<std::streamsize>(got);
            } else if (traits_type::eq_int_type(underflow(), traits_type::eof())) {
                break;
            }
        }
        return done;
    }

    // What can be read without blocking (what istream::readsome() and in_avail() report):
    // polls the pipe when nothing is buffered; -1 at end of stream.
    std::streamsize showmanyc() override {
        if (writes()) return -1;
        const std::optional<std::size_t> got = detail::read_some(process_, stream_, buffer_.data(), buffer_.size(), 0);
        if (!got) return 0;
        if (*got == 0) return -1;
        setg(buffer_.data(), buffer_.data(), buffer_.data() + *got);
        return static_cast<std::streamsize>(*got);
    }

    // ---- writing (stdin) -------------------------------------------------------------------

    int_type overflow(int_type ch) override {
        if (!writes()) return traits_type::eof();
        write_buffer();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

    std::streamsize xsputn(const char* data, std::streamsize count) override {
        if (!writes() || count <= 0) return 0;
        if (count > epptr() - pptr()) {
            write_buffer();
            if (static_cast<std::size_t>(count) >= buffer_.size()) {  // too big to buffer
                detail::write_stdin(process_, data, static_cast<std::size_t>(count));
                return count;
            }
        }
        std::memcpy(pptr(), data, static_cast<std::size_t>(count));
        pbump(static_cast<int>(count));
        return count;
    }

    int sync() override {
        if (writes()) write_buffer();
        return 0;
    }

private:
    [[nodiscard]] bool writes() const noexcept { return stream_ == stdio_stream::in; }

    // Writes the put area. The bytes leave the buffer first: after a failure they are gone.
    void write_buffer() {
        const auto pending = static_cast<std::size_t>(pptr() - pbase());
        setp(buffer_.data(), buffer_.data() + buffer_.size());
        if (pending > 0) detail::write_stdin(process_, buffer_.data(), pending);
    }

    zlhcs_process process_;
    stdio_stream stream_;
    std::vector<char> buffer_;
};

/// A std::istream over the stdout or stderr of a process; owns its process_streambuf and
/// refers to the process's handle (see process_streambuf). Reads block until data arrives or
/// the stream ends. Not copyable or movable; one thread at a time.
class process_istream : public std::istream {
public:
    explicit process_istream(zlhcs_process process, stdio_stream stream = stdio_stream::out,
                             std::size_t buffer_size = process_streambuf::default_buffer_size)
        : std::istream(nullptr), buffer_(process, stream, buffer_size) {
        std::istream::rdbuf(&buffer_);
    }
    /// Over a stream of `owner` (which must outlive this object, or the reads fail).
    explicit process_istream(const process& owner, stdio_stream stream = stdio_stream::out,
                             std::size_t buffer_size = process_streambuf::default_buffer_size);
    process_istream(const process_istream&) = delete;
    process_istream& operator=(const process_istream&) = delete;

    [[nodiscard]] process_streambuf* rdbuf() const noexcept { return const_cast<process_streambuf*>(&buffer_); }

private:
    process_streambuf buffer_;
};

/// A std::ostream over the stdin of a process; owns its process_streambuf and refers to the
/// process's handle (see process_streambuf). flush() writes what is buffered, close() also
/// ends the process's stdin; destruction discards unflushed bytes. Not copyable or movable;
/// one thread at a time.
class process_ostream : public std::ostream {
public:
    explicit process_ostream(zlhcs_process process, std::size_t buffer_size = process_streambuf::default_buffer_size)
        : std::ostream(nullptr), buffer_(process, stdio_stream::in, buffer_size) {
        std::ostream::rdbuf(&buffer_);
    }
    /// Over the stdin of `owner` (which must outlive this object, or the writes fail).
    explicit process_ostream(const process& owner, std::size_t buffer_size = process_streambuf::default_buffer_size);
    process_ostream(const process_ostream&) = delete;
    process_ostream& operator=(const process_ostream&) = delete;

    /// Writes what is buffered and closes the process's stdin (it reads end of stream). Sets
    /// failbit if that fails, as std::ofstream::close() does (rdbuf()->close() throws the
    /// zlhcs::error instead). Closing a closed stdin is no failure.
    void close() {
        try {
            (void)buffer_.close();
        } catch (...) {
            setstate(std::ios_base::failbit);
        }
    }

    [[nodiscard]] process_streambuf* rdbuf() const noexcept { return const_cast<process_streambuf*>(&buffer_); }

private:
    process_streambuf buffer_;
};

struct process_creation;

/// What process::create throws when `timeout` passes before HCS has finished creating the
/// process: a zlhcs::error with errc::timeout (HCS_E_OPERATION_TIMEOUT). HCS cannot cancel
/// the creation, so the process may still start; the exception therefore carries its handle,
/// and take_process() hands it to the caller. Its id() and stdio become available when the
/// creation completes (id() throws errc::pending until then); wait_for_exit() and
/// terminate() work as usual. If nobody takes it, the handle (and the host ends of the
/// pipes) is closed when the last copy of the exception is destroyed, as destroying a process
/// would; that does not stop the process. Copies share the one handle.
class process_create_timeout : public detail::create_timeout<process_handle_traits> {
public:
    using create_timeout::create_timeout;

    /// The process's handle, the first time it is called (on any copy of the exception); an
    /// empty process afterwards. Never throws.
    [[nodiscard]] zlhcs::process take_process() const noexcept;
};

class process {
public:
    process() noexcept = default;
    /// Takes ownership of `handle`.
    explicit process(zlhcs_process handle) noexcept : handle_(handle) {}

    // ---- construction -----------------------------------------------------------------

    /// Starts a process in a running system from a ProcessParameters JSON document
    /// (CommandLine, WorkingDirectory, Environment, EmulateConsole, ConsoleSize,
    /// CreateStdInPipe, CreateStdOutPipe, CreateStdErrPipe, ...) and waits until it runs.
    /// Throws errc::invalid_state (system not started), errc::not_found (no such program, or
    /// the system has stopped), errc::invalid_json, ...; if the creation has not completed
    /// within `timeout`, throws zlhcs::process_create_timeout (errc::timeout), which carries
    /// the handle of the process HCS goes on creating.
    [[nodiscard]] static process create(const compute_system& system, const string_arg& parameters,
                                        std::chrono::milliseconds timeout = infinite) {
        unique_process_handle handle;
        const zlhcs_hresult result = zlhcs_process_create(system.native_handle(), parameters.c_str(), nullptr,
                                                          detail::to_timeout_ms(timeout), handle.put(), nullptr);
        // A create that timed out hands out the handle: the process may still start.
        detail::check_create<process_create_timeout>(result, handle, "zlhcs_process_create");
        return process(handle.release());
    }

    /// Starts creating a process. The process handle is valid at once; the process runs (and
    /// its id and stdio become available) only if the returned operation succeeds.
    [[nodiscard]] static process_creation create_async(const compute_system& system, const string_arg& parameters);

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
    bool signal(process_signal which, std::chrono::milliseconds timeout = infinite) const {
        return signal(detail::signal_options(which), timeout);
    }
    /// Sends a signal described by a SignalProcessOptions document ({"Signal":"CtrlC"}).
    bool signal(const string_arg& options, std::chrono::milliseconds timeout = infinite) const {
        return run(&zlhcs_process_signal, "zlhcs_process_signal", options, timeout) == ZLHCS_S_OK;
    }
    [[nodiscard]] async_result signal_async(process_signal which) const {
        return signal_async(detail::signal_options(which));
    }
    [[nodiscard]] async_result signal_async(const string_arg& options) const {
        return run_async(&zlhcs_process_signal_async, "zlhcs_process_signal_async", options);
    }

    /// Asks HCS to terminate the process (it exits with code 1 in hcsim); HCS does not wait
    /// for the exit (wait_for_exit() does). true if this call requested it, false if the
    /// process is gone or already being terminated (ZLHCS_S_FALSE). options must be empty:
    /// HCS reserves them.
    bool terminate(const string_arg& options = {}, std::chrono::milliseconds timeout = infinite) const {
        return run(&zlhcs_process_terminate, "zlhcs_process_terminate", options, timeout) == ZLHCS_S_OK;
    }
    bool terminate(std::chrono::milliseconds timeout) const { return terminate({}, timeout); }
    /// Same as terminate(), for those who think of it as kill.
    bool kill(std::chrono::milliseconds timeout = infinite) const { return terminate({}, timeout); }
    [[nodiscard]] async_result terminate_async(const string_arg& options = {}) const {
        return run_async(&zlhcs_process_terminate_async, "zlhcs_process_terminate_async", options);
    }

    /// The startup information document (HcsGetProcessInfo; hcsim: the ProcessParameters).
    [[nodiscard]] std::string info(std::chrono::milliseconds timeout = infinite) const {
        out_string document;
        check(zlhcs_process_info(handle_.get(), detail::to_timeout_ms(timeout), document.put()),
              "zlhcs_process_info");
        return document.str();
    }

    /// The ProcessStatus JSON document {ProcessId, Exited, ExitCode, LastWaitResult}.
    [[nodiscard]] std::string properties(const string_arg& query = {},
                                         std::chrono::milliseconds timeout = infinite) const {
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

    /// Applies a ProcessModifyRequest JSON document (ConsoleSize, CloseHandle).
    void modify(const string_arg& settings, std::chrono::milliseconds timeout = infinite) const {
        check(zlhcs_process_modify(handle_.get(), settings.c_str(), detail::to_timeout_ms(timeout), nullptr),
              "zlhcs_process_modify");
    }
    [[nodiscard]] async_result modify_async(const string_arg& settings) const {
        const zlhcs_process native = handle_.get();
        const char* text = settings.c_str();
        return detail::start_async("zlhcs_process_modify_async",
                                   [native, text](zlhcs_operation_callback callback, void* context,
                                                  zlhcs_operation* out) {
                                       return zlhcs_process_modify_async(native, text, callback, context, out);
                                   });
    }

    /// Resizes the process's console (columns, rows).
    void resize_console(std::uint16_t width, std::uint16_t height,
                        std::chrono::milliseconds timeout = infinite) const {
        check(zlhcs_process_resize_console(handle_.get(), width, height, detail::to_timeout_ms(timeout), nullptr),
              "zlhcs_process_resize_console");
    }

    // ---- exit -----------------------------------------------------------------------------

    /// Blocks until the process exits; returns its exit code. Throws errc::timeout if it is
    /// still running after `timeout` (it goes on running).
    std::uint32_t wait_for_exit(std::chrono::milliseconds timeout = infinite) const {
        std::uint32_t code = 0;
        check(zlhcs_process_wait_exit(handle_.get(), detail::to_timeout_ms(timeout), &code),
              "zlhcs_process_wait_exit");
        return code;
    }

    /// Like wait_for_exit(), but std::nullopt if the process still runs after `timeout`
    /// (other failures still throw).
    [[nodiscard]] std::optional<std::uint32_t> try_wait_for_exit(std::chrono::milliseconds timeout) const {
        std::uint32_t code = 0;
        const zlhcs_hresult result = zlhcs_process_wait_exit(handle_.get(), detail::to_timeout_ms(timeout), &code);
        if (result == ZLHCS_HCS_E_OPERATION_TIMEOUT) return std::nullopt;
        check(result, "zlhcs_process_wait_exit");
        return code;
    }

    /// The exit code if the process has exited, std::nullopt while it runs. Never blocks.
    [[nodiscard]] std::optional<std::uint32_t> exit_code() const {
        std::uint32_t code = 0;
        const zlhcs_hresult result = zlhcs_process_exit_code(handle_.get(), &code);
        if (result == ZLHCS_HCS_E_OPERATION_PENDING) return std::nullopt;
        check(result, "zlhcs_process_exit_code");
        return code;
    }

    // ---- stdio: raw calls -----------------------------------------------------------------

    /// Writes all bytes to stdin, blocking until the pipe has taken them. Throws
    /// errc::invalid_state (no stdin pipe, or closed or detached), errc::already_stopped with
    /// ZLHCS_WIN32_E_BROKEN_PIPE (the process no longer reads). Does not go through
    /// stdin_stream()'s buffer: flush that first.
    void write_stdin(const void* data, std::size_t size) const { detail::write_stdin(handle_.get(), data, size); }
    void write_stdin(std::string_view text) const { write_stdin(text.data(), text.size()); }
#if ZLHCS_HAS_SPAN
    void write_stdin(std::span<const std::byte> bytes) const { write_stdin(bytes.data(), bytes.size()); }
#endif

    /// Writes what stdin_stream() buffers (if it was used), then closes stdin: the process
    /// reads end of stream after everything written so far. true if this call closed it,
    /// false if it was closed already.
    bool close_stdin() const {
        if (stdin_) return stdin_->rdbuf()->close();
        return check(zlhcs_process_stdio_close(handle_.get(), ZLHCS_STDIN), "zlhcs_process_close_stdin") == ZLHCS_S_OK;
    }

    /// Reads what stdout or stderr has (at most `capacity` bytes), waiting up to `timeout`
    /// for at least one byte. Returns the byte count, 0 at end of stream. Throws
    /// errc::timeout if nothing arrived in time, errc::invalid_state if there is no such pipe
    /// (or it was detached).
    std::size_t read(stdio_stream stream, void* buffer, std::size_t capacity,
                     std::chrono::milliseconds timeout = infinite) const {
        const std::optional<std::size_t> got = try_read(stream, buffer, capacity, timeout);
        if (!got) throw_error(ZLHCS_HCS_E_OPERATION_TIMEOUT, "zlhcs_process_read");
        return *got;
    }
    /// Like read(), but std::nullopt if nothing arrived in time (0 never blocks: a poll).
    [[nodiscard]] std::optional<std::size_t> try_read(stdio_stream stream, void* buffer, std::size_t capacity,
                                                      std::chrono::milliseconds timeout) const {
        return detail::read_some(handle_.get(), stream, buffer, capacity, detail::to_timeout_ms(timeout));
    }
#if ZLHCS_HAS_SPAN
    std::size_t read(stdio_stream stream, std::span<std::byte> buffer,
                     std::chrono::milliseconds timeout = infinite) const {
        return read(stream, buffer.data(), buffer.size(), timeout);
    }
#endif

    /// Reads stdout or stderr to its end (the process closed it, usually by exiting). Blocks
    /// as long as the process keeps it open; see the top of this file about reading both.
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

    /// Hands the OS handle of one stdio pipe to the caller, who owns (and closes) it from then
    /// on; zlhcs no longer uses that stream (read/write on it throw errc::invalid_state, and
    /// so does its C++ stream once its buffer is used up). Throws errc::invalid_state if the
    /// pipe does not exist, was closed or was detached already.
    [[nodiscard]] native_stdio_handle detach_stdio(stdio_stream stream) const {
        std::uint64_t handle = 0;
        check(zlhcs_process_stdio_detach(handle_.get(), static_cast<std::uint32_t>(stream), &handle),
              "zlhcs_process_detach_stdio");
#if defined(_WIN32)
        return reinterpret_cast<native_stdio_handle>(static_cast<std::uintptr_t>(handle));
#else
        return static_cast<native_stdio_handle>(handle);
#endif
    }

    // ---- stdio: C++ streams ---------------------------------------------------------------
    // Made on first use, owned by this object: references stay valid when the process object
    // is moved (they move with it), until it is destroyed or assigned to. After close() they
    // fail (badbit). Threads: see the top of this file.

    /// stdin as a buffered std::ostream: flush() or close() writes everything, close() (or
    /// close_stdin()) also ends the process's stdin.
    [[nodiscard]] process_ostream& stdin_stream() {
        if (!stdin_) stdin_ = std::make_unique<process_ostream>(handle_.get());
        return *stdin_;
    }
    /// stdout as a std::istream; reads block until data arrives or the stream ends.
    [[nodiscard]] process_istream& stdout_stream() { return input_stream(stdout_, stdio_stream::out); }
    /// stderr as a std::istream; reads block until data arrives or the stream ends.
    [[nodiscard]] process_istream& stderr_stream() { return input_stream(stderr_, stdio_stream::err); }

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
    using sync_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, std::uint32_t, char**);
    using async_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, zlhcs_operation_callback, void*,
                                                  zlhcs_operation*);

    zlhcs_hresult run(sync_call function, const char* name, const string_arg& options,
                      std::chrono::milliseconds timeout) const {
        return check(function(handle_.get(), options.c_str_or_null(), detail::to_timeout_ms(timeout), nullptr), name);
    }

    async_result run_async(async_call function, const char* name, const string_arg& options) const {
        const zlhcs_process native = handle_.get();
        const char* text = options.c_str_or_null();
        return detail::start_async(name, [function, native, text](zlhcs_operation_callback callback,
                                                                  void* context, zlhcs_operation* out) {
            return function(native, text, callback, context, out);
        });
    }

    process_istream& input_stream(std::unique_ptr<process_istream>& slot, stdio_stream stream) {
        if (!slot) slot = std::make_unique<process_istream>(handle_.get(), stream);
        return *slot;
    }

    unique_process_handle handle_;
    std::unique_ptr<process_ostream> stdin_;
    std::unique_ptr<process_istream> stdout_;
    std::unique_ptr<process_istream> stderr_;
};

/// What process::create_async returns: the new process's handle (valid at once) and the
/// creation operation. The process runs only if `result` succeeds:
///     auto [child, result] = zlhcs::process::create_async(system, parameters);
///     co_await result;   // or result.wait(), result.get_future()
struct process_creation {
    zlhcs::process process;
    async_result result;
};

inline process_creation process::create_async(const compute_system& system, const string_arg& parameters) {
    const zlhcs_system system_handle = system.native_handle();
    const char* text = parameters.c_str();
    unique_process_handle handle;
    zlhcs_process* out_process = handle.put();
    async_result result = detail::start_async(
        "zlhcs_process_create_async",
        [system_handle, text, out_process](zlhcs_operation_callback callback, void* context, zlhcs_operation* out) {
            return zlhcs_process_create_async(system_handle, text, nullptr, callback, context, out_process, out);
        });
    return process_creation{process(handle.release()), std::move(result)};
}

inline process process_create_timeout::take_process() const noexcept { return process(take_handle()); }

inline process_istream::process_istream(const process& owner, stdio_stream stream, std::size_t buffer_size)
    : process_istream(owner.native_handle(), stream, buffer_size) {}

inline process_ostream::process_ostream(const process& owner, std::size_t buffer_size)
    : process_ostream(owner.native_handle(), buffer_size) {}

}  // namespace zlhcs
