// zlhcs C++ facade - timeouts and their named defaults.
//
// Every blocking facade call takes a std::chrono::milliseconds timeout (durations coarser than
// milliseconds - seconds, minutes - convert implicitly). No default is infinite without saying
// so: each default is one of the named constants below, and the documentation of each call
// names the one it uses.
//
//   default_timeout            4 minutes. Every call that waits for HCS to do work: create,
//                              start, shutdown, terminate, pause, resume, save, crash,
//                              properties, modify, process create/signal/terminate/info/
//                              properties/modify/resize_console, enumerate_systems, and waiting
//                              on an operation (operation::wait, async_result::wait). hcsshim's
//                              value for the same calls (internal/timeout/timeout.go:
//                              defaultTimeout = 4 * time.Minute for SystemCreate, SystemStart,
//                              SystemPause, SystemResume, SystemSave and its SyscallWatcher).
//                              When it passes the call throws errc::timeout; HCS goes on with the
//                              work (it cannot cancel it).
//   default_wait_exit_timeout  infinite, ON PURPOSE: compute_system::wait_exit() and
//                              process::wait_exit() wait for an event (the system or process
//                              ends), not for HCS work, and a workload may rightly run for days.
//                              Pass a timeout where you expect the exit.
//   default_read_timeout       infinite, ON PURPOSE: process::read() and the stdio streams
//                              wait for data a process writes whenever it likes. Such a read
//                              can be released from another thread with
//                              process::interrupt_stdio() (see process.hpp).
//
// zlhcs::infinite waits forever; any timeout at least that long does too.
#pragma once

#include <zlhcs/config.hpp>

#include <chrono>
#include <cstdint>

namespace zlhcs {

/// Wait forever (ZLHCS_INFINITE). Any timeout at least this long also waits forever.
inline constexpr std::chrono::milliseconds infinite{static_cast<std::int64_t>(ZLHCS_INFINITE)};

/// The default timeout of every call that waits for HCS work: 4 minutes, as hcsshim's (see the
/// top of this file). When it passes, the call throws errc::timeout and the work goes on.
inline constexpr std::chrono::milliseconds default_timeout = std::chrono::minutes(4);

/// The default timeout of wait_exit(): infinite on purpose (an exit is an event that may rightly
/// take days; see the top of this file).
inline constexpr std::chrono::milliseconds default_wait_exit_timeout = infinite;

/// The default timeout of stdio reads: infinite on purpose (the process writes when it likes);
/// process::interrupt_stdio() releases a blocked read.
inline constexpr std::chrono::milliseconds default_read_timeout = infinite;

namespace detail {

/// Converts a timeout to the C ABI's milliseconds: negative -> 0 (poll), >= infinite ->
/// ZLHCS_INFINITE.
constexpr std::uint32_t to_timeout_ms(std::chrono::milliseconds timeout) noexcept {
    if (timeout.count() <= 0) return 0;
    if (timeout >= infinite) return ZLHCS_INFINITE;
    return static_cast<std::uint32_t>(timeout.count());
}

}  // namespace detail
}  // namespace zlhcs
