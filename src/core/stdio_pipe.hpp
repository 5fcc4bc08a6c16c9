// The host end of one standard-stream pipe of a process: reads and writes with a timeout (or
// none), close, and hand-over of the OS handle, in the four states of zlhcs.h ("Standard
// streams"): open, closed, detached, none.
//
// I/O never blocks past its timeout, and an I/O in flight notices close, detach and the
// process handle's close at once: each signals the stream's wake-up, which stays signalled,
// and a blocked reader costs no CPU. Natively I/O is non-blocking and waits in poll() on the
// pipe and the wake-up eventfd. On Windows an output stream whose handle was opened for
// overlapped I/O (as HCS opens its pipes) is read with an OVERLAPPED whose event is waited on
// beside the wake-up event, and the read is cancelled when the wait ends first. Writes to
// stdin, and reads of a synchronous handle, have no waitable readiness there (a cancelled or
// broken overlapped write does not say how much of it the reader took), so they poll the pipe
// in short slices (docs/internals.md "Stdio waits"). The three streams of a process are
// separate objects and never wait on each other.
//
// What a call in flight gets when something ends it (the same code as a call that starts after
// it, so callers need one rule): zlhcs_process_stdio_close or _detach of this stream ->
// ZLHCS_E_INVALID_STATE (the message says "closed"/"detached during the read/write"); the
// process handle's close -> ZLHCS_E_INVALID_HANDLE. A write reports the bytes the pipe took
// before, whatever ends it: they reach the process, nothing is lost or reordered.
//
// The interrupt (zlhcs_process_stdio_interrupt) is the one wake-up that can be undone: while
// it is set, an I/O that would wait ends with ZLHCS_WIN32_E_CANCELLED instead (the stream stays
// open), and clearing it resets the wake-up unless one of the ends above has signalled it.
#pragma once

#include <zlhcs/zlhcs.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
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

    /// zlhcs.h "Standard streams". `none` until adopt().
    enum class state : int { none, open, closed, detached };

    stdio_pipe() = default;
    ~stdio_pipe();
    stdio_pipe(const stdio_pipe&) = delete;
    stdio_pipe& operator=(const stdio_pipe&) = delete;

    /// The stream's name in messages ("stdin", "stdout", "stderr"); a static string.
    void set_name(const char* name) noexcept { name_ = name; }
    /// Why the stream is "none", for messages (a static string): the creation has not
    /// completed, the process did not ask for the pipe, it was opened, its pipes were lost.
    void set_none_reason(const char* reason) noexcept;

    /// Takes ownership of `handle` (the value HCS put in HCS_PROCESS_INFORMATION): open.
    /// `host_writes`: stdin (zlhcs writes it), else an output stream (zlhcs reads it).
    void adopt(native_handle handle, bool host_writes);

    [[nodiscard]] state current() const noexcept { return state_.load(); }

    /// S_OK with *out_read > 0; S_FALSE at end of stream; HCS_E_OPERATION_TIMEOUT (nothing
    /// within timeout_ms, including time spent behind another reader of this stream);
    /// ZLHCS_E_INVALID_STATE if the stream is not open (or stops being open meanwhile);
    /// ZLHCS_E_INVALID_HANDLE if the process handle is closed meanwhile. *out_read is 0 unless
    /// S_OK.
    zlhcs_hresult read(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                       std::size_t* out_read);

    /// Writes all `size` bytes within timeout_ms: S_OK; HCS_E_OPERATION_TIMEOUT (the pipe
    /// stayed full, or another writer held the stream); ZLHCS_WIN32_E_BROKEN_PIPE (no reader);
    /// ZLHCS_E_INVALID_STATE / ZLHCS_E_INVALID_HANDLE as for read(). *out_written (optional)
    /// is the number of bytes the pipe took, on success and on every failure.
    zlhcs_hresult write(const void* data, std::size_t size, std::uint32_t timeout_ms,
                        std::size_t* out_written);

    /// Closes the host end if open (a read or write in flight gives up within one slice;
    /// this waits for it). Returns the state before: only `open` closed something.
    state close();

    /// Hands the OS handle over (blocking mode restored; an overlapped handle stays as HCS
    /// opened it) if open: S_OK and `out`. Otherwise
    /// ZLHCS_E_INVALID_STATE naming the state (recorded), `out` no_handle.
    zlhcs_hresult detach(native_handle& out);

    /// zlhcs_process_stdio_interrupt: sets (`on`) or clears the interrupt. While it is set, a
    /// read or write that would wait (timeout_ms > 0, nothing ready) fails with
    /// ZLHCS_WIN32_E_CANCELLED, and one waiting now is woken. S_OK, or S_FALSE if it was in
    /// that state already; ZLHCS_E_INVALID_STATE (recorded) if the stream is not open. Never
    /// waits for I/O in flight.
    zlhcs_hresult set_interrupt(bool on);

    /// The process handle is being closed: I/O in flight gives up with ZLHCS_E_INVALID_HANDLE
    /// within one slice, and the host end is closed at once if no I/O holds it (otherwise by
    /// the I/O as it leaves). Never blocks.
    void abandon() noexcept;

    /// The ZLHCS_E_INVALID_STATE failure of a call on a stream in state `s` (not open), its
    /// message naming the state. Recorded, returned.
    zlhcs_hresult not_open(state s) const;

private:
    using clock = std::chrono::steady_clock;

    // A timed mutex (TimedLockable) made of a mutex and a condition variable. Not
    // std::timed_mutex: libstdc++ implements its timed wait with pthread_mutex_clocklock, which
    // ThreadSanitizer (clang 14) does not intercept, so every timed lock looked like an unlock
    // of an unlocked mutex to it.
    class stream_lock {
    public:
        void lock() {
            std::unique_lock guard(mutex_);
            free_.wait(guard, [this] { return !held_; });
            held_ = true;
        }
        bool try_lock() {
            std::lock_guard guard(mutex_);
            if (held_) return false;
            held_ = true;
            return true;
        }
        template <typename Rep, typename Period>
        bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) {
            std::unique_lock guard(mutex_);
            if (!free_.wait_for(guard, timeout, [this] { return !held_; })) return false;
            held_ = true;
            return true;
        }
        void unlock() {
            {
                std::lock_guard guard(mutex_);
                held_ = false;
            }
            free_.notify_one();
        }

    private:
        std::mutex mutex_;
        std::condition_variable free_;
        bool held_ = false;
    };

    // How I/O on the handle waits (chosen by adopt()).
    enum class io_mode : int { blocking, nonblocking, overlapped };

    // Takes io_mutex_ within what is left of timeout_ms (measured from `start`).
    bool acquire(std::unique_lock<stream_lock>& lock, std::uint32_t timeout_ms,
                 clock::time_point start);
    // Why an I/O in flight must stop (recorded), or S_OK to go on. `doing`: "read"/"write".
    zlhcs_hresult interrupted(const char* doing) const;
    // The start of every read/write once io_mutex_ is held: abandoned, or not open.
    zlhcs_hresult check_open_locked() const;
    zlhcs_hresult read_some(void* buffer, std::size_t capacity, std::uint32_t timeout_ms,
                            clock::time_point start, std::size_t* out_read);
    zlhcs_hresult write_some(const unsigned char* bytes, std::size_t size, std::uint32_t timeout_ms,
                             clock::time_point start, std::size_t& done);
    // The failure of an I/O that would wait while the stream is interrupted (recorded).
    // `done`/`size`: a write's progress, for its message (size 0: a read).
    zlhcs_hresult cancelled(const char* doing, std::size_t done = 0, std::size_t size = 0) const;
    // Wakes every I/O in flight (they re-check closing_, detaching_, abandoned_, interrupt_).
    // Once signalled it stays signalled, unless set_interrupt(false) resets it while none of
    // the first three is set: each of those ends the stream for good.
    void wake() noexcept;
    // Sets or resets the wake-up itself; wake_mutex_ held.
    void signal_wake_locked() noexcept;
    void reset_wake_locked() noexcept;
    // Closes the OS handle if open (io_mutex_ held) and moves to `next`.
    void release_locked(state next) noexcept;
    // Once abandoned: closes the host end if no I/O holds the stream (never blocks).
    void release_if_abandoned() noexcept;

    // One reader or writer at a time, held across the I/O; close, detach and abandon take it
    // too, so the handle never goes away under an I/O. I/O polls in slices and gives up early
    // when `closing_`, `detaching_` or `abandoned_` is set, so they wait at most one slice.
    stream_lock io_mutex_;
    native_handle handle_ = no_handle;
    std::atomic<state> state_{state::none};  // written with io_mutex_ held
    io_mode mode_ = io_mode::blocking;
    const char* name_ = "stream";
    std::atomic<const char*> none_reason_{"the process's creation has not completed"};
    std::atomic<int> closing_{0};
    std::atomic<int> detaching_{0};
    std::atomic<bool> abandoned_{false};
    std::atomic<bool> interrupt_{false};
    // Orders signalling the wake-up against set_interrupt(false)'s reset, so that a reset never
    // swallows the signal of a close, detach or abandon (they set their flag, then signal).
    std::mutex wake_mutex_;
#ifdef _WIN32
    // I/O on an overlapped handle: read or write up to `size` bytes with an OVERLAPPED,
    // waiting for it, the wake-up or the end of timeout_ms (from `start`), whichever comes
    // first, and cancelling it if it has not finished. True with the bytes it moved (also when
    // cancelled: data read is never dropped); false with GetLastError() set
    // (ERROR_OPERATION_ABORTED: cancelled with nothing moved).
    bool overlapped_io(bool reading, void* data, std::uint32_t size, std::uint32_t timeout_ms,
                       clock::time_point start, std::uint32_t& moved);
    zlhcs_hresult read_overlapped(void* buffer, std::uint32_t chunk, std::uint32_t timeout_ms,
                                  clock::time_point start, std::size_t* out_read);
    // The OVERLAPPED's event and the wake-up event (manual reset), made by adopt() for an
    // overlapped handle (overlapped_handle_ once both exist).
    bool overlapped_handle_ = false;
    void* io_event_ = nullptr;
    std::atomic<void*> wake_event_{nullptr};
#else
    // Waits (poll) until the pipe is ready for `events`, the wake-up is signalled, or
    // timeout_ms (ZLHCS_INFINITE: none) passes. Returns poll()'s result.
    int wait_ready(short events, std::uint32_t timeout_ms) const;
    // The wake-up descriptor, made by adopt() (before any I/O can run); -1 if the system
    // refused one: then I/O waits in slices, as on Windows.
    std::atomic<int> wake_fd_{-1};
#endif
};

}  // namespace zlhcs::core
