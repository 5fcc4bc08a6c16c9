// Windows: one blocking read or write on a pipe handle from HCS (or hcsim), whatever mode it
// was opened in. HCS opens its pipes for overlapped I/O, where ReadFile/WriteFile need an
// OVERLAPPED; on a synchronous handle the same call simply blocks. So tests that use such a
// handle themselves (after zlhcs_process_stdio_detach, or hcsim's own suite) go through here.
#pragma once

#ifdef _WIN32
#include <windows.h>

namespace zlhcs_test {

/// ReadFile (`reading`) or WriteFile of up to `size` bytes, blocking until it finishes.
/// True with `moved`; false with GetLastError() (ERROR_BROKEN_PIPE at end of stream).
inline bool os_pipe_io(HANDLE handle, bool reading, void* data, DWORD size, DWORD& moved) {
    moved = 0;
    OVERLAPPED io{};
    io.hEvent = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    if (io.hEvent == nullptr) return false;
    BOOL ok = reading ? ReadFile(handle, data, size, nullptr, &io) : WriteFile(handle, data, size, nullptr, &io);
    if (ok || GetLastError() == ERROR_IO_PENDING) ok = GetOverlappedResult(handle, &io, &moved, TRUE);
    const DWORD error = GetLastError();
    CloseHandle(io.hEvent);
    SetLastError(error);
    return ok != FALSE;
}

inline bool os_pipe_read(HANDLE handle, void* buffer, DWORD size, DWORD& got) {
    return os_pipe_io(handle, true, buffer, size, got);
}

inline bool os_pipe_write(HANDLE handle, const void* data, DWORD size, DWORD& written) {
    return os_pipe_io(handle, false, const_cast<void*>(data), size, written);
}

}  // namespace zlhcs_test

#endif
