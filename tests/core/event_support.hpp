// What the event suites share: a recording subscriber, event copies, emission through hcsim,
// and a thread count.
#pragma once

#include "process_support.hpp"

#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#ifdef _WIN32
#include <tlhelp32.h>
#include <windows.h>
#else
#include <dirent.h>
#endif

namespace zlhcs_core_test {

/// A copy of one zlhcs_event.
struct event_copy {
    uint32_t kind = 0;
    uint32_t hcs_type = 0;
    uint32_t process_id = 0;
    uint64_t sequence = 0;
    uint64_t lost_count = 0;
    zlhcs_subscription subscription = 0;
    zlhcs_handle source = 0;
    std::string system_id;
    std::optional<std::string> data;

    static event_copy of(const zlhcs_event& e) {
        event_copy c;
        c.kind = e.kind;
        c.hcs_type = e.hcs_type;
        c.process_id = e.process_id;
        c.sequence = e.sequence;
        c.lost_count = e.lost_count;
        c.subscription = e.subscription;
        c.source = e.source;
        c.system_id = e.system_id != nullptr ? e.system_id : "<NULL>";
        if (e.data != nullptr) c.data = e.data;
        return c;
    }
};

/// A callback subscriber that records every event it receives.
struct recorder {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<event_copy> events;

    static void ZLHCS_CALL callback(const zlhcs_event* event, void* context) {
        auto* self = static_cast<recorder*>(context);
        std::lock_guard lock(self->mutex);
        self->events.push_back(event_copy::of(*event));
        self->changed.notify_all();
    }
    /// Waits (bounded) until `n` records arrived; true if they did.
    bool wait_for(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, limit, [&] { return events.size() >= n; });
    }
    std::vector<event_copy> snapshot() {
        std::lock_guard lock(mutex);
        return events;
    }
    std::size_t count() {
        std::lock_guard lock(mutex);
        return events.size();
    }
};

inline zlhcs_subscription subscribe(zlhcs_system system, uint32_t mask, recorder* r, uint32_t capacity = 0) {
    zlhcs_subscription s = 0;
    const zlhcs_hresult hr =
        zlhcs_system_subscribe(system, mask, capacity, r != nullptr ? &recorder::callback : nullptr, r, nullptr, &s);
    EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
    return s;
}

/// Emits an event through hcsim onto the system's (process_id 0) or a process's callbacks.
inline uint32_t emit(const std::string& id, uint32_t type, const char* data, uint32_t process_id = 0) {
    uint32_t targets = 0;
    const hcsim_hresult hr = sim().emit_event(nullptr, id.c_str(), process_id, type, data, &targets);
    EXPECT_EQ(hr, 0) << "HcsimEmitEvent " << hex(hr);
    return targets;
}

/// Takes the next event of a queue subscription, waiting at most `timeout_ms`.
inline std::optional<event_copy> next_event(zlhcs_subscription s, uint32_t timeout_ms, zlhcs_hresult* rc = nullptr) {
    zlhcs_event* raw = nullptr;
    const zlhcs_hresult hr = zlhcs_subscription_next(s, timeout_ms, &raw);
    if (rc != nullptr) *rc = hr;
    if (hr != ZLHCS_S_OK || raw == nullptr) return std::nullopt;
    event_copy copy = event_copy::of(*raw);
    zlhcs_free(raw);
    return copy;
}

/// Creates a process synchronously (0 and a test failure if that fails).
inline zlhcs_process create_process(zlhcs_system system, std::string_view command) {
    zlhcs_process process = 0;
    const std::string doc = parameters(command);
    const zlhcs_hresult hr = zlhcs_process_create(system, doc.c_str(), nullptr, hang_bound_ms, &process, nullptr);
    EXPECT_EQ(hr, ZLHCS_S_OK) << doc << ": " << hex(hr) << " " << last_error().message;
    return process;
}

/// Threads of this process now.
inline std::size_t thread_count() {
#ifdef _WIN32
    const HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    if (snapshot == INVALID_HANDLE_VALUE) return 0;
    THREADENTRY32 entry{};
    entry.dwSize = sizeof entry;
    std::size_t count = 0;
    for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry)) {
        if (entry.th32OwnerProcessID == GetCurrentProcessId()) ++count;
    }
    CloseHandle(snapshot);
    return count;
#else
    std::size_t count = 0;
    if (DIR* dir = opendir("/proc/self/task")) {
        while (const dirent* entry = readdir(dir)) {
            if (entry->d_name[0] != '.') ++count;
        }
        closedir(dir);
    }
    return count;
#endif
}

}  // namespace zlhcs_core_test
