// The completion workers (worker.cpp).
#pragma once

#include "objects.h"

namespace hcsim {

/** Queues a task due at `due` (lock held). */
void schedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due);
/** Moves an already queued task to `due` (lock held). */
void reschedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due);

}  // namespace hcsim
