// The host end of one standard-stream pipe of a process: reads with a timeout (or none),
// writes that never lose or reorder bytes, close, and hand-over of the OS handle.
//
// Reads poll in short slices, so a read never blocks past its timeout and notices a close
// within one slice; stdout and stderr are separate objects and never wait on each other.
#pragma once

#include <zlhcs/zlhcs.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace zlhcs::core {

class stdio_pipe {
public:
#ifdef _WIN32
    using native_handle = void*;  // HANDLE
#else
    using native_handle = int;    // file descriptor
#endif
    static constexpr native_handle no_handle = native_handle{};

    stdio_pipe() = default;
    ~stdio_pipe();
    stdio_pipe(const stdio_pipe&) = delete;
    stdio_pipe& operator=(const stdio_pipe&) = delete;

    /// Takes ownership of `handle` (the value HCS put in HCS_PROCESS_INFORMATION).
    void adopt(native_handle handle);

    /// S_OK with *out_read > 0; S_FALSE at end of stream; HCS_E_OPERATION_TIMEOUT;
    /// ZLHCS_E_INVALID_STATE if there is no pipe (never was, closed, detached);
    /// ZLHCS_E_INVALID_HANDLE if the process handle was closed meanwhile.
    zlhcs_hresult read(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                       std::size_t* out_read);

    /// Writes everything. ZLHCS_WIN32_E_BROKEN_PIPE when the reader is gone.
    zlhcs_hresult write_all(const void* data, std::size_t size);

    /// Closes the host end. false if it was not open.
    bool close();

    /// Gives the OS handle away and forgets it. false if there is none.
    bool detach(native_handle& out);

    /// Makes in-flight and later reads and writes give up (the process handle is closing).
    void abandon() noexcept { abandoned_.store(true); }

private:
    zlhcs_hresult read_some(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                            std::size_t* out_read);

    // One reader or writer at a time, held across the I/O; close and detach take it too, so
    // the handle never goes away under an I/O. Readers poll in slices and give up early when
    // `closing_` or `abandoned_` is set, so a close waits at most one slice for a reader.
    std::mutex io_mutex_;
    native_handle handle_ = no_handle;
    bool has_handle_ = false;
    bool nonblocking_ = false;
    std::atomic<int> closing_{0};
    std::atomic<bool> abandoned_{false};
};

}  // namespace zlhcs::core
