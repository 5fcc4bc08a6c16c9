#include "objects.h"
#include "control.h"

#include <algorithm>
#include <cstdio>

namespace hcsim {

State& state() {
    // Never destroyed: worker threads are detached and may still touch it during exit.
    static State* instance = new State;
    return *instance;
}

const char* state_name(SystemState value) noexcept {
    switch (value) {
    case SystemState::Creating: return "Unknown";
    case SystemState::Created: return "Created";
    case SystemState::Running: return "Running";
    case SystemState::Paused: return "Paused";
    case SystemState::Stopped: return "Stopped";
    case SystemState::SavedAsTemplate: return "SavedAsTemplate";
    }
    return "Unknown";
}

bool CallbackGate::busy_elsewhere(std::thread::id self) const {
    return claims > 0 || std::any_of(threads.begin(), threads.end(),
                       [self](std::thread::id id) { return id != self; });
}

void CallbackGate::leave(std::thread::id self) {
    const auto it = std::find(threads.begin(), threads.end(), self);
    if (it != threads.end()) threads.erase(it);
}

namespace {

template <typename Map>
typename Map::mapped_type find_handle(State& s, Map& map, uintptr_t value, const char* function,
                                      const char* kind) {
    const auto it = map.find(value);
    if (it != map.end()) return it->second;
    record_bad_handle_locked(s, function, kind, value);
    return nullptr;
}

}  // namespace

std::shared_ptr<Operation> find_operation(State& s, HCS_OPERATION handle, const char* function) {
    return find_handle(s, s.operations, reinterpret_cast<uintptr_t>(handle), function, "HCS_OPERATION");
}

std::shared_ptr<SystemHandle> find_system_handle(State& s, HCS_SYSTEM handle, const char* function) {
    return find_handle(s, s.system_handles, reinterpret_cast<uintptr_t>(handle), function, "HCS_SYSTEM");
}

std::shared_ptr<ProcessHandle> find_process_handle(State& s, HCS_PROCESS handle, const char* function) {
    return find_handle(s, s.process_handles, reinterpret_cast<uintptr_t>(handle), function, "HCS_PROCESS");
}

}  // namespace hcsim
