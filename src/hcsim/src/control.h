// The test controls the entry points consult: behaviour switches, strict handles, injected
// faults, latencies (control.cpp).
#pragma once

#include <optional>

#include "objects.h"

namespace hcsim {

/** True if the HCSIM_BEHAVIOR_* switch is on (lock held). */
inline bool behaves(const State& s, uint32_t flag) { return (s.behavior & flag) != 0; }
/** Strict-handle mode: records that `function` was given a bad `kind` handle (lock held). */
void record_bad_handle_locked(State& s, const char* function, const char* kind, uintptr_t value);
/** The same for a NULL handle rejected before the lock is taken (takes the lock). */
void record_null_handle(const char* function, const char* kind);
/** True (and the fault's HRESULT/mode) if the next call of `function` must fail (lock held). */
std::optional<Fault> take_fault_locked(State& s, const char* function);
uint32_t latency_locked(const State& s, const char* function);

}  // namespace hcsim
