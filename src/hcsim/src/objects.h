// hcsim's internal model: the objects (operations, compute systems, handles, the completion
// queue, the test controls) and the tables that find them, all guarded by ONE mutex
// (State::mutex). What acts on them is declared by concern: operations.h, worker.h,
// events.h, systems.h, processes.h, properties.h, security.h, control.h.
//
// Locking rules (keep them; TSan runs this):
// - Every field below is read and written with State::mutex held, except where noted.
// - User code (operation callbacks, event callbacks) is never called with the mutex held.
// - Handles given to callers are opaque numbers from a never-reused counter, looked up in
//   the maps below; an unknown, closed or wrong-type handle is never dereferenced.
#pragma once

#include <rapidjson/document.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "clock.h"
#include "hcsim/hcsim_api.h"
#include "hcsim/hcsim_control.h"
#include "zlhcs_common/utf.hpp"

namespace hcsim {

using u16string = zlhcs::common::u16string;
using u16string_view = zlhcs::common::u16string_view;

enum class SystemState { Creating, Created, Running, Paused, Stopped, SavedAsTemplate };
const char* state_name(SystemState state) noexcept;

struct Process;     // a process created by HcsCreateProcess (sim_process.h)
struct SystemHandle;  // an open HCS_SYSTEM (below)
struct CallerEnds;  // the caller's ends of a process's pipes, until handed out (program_io.h)

/** A caller's SECURITY_DESCRIPTOR as hcsim records it: the pointer and its first bytes
 *  (hcsim_control.h, HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES). */
struct SecurityDescriptorCopy {
    bool given = false;
    uintptr_t address = 0;
    std::array<uint8_t, HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES> prefix{};
};

/** The security inputs of a compute system (HcsimGetSystemSecurity). */
struct SystemSecurity {
    SecurityDescriptorCopy descriptor;
    bool create_options_given = false;
    uintptr_t user_token = 0;
    uint32_t modify_calls = 0;
    bool identity_given = false;
    uintptr_t last_identity = 0;
};

struct SimProcess {
    uint32_t pid = 0;
    std::string image;
    wall::time_point created{};
};

/** One compute system. Owned by the registry and by the handles that refer to it. */
struct System {
    std::string id;   // as given (UTF-8)
    std::string id_namespace;  // as given (UTF-8); "" = the default namespace
    std::string key;  // registry_key(id_namespace, id)
    uint64_t sequence = 0;
    bool is_vm = false;
    std::string owner;
    std::string runtime_id;
    bool terminate_on_last_close = false;
    rapidjson::Document config;  // the stored configuration document

    SystemState state = SystemState::Creating;
    bool registered = false;  // reachable by id (create completed, not yet removed)
    uint32_t open_handles = 0;

    std::string exit_type;  // NotificationType once stopped
    HRESULT exit_status = S_OK;
    std::string save_options;  // last HcsSaveComputeSystem options (UTF-8 JSON)

    wall::time_point created_wall{};
    wall::time_point started_wall{};
    bool ever_started = false;
    steady::duration run_accumulated{};  // time spent Running before running_since
    steady::time_point running_since{};
    uint64_t memory_peak = 0;
    std::vector<SimProcess> processes;  // simulated processes (the init process while up)
    uint32_t next_pid = 4;
    // Processes created by HcsCreateProcess that are still known (running, or exited with a
    // handle open), by pid.
    std::map<uint32_t, std::shared_ptr<Process>> user_processes;
    uint32_t next_process_pid = 1000;
    // The open handles to this system, by handle value (= opening order): every per-system
    // walk (events, stop) visits only these, so its cost does not grow with the number of
    // other systems and handles. Entries are removed when the handle is closed.
    std::map<uintptr_t, std::weak_ptr<SystemHandle>> handles;
    // A VM whose configuration has VirtualMachine.GuestConnection: HCS holds a connection to
    // its guest while `guest_connected` (from the start until a pause without
    // UseConnectedSuspend, or the stop); its end raises HcsEventSystemGuestConnectionClosed.
    bool guest_connection_configured = false;
    bool use_connected_suspend = false;  // GuestConnection.UseConnectedSuspend
    bool guest_connected = false;
    std::string runtime_os_type;  // Properties' RuntimeOsType ("Windows" / "Linux")
    SystemSecurity security;      // what the create and modify calls were given
};

/** Threads currently inside a user callback of some object (operation or system handle),
 *  and callbacks committed to it that no thread has started yet (`claims`: a task's first
 *  callback is committed with its state change, operations.cpp). A close waits for both,
 *  except for itself: a close called inside a callback waits for no thread but its own. */
struct CallbackGate {
    std::vector<std::thread::id> threads;
    uint32_t claims = 0;
    // The thread that closed the object (set by the close, before it waits). A committed
    // callback is still made after a close on another thread (which waits for it), never
    // after one made by the delivering thread itself (which did not wait).
    std::thread::id closed_by;
    bool busy_elsewhere(std::thread::id self) const;
    void leave(std::thread::id self);
};

/** An event waiting in one handle's delivery queue. `type` is any HCS_EVENT_TYPE value,
 *  also one no header names (HcsimEmitEvent), so it is kept as its 32 bits, never as the enum. */
struct QueuedEvent {
    uint32_t type = 0;
    std::optional<u16string> data;
    uintptr_t operation = 0;
    bool committed = false;  // claimed with its state change (counted in the gate's claims)
};

/** What event callbacks are registered on: a system handle or a process handle.
 *
 *  Its events are delivered in the order they were queued (with the lock held), one at a
 *  time: at most one thread drains `pending_events` at a time (`draining`), so the callback
 *  of one handle never runs on two threads at once (events.cpp). */
struct EventTarget {
    uintptr_t value = 0;
    bool closed = false;
    bool callback_set = false;
    HCS_EVENT_OPTIONS options = HcsEventOptionNone;
    const void* context = nullptr;
    HCS_EVENT_CALLBACK callback = nullptr;
    CallbackGate gate;
    std::deque<QueuedEvent> pending_events;  // queued, not yet delivered
    bool draining = false;      // a thread is delivering pending_events
    bool drain_queued = false;  // a worker task that will drain this handle is queued
};

struct SystemHandle : EventTarget {
    std::shared_ptr<System> system;
};

struct ProcessHandle : EventTarget {
    std::shared_ptr<Process> process;
    bool exit_event_posted = false;  // HcsEventProcessExited went (or goes) to its callback
};

/** An event to deliver to one handle's callback, outside the lock. `type`: see QueuedEvent. */
struct PendingEvent {
    std::shared_ptr<EventTarget> handle;
    uint32_t type = HcsEventInvalid;
    std::optional<u16string> data;
    uintptr_t operation = 0;
};

struct Operation;

/** What the work of an operation produced (computed with the lock held). */
struct Outcome {
    HRESULT result = S_OK;
    std::optional<u16string> document;
    std::vector<PendingEvent> events;
    // Process operations: what ...AndProcessInfo reports once the operation succeeded.
    std::optional<uint32_t> process_id;
    std::shared_ptr<CallerEnds> process_ends;
    // Set by a work that completes later: called with the operation (lock held), which then
    // stays Pending until someone schedules its task again (its work then succeeds).
    std::function<void(const std::shared_ptr<Operation>&)> defer;
};

struct State;
using Work = std::function<Outcome(State&)>;

struct Task;

struct Operation {
    enum class Phase { NotStarted, Pending, Completed };
    uintptr_t value = 0;
    uint64_t id = 0;
    const void* context = nullptr;
    HCS_OPERATION_COMPLETION callback = nullptr;
    Phase phase = Phase::NotStarted;
    HCS_OPERATION_TYPE type = HcsOperationTypeNone;
    uintptr_t system = 0;   // the system handle the operation was started on
    uintptr_t process = 0;  // the process handle it was started on (create: the new one)
    std::optional<uint32_t> process_id;        // see Outcome
    std::shared_ptr<CallerEnds> process_ends;  // the caller's pipe ends until handed out
    std::string function;  // the entry point that started it
    HRESULT result = S_OK;
    std::optional<u16string> document;
    bool closed = false;
    CallbackGate gate;
    Work work;  // cleared once run
    // HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT: the result queries of this completed operation
    // fail with E_INVALIDARG although it succeeded.
    bool broken_result = false;
    std::shared_ptr<Task> task;  // the queued completion while Pending
};

/** A queued unit of worker work: an operation completion and/or handles whose queued events
 *  to deliver. */
struct Task {
    std::shared_ptr<Operation> op;
    std::vector<std::shared_ptr<EventTarget>> drain;
    bool queued = false;
    bool inline_run = false;  // run inside the starting call (HCSIM_BEHAVIOR_INLINE_COMPLETION)
    std::multimap<steady::time_point, std::shared_ptr<Task>>::iterator where;
};

struct Fault {
    uint32_t count = 0;
    HRESULT failure = E_FAIL;
    uint32_t mode = HCSIM_FAULT_IMMEDIATE;
};

struct State {
    std::mutex mutex;
    std::condition_variable changed;   // any completion / state change (waiters)
    std::condition_variable work_cv;   // the scheduler's queue (worker.cpp)

    uintptr_t next_handle = 0x10000;
    uint64_t next_operation_id = 1;
    uint64_t next_system_sequence = 1;

    std::unordered_map<uintptr_t, std::shared_ptr<Operation>> operations;
    std::unordered_map<uintptr_t, std::shared_ptr<SystemHandle>> system_handles;
    // The systems that exist, of every namespace, by registry_key(namespace, id): the keys of
    // one namespace are contiguous (the default namespace's first).
    std::map<std::string, std::shared_ptr<System>> registry;
    std::unordered_map<uintptr_t, std::shared_ptr<ProcessHandle>> process_handles;
    // Processes whose program thread has not finished yet, or finished but not yet forgotten.
    std::vector<std::shared_ptr<Process>> programs;

    // tasks (worker.cpp)
    std::multimap<steady::time_point, std::shared_ptr<Task>> queue;
    bool scheduler_started = false;
    uint32_t running_tasks = 0;  // taken off the queue, delivery not yet finished
    uint64_t tasks_run = 0;  // ever, for HcsimWaitIdle's caller to see whether anything ran
    uint32_t waiting_calls = 0;  // callers blocked in a wait now (hcsim_live_objects)

    // test controls
    std::map<std::string, Fault, std::less<>> faults;
    std::map<std::string, uint32_t, std::less<>> latencies;
    uint32_t global_latency_ms = 0;
    bool disconnected = false;
    uint32_t behavior = HCSIM_BEHAVIOR_DEFAULT;  // HCSIM_BEHAVIOR_* switches
    uint32_t violation_count = 0;                // strict-handle violations
    std::string violations;                      // the first ones, one per line

    uintptr_t new_handle_value() {
        next_handle += 0x10;
        return next_handle;
    }
};

/** The one way an entry point blocks its caller: on s.changed (with `lock`, of s.mutex) until
 *  `done()` or `timeout_ms` passes on hcsim's clock (INFINITE: no limit; 0: only looks).
 *  Returns done(). While it blocks, the caller is counted in hcsim_live_objects'
 *  waiting_calls, so a test knows a call it started has reached its wait. */
template <typename Done>
bool wait_for_state(State& s, std::unique_lock<std::mutex>& lock, uint32_t timeout_ms, Done done) {
    if (done()) return true;
    if (timeout_ms == 0) return false;
    struct counted {
        State& s;
        explicit counted(State& state) : s(state) { ++s.waiting_calls; }
        ~counted() { --s.waiting_calls; }
        counted(const counted&) = delete;
        counted& operator=(const counted&) = delete;
    } const waiting(s);
    if (timeout_ms == INFINITE) {
        s.changed.wait(lock, done);
        return true;
    }
    return wait_until(s.changed, lock, deadline_after(timeout_ms), done);
}

/** The one simulator instance (created on first use, intentionally never destroyed: worker
 *  threads may outlive static destruction). */
State& state();

// --- lookups (lock held) ---------------------------------------------------------------
// `function` is the entry point asking: in strict-handle mode a miss (closed, unknown or NULL
// handle) is recorded as a violation of that function.
std::shared_ptr<Operation> find_operation(State& s, HCS_OPERATION handle, const char* function);
std::shared_ptr<SystemHandle> find_system_handle(State& s, HCS_SYSTEM handle, const char* function);
std::shared_ptr<ProcessHandle> find_process_handle(State& s, HCS_PROCESS handle, const char* function);

}  // namespace hcsim
