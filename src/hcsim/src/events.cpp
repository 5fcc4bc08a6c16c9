// Event delivery: every event goes to the end of its handle's queue (lock held), and one
// thread at a time delivers a handle's queue in order, so the events of one handle reach its
// callback one at a time and in the order they were raised -- also when several workers run
// tasks that raise events for the same handle. Real HCS calls one handle's callback serially
// as far as anyone has observed; no reference page says so (assumption, the ordering a client
// is entitled to least, made strict: docs/hcsim.md, "Events").
//
// And HcsimEmitEvent, the control call that raises any event on a system's or a process's
// handles.
#include <algorithm>
#include <cstring>

#include "sim_process.h"
#include "objects.h"
#include "entry_point.h"
#include "events.h"
#include "worker.h"
#include "systems.h"

namespace hcsim {
namespace {

constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);  // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)

HCS_OPERATION as_operation(uintptr_t value) { return reinterpret_cast<HCS_OPERATION>(value); }

// Calls the callback of `handle` with one event (lock held on entry and exit, released around
// the call).
void call_event_callback(State& s, std::unique_lock<std::mutex>& lock, EventTarget& handle,
                         const QueuedEvent& event) {
    const auto callback = handle.callback;
    void* const context = const_cast<void*>(handle.context);
    const auto self = std::this_thread::get_id();
    handle.gate.threads.push_back(self);
    lock.unlock();
    HCS_EVENT data{};
    // Any 32-bit type, also one HCS_EVENT_TYPE does not name: stored by bytes, never loaded
    // as the enum.
    static_assert(sizeof data.Type == sizeof event.type);
    std::memcpy(&data.Type, &event.type, sizeof event.type);
    data.EventData = event.data ? event.data->c_str() : nullptr;
    data.Operation = as_operation(event.operation);
    callback(&data, context);
    lock.lock();
    handle.gate.leave(self);
    s.changed.notify_all();
}

// The callback takes an event of `type`, closed or not (see accepts).
bool takes(const EventTarget& handle, uint32_t type) {
    if (!handle.callback_set || handle.callback == nullptr) return false;
    return type != static_cast<uint32_t>(HcsEventOperationCallback) ||
           has_option(handle.options, HcsEventOptionEnableOperationCallbacks);
}

bool accepts(const EventTarget& handle, uint32_t type) { return !handle.closed && takes(handle, type); }

// A committed event (claimed with its state change) goes out although its handle was closed
// since, unless this very thread closed it (from inside a callback; that close did not wait).
bool delivers(const EventTarget& handle, const QueuedEvent& event, std::thread::id self) {
    if (accepts(handle, event.type)) return true;
    return event.committed && handle.gate.closed_by != self && takes(handle, event.type);
}

}  // namespace

bool queue_event_locked(PendingEvent event, std::vector<std::shared_ptr<EventTarget>>& drain) {
    EventTarget& handle = *event.handle;
    if (!accepts(handle, event.type)) return false;
    QueuedEvent queued;
    queued.type = event.type;
    queued.data = std::move(event.data);
    queued.operation = event.operation;
    handle.pending_events.push_back(std::move(queued));
    if (std::find(drain.begin(), drain.end(), event.handle) == drain.end()) {
        drain.push_back(std::move(event.handle));
    }
    return true;
}

bool commit_first_event_locked(EventTarget& handle) {
    if (handle.draining) return false;
    const auto first = std::find_if(handle.pending_events.begin(), handle.pending_events.end(),
                                    [&](const QueuedEvent& event) { return accepts(handle, event.type); });
    if (first == handle.pending_events.end() || first->committed) return false;
    first->committed = true;
    ++handle.gate.claims;
    return true;
}

void drain_events_locked(State& s, std::unique_lock<std::mutex>& lock, const std::shared_ptr<EventTarget>& target) {
    EventTarget& handle = *target;
    // Another thread is delivering this handle's events (or this thread is, further up its
    // stack: an event raised inside the handle's own callback waits until that returns).
    if (handle.draining) return;
    handle.draining = true;
    // The committed events are this thread's to deliver now: a close on another thread waits
    // for the whole drain, one on this thread (inside a callback) for nothing.
    const auto self = std::this_thread::get_id();
    const bool owns_claims = handle.gate.claims > 0;
    if (owns_claims) {
        handle.gate.claims = 0;
        handle.gate.threads.push_back(self);
    }
    while (!handle.pending_events.empty()) {
        QueuedEvent event = std::move(handle.pending_events.front());
        handle.pending_events.pop_front();
        // Checked before every call: HcsCloseComputeSystem / HcsCloseProcess may have run
        // while the previous callback did (no callback after close returns).
        if (!delivers(handle, event, self)) continue;
        call_event_callback(s, lock, handle, event);
    }
    handle.draining = false;
    if (owns_claims) {
        handle.gate.leave(self);
        s.changed.notify_all();
    }
}

std::size_t post_events_locked(State& s, std::vector<PendingEvent> events) {
    std::vector<std::shared_ptr<EventTarget>> drain;
    std::size_t queued = 0;
    for (auto& event : events) {
        if (queue_event_locked(std::move(event), drain)) ++queued;
    }
    // A handle some thread is draining, or that a queued task will drain, needs no new task:
    // its new events are behind the ones already queued.
    drain.erase(std::remove_if(drain.begin(), drain.end(),
                               [](const std::shared_ptr<EventTarget>& handle) {
                                   return handle->draining || handle->drain_queued;
                               }),
                drain.end());
    if (drain.empty()) return queued;
    for (const auto& handle : drain) handle->drain_queued = true;
    auto task = std::make_shared<Task>();
    task->drain = std::move(drain);
    schedule_locked(s, task, sim_clock().now());
    return queued;
}

}  // namespace hcsim

using namespace hcsim;

extern "C" {

HCSIM_API HRESULT WINAPI HcsimEmitEvent(const char* id_namespace, const char* id, uint32_t process_id,
                                        uint32_t event_type, const char* event_data,
                                        uint32_t* out_targets) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (out_targets != nullptr) *out_targets = 0;
        if (id == nullptr || *id == '\0' || (id_namespace != nullptr && *id_namespace == '\0')) {
            return E_INVALIDARG;
        }
        // An operation completion needs an operation (HCS_EVENT.md: Operation is the completed
        // operation's handle): the operations raise those themselves.
        if (event_type == static_cast<uint32_t>(HcsEventOperationCallback)) return E_INVALIDARG;
        std::optional<u16string> data;
        if (event_data != nullptr) {
            data = zlhcs::common::utf8_to_utf16(event_data);
            if (!data) return E_INVALIDARG;
        }
        const std::string key = registry_key(id_namespace != nullptr ? id_namespace : "", id);
        State& s = state();
        std::lock_guard lock(s.mutex);
        const auto it = s.registry.find(key);
        if (it == s.registry.end()) return HCS_E_SYSTEM_NOT_FOUND;
        System& system = *it->second;
        std::vector<PendingEvent> events;
        const auto add = [&](std::shared_ptr<EventTarget> handle) {
            if (!handle || !accepts(*handle, event_type)) return;
            PendingEvent event;
            event.handle = std::move(handle);
            event.type = event_type;
            event.data = data;
            events.push_back(std::move(event));
        };
        if (process_id == 0) {
            for (const auto& [value, weak] : system.handles) add(weak.lock());
        } else {
            const auto process = system.user_processes.find(process_id);
            if (process == system.user_processes.end()) return hr_not_found;
            // By handle value, i.e. opening order (the map itself is unordered).
            std::vector<std::pair<uintptr_t, std::shared_ptr<EventTarget>>> handles;
            handles.reserve(process->second->handles.size());
            for (const auto& [value, weak] : process->second->handles) {
                if (auto handle = weak.lock()) handles.emplace_back(value, std::move(handle));
            }
            std::sort(handles.begin(), handles.end(),
                      [](const auto& a, const auto& b) { return a.first < b.first; });
            for (auto& [value, handle] : handles) add(std::move(handle));
        }
        const std::size_t queued = post_events_locked(s, std::move(events));
        if (out_targets != nullptr) *out_targets = static_cast<uint32_t>(queued);
        return S_OK;
    });
}

}  // extern "C"
