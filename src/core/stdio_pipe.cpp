#include "stdio_pipe.hpp"

#include "errors.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>
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
    void raised() noexcept { raised_ = true; }

private:
    sigset_t pipe_set_{};
    sigset_t old_mask_{};
    bool was_pending_ = false;
    bool raised_ = false;
};
#endif

}  // namespace

stdio_pipe::~stdio_pipe() { close(); }

void stdio_pipe::adopt(native_handle handle) {
    std::lock_guard lock(io_mutex_);
    handle_ = handle;
    has_handle_ = true;
    // Non-blocking, so a write into a full pipe waits in slices and notices a close; undone
    // on detach(). (Reads never block anyway: they wait for readiness first.)
#ifdef _WIN32
    DWORD mode = PIPE_READMODE_BYTE | PIPE_NOWAIT;
    nonblocking_ = SetNamedPipeHandleState(handle, &mode, nullptr, nullptr) != FALSE;
#else
    const int flags = fcntl(handle, F_GETFL);
    nonblocking_ = flags >= 0 && fcntl(handle, F_SETFL, flags | O_NONBLOCK) == 0;
#endif
}

zlhcs_hresult stdio_pipe::read(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                               std::size_t* out_read) {
    std::lock_guard lock(io_mutex_);
    if (!has_handle_) return fail(ZLHCS_E_INVALID_STATE, "the stream has no pipe (not requested, closed, or detached)");
    return read_some(buffer, capacity, timeout_ms, out_read);
}

zlhcs_hresult stdio_pipe::read_some(void* buffer, std::size_t capacity,
                                    std::uint32_t timeout_ms, std::size_t* out_read) {
    const auto start = clock::now();
    const auto chunk = static_cast<std::uint32_t>(std::min<std::size_t>(capacity, 1u << 30));
    for (;;) {
        if (abandoned_.load()) return fail(ZLHCS_E_INVALID_HANDLE, "the process handle was closed during the read");
        if (closing_.load() != 0) return fail(ZLHCS_E_INVALID_STATE, "the stream was closed during the read");
        const std::uint32_t left = remaining(timeout_ms, start);
        const std::uint32_t wait = std::min(left, slice_ms);
#ifdef _WIN32
        DWORD available = 0;
        if (!PeekNamedPipe(handle_, nullptr, 0, nullptr, &available, nullptr)) {
            const DWORD error = GetLastError();
            if (error == ERROR_BROKEN_PIPE) return ZLHCS_S_FALSE;  // drained and closed
            return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)), "PeekNamedPipe failed on the stream");
        }
        if (available > 0) {
            DWORD got = 0;
            if (!ReadFile(handle_, buffer, std::min<DWORD>(available, chunk), &got, nullptr)) {
                const DWORD error = GetLastError();
                if (error == ERROR_BROKEN_PIPE) return ZLHCS_S_FALSE;
                return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)), "ReadFile failed on the stream");
            }
            *out_read = got;
            return got > 0 ? ZLHCS_S_OK : ZLHCS_S_FALSE;
        }
        if (left == 0) break;
        // Anonymous pipes have no waitable readiness: poll, briefly at first.
        const auto spent = clock::now() - start;
        Sleep(std::min<DWORD>(wait, spent < std::chrono::milliseconds(20) ? 1 : 10));
#else
        pollfd descriptor{handle_, POLLIN, 0};
        const int ready = poll(&descriptor, 1, static_cast<int>(wait));
        if (ready < 0 && errno != EINTR) {
            return fail(ZLHCS_E_INTERNAL, "poll failed on the stream: errno " + std::to_string(errno));
        }
        if (ready > 0) {
            const ssize_t got = ::read(handle_, buffer, chunk);
            if (got > 0) {
                *out_read = static_cast<std::size_t>(got);
                return ZLHCS_S_OK;
            }
            if (got == 0) return ZLHCS_S_FALSE;  // every writer closed: end of stream
            if (errno != EAGAIN && errno != EINTR) {
                return fail(ZLHCS_E_INTERNAL, "read failed on the stream: errno " + std::to_string(errno));
            }
        }
        if (left == 0) break;
#endif
    }
    return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                "no output arrived within " + std::to_string(timeout_ms) + " ms");
}

zlhcs_hresult stdio_pipe::write_all(const void* data, std::size_t size) {
    std::lock_guard lock(io_mutex_);
    if (!has_handle_) return fail(ZLHCS_E_INVALID_STATE, "stdin has no pipe (not requested, closed, or detached)");
    const auto* bytes = static_cast<const unsigned char*>(data);
#ifdef _WIN32
    while (size > 0) {
        if (abandoned_.load()) return fail(ZLHCS_E_INVALID_HANDLE, "the process handle was closed during the write");
        DWORD written = 0;
        // Non-blocking writes stay below any pipe buffer's size, so a full buffer takes part
        // of a chunk rather than possibly none of an oversized one.
        const std::size_t limit = nonblocking_ ? (16u << 10) : (1u << 20);
        const DWORD chunk = static_cast<DWORD>(std::min(size, limit));
        if (!WriteFile(handle_, bytes, chunk, &written, nullptr)) {
            const DWORD error = GetLastError();
            if (error == ERROR_BROKEN_PIPE || error == ERROR_NO_DATA) {
                return fail(ZLHCS_WIN32_E_BROKEN_PIPE, "the process no longer reads its stdin (broken pipe)");
            }
            return fail(static_cast<zlhcs_hresult>(HRESULT_FROM_WIN32(error)), "WriteFile failed on stdin");
        }
        bytes += written;
        size -= written;
        // A non-blocking pipe takes nothing while full: wait a moment for the reader.
        if (written == 0 && nonblocking_) Sleep(1);
    }
#else
    sigpipe_guard guard;
    while (size > 0) {
        if (abandoned_.load()) return fail(ZLHCS_E_INVALID_HANDLE, "the process handle was closed during the write");
        const ssize_t written = ::write(handle_, bytes, size);
        if (written > 0) {
            bytes += written;
            size -= static_cast<std::size_t>(written);
            continue;
        }
        if (written < 0 && errno == EPIPE) {
            guard.raised();
            return fail(ZLHCS_WIN32_E_BROKEN_PIPE, "the process no longer reads its stdin (broken pipe)");
        }
        if (written < 0 && errno != EAGAIN && errno != EINTR) {
            return fail(ZLHCS_E_INTERNAL, "write failed on stdin: errno " + std::to_string(errno));
        }
        pollfd descriptor{handle_, POLLOUT, 0};
        (void)poll(&descriptor, 1, static_cast<int>(slice_ms));
    }
#endif
    return ZLHCS_S_OK;
}

bool stdio_pipe::close() {
    closing_.fetch_add(1);
    std::lock_guard lock(io_mutex_);
    closing_.fetch_sub(1);
    if (!has_handle_) return false;
#ifdef _WIN32
    CloseHandle(handle_);
#else
    ::close(handle_);
#endif
    handle_ = no_handle;
    has_handle_ = false;
    return true;
}

bool stdio_pipe::detach(native_handle& out) {
    closing_.fetch_add(1);
    std::lock_guard lock(io_mutex_);
    closing_.fetch_sub(1);
    if (!has_handle_) return false;
    const native_handle handle = handle_;
    if (nonblocking_) {  // the new owner gets the handle as HCS gave it: blocking
#ifdef _WIN32
        DWORD mode = PIPE_READMODE_BYTE | PIPE_WAIT;
        SetNamedPipeHandleState(handle, &mode, nullptr, nullptr);
#else
        const int flags = fcntl(handle, F_GETFL);
        if (flags >= 0) fcntl(handle, F_SETFL, flags & ~O_NONBLOCK);
#endif
    }
    handle_ = no_handle;
    has_handle_ = false;
    out = handle;
    return true;
}

}  // namespace zlhcs::core
