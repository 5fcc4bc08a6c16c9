// zlhcs C++ facade - events of compute systems and processes: zlhcs::subscription.
//
//     // callback form: the handler runs on a zlhcs delivery thread
//     zlhcs::subscription watch = system.subscribe(zlhcs::event_kind::system_exited,
//         [](const zlhcs::event& e) { log(zlhcs::to_string(e.kind), e.data.value_or("")); });
//
//     // pull form: a queue drained with next()
//     zlhcs::subscription queue = system.subscribe(zlhcs::event_mask::all());
//     while (std::optional<zlhcs::event> e = queue.next(1s)) handle(*e);
//     if (queue.ended()) ...   // the system handle was closed and everything was taken
//
//     // the exit alone, as an async_result (wait / get_future / co_await; operation.hpp)
//     std::string status = system.exited().wait(30s);   // SystemExitStatus JSON
//
// What a subscription receives is the C ABI's (<zlhcs/zlhcs.h>, "Events", guarantees 1-6): the
// events of one compute_system or process handle that its event_mask selects, from the moment
// subscribe() returns (an exit that happened before is not replayed: use exited(), which keeps
// it), each handle's events in HCS's order, numbered 1, 2, 3... per subscription; a full queue
// drops the newest events and says so with one event_kind::events_lost record (lost_count)
// before anything newer. Kinds zlhcs does not know arrive as event_kind::unknown with HCS's type
// (hcs_type) and data. When the service disconnects, every subscription selecting
// event_kind::service_disconnect receives that event once.
//
// Ownership
//   subscription is move-only RAII over a zlhcs_subscription handle: destroying it, assigning
//   to it or close() unsubscribes (zlhcs_subscription_close). Closing the system or process
//   handle it watches ends the subscription too (a pull subscription then hands out what it
//   holds and reports its end); the subscription object is still to be destroyed as usual.
//   A subscription may outlive the compute_system / process object it was made from.
//
// Callback form: threads and lifetime of the handler
//   - The handler runs on one of zlhcs's delivery threads - never on HCS's thread, never inside
//     a zlhcs call of yours - one call at a time per subscription, in order. It may block (that
//     holds up only this subscription, whose queue then fills; guarantee 5) and may call any
//     zlhcs function, including destroying or closing this or any other subscription or handle.
//     It never runs before zlhcs_*_subscribe has returned (the C layer's rule), but it may run
//     on another thread before subscribe() has handed you the subscription object: a handler
//     that touches that object must wait until it has been published (e.g. an atomic flag set
//     after the assignment), as with any callback handed to another thread.
//   - The facade owns the handler (a std::function, moved in). Once close() or the destructor
//     returns on a thread that is not inside a zlhcs callback, the handler is not running and
//     is never called again, and it has been destroyed (its captures are released on the
//     closing thread). Called inside a zlhcs callback - the handler itself, another
//     subscription's handler, an operation's completion, code resumed with resume_inline() - the
//     close does not wait (it cannot, without deadlocks): the handler is never called again,
//     but a call already running on another thread (or the handler that is closing itself)
//     finishes first, and the handler is destroyed on that thread when that call returns.
//     Destroying a subscription inside its own handler is therefore safe.
//     (Mechanism: the C context is a key into a per-module registry, never a pointer; each call
//     looks the key up and holds a reference to the handler for the duration of the call, and
//     close removes the key after zlhcs_subscription_close. A call that starts racing a close
//     finds either the handler, kept alive until it returns, or nothing, and then does nothing.)
//   - Exceptions: an exception thrown by the handler never reaches zlhcs (nor terminates the
//     program). It is caught, the event counts as delivered, the subscription goes on, and the
//     failure is recorded: handler_failures() counts them, last_handler_failure() says what()
//     of the latest ("unknown exception" for one not derived from std::exception). If the
//     facade cannot copy an event (std::bad_alloc), that is recorded the same way.
//
// Pull form
//   next(timeout) takes the next event, waiting up to `timeout` (0 polls): an event, or
//   std::nullopt if none came in time OR the subscription has ended; ended() tells the two
//   apart (it is sticky: true once next() has seen the end - the system or process handle was
//   closed and everything queued was taken - or after close()). Several threads may call next()
//   at once (each event goes to one of them, in order), and close() may be called from another
//   thread to release them: they then return std::nullopt with ended() true.
//   native_wait_handle() is an OS object for your own event loop (a manual-reset event HANDLE on
//   Windows, a pollable file descriptor elsewhere), signalled while next() has something to
//   take; it belongs to the subscription (do not close, read or reset it).
//
// Errors: subscribe() throws zlhcs::error (errc::invalid_handle for a closed or empty handle,
// errc::invalid_argument for an empty mask, a queue capacity above ZLHCS_EVENT_QUEUE_MAX or an
// empty handler); next() and native_wait_handle() throw errc::invalid_state on a callback
// subscription and errc::invalid_handle on an empty one.
//
// Thread safety: next(), ended(), native_wait_handle(), close() and the failure accessors may be
// called concurrently on one subscription; moving and assigning may not.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/executor.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/timeout.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace zlhcs {

/// What an event is (values equal the ZLHCS_EVENT_* bits; events_lost is not a mask bit).
enum class event_kind : std::uint32_t {
    /// Events were dropped (a full queue): lost_count says how many. Always delivered.
    events_lost = ZLHCS_EVENT_EVENTS_LOST,
    /// The system stopped; data: SystemExitStatus ({"Status":..,"ExitType":"GracefulExit"|...}).
    system_exited = ZLHCS_EVENT_SYSTEM_EXITED,
    /// A VM crash began; data: CrashReport.
    system_crash_initiated = ZLHCS_EVENT_SYSTEM_CRASH_INITIATED,
    /// A VM's final crash report; data: CrashReport.
    system_crash_report = ZLHCS_EVENT_SYSTEM_CRASH_REPORT,
    system_rdp_enhanced_mode_state_changed = ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED,
    system_silo_job_created = ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED,
    /// The guest connection of a VM closed (no data).
    system_guest_connection_closed = ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED,
    /// The process exited; data: ProcessStatus ({"ProcessId","Exited","ExitCode",...}).
    process_exited = ZLHCS_EVENT_PROCESS_EXITED,
    /// The compute service disconnected (no data).
    service_disconnect = ZLHCS_EVENT_SERVICE_DISCONNECT,
    /// An HCS event type zlhcs has no kind for: event::hcs_type says which.
    unknown = ZLHCS_EVENT_UNKNOWN,
};

/// The name of a kind ("system_exited", ...); "unknown" for event_kind::unknown and for values
/// this facade does not name (a later zlhcs's kinds).
[[nodiscard]] constexpr std::string_view to_string(event_kind kind) noexcept {
    switch (kind) {
        case event_kind::events_lost: return "events_lost";
        case event_kind::system_exited: return "system_exited";
        case event_kind::system_crash_initiated: return "system_crash_initiated";
        case event_kind::system_crash_report: return "system_crash_report";
        case event_kind::system_rdp_enhanced_mode_state_changed: return "system_rdp_enhanced_mode_state_changed";
        case event_kind::system_silo_job_created: return "system_silo_job_created";
        case event_kind::system_guest_connection_closed: return "system_guest_connection_closed";
        case event_kind::process_exited: return "process_exited";
        case event_kind::service_disconnect: return "service_disconnect";
        case event_kind::unknown: return "unknown";
    }
    return "unknown";
}

/// A set of event kinds, for subscribe(): `event_kind::system_exited | event_kind::unknown`,
/// event_mask::all() (every kind, also those later versions of zlhcs define). An event_kind
/// converts to the mask holding it. events_lost records are always delivered, whatever the mask.
class event_mask {
public:
    /// The empty mask (subscribe() refuses it: errc::invalid_argument).
    constexpr event_mask() noexcept = default;
    /// The mask of one kind (event_kind::events_lost: the empty mask).
    constexpr event_mask(event_kind kind) noexcept : bits_(static_cast<std::uint32_t>(kind)) {}  // NOLINT: implicit
    /// A mask of ZLHCS_EVENT_* bits.
    constexpr explicit event_mask(std::uint32_t bits) noexcept : bits_(bits) {}

    /// Every kind (ZLHCS_EVENT_ALL).
    [[nodiscard]] static constexpr event_mask all() noexcept { return event_mask(ZLHCS_EVENT_ALL); }
    [[nodiscard]] static constexpr event_mask none() noexcept { return event_mask(); }

    [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    /// true if the mask selects `kind` (false for events_lost, which is no bit).
    [[nodiscard]] constexpr bool contains(event_kind kind) const noexcept {
        const auto bit = static_cast<std::uint32_t>(kind);
        return bit != 0 && (bits_ & bit) == bit;
    }
    constexpr explicit operator bool() const noexcept { return bits_ != 0; }

    constexpr event_mask& operator|=(event_mask other) noexcept {
        bits_ |= other.bits_;
        return *this;
    }
    constexpr event_mask& operator&=(event_mask other) noexcept {
        bits_ &= other.bits_;
        return *this;
    }
    friend constexpr event_mask operator|(event_mask a, event_mask b) noexcept { return event_mask(a.bits_ | b.bits_); }
    friend constexpr event_mask operator&(event_mask a, event_mask b) noexcept { return event_mask(a.bits_ & b.bits_); }
    friend constexpr bool operator==(event_mask a, event_mask b) noexcept { return a.bits_ == b.bits_; }
    friend constexpr bool operator!=(event_mask a, event_mask b) noexcept { return a.bits_ != b.bits_; }

private:
    std::uint32_t bits_ = 0;
};

constexpr event_mask operator|(event_kind a, event_kind b) noexcept { return event_mask(a) | event_mask(b); }
constexpr event_mask operator&(event_kind a, event_kind b) noexcept { return event_mask(a) & event_mask(b); }

/// One event, as a subscription received it (a value: it owns its strings).
struct event {
    /// One kind; event_kind::events_lost for the record of lost events.
    event_kind kind = event_kind::events_lost;
    /// HCS's HCS_EVENT_TYPE value as it came (e.g. 1 for HcsEventSystemExited); 0 for events_lost.
    std::uint32_t hcs_type = 0;
    /// This subscription's number for it: 1, 2, 3...; an events_lost record has the number of
    /// the first lost event, and the next event's number is that plus lost_count.
    std::uint64_t sequence = 0;
    /// events_lost: how many events were dropped; 0 otherwise.
    std::uint64_t lost_count = 0;
    /// A process subscription's process id (0 if unknown); 0 for a system's.
    std::uint32_t process_id = 0;
    /// The zlhcs_system or zlhcs_process handle value subscribed to (it may be closed since).
    zlhcs_handle source = 0;
    /// The subscription's handle value.
    zlhcs_subscription subscription = 0;
    /// The id of the system (of the process's system).
    std::string system_id;
    /// The event's JSON document, std::nullopt if HCS gave none.
    std::optional<std::string> data;
};

class subscription;

namespace detail {

/// Copies a zlhcs_event (valid during a callback, or until zlhcs_free) into an event.
inline event to_event(const zlhcs_event& native) {
    event copy;
    copy.kind = static_cast<event_kind>(native.kind);
    copy.hcs_type = native.hcs_type;
    copy.sequence = native.sequence;
    copy.lost_count = native.lost_count;
    copy.process_id = native.process_id;
    copy.source = native.source;
    copy.subscription = native.subscription;
    if (native.system_id != nullptr) copy.system_id = native.system_id;
    if (native.data != nullptr) copy.data.emplace(native.data);
    return copy;
}

/// What the handler of a callback subscription has thrown (kept by the subscription object,
/// so it stays readable after close()).
struct handler_failure_record {
    /// Records a failure of the handler; never throws.
    void record(const char* what) noexcept {
        count.fetch_add(1, std::memory_order_relaxed);
        try {
            const std::lock_guard<std::mutex> lock(mutex);
            last = what != nullptr ? what : "";
        } catch (...) {  // no memory for the text: the count still says it
        }
    }

    std::atomic<std::uint64_t> count{0};
    mutable std::mutex mutex;  // guards last
    std::string last;
};

/// The handler of a callback subscription, as the registry holds it.
struct subscription_handler_state {
    subscription_handler_state(std::function<void(const event&)> function,
                               std::shared_ptr<handler_failure_record> record)
        : handler(std::move(function)), failures(std::move(record)) {}
    subscription_handler_state(const subscription_handler_state&) = delete;
    subscription_handler_state& operator=(const subscription_handler_state&) = delete;
    ~subscription_handler_state() = default;

    const std::function<void(const event&)> handler;  // called one at a time (the C layer's rule)
    const std::shared_ptr<handler_failure_record> failures;
};

/// The handlers of this module's callback subscriptions, by key. The C context of a callback
/// subscription is its key, never a pointer: a call that races the close finds either the
/// handler (and keeps it alive for the call) or nothing (see the top of this file).
class subscription_registry {
public:
    using state_pointer = std::shared_ptr<subscription_handler_state>;

    /// Registers `state`; returns its key (never 0, never reused).
    std::uint64_t add(state_pointer state) const {
        const std::lock_guard<std::mutex> lock(mutex_);
        const std::uint64_t key = ++last_key_;
        entries_.emplace(key, std::move(state));
        return key;
    }

    /// The handler of `key`, or null if it was removed.
    state_pointer find(std::uint64_t key) const noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto found = entries_.find(key);
        return found != entries_.end() ? found->second : state_pointer();
    }

    /// Removes `key`; returns its handler (the caller drops it outside the lock).
    state_pointer remove(std::uint64_t key) const noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        const auto found = entries_.find(key);
        if (found == entries_.end()) return {};
        state_pointer state = std::move(found->second);
        entries_.erase(found);
        return state;
    }

private:
    mutable std::mutex mutex_;
    mutable std::unordered_map<std::uint64_t, state_pointer> entries_;
    mutable std::uint64_t last_key_ = 0;
};

/// This module's registry; never destroyed (a delivery thread may call in during static
/// destruction).
inline const subscription_registry& subscription_handlers() {
    static const never_destroyed<subscription_registry> instance;
    return instance.get();
}

inline void* key_to_context(std::uint64_t key) noexcept {
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(key));
}
inline std::uint64_t context_to_key(void* context) noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(context));
}

/// zlhcs_event_callback of every callback subscription of this module.
inline void ZLHCS_CALL deliver_event(const zlhcs_event* native, void* context) noexcept {
    // Pinned for the duration of the call: a close inside a zlhcs callback elsewhere does not
    // wait for this call, and must not destroy the handler under it.
    const subscription_registry::state_pointer state = subscription_handlers().find(context_to_key(context));
    if (!state || native == nullptr) return;  // closed meanwhile: the subscription wants nothing more
    try {
        const event copy = to_event(*native);
        state->handler(copy);
    } catch (const std::exception& failure) {
        state->failures->record(failure.what());
    } catch (...) {
        state->failures->record("unknown exception");
    }
    // If the subscription was closed meanwhile, the handler is destroyed here, after its call.
}

/// The C subscribe call of systems and processes (zlhcs_system and zlhcs_process are both
/// zlhcs_handle).
using subscribe_call = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_handle, std::uint32_t, std::uint32_t, zlhcs_event_callback,
                                                  void*, zlhcs_release_callback, zlhcs_subscription*);

struct subscription_access;

}  // namespace detail

/// A subscription to the events of a compute system or process (see the top of this file).
/// Move-only; destroying it unsubscribes. Made by compute_system::subscribe() and
/// process::subscribe().
class subscription {
public:
    /// An empty subscription (valid() == false).
    subscription() noexcept = default;
    subscription(subscription&& other) noexcept { take(other); }
    subscription& operator=(subscription&& other) noexcept {
        if (this != &other) {
            close();
            take(other);
        }
        return *this;
    }
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;
    /// Unsubscribes (close()).
    ~subscription() { close(); }

    /// Unsubscribes: the handler is never called again, queued events are dropped, next()
    /// waiting on another thread returns std::nullopt (ended() true). Outside zlhcs callbacks it
    /// also waits for a handler call in progress and destroys the handler before it returns;
    /// inside one it never waits (see the top of this file). Idempotent; never throws.
    void close() noexcept {
        ended_.store(true, std::memory_order_release);
        const zlhcs_subscription handle = handle_.exchange(0, std::memory_order_acq_rel);
        if (handle != 0) (void)zlhcs_subscription_close(handle);
        // After the C close no call can start; a call in progress holds its own reference.
        const std::uint64_t key = key_.exchange(0, std::memory_order_acq_rel);
        if (key != 0) {
            const auto removed = detail::subscription_handlers().remove(key);
            (void)removed;  // dropped here: the handler dies now unless a call still runs
        }
    }

    /// Pull form: the next event, waiting up to `timeout` (0 polls, zlhcs::infinite waits
    /// without limit); std::nullopt if none came in time or the subscription has ended -
    /// ended() tells which. Throws zlhcs::error: errc::invalid_state on a callback subscription,
    /// errc::invalid_handle on an empty one.
    [[nodiscard]] std::optional<event> next(std::chrono::milliseconds timeout) {
        if (ended_.load(std::memory_order_acquire)) return std::nullopt;
        const zlhcs_subscription handle = handle_.load(std::memory_order_acquire);
        zlhcs_event* native = nullptr;
        const zlhcs_hresult result = zlhcs_subscription_next(handle, detail::to_timeout_ms(timeout), &native);
        const std::unique_ptr<zlhcs_event, free_deleter> owner(native);
        if (result == ZLHCS_HCS_E_OPERATION_TIMEOUT) return std::nullopt;
        if (result == ZLHCS_S_FALSE) {
            ended_.store(true, std::memory_order_release);
            return std::nullopt;
        }
        // close() on another thread released the wait (or closed the handle before it began).
        if (result == ZLHCS_E_INVALID_HANDLE && ended_.load(std::memory_order_acquire))
            return std::nullopt;
        check(result, "zlhcs_subscription_next");
        if (native == nullptr) throw_error(ZLHCS_E_INTERNAL, "zlhcs_subscription_next");
        return detail::to_event(*native);
    }

    /// true once the subscription has ended: next() saw its end (its system or process handle
    /// was closed and everything queued was taken), or close() was called.
    [[nodiscard]] bool ended() const noexcept { return ended_.load(std::memory_order_acquire); }

    /// Pull form: the OS object signalled while next() has something to take (see the top of
    /// this file); owned by the subscription, valid until close(). Throws errc::invalid_state
    /// on a callback subscription.
    [[nodiscard]] native_os_handle native_wait_handle() const {
        std::uint64_t os_handle = 0;
        check(zlhcs_subscription_wait_handle(handle_.load(std::memory_order_acquire), &os_handle),
              "zlhcs_subscription_wait_handle");
#if defined(_WIN32)
        return reinterpret_cast<native_os_handle>(static_cast<std::uintptr_t>(os_handle));
#else
        return static_cast<native_os_handle>(os_handle);
#endif
    }

    /// true for a callback subscription (also after close()).
    [[nodiscard]] bool has_handler() const noexcept { return failures_ != nullptr; }

    /// Callback form: how many handler calls threw (0 for a pull subscription). Readable after
    /// close() too.
    [[nodiscard]] std::uint64_t handler_failures() const noexcept {
        return failures_ ? failures_->count.load(std::memory_order_relaxed) : 0;
    }

    /// Callback form: what() of the latest exception the handler threw ("" if none).
    [[nodiscard]] std::string last_handler_failure() const {
        if (!failures_) return {};
        const std::lock_guard<std::mutex> lock(failures_->mutex);
        return failures_->last;
    }

    /// The zlhcs_subscription handle (0 once closed). Do not close it yourself.
    [[nodiscard]] zlhcs_subscription native_handle() const noexcept { return handle_.load(std::memory_order_acquire); }
    [[nodiscard]] bool valid() const noexcept { return native_handle() != 0; }
    explicit operator bool() const noexcept { return valid(); }

private:
    friend struct detail::subscription_access;

    void take(subscription& other) noexcept {
        handle_.store(other.handle_.exchange(0, std::memory_order_acq_rel), std::memory_order_release);
        ended_.store(other.ended_.load(std::memory_order_acquire), std::memory_order_release);
        key_.store(other.key_.exchange(0, std::memory_order_acq_rel), std::memory_order_release);
        failures_ = std::move(other.failures_);
    }

    std::atomic<zlhcs_subscription> handle_{0};
    std::atomic<bool> ended_{false};
    std::atomic<std::uint64_t> key_{0};  // the registry key of a callback subscription, 0 for a pull one
    std::shared_ptr<detail::handler_failure_record> failures_;  // callback form only
};

namespace detail {

struct subscription_access {
    /// A callback subscription of `source` (see the top of this file).
    static subscription subscribe(subscribe_call call, const char* name, zlhcs_handle source, event_mask mask,
                                  std::function<void(const event&)> handler, std::uint32_t queue_capacity) {
        if (!handler) {
            throw error(ZLHCS_E_INVALID_ARGUMENT, name, "the event handler is empty (a pull subscription takes none)",
                        "", "");
        }
        subscription made;
        made.failures_ = std::make_shared<handler_failure_record>();
        // Registered before the C call, which must be able to name it (its key is the context).
        const std::uint64_t key = subscription_handlers().add(
            std::make_shared<subscription_handler_state>(std::move(handler), made.failures_));
        made.key_.store(key, std::memory_order_release);
        zlhcs_subscription handle = 0;
        const zlhcs_hresult result =
            call(source, mask.bits(), queue_capacity, &deliver_event, key_to_context(key), nullptr, &handle);
        if (result < 0) {
            const error failure = error::from_last_error(result, name);
            made.close();  // unregisters
            throw failure;
        }
        made.handle_.store(handle, std::memory_order_release);
        return made;
    }

    /// A pull subscription of `source`.
    static subscription subscribe(subscribe_call call, const char* name, zlhcs_handle source, event_mask mask,
                                  std::uint32_t queue_capacity) {
        zlhcs_subscription handle = 0;
        check(call(source, mask.bits(), queue_capacity, nullptr, nullptr, nullptr, &handle), name);
        subscription made;
        made.handle_.store(handle, std::memory_order_release);
        return made;
    }
};

}  // namespace detail
}  // namespace zlhcs
