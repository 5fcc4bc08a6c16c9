// The I/O mode of a Windows file handle, shared by zlhcs (which must know whether HCS's stdio
// pipes were opened for overlapped I/O) and hcsim's tests (which check the ends hcsim hands
// out). Windows only; header-only.
#pragma once

#ifdef _WIN32
#include <windows.h>

#include <optional>

namespace zlhcs_common {

/// The handle's file mode (NtQueryInformationFile, FileModeInformation), or nothing if the
/// system refuses the query. FILE_SYNCHRONOUS_IO_ALERT (0x10) or _NONALERT (0x20) is set
/// exactly for a synchronous handle.
inline std::optional<ULONG> file_mode(HANDLE handle) noexcept {
    using query_function = LONG(WINAPI*)(HANDLE, void* io_status, void* information, ULONG length, int information_class);
    static const auto query = reinterpret_cast<query_function>(
        reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationFile")));
    if (query == nullptr) return std::nullopt;
    struct {
        void* status;
        ULONG_PTR information;
    } io_status{};  // IO_STATUS_BLOCK
    ULONG mode = 0;
    constexpr int file_mode_information = 16;
    if (query(handle, &io_status, &mode, sizeof mode, file_mode_information) < 0) return std::nullopt;
    return mode;
}

/// FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT.
inline constexpr ULONG synchronous_io_modes = 0x10 | 0x20;

/// True if `handle` was opened for overlapped I/O. ReadFile and WriteFile given an OVERLAPPED
/// on a synchronous handle block instead of failing, so this must be known beforehand. A handle
/// whose mode is unknown counts as synchronous.
inline bool opened_for_overlapped_io(HANDLE handle) noexcept {
    const std::optional<ULONG> mode = file_mode(handle);
    return mode && (*mode & synchronous_io_modes) == 0;
}

}  // namespace zlhcs_common

#endif
