#include "state.h"

#include <algorithm>
#include <cstdio>
#include <random>

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
    return std::any_of(threads.begin(), threads.end(),
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

std::string new_guid() {
    struct Generator {
        std::mutex mutex;
        std::mt19937_64 engine{std::random_device{}()};
    };
    static Generator* generator = new Generator;  // never destroyed, like the state
    uint64_t high = 0;
    uint64_t low = 0;
    {
        std::lock_guard lock(generator->mutex);
        high = generator->engine();
        low = generator->engine();
    }
    high = (high & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    low = (low & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;    // RFC 4122 variant
    char text[40];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                  static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                  static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
    return text;
}

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string iso8601(wall::time_point when) {
    using namespace std::chrono;
    const auto days = floor<std::chrono::days>(when);
    const year_month_day date{days};
    const auto time = when - days;
    const auto h = duration_cast<hours>(time);
    const auto m = duration_cast<minutes>(time - h);
    const auto sec = duration_cast<seconds>(time - h - m);
    const auto ticks = duration_cast<nanoseconds>(time - h - m - sec).count() / 100;
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02lldZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(h.count()), static_cast<int>(m.count()),
                  static_cast<long long>(sec.count()));
    std::string out(text);
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, ".%07lld", static_cast<long long>(ticks));
    out.insert(out.size() - 1, fraction);
    return out;
}

}  // namespace hcsim
