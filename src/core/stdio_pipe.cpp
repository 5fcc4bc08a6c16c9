#include "stdio_pipe.hpp"

#include "debug_counts.hpp"
#include "errors.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

#ifdef _WIN32
#include <windows.h>
#include <zlhcs_common/file_mode.hpp>
#else
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif
#endif

namespace zlhcs::core {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::uint32_t slice_ms = 50;

// Milliseconds left of a timeout that started at `start` (ZLHCS_INFINITE stays infinite).
std::uint32_t remaining(std::uint32_t timeout_ms, clock::time_point start) {
    if (timeout_ms == ZLHCS_INFINITE) return ZLHCS_INFINITE;
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
    return spent >= timeout_ms ? 0u : static_cast<std::uint32_t>(timeout_ms - spent);
}

#ifdef _WIN32
using zlhcs_common::opened_for_overlapped_io;

// A synchronous pipe handle has no waitable readiness: poll, briefly at first, never past
// the timeout.
void pause(std::uint32_t left, clock::time_point start) {
    const auto spent = clock::now() - start;
    const std::uint32_t step = spent < std::chrono::milliseconds(20) ? 1u : 10u;
    const waiting_scope waiting;
    Sleep(std::min(std::min(left, slice_ms), step));
}
#endif

#ifndef _WIN32
// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill the caller's
// process. Block it on this thread for the write and swallow one that the write raised.
class sigpipe_guard {
public:
    sigpipe_guard() {
        sigemptyset(&pipe_set_);
        sigaddset(&pipe_set_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_mask_);
    }
    ~sigpipe_guard() {
        if (raised_ && !was_pending_) {
            const timespec zero{0, 0};
            while (sigtimedwait(&pipe_set_, nullptr, &zero) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    }
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;
    void raised() noexcept { raised_ = true; }

private:
    sigset_t pipe_set_{};
    sigset_t old_mask_{};
    bool was_pending_ = false;
    bool raised_ = false;
};
#endif

void close_native(stdio_pipe::native_handle handle) noexcept {
#ifdef _WIN32
    CloseHandle(handle);
#else
    ::close(handle);
#endif
}

}  // namespace

stdio_pipe::~stdio_pipe() {
    if (state_.load() == state::open) close_native(handle_);
#ifdef _WIN32
    if (io_event_ != nullptr) CloseHandle(io_event_);
    if (void* wake = wake_event_.load(); wake != nullptr) CloseHandle(wake);
#else
    if (const int wake = wake_fd_.load(); wake >= 0) ::close(wake);
#endif
}

#ifdef _WIN32
void stdio_pipe::signal_wake_locked() noexcept {
    if (void* wake = wake_event_.load(); wake != nullptr) SetEvent(wake);
}

void stdio_pipe::reset_wake_locked() noexcept {
    if (void* wake = wake_event_.load(); wake != nullptr) ResetEvent(wake);
}

bool stdio_pipe::overlapped_io(bool reading, void* data, std::uint32_t size, std::uint32_t timeout_ms,
                               clock::time_point start, std::uint32_t& moved) {
    moved = 0;
    OVERLAPPED io{};
    io.hEvent = io_event_;  // reset by ReadFile/WriteFile as the I/O starts
    // The byte count comes from GetOverlappedResult: a count passed here may be wrong for
    // an overlapped handle.
    const BOOL started = reading ? ReadFile(handle_, data, size, nullptr, &io) : WriteFile(handle_, data, size, nullptr, &io);
    if (!started && GetLastError() != ERROR_IO_PENDING) return false;
    if (!started) {
        const std::uint32_t left = remaining(timeout_ms, start);
        const HANDLE events[2] = {io_event_, wake_event_.load()};
        DWORD waited = WAIT_TIMEOUT;
        {
            std::optional<waiting_scope> waiting;
            if (left != 0) waiting.emplace();
            waited = WaitForMultipleObjects(2, events, FALSE, left);  // ZLHCS_INFINITE is INFINITE
        }
        // The wake-up or the time came first: cancel. The I/O may finish meanwhile all the
        // same, and then what it moved is reported like any other result.
        if (waited != WAIT_OBJECT_0) CancelIoEx(handle_, &io);
    }
    DWORD transferred = 0;
    const BOOL finished = GetOverlappedResult(handle_, &io, &transferred, TRUE);
    moved = transferred;
    if (!finished && transferred != 0) return true;  // cancelled after moving some bytes
    return finished != FALSE;
}
#endif

#ifndef _WIN32
int stdio_pipe::wait_ready(short events, std::uint32_t timeout_ms) const {
    const int wake = wake_fd_.load();
    pollfd descriptors[2] = {{handle_, events, 0}, {wake, POLLIN, 0}};
    std::optional<waiting_scope> waiting;
    if (timeout_ms != 0) waiting.emplace();
    if (wake < 0) return poll(descriptors, 1, static_cast<int>(std::min(timeout_ms, slice_ms)));
    const int timeout = timeout_ms == ZLHCS_INFINITE ? -1 : static_cast<int>(std::min<std::uint32_t>(timeout_ms, INT32_MAX));
    const int ready = poll(descriptors, 2, timeout);
    // The wake-up alone: nothing is ready on the pipe (interrupted() says why to stop).
    if (ready > 0 && descriptors[0].revents == 0) return 0;
    return ready;
}

void stdio_pipe::signal_wake_locked() noexcept {
#ifdef __linux__
    if (const int wake = wake_fd_.load(); wake >= 0) (void)eventfd_write(wake, 1);
#endif
}

void stdio_pipe::reset_wake_locked() noexcept {
#ifdef __linux__
    eventfd_t count = 0;
    if (const int wake = wake_fd_.load(); wake >= 0) (void)eventfd_read(wake, &count);  // non-blocking
#endif
}
#endif

void stdio_pipe::wake() noexcept {
    const std::lock_guard guard(wake_mutex_);
    signal_wake_locked();
}

zlhcs_hresult stdio_pipe::set_interrupt(bool on) {
    const std::lock_guard guard(wake_mutex_);
    if (const state s = state_.load(); s != state::open) return not_open(s);
    if (interrupt_.exchange(on) == on) return ZLHCS_S_FALSE;
    if (on) {
        signal_wake_locked();
    } else if (!abandoned_.load() && closing_.load() == 0 && detaching_.load() == 0) {
        reset_wake_locked();
    }
    return ZLHCS_S_OK;
}

zlhcs_hresult stdio_pipe::cancelled(const char* doing, std::size_t done, std::size_t size) const {
    std::string message = std::string("the ") + doing + " of " + name_ + " was interrupted (zlhcs_process_stdio_interrupt)";
    message += size > 0 ? " after " + std::to_string(done) + " of " + std::to_string(size) + " bytes (the pipe was full)"
                        : " with nothing to read";
    return fail(ZLHCS_WIN32_E_CANCELLED, message);
}

void stdio_pipe::set_none_reason(const char* reason) noexcept { none_reason_.store(reason); }

void stdio_pipe::adopt(native_handle handle, [[maybe_unused]] bool host_writes) {
    std::lock_guard lock(io_mutex_);
    handle_ = handle;
    // Reads of an overlapped handle (Windows) wait on the read's event beside the wake-up.
    // Anything else is made non-blocking, so that reads and writes wait in slices (and notice
    // a close or a timeout) instead of inside the OS; undone on detach().
#ifdef _WIN32
    if (opened_for_overlapped_io(handle)) {
        if (io_event_ == nullptr) io_event_ = CreateEventW(nullptr, TRUE, FALSE, nullptr);
        if (wake_event_.load() == nullptr) wake_event_.store(CreateEventW(nullptr, TRUE, FALSE, nullptr));
        overlapped_handle_ = io_event_ != nullptr && wake_event_.load() != nullptr;
    }
    // Overlapped writes stay unused: one that is cancelled, or meets a broken pipe, after the
    // reader took part of it reports 0 bytes (seen under Wine), and zlhcs promises the count.
    if (overlapped_handle_ && !host_writes) {
        mode_ = io_mode::overlapped;
    } else {
        DWORD pipe_mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;
        if (SetNamedPipeHandleState(handle, &pipe_mode, nullptr, nullptr) != FALSE) mode_ = io_mode::nonblocking;
    }
#else
    const int flags = fcntl(handle, F_GETFL);
    if (flags >= 0 && fcntl(handle, F_SETFL, flags | O_NONBLOCK) == 0) mode_ = io_mode::nonblocking;
#ifdef __linux__
    if (wake_fd_.load() < 0) wake_fd_.store(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
#endif
#endif
    state_.store(state::open);
}

zlhcs_hresult stdio_pipe::not_open(state s) const {
    const std::string name = name_;
    switch (s) {
    case state::closed:
        return fail(ZLHCS_E_INVALID_STATE, name + " is closed: zlhcs_process_stdio_close closed it");
    case state::detached:
        return fail(ZLHCS_E_INVALID_STATE,
                    name + " is detached: zlhcs_process_stdio_detach handed its OS handle to the caller");
    case state::none:
        return fail(ZLHCS_E_INVALID_STATE, name + " is none: the process has no " + name + " pipe (" +
                                               none_reason_.load() + ")");
    case state::open:
        break;
    }
    return fail(ZLHCS_E_INTERNAL, name + " is open, yet was reported as not open");
}

zlhcs_hresult stdio_pipe::interrupted(const char* doing) const {
    if (abandoned_.load()) {
        return fail(ZLHCS_E_INVALID_HANDLE, std::string("the process handle was closed during the ") + doing);
    }
    if (closing_.load() != 0) {
        return fail(ZLHCS_E_INVALID_STATE,
                    std::string(name_) + " was closed during the " + doing + " (zlhcs_process_stdio_close)");
    }
    if (detaching_.load() != 0) {
        return fail(ZLHCS_E_INVALID_STATE,
                    std::string(name_) + " was detached during the " + doing + " (zlhcs_process_stdio_detach)");
    }
    return ZLHCS_S_OK;
}

bool stdio_pipe::acquire(std::unique_lock<stream_lock>& lock, std::uint32_t timeout_ms,
                         std::chrono::steady_clock::time_point start) {
    if (lock.try_lock()) return true;
    const waiting_scope waiting;  // behind another reader or writer of the stream
    if (timeout_ms == ZLHCS_INFINITE) {
        lock.lock();
        return true;
    }
    // Whoever holds the stream gives it up within one slice when it is closed, detached or
    // abandoned, so a waiter that is then still waiting has really run out of time.
    const std::uint32_t left = remaining(timeout_ms, start);
    if (left == 0) return lock.try_lock();
    return lock.try_lock_for(std::chrono::milliseconds(left));
}

zlhcs_hresult stdio_pipe::check_open_locked() const {
    if (abandoned_.load()) return fail(ZLHCS_E_INVALID_HANDLE, "the process handle was closed");
    const state s = state_.load();
    return s == state::open ? ZLHCS_S_OK : not_open(s);
}

void stdio_pipe::release_locked(state next) noexcept {
    if (state_.load() == state::open) close_native(handle_);
    handle_ = no_handle;
    state_.store(next);
}

void stdio_pipe::release_if_abandoned() noexcept {
    if (!abandoned_.load()) return;
    std::unique_lock lock(io_mutex_, std::try_to_lock);
    if (lock.owns_lock() && state_.load() == state::open) release_locked(state::closed);
}

void stdio_pipe::abandon() noexcept {
    abandoned_.store(true);
    wake();
    // If an I/O holds the stream, it gives up within one slice and closes the end as it
    // leaves (release_if_abandoned); the destructor closes what is still open.
    release_if_abandoned();
}

zlhcs_hresult stdio_pipe::read(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                               std::size_t* out_read) {
    *out_read = 0;
    const auto start = clock::now();
    zlhcs_hresult hr = ZLHCS_S_OK;
    {
        std::unique_lock lock(io_mutex_, std::defer_lock);
        if (!acquire(lock, timeout_ms, start)) {
            hr = interrupted("read");
            if (hr >= 0) {
                hr = fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                          "no output arrived on " + std::string(name_) + " within " + std::to_string(timeout_ms) +
                              " ms (another reader held the stream)");
            }
        } else if (hr = check_open_locked(); hr >= 0) {
            hr = read_some(buffer, capacity, timeout_ms, start, out_read);
        }
    }
    release_if_abandoned();
    return hr;
}

zlhcs_hresult stdio_pipe::read_some(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                                    clock::time_point start, std::size_t* out_read) {
    const auto chunk = static_cast<std::uint32_t>(std::min<std::size_t>(capacity, 1u << 30));
#ifdef _WIN32
    if (mode_ == io_mode::overlapped) return read_overlapped(buffer, chunk, timeout_ms, start, out_read);
    // (A non-blocking overlapped handle never pends: ReadFile without an OVERLAPPED is safe.)
#endif
    for (;;) {
        if (const zlhcs_hresult hr = interrupted("read"); hr < 0) return hr;
        const std::uint32_t left = remaining(timeout_ms, start);
#ifdef _WIN32
        DWORD available = 0;
        if (!PeekNamedPipe(handle_, nullptr, 0, nullptr, &available, nullptr)) {
            const DWORD error = GetLastError();
            if (error == ERROR_BROKEN_PIPE) return ZLHCS_S_FALSE;  // drained and closed
            return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)),
                        "PeekNamedPipe failed on " + std::string(name_));
        }
        if (available > 0) {
            DWORD got = 0;
            if (!ReadFile(handle_, buffer, std::min<DWORD>(available, chunk), &got, nullptr)) {
                const DWORD error = GetLastError();
                if (error == ERROR_BROKEN_PIPE) return ZLHCS_S_FALSE;
                return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)),
                            "ReadFile failed on " + std::string(name_));
            }
            *out_read = got;
            return got > 0 ? ZLHCS_S_OK : ZLHCS_S_FALSE;
        }
        if (left == 0) break;
        if (interrupt_.load()) return cancelled("read");
        pause(left, start);
#else
        const int ready = wait_ready(POLLIN, left);
        if (ready < 0 && errno != EINTR) {
            return fail(ZLHCS_E_INTERNAL, "poll failed on " + std::string(name_) + ": errno " + std::to_string(errno));
        }
        if (ready > 0) {
            const ssize_t got = ::read(handle_, buffer, chunk);
            if (got > 0) {
                *out_read = static_cast<std::size_t>(got);
                return ZLHCS_S_OK;
            }
            if (got == 0) return ZLHCS_S_FALSE;  // every writer closed: end of stream
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                return fail(ZLHCS_E_INTERNAL, "read failed on " + std::string(name_) + ": errno " + std::to_string(errno));
            }
        }
        if (left == 0) break;
        if (interrupt_.load()) return cancelled("read");
#endif
    }
    return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                "no output arrived on " + std::string(name_) + " within " + std::to_string(timeout_ms) + " ms");
}

#ifdef _WIN32
zlhcs_hresult stdio_pipe::read_overlapped(void* buffer, std::uint32_t chunk, std::uint32_t timeout_ms,
                                          clock::time_point start, std::size_t* out_read) {
    for (;;) {
        if (const zlhcs_hresult hr = interrupted("read"); hr < 0) return hr;
        std::uint32_t got = 0;
        if (overlapped_io(true, buffer, chunk, timeout_ms, start, got)) {
            if (got > 0) {
                *out_read = got;
                return ZLHCS_S_OK;
            }
        } else if (const DWORD error = GetLastError(); error == ERROR_BROKEN_PIPE) {
            return ZLHCS_S_FALSE;  // drained and closed
        } else if (error != ERROR_OPERATION_ABORTED) {
            return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)), "ReadFile failed on " + std::string(name_));
        }
        // Cancelled (woken or out of time) with nothing read, or an empty read: once more,
        // unless ended (checked first), out of time or interrupted.
        if (remaining(timeout_ms, start) == 0) break;
        if (interrupt_.load()) return cancelled("read");
    }
    return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                "no output arrived on " + std::string(name_) + " within " + std::to_string(timeout_ms) + " ms");
}
#endif

zlhcs_hresult stdio_pipe::write(const void* data, std::size_t size, std::uint32_t timeout_ms,
                                std::size_t* out_written) {
    std::size_t done = 0;
    if (out_written != nullptr) *out_written = 0;
    const auto start = clock::now();
    zlhcs_hresult hr = ZLHCS_S_OK;
    {
        std::unique_lock lock(io_mutex_, std::defer_lock);
        if (!acquire(lock, timeout_ms, start)) {
            hr = interrupted("write");
            if (hr >= 0) {
                hr = fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                          std::string(name_) + " took 0 of " + std::to_string(size) + " bytes within " +
                              std::to_string(timeout_ms) + " ms (another writer held the stream)");
            }
        } else if (hr = check_open_locked(); hr >= 0) {
            hr = write_some(static_cast<const unsigned char*>(data), size, timeout_ms, start, done);
        }
    }
    release_if_abandoned();
    if (out_written != nullptr) *out_written = done;
    return hr;
}

zlhcs_hresult stdio_pipe::write_some(const unsigned char* bytes, std::size_t size, std::uint32_t timeout_ms,
                                     clock::time_point start, std::size_t& done) {
    const auto timed_out = [&] {
        return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                    std::string(name_) + " took " + std::to_string(done) + " of " + std::to_string(size) +
                        " bytes within " + std::to_string(timeout_ms) +
                        " ms (the pipe stayed full: the process is not reading)");
    };
    const auto broken = [&] {
        return fail(ZLHCS_WIN32_E_BROKEN_PIPE, "the process no longer reads its " + std::string(name_) +
                                                   " (broken pipe) after " + std::to_string(done) + " of " +
                                                   std::to_string(size) + " bytes");
    };
#ifdef _WIN32
    while (done < size) {
        if (const zlhcs_hresult hr = interrupted("write"); hr < 0) return hr;
        // Non-blocking writes stay below any pipe buffer's size, so a full buffer takes part
        // of a chunk rather than possibly none of an oversized one.
        const bool nonblocking = mode_ == io_mode::nonblocking;
        const std::size_t limit = nonblocking ? (16u << 10) : (1u << 20);
        const DWORD chunk = static_cast<DWORD>(std::min(size - done, limit));
        DWORD written = 0;
        BOOL ok = FALSE;
        if (overlapped_handle_) {
            // An overlapped handle takes an OVERLAPPED even when the write cannot pend
            // (non-blocking); a blocking one then waits for room, the wake-up or the time.
            std::uint32_t moved = 0;
            // const_cast: WriteFile only reads the buffer; overlapped_io serves both directions.
            ok = overlapped_io(false, const_cast<unsigned char*>(bytes + done), chunk, timeout_ms, start, moved);
            written = moved;
        } else {
            std::optional<waiting_scope> blocking;  // a blocking pipe waits inside WriteFile
            if (!nonblocking) blocking.emplace();
            ok = WriteFile(handle_, bytes + done, chunk, &written, nullptr);
        }
        if (!ok && GetLastError() == ERROR_OPERATION_ABORTED) {
            done += written;
            if (const zlhcs_hresult hr = interrupted("write"); hr < 0) return hr;
            if (remaining(timeout_ms, start) == 0) return timed_out();
            if (interrupt_.load()) return cancelled("write", done, size);
            continue;
        }
        if (!ok) {
            const DWORD error = GetLastError();
            if (error == ERROR_BROKEN_PIPE || error == ERROR_NO_DATA) return broken();
            return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)),
                        "WriteFile failed on " + std::string(name_) + " after " + std::to_string(done) + " of " +
                            std::to_string(size) + " bytes");
        }
        done += written;
        if (written > 0) continue;
        // A non-blocking pipe takes nothing while full: wait a moment for the reader.
        const std::uint32_t left = remaining(timeout_ms, start);
        if (left == 0) return timed_out();
        if (interrupt_.load()) return cancelled("write", done, size);
        pause(left, start);
    }
#else
    sigpipe_guard guard;
    while (done < size) {
        if (const zlhcs_hresult hr = interrupted("write"); hr < 0) return hr;
        const std::size_t chunk = std::min<std::size_t>(size - done, std::size_t{1} << 30);
        const ssize_t written = ::write(handle_, bytes + done, chunk);
        if (written > 0) {
            done += static_cast<std::size_t>(written);
            continue;
        }
        if (written < 0 && errno == EINTR) continue;
        if (written < 0 && errno == EPIPE) {
            guard.raised();
            return broken();
        }
        if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return fail(ZLHCS_E_INTERNAL, "write failed on " + std::string(name_) + ": errno " + std::to_string(errno));
        }
        // Full: wait for room, in slices, never past the timeout.
        const std::uint32_t left = remaining(timeout_ms, start);
        if (left == 0) return timed_out();
        if (interrupt_.load()) return cancelled("write", done, size);
        (void)wait_ready(POLLOUT, left);
    }
#endif
    return ZLHCS_S_OK;
}

stdio_pipe::state stdio_pipe::close() {
    closing_.fetch_add(1);
    wake();
    std::unique_lock lock(io_mutex_);
    closing_.fetch_sub(1);
    const state before = state_.load();
    if (before == state::open) release_locked(state::closed);
    return before;
}

zlhcs_hresult stdio_pipe::detach(native_handle& out) {
    out = no_handle;
    detaching_.fetch_add(1);
    wake();
    std::unique_lock lock(io_mutex_);
    detaching_.fetch_sub(1);
    const state before = state_.load();
    if (before != state::open) return not_open(before);
    const native_handle handle = handle_;
    if (mode_ == io_mode::nonblocking) {  // the new owner gets the handle as HCS gave it: blocking
#ifdef _WIN32
        DWORD mode = PIPE_READMODE_BYTE | PIPE_WAIT;
        SetNamedPipeHandleState(handle, &mode, nullptr, nullptr);
#else
        const int flags = fcntl(handle, F_GETFL);
        if (flags >= 0) fcntl(handle, F_SETFL, flags & ~O_NONBLOCK);
#endif
    }
    handle_ = no_handle;
    state_.store(state::detached);
    out = handle;
    return ZLHCS_S_OK;
}

}  // namespace zlhcs::core
