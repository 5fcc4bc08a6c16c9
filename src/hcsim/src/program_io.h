// The real OS pipes of a simulated process and the I/O its program thread does on them.
//
// Natively: pipe2() pairs; the caller's ends are plain blocking descriptors (>= 3, O_CLOEXEC),
// the program's ends are non-blocking and every wait polls them together with a wake-up pipe.
// On Windows: one named pipe instance per stream (what CreatePipe makes, too), the caller's
// end a synchronous client handle, the program's end an overlapped server handle, and every
// wait waits on the I/O's event together with a wake-up event (CancelIoEx ends it).
//
// Threading: the program's ends are used by the program thread only. The request_* / set_*
// members are called by other threads (with the state lock held) and only touch atomics and
// the wake-up object, which lives until the ProgramIo is destroyed (after the thread has finished with it).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "hcsim/hcsim_api.h"

namespace hcsim {

/** The caller's ends of a process's pipes, until HcsGetOperationResultAndProcessInfo (or the
 *  Wait variant) hands them out. Whatever is still here when the operation is closed (or the
 *  object is destroyed) is closed. A NULL handle: no such pipe. Also what hcsim keeps of
 *  them while the process runs (Process::kept), to duplicate for HcsGetProcessInfo. */
struct CallerEnds {
    HANDLE in = nullptr;
    HANDLE out = nullptr;
    HANDLE err = nullptr;
    CallerEnds() = default;
    CallerEnds(const CallerEnds&) = delete;
    CallerEnds& operator=(const CallerEnds&) = delete;
    ~CallerEnds();
    /** New handles to the same pipe ends (natively: descriptors >= 3, O_CLOEXEC; on Windows:
     *  same access, not inheritable) into `copy` (empty). On failure `copy` is left empty,
     *  `*error` says why. */
    bool duplicate_into(CallerEnds& copy, HRESULT* error) const;
    /** Closes the chosen ends (those still open). */
    void close(bool close_in, bool close_out, bool close_err);
};

enum class Stream { Out, Err };
enum class IoStatus { Ok, Eof, Interrupted, Stopped };

/** Exit code of a process that was terminated (HcsTerminateProcess, its system stopped, or
 *  HcsimReset). */
constexpr uint32_t terminated_exit_code = 1;
/** Exit code of a program ended by a signal (STATUS_CONTROL_C_EXIT). */
constexpr uint32_t signalled_exit_code = 0xC000013Au;

class ProgramIo {
public:
    ProgramIo(const ProgramIo&) = delete;
    ProgramIo& operator=(const ProgramIo&) = delete;
    ~ProgramIo();

    /** Creates the requested pipes. On success fills `caller` with the caller's ends. With
     *  `merge_err` the program's stderr goes to its stdout (EmulateConsole). On Windows the
     *  caller's ends are opened for overlapped I/O, as HCS's are, unless `synchronous_ends`
     *  (HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO); elsewhere they are pipes either way. Returns
     *  nullptr (and `*error`) on failure, with nothing left open. */
    static std::unique_ptr<ProgramIo> create(bool in, bool out, bool err, bool merge_err,
                                             uint16_t width, uint16_t height, bool synchronous_ends,
                                             CallerEnds& caller, HRESULT* error);

    // --- the program thread --------------------------------------------------------------
    /** Reads up to `size` bytes of stdin: Ok (got > 0), Eof (the caller closed its end, the
     *  pipe was never created, or CloseHandle StdIn was requested and everything written
     *  before has been read), Interrupted (`interrupt` became true while waiting), Stopped. */
    IoStatus read(char* buffer, std::size_t size, std::size_t& got,
                  const std::function<bool()>& interrupt = {});
    /** Writes everything: Ok (also when the stream does not exist or its reader is gone: the
     *  bytes are discarded), Stopped. */
    IoStatus write(Stream stream, const char* data, std::size_t size);
    /** Sleeps: Ok once elapsed, Stopped. */
    IoStatus sleep(uint32_t milliseconds);
    /** Closes the program's ends (readers then see end of stream after the data written). */
    void close_program_ends();
    /** The exit code the stop request asked for. */
    uint32_t stop_code() const { return stop_code_.load(); }

    // --- other threads -------------------------------------------------------------------
    /** The first request wins; later ones change nothing. */
    void request_stop(uint32_t exit_code);
    void request_close(bool in, bool out, bool err);
    void set_console(uint16_t width, uint16_t height);
    /** Width in the high 16 bits, height in the low 16. */
    uint32_t console() const { return console_.load(); }

private:
    ProgramIo();
    bool stopping() const { return stop_.load(); }
    void wake();
    void drain_wake();
    void apply_close_requests();

    std::atomic<bool> stop_{false};
    std::atomic<uint32_t> stop_code_{0};
    std::atomic<bool> close_in_{false};
    std::atomic<bool> close_out_{false};
    std::atomic<bool> close_err_{false};
    std::atomic<uint32_t> console_{0};
    bool merge_err_ = false;

#if defined(_WIN32)
    enum class Wio { Done, Broken, Woken };
    Wio overlapped(HANDLE pipe, bool reading, void* buffer, DWORD size, DWORD& done,
                   const std::function<bool()>& abort);
    HANDLE in_ = nullptr;
    HANDLE out_ = nullptr;
    HANDLE err_ = nullptr;
    HANDLE wake_event_ = nullptr;  // auto-reset
    HANDLE io_event_ = nullptr;    // manual-reset, for the one overlapped I/O in flight
#else
    bool wait_fd(int fd, short events);
    int in_ = -1;
    int out_ = -1;
    int err_ = -1;
    int wake_read_ = -1;
    int wake_write_ = -1;
#endif
};

}  // namespace hcsim
