// Processes as a system and HcsimReset see them (processes.cpp).
#pragma once

#include <mutex>

#include "objects.h"

namespace hcsim {

/** Ends every running process of a stopping system (exit code 1), lock held. They exit
 *  promptly on their own threads. */
void end_processes_locked(State& s, System& system);
/** HcsimReset: ends every process, waits for every program thread to finish, forgets every
 *  process (lock held through `lock`, released while waiting). */
void reset_processes(State& s, std::unique_lock<std::mutex>& lock);

}  // namespace hcsim
