#include "program_io.h"

#include "clock.h"

#include <algorithm>
#include <chrono>
#include <string>

#if defined(_WIN32)
#include <windows.h>
#else
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#endif

namespace hcsim {
namespace {

constexpr uint32_t pack_console(uint16_t width, uint16_t height) {
    return (static_cast<uint32_t>(width) << 16) | height;
}

constexpr std::size_t max_chunk = 64 * 1024;

}  // namespace

ProgramIo::ProgramIo() = default;

void ProgramIo::request_stop(uint32_t exit_code) {
    bool expected = false;
    if (stop_.load()) return;
    stop_code_.store(exit_code);  // only the first requester gets past the exchange below
    if (!stop_.compare_exchange_strong(expected, true)) return;
    wake();
}

void ProgramIo::request_close(bool in, bool out, bool err) {
    if (in) close_in_.store(true);
    if (out) close_out_.store(true);
    if (err) close_err_.store(true);
    wake();
}

void ProgramIo::set_console(uint16_t width, uint16_t height) {
    console_.store(pack_console(width, height));
    wake();
}

#if defined(_WIN32)
// ----------------------------------------------------------------------------- Windows ---

namespace {

void close_handle(HANDLE& handle) {
    if (handle != nullptr) ::CloseHandle(handle);
    handle = nullptr;
}

// One named pipe instance: the server end (overlapped) for hcsim's program, the client end
// (not inheritable) for the caller. `program_reads`: stdin. The client end is opened for
// overlapped I/O as HCS's are (hcsshim, internal/hcs/v2/utils.go makeOpenFiles, hands them to
// go-winio's overlapped I/O), unless `synchronous` (HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO).
bool make_pipe(bool program_reads, bool synchronous, HANDLE& server, HANDLE& client) {
    static std::atomic<uint64_t> counter{0};
    const std::wstring name = L"\\\\.\\pipe\\hcsim-" + std::to_wstring(::GetCurrentProcessId()) +
                              L"-" + std::to_wstring(++counter);
    const DWORD open_mode = (program_reads ? PIPE_ACCESS_INBOUND : PIPE_ACCESS_OUTBOUND) |
                            FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE;
    server = ::CreateNamedPipeW(name.c_str(), open_mode, PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT,
                                1, 64 * 1024, 64 * 1024, 0, nullptr);
    if (server == INVALID_HANDLE_VALUE) {
        server = nullptr;
        return false;
    }
    SECURITY_ATTRIBUTES attributes{sizeof attributes, nullptr, FALSE};
    const DWORD access = program_reads ? (GENERIC_WRITE | FILE_READ_ATTRIBUTES) : GENERIC_READ;
    client = ::CreateFileW(name.c_str(), access, 0, &attributes, OPEN_EXISTING,
                           synchronous ? 0 : FILE_FLAG_OVERLAPPED, nullptr);
    if (client == INVALID_HANDLE_VALUE) {
        client = nullptr;
        close_handle(server);
        return false;
    }
    return true;
}

}  // namespace

CallerEnds::~CallerEnds() { close(true, true, true); }

void CallerEnds::close(bool close_in, bool close_out, bool close_err) {
    if (close_in) close_handle(in);
    if (close_out) close_handle(out);
    if (close_err) close_handle(err);
}

bool CallerEnds::duplicate_into(CallerEnds& copy, HRESULT* error) const {
    const HANDLE self = ::GetCurrentProcess();
    const auto duplicate = [self](HANDLE from, HANDLE& to) {
        if (from == nullptr) return true;
        return ::DuplicateHandle(self, from, self, &to, 0, FALSE, DUPLICATE_SAME_ACCESS) != FALSE;
    };
    if (duplicate(in, copy.in) && duplicate(out, copy.out) && duplicate(err, copy.err)) return true;
    const DWORD code = ::GetLastError();
    *error = code != 0 ? HRESULT_FROM_WIN32(code) : E_OUTOFMEMORY;
    copy.close(true, true, true);
    return false;
}

std::unique_ptr<ProgramIo> ProgramIo::create(bool in, bool out, bool err, bool merge_err,
                                             uint16_t width, uint16_t height, bool synchronous_ends,
                                             CallerEnds& caller, HRESULT* error) {
    std::unique_ptr<ProgramIo> io(new ProgramIo);
    io->merge_err_ = merge_err;
    io->console_.store(pack_console(width, height));
    io->wake_event_ = ::CreateEventW(nullptr, FALSE, FALSE, nullptr);
    io->io_event_ = ::CreateEventW(nullptr, TRUE, FALSE, nullptr);
    bool ok = io->wake_event_ != nullptr && io->io_event_ != nullptr;
    if (ok && in) ok = make_pipe(true, synchronous_ends, io->in_, caller.in);
    if (ok && out) ok = make_pipe(false, synchronous_ends, io->out_, caller.out);
    if (ok && err && !merge_err) ok = make_pipe(false, synchronous_ends, io->err_, caller.err);
    if (!ok) {
        const DWORD code = ::GetLastError();
        *error = code != 0 ? HRESULT_FROM_WIN32(code) : E_OUTOFMEMORY;
        close_handle(caller.in);
        close_handle(caller.out);
        close_handle(caller.err);
        return nullptr;
    }
    return io;
}

ProgramIo::~ProgramIo() {
    close_program_ends();
    close_handle(wake_event_);
    close_handle(io_event_);
}

void ProgramIo::close_program_ends() {
    close_handle(in_);
    close_handle(out_);
    close_handle(err_);
}

void ProgramIo::wake() { ::SetEvent(wake_event_); }

void ProgramIo::drain_wake() {}  // auto-reset: a completed wait consumed it

void ProgramIo::apply_close_requests() {
    if (close_out_.load()) close_handle(out_);
    if (close_err_.load()) close_handle(err_);
}

// Runs one overlapped read or write on `pipe`, waiting for it or for the wake-up event; when
// woken and `abort()` says so, the I/O is cancelled. Done: `done` bytes moved (possibly a
// part, if cancelled); Broken: the other end is gone; Woken: cancelled with nothing moved.
ProgramIo::Wio ProgramIo::overlapped(HANDLE pipe, bool reading, void* buffer, DWORD size,
                                     DWORD& done, const std::function<bool()>& abort) {
    done = 0;
    OVERLAPPED ov{};
    ::ResetEvent(io_event_);
    ov.hEvent = io_event_;
    const BOOL started = reading ? ::ReadFile(pipe, buffer, size, nullptr, &ov)
                                 : ::WriteFile(pipe, buffer, size, nullptr, &ov);
    if (!started && ::GetLastError() != ERROR_IO_PENDING) return Wio::Broken;
    for (;;) {
        HANDLE handles[2] = {io_event_, wake_event_};
        const DWORD which = ::WaitForMultipleObjects(2, handles, FALSE, INFINITE);
        if (which == WAIT_OBJECT_0) break;
        if (abort()) {
            ::CancelIoEx(pipe, &ov);
            break;
        }
    }
    if (::GetOverlappedResult(pipe, &ov, &done, TRUE)) return Wio::Done;
    const DWORD code = ::GetLastError();
    if (code == ERROR_OPERATION_ABORTED) return done > 0 ? Wio::Done : Wio::Woken;
    return Wio::Broken;
}

IoStatus ProgramIo::read(char* buffer, std::size_t size, std::size_t& got,
                         const std::function<bool()>& interrupt) {
    got = 0;
    const DWORD want = static_cast<DWORD>(std::min(size, max_chunk));
    for (;;) {
        if (stopping()) return IoStatus::Stopped;
        if (in_ == nullptr) return IoStatus::Eof;
        if (close_in_.load()) {
            // CloseHandle StdIn: deliver what was written before, then end of stream.
            DWORD available = 0;
            if (!::PeekNamedPipe(in_, nullptr, 0, nullptr, &available, nullptr) || available == 0) {
                close_handle(in_);
                return IoStatus::Eof;
            }
            DWORD done = 0;
            const Wio r = overlapped(in_, true, buffer, std::min(want, available), done,
                                     [this] { return stopping(); });
            if (r == Wio::Broken) {
                close_handle(in_);
                return IoStatus::Eof;
            }
            if (done > 0) {
                got = done;
                return IoStatus::Ok;
            }
            continue;
        }
        if (interrupt && interrupt()) return IoStatus::Interrupted;
        DWORD done = 0;
        const Wio r = overlapped(in_, true, buffer, want, done, [&] {
            return stopping() || close_in_.load() || (interrupt && interrupt());
        });
        if (r == Wio::Broken) {
            close_handle(in_);
            return IoStatus::Eof;
        }
        if (done > 0) {
            got = done;
            return IoStatus::Ok;
        }
    }
}

IoStatus ProgramIo::write(Stream stream, const char* data, std::size_t size) {
    if (stream == Stream::Err && merge_err_) stream = Stream::Out;
    HANDLE& pipe = stream == Stream::Out ? out_ : err_;
    const std::atomic<bool>& close_flag = stream == Stream::Out ? close_out_ : close_err_;
    while (size > 0) {
        if (stopping()) return IoStatus::Stopped;
        apply_close_requests();
        if (pipe == nullptr) return IoStatus::Ok;  // discarded
        DWORD done = 0;
        const Wio r = overlapped(pipe, false, const_cast<char*>(data),
                                 static_cast<DWORD>(std::min(size, max_chunk)), done,
                                 [&] { return stopping() || close_flag.load(); });
        if (r == Wio::Broken) {
            close_handle(pipe);  // the reader is gone: discard the rest
            return IoStatus::Ok;
        }
        data += done;
        size -= done;
    }
    return IoStatus::Ok;
}

IoStatus ProgramIo::sleep(uint32_t milliseconds) {
    const auto deadline = deadline_after(milliseconds);
    const Clock::Waker waker(sim_clock(), [this] { wake(); });  // the clock advanced
    for (;;) {
        if (stopping()) return IoStatus::Stopped;
        apply_close_requests();
        const Clock::Reading clock = sim_clock().read();
        if (clock.now >= deadline) return IoStatus::Ok;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock.now).count();
        ::WaitForSingleObject(wake_event_, clock.manual ? INFINITE : static_cast<DWORD>(left));
    }
}

#else
// ------------------------------------------------------------------------------ native ---

namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Keeps descriptors 0-2 free of our pipes, so a caller's end is never 0 (NULL: "no pipe").
int above_stdio(int fd) {
    if (fd < 0 || fd >= 3) return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

bool make_pipe(int& read_end, int& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = above_stdio(fds[0]);
    write_end = above_stdio(fds[1]);
    if (read_end < 0 || write_end < 0) {
        close_fd(read_end);
        close_fd(write_end);
        return false;
    }
    return true;
}

bool set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

HANDLE as_handle(int fd) { return reinterpret_cast<HANDLE>(static_cast<intptr_t>(fd)); }

void close_caller(HANDLE& handle) {
    if (handle != nullptr) ::close(static_cast<int>(reinterpret_cast<intptr_t>(handle)));
    handle = nullptr;
}

}  // namespace

CallerEnds::~CallerEnds() { close(true, true, true); }

void CallerEnds::close(bool close_in, bool close_out, bool close_err) {
    if (close_in) close_caller(in);
    if (close_out) close_caller(out);
    if (close_err) close_caller(err);
}

bool CallerEnds::duplicate_into(CallerEnds& copy, HRESULT* error) const {
    // >= 3 like every caller end: NULL (0) means "no pipe".
    const auto duplicate = [](HANDLE from, HANDLE& to) {
        if (from == nullptr) return true;
        const int fd = ::fcntl(static_cast<int>(reinterpret_cast<intptr_t>(from)), F_DUPFD_CLOEXEC, 3);
        if (fd < 0) return false;
        to = as_handle(fd);
        return true;
    };
    if (duplicate(in, copy.in) && duplicate(out, copy.out) && duplicate(err, copy.err)) return true;
    const int code = errno;
    *error = code == EMFILE || code == ENFILE ? HCSIM_HR(0x80070004u)  // ERROR_TOO_MANY_OPEN_FILES
                                              : E_OUTOFMEMORY;
    copy.close(true, true, true);
    return false;
}

std::unique_ptr<ProgramIo> ProgramIo::create(bool in, bool out, bool err, bool merge_err,
                                             uint16_t width, uint16_t height,
                                             [[maybe_unused]] bool synchronous_ends,  // pipes either way
                                             CallerEnds& caller, HRESULT* error) {
    std::unique_ptr<ProgramIo> io(new ProgramIo);
    io->merge_err_ = merge_err;
    io->console_.store(pack_console(width, height));
    int caller_in = -1;
    int caller_out = -1;
    int caller_err = -1;
    bool ok = make_pipe(io->wake_read_, io->wake_write_) && set_nonblocking(io->wake_read_) &&
              set_nonblocking(io->wake_write_);
    if (ok && in) ok = make_pipe(io->in_, caller_in) && set_nonblocking(io->in_);
    if (ok && out) ok = make_pipe(caller_out, io->out_) && set_nonblocking(io->out_);
    if (ok && err && !merge_err) ok = make_pipe(caller_err, io->err_) && set_nonblocking(io->err_);
    if (!ok) {
        const int code = errno;
        *error = code == EMFILE || code == ENFILE ? HCSIM_HR(0x80070004u)  // ERROR_TOO_MANY_OPEN_FILES
                                                  : E_OUTOFMEMORY;
        close_fd(caller_in);
        close_fd(caller_out);
        close_fd(caller_err);
        return nullptr;  // io's destructor closes its side
    }
    if (caller_in >= 0) caller.in = as_handle(caller_in);
    if (caller_out >= 0) caller.out = as_handle(caller_out);
    if (caller_err >= 0) caller.err = as_handle(caller_err);
    return io;
}

ProgramIo::~ProgramIo() {
    close_program_ends();
    close_fd(wake_read_);
    close_fd(wake_write_);
}

void ProgramIo::close_program_ends() {
    close_fd(in_);
    close_fd(out_);
    close_fd(err_);
}

void ProgramIo::wake() {
    const char byte = 1;
    // Non-blocking: a full wake-up pipe already wakes the program.
    [[maybe_unused]] const ssize_t ignored = ::write(wake_write_, &byte, 1);
}

void ProgramIo::drain_wake() {
    char bytes[64];
    while (::read(wake_read_, bytes, sizeof bytes) > 0) {
    }
}

void ProgramIo::apply_close_requests() {
    if (close_out_.load()) close_fd(out_);
    if (close_err_.load()) close_fd(err_);
}

// Waits until `fd` is ready for `events` or the wake-up pipe is readable. True if fd is ready
// (or in error, which the next read/write reports).
bool ProgramIo::wait_fd(int fd, short events) {
    pollfd fds[2] = {{fd, events, 0}, {wake_read_, POLLIN, 0}};
    const int n = ::poll(fds, fd >= 0 ? 2 : 1, -1);
    if (fd < 0) {
        // (unused: callers always pass a descriptor)
        return false;
    }
    if (n < 0) return false;  // EINTR: callers re-check and wait again
    if (fds[1].revents != 0) drain_wake();
    return fds[0].revents != 0;
}

IoStatus ProgramIo::read(char* buffer, std::size_t size, std::size_t& got,
                         const std::function<bool()>& interrupt) {
    got = 0;
    const std::size_t want = std::min(size, max_chunk);
    for (;;) {
        if (stopping()) return IoStatus::Stopped;
        if (in_ < 0) return IoStatus::Eof;
        // Loaded before the read: a CloseHandle requested before an empty read means all
        // that was written before it has been read.
        const bool closing = close_in_.load();
        const ssize_t n = ::read(in_, buffer, want);
        if (n > 0) {
            got = static_cast<std::size_t>(n);
            return IoStatus::Ok;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) || closing) {
            close_fd(in_);
            return IoStatus::Eof;
        }
        if (interrupt && interrupt()) return IoStatus::Interrupted;
        wait_fd(in_, POLLIN);
    }
}

IoStatus ProgramIo::write(Stream stream, const char* data, std::size_t size) {
    if (stream == Stream::Err && merge_err_) stream = Stream::Out;
    int& fd = stream == Stream::Out ? out_ : err_;
    while (size > 0) {
        if (stopping()) return IoStatus::Stopped;
        apply_close_requests();
        if (fd < 0) return IoStatus::Ok;  // discarded
        const ssize_t n = ::write(fd, data, std::min(size, max_chunk));
        if (n > 0) {
            data += n;
            size -= static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_fd(fd, POLLOUT);
            continue;
        }
        close_fd(fd);  // EPIPE (SIGPIPE is blocked on program threads): the reader is gone
        return IoStatus::Ok;
    }
    return IoStatus::Ok;
}

IoStatus ProgramIo::sleep(uint32_t milliseconds) {
    const auto deadline = deadline_after(milliseconds);
    const Clock::Waker waker(sim_clock(), [this] { wake(); });  // the clock advanced
    for (;;) {
        if (stopping()) return IoStatus::Stopped;
        apply_close_requests();
        const Clock::Reading clock = sim_clock().read();
        if (clock.now >= deadline) return IoStatus::Ok;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock.now).count();
        pollfd fd{wake_read_, POLLIN, 0};
        const int timeout = clock.manual ? -1 : static_cast<int>(std::min<long long>(left, 1 << 30));
        if (::poll(&fd, 1, timeout) > 0) drain_wake();
    }
}

#endif

}  // namespace hcsim
