// The test control surface (hcsim_control.h): fault injection, latency, service disconnect,
// live object counts, reset.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "json.h"
#include "entry_point.h"
#include "objects.h"
#include "control.h"
#include "operations.h"
#include "events.h"
#include "processes.h"
#include "random.h"
#include "result_strings.h"

namespace hcsim {
namespace {

#define HCSIM_ENTRY_NAME(ret, name, params) #name,
constexpr std::array entry_point_names = {HCS_ENTRY_POINTS(HCSIM_ENTRY_NAME)};
#undef HCSIM_ENTRY_NAME

bool known_entry_point(std::string_view name) {
    return std::find(entry_point_names.begin(), entry_point_names.end(), name) !=
           entry_point_names.end();
}

// Entry points that return nothing cannot show a failure.
bool can_fail(std::string_view name) {
    return name != "HcsCloseOperation" && name != "HcsCloseComputeSystem" && name != "HcsCloseProcess";
}

// HcsimAdvanceClock on the real clock (winerror.h: "A method was called at an unexpected time").
constexpr HRESULT e_illegal_method_call = static_cast<HRESULT>(0x8000000Eu);
// HcsimWaitIdle past its timeout: HRESULT_FROM_WIN32(ERROR_TIMEOUT).
constexpr HRESULT e_timeout = static_cast<HRESULT>(0x800705B4u);

// The time changed: whoever waits on a deadline under the state's lock (exit and result
// waits, workers waiting for a due task) looks at the clock again. Taking the lock first
// means no waiter is between its look at the clock and its wait.
void wake_clock_waiters(State& s) {
    std::lock_guard lock(s.mutex);
    s.changed.notify_all();
    s.work_cv.notify_all();
}

}  // namespace

std::optional<Fault> take_fault_locked(State& s, const char* function) {
    if (s.faults.empty()) return std::nullopt;
    const auto it = s.faults.find(std::string_view(function));
    if (it == s.faults.end()) return std::nullopt;
    Fault fault = it->second;
    if (--it->second.count == 0) s.faults.erase(it);
    return fault;
}

void record_bad_handle_locked(State& s, const char* function, const char* kind, uintptr_t value) {
    if (!behaves(s, HCSIM_BEHAVIOR_STRICT_HANDLES)) return;
    constexpr std::size_t kept_text = 4096;  // the first violations say enough
    if (s.violation_count != UINT32_MAX) ++s.violation_count;
    if (s.violations.size() >= kept_text) return;
    char line[160];
    std::snprintf(line, sizeof line, "%s: %s %s0x%llx\n", function, kind, value == 0 ? "NULL " : "",
                  static_cast<unsigned long long>(value));
    s.violations += line;
}

void record_null_handle(const char* function, const char* kind) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    record_bad_handle_locked(s, function, kind, 0);
}

uint32_t latency_locked(const State& s, const char* function) {
    uint32_t latency = s.global_latency_ms;
    const auto it = s.latencies.find(std::string_view(function));
    if (it != s.latencies.end()) latency = std::max(latency, it->second);
    return latency;
}

}  // namespace hcsim

using namespace hcsim;

extern "C" {

HCSIM_API HRESULT WINAPI HcsimReset(void) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        State& s = state();
        std::unique_lock lock(s.mutex);
        reset_processes(s, lock);  // ends every process and waits for its thread to finish
        for (auto& [key, system] : s.registry) system->registered = false;
        s.registry.clear();
        s.faults.clear();
        s.latencies.clear();
        s.global_latency_ms = 0;
        s.disconnected = false;
        sim_clock().set_manual(false);
        seed_random(std::nullopt);
        s.changed.notify_all();
        s.work_cv.notify_all();  // queued tasks now wait for the real clock
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimFailNextCalls(const char* function, uint32_t count, HRESULT failure,
                                            uint32_t mode) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (function == nullptr || !known_entry_point(function) || !can_fail(function)) {
            return E_INVALIDARG;
        }
        if (mode != HCSIM_FAULT_IMMEDIATE && mode != HCSIM_FAULT_ASYNC) return E_INVALIDARG;
        State& s = state();
        std::lock_guard lock(s.mutex);
        if (count == 0) {
            s.faults.erase(std::string(function));
            return S_OK;
        }
        if (SUCCEEDED(failure)) return E_INVALIDARG;
        s.faults[std::string(function)] = Fault{count, failure, mode};
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimSetLatency(const char* function, uint32_t milliseconds) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (function != nullptr && !known_entry_point(function)) return E_INVALIDARG;
        State& s = state();
        std::lock_guard lock(s.mutex);
        if (function == nullptr) {
            s.global_latency_ms = milliseconds;
        } else if (milliseconds == 0) {
            s.latencies.erase(std::string(function));
        } else {
            s.latencies[std::string(function)] = milliseconds;
        }
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimSetSeed(uint64_t seed) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        seed_random(seed);
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimSetClock(uint32_t manual) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        sim_clock().set_manual(manual != 0);
        wake_clock_waiters(state());
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimAdvanceClock(uint64_t milliseconds) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        // More than the clock's range would overflow it; no test needs 290 million years.
        constexpr uint64_t max_step = uint64_t{1} << 40;
        if (milliseconds > max_step) return E_INVALIDARG;
        if (!sim_clock().advance(std::chrono::milliseconds(milliseconds))) return e_illegal_method_call;
        wake_clock_waiters(state());
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimWaitIdle(uint32_t timeout_ms, uint64_t* out_tasks_run) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (out_tasks_run != nullptr) *out_tasks_run = 0;
        State& s = state();
        std::unique_lock lock(s.mutex);
        // Idle: no task running and none due by the clock's now (a later one is not waited
        // for; on the manual clock nothing becomes due until HcsimAdvanceClock). Every task
        // ends with s.changed notified.
        const auto idle = [&s] {
            return s.running_tasks == 0 && (s.queue.empty() || s.queue.begin()->first > sim_clock().now());
        };
        bool reached = true;
        if (timeout_ms == 0xFFFFFFFFu) {
            s.changed.wait(lock, idle);
        } else {
            reached = s.changed.wait_for(lock, std::chrono::milliseconds(timeout_ms), idle);
        }
        if (out_tasks_run != nullptr) *out_tasks_run = s.tasks_run;
        return reached ? S_OK : e_timeout;
    });
}

HCSIM_API HRESULT WINAPI HcsimSetServiceDisconnected(uint32_t disconnected) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        State& s = state();
        std::lock_guard lock(s.mutex);
        if (disconnected == 0) {
            s.disconnected = false;
            return S_OK;
        }
        if (s.disconnected) return S_OK;
        s.disconnected = true;
        for (auto& [value, op] : s.operations) {
            abort_operation_locked(s, op, HCS_E_SERVICE_DISCONNECT, "The compute service disconnected.");
        }
        std::vector<PendingEvent> events;
        // Every event callback hears it: system callbacks (EventCallbackSample.md handles
        // HcsEventServiceDisconnect in a system callback) and process callbacks (hcsshim listens
        // for it on process handles: internal/hcs/callback.go newProcessChannels,
        // internal/hcs/v2/notification.go notificationHandler).
        const auto notify = [&events](const std::shared_ptr<EventTarget>& handle) {
            if (!handle->callback_set) return;
            PendingEvent event;
            event.handle = handle;
            event.type = HcsEventServiceDisconnect;
            events.push_back(std::move(event));
        };
        for (auto& [value, handle] : s.system_handles) notify(handle);
        for (auto& [value, handle] : s.process_handles) notify(handle);
        post_events_locked(s, std::move(events));
        s.changed.notify_all();
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimSetBehavior(uint32_t flags) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if ((flags & ~HCSIM_BEHAVIOR_ALL) != 0) return E_INVALIDARG;
        State& s = state();
        std::lock_guard lock(s.mutex);
        s.behavior = flags;
        return S_OK;
    });
}

HCSIM_API uint32_t WINAPI HcsimGetBehavior(void) {
    return entry_point(0, [&]() -> uint32_t {
        State& s = state();
        std::lock_guard lock(s.mutex);
        return s.behavior;
    });
}

HCSIM_API HRESULT WINAPI HcsimGetViolations(uint32_t* count, char* text, size_t capacity) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (count == nullptr) return E_INVALIDARG;
        State& s = state();
        std::lock_guard lock(s.mutex);
        *count = s.violation_count;
        if (text != nullptr && capacity > 0) {
            const std::size_t length = std::min(capacity - 1, s.violations.size());
            std::memcpy(text, s.violations.data(), length);
            text[length] = '\0';
        }
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimClearViolations(void) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        State& s = state();
        std::lock_guard lock(s.mutex);
        s.violation_count = 0;
        s.violations.clear();
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimGetLiveObjects(hcsim_live_objects* counts) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        // A caller built before waiting_calls was appended passes the smaller struct: filled
        // up to its size.
        constexpr uint32_t first_size = offsetof(hcsim_live_objects, waiting_calls);
        if (counts == nullptr || counts->struct_size < first_size) return E_INVALIDARG;
        State& s = state();
        std::lock_guard lock(s.mutex);
        counts->operations = static_cast<uint32_t>(s.operations.size());
        counts->system_handles = static_cast<uint32_t>(s.system_handles.size());
        counts->systems = static_cast<uint32_t>(s.registry.size());
        counts->process_handles = static_cast<uint32_t>(s.process_handles.size());
        counts->pending_completions = static_cast<uint32_t>(s.queue.size()) + s.running_tasks;
        counts->strings = live_result_strings();
        if (counts->struct_size >= sizeof(hcsim_live_objects)) counts->waiting_calls = s.waiting_calls;
        return S_OK;
    });
}

}  // extern "C"
