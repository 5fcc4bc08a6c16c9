// The one clock hcsim reads: latencies, uptimes, timestamps and the timeouts of its waits.
//
// Real mode (the default, and after HcsimReset): the machine's clocks, so code run against
// hcsim sees real time. Manual mode (HcsimSetClock(1), a test control): time stands still
// and moves only by HcsimAdvanceClock, so a test of a latency or a timeout advances time
// instead of sleeping (FoundationDB's deterministic simulation is the model).
//
// The steady time never goes back, across mode changes too: leaving manual mode continues
// from the manual time (an offset to the machine's steady clock), so deadlines already
// queued keep their meaning.
//
// Thread safety: the clock has its own mutex, taken after State::mutex when both are held
// (never the other way round). Whoever waits for a deadline waits on a condition variable
// of the state (wait_until below) or, a program thread, on its wake-up object (a Waker):
// advancing the clock changes the time first, then wakes both (control.cpp).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace hcsim {

using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

class Clock {
public:
    /** One consistent look at the clock. */
    struct Reading {
        steady::time_point now;
        bool manual = false;
    };

    Reading read() const;
    steady::time_point now() const { return read().now; }
    /** The calendar time: the machine's in real mode; in manual mode the calendar time when
     *  manual mode began, plus the time advanced since. */
    wall::time_point wall_now() const;

    /** Real mode (false) or manual mode (true), from the current time. */
    void set_manual(bool manual);
    /** Manual mode: moves time forward and wakes the registered wakers. False in real mode. */
    bool advance(std::chrono::milliseconds by);

    /** While alive, `wake` is called (under the clock's mutex: it must only signal) whenever
     *  the time or the mode changes. For threads that wait on something else than the state's
     *  condition variables (a program's sleep). */
    class Waker {
    public:
        Waker(Clock& clock, std::function<void()> wake);
        ~Waker();
        Waker(const Waker&) = delete;
        Waker& operator=(const Waker&) = delete;

    private:
        Clock& clock_;
        uint64_t id_;
    };

private:
    void wake_all_locked();

    mutable std::mutex mutex_;
    bool manual_ = false;
    steady::duration offset_{};           // real mode: now = steady::now() + offset_
    steady::time_point manual_now_{};     // manual mode: now
    steady::time_point manual_start_{};   // manual mode: the steady time it began at
    wall::time_point manual_start_wall_{};  // ... and the calendar time then
    uint64_t next_waker_ = 1;
    std::map<uint64_t, std::function<void()>> wakers_;
};

/** The one clock (never destroyed, like the state). */
Clock& sim_clock();

/** Waits on `changed` (with `lock`, of the state's mutex) until `done()` or the clock reaches
 *  `deadline`; returns done(). In manual mode it waits without a timeout: advancing the clock
 *  notifies `changed`. */
template <typename Done>
bool wait_until(std::condition_variable& changed, std::unique_lock<std::mutex>& lock,
                steady::time_point deadline, Done done) {
    while (!done()) {
        const Clock::Reading reading = sim_clock().read();
        if (reading.now >= deadline) return false;
        if (reading.manual) {
            changed.wait(lock);
        } else {
            changed.wait_for(lock, deadline - reading.now);
        }
    }
    return true;
}

/** The deadline `milliseconds` from now on the clock. */
inline steady::time_point deadline_after(uint64_t milliseconds) {
    return sim_clock().now() + std::chrono::milliseconds(milliseconds);
}

}  // namespace hcsim
