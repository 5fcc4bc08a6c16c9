// One subscriber to a system's or process's events (zlhcs.h "Events").
//
// HCS's event thread offers each event to every subscription of the handle (offer(): never
// blocks, never calls user code): the record goes into the subscription's bounded queue, or,
// if the queue is full, is counted as lost. Losses are reported in place: the count sits
// behind everything queued before it and is turned into one EVENTS_LOST record before anything
// newer is queued (or when the consumer reaches it), so no allocation is needed to lose.
//
// A callback subscription is drained on the dispatcher's threads, one drain at a time (so its
// callback is called serially, in order); close() and end() decide, under the lock, that no
// further call starts, and wait for a call in progress unless they run inside a zlhcs callback.
// A queue subscription is drained by zlhcs_subscription_next(); its wait_signal is set while
// something can be taken.
//
// The gate: until the subscribe call has written its handle (open_gate()), events are queued
// but no delivery starts, so a callback never runs before its subscribe call returned. The
// context (callback or release notifier given) is released once, by whoever sees the last
// use end: close()/end() when no call is in progress, else the delivery thread when the call
// in progress returns; never before the gate opened.
#pragma once

#include "debug_counts.hpp"
#include "wait_signal.hpp"

#include <zlhcs/zlhcs.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace zlhcs::core {

/// The zlhcs event kind (one ZLHCS_EVENT_* bit) of an HCS_EVENT_TYPE value; ZLHCS_EVENT_UNKNOWN
/// for values this version does not know; 0 for HcsEventInvalid and operation callbacks
/// (zlhcs never enables HCS's operation events).
[[nodiscard]] std::uint32_t event_kind_of(std::uint32_t hcs_type) noexcept;

/// The event mask bits zlhcs accepts: the defined kinds, the reserved future ones, UNKNOWN.
[[nodiscard]] bool valid_event_mask(std::uint32_t mask) noexcept;

class subscription_object : public std::enable_shared_from_this<subscription_object> {
public:
    struct source {
        zlhcs_handle handle = 0;
        std::string system_id;
    };

    subscription_object(std::uint32_t mask, std::uint32_t capacity, zlhcs_event_callback callback,
                        void* context, zlhcs_release_callback release, source from);
    ~subscription_object();
    subscription_object(const subscription_object&) = delete;
    subscription_object& operator=(const subscription_object&) = delete;

    void set_handle(zlhcs_subscription handle) noexcept { handle_ = handle; }
    /// The subscribe call has written its handle: deliveries may start.
    void open_gate() noexcept;
    /// The subscribe call failed after this object was made: the caller keeps its context.
    void abandon_context() noexcept;
    [[nodiscard]] bool wants(std::uint32_t kind) const noexcept { return (mask_ & kind) != 0; }
    [[nodiscard]] bool is_queue() const noexcept { return callback_ == nullptr; }

    /// An event for this subscription (already filtered by wants()). Never blocks; never
    /// calls user code; an event that finds the queue full is counted as lost. Out of memory
    /// here is fatal (docs/internals.md, "Out of memory").
    void offer(std::uint32_t kind, std::uint32_t hcs_type, std::uint32_t process_id,
               const std::shared_ptr<const std::string>& data) noexcept;
    /// Unsubscribed (the hub drops it).
    [[nodiscard]] bool is_closed() const {
        std::lock_guard lock(mutex_);
        return closed_;
    }

    /// The source handle was closed: no callback call starts after this returns (a queue
    /// subscription keeps what it holds and then reports its end).
    void end() noexcept;
    /// Unsubscribed: as end(), and the queue is dropped and waiters are released.
    void close() noexcept;

    /// zlhcs_subscription_next.
    zlhcs_hresult next(std::uint32_t timeout_ms, zlhcs_event** out_event);
    /// zlhcs_subscription_wait_handle.
    zlhcs_hresult wait_handle(std::uint64_t* out_os_handle);

    /// Runs on a delivery thread: calls the callback for the queued records, in order.
    void deliver() noexcept;

private:
    struct record {
        std::uint32_t kind = 0;
        std::uint32_t hcs_type = 0;
        std::uint32_t process_id = 0;
        std::uint64_t sequence = 0;
        std::uint64_t lost = 0;
        std::shared_ptr<const std::string> data;  // null: HCS gave none
    };

    // Lock held. Moves pending losses into the queue as one record (may throw bad_alloc).
    void flush_lost();
    // Lock held. Takes the next record (queue front, or pending losses); false if none.
    bool take(record& out);
    [[nodiscard]] bool available() const noexcept;  // lock held
    void update_signal() noexcept;                    // lock held
    void schedule() noexcept;                         // lock held; callback subscriptions
    void stop(bool drop_queue) noexcept;
    // Lock held. Whether the context is due for release now (and marks it released).
    [[nodiscard]] bool take_release_locked() noexcept;
    void release_context(bool due) noexcept;  // lock not held
    zlhcs_event view(const record& r) const noexcept;

    const std::uint32_t mask_;
    const std::size_t capacity_;
    const zlhcs_event_callback callback_;
    void* const context_;
    const zlhcs_release_callback release_;
    live_count<counted::live_subscriptions> live_;
    const source source_;
    zlhcs_subscription handle_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<record> queue_;
    std::size_t queued_events_ = 0;   // EVENTS_LOST records excluded
    std::uint64_t next_sequence_ = 1;
    std::uint64_t lost_ = 0;          // lost after everything queued
    std::uint64_t first_lost_ = 0;
    bool ended_ = false;              // no more events come in
    bool closed_ = false;             // unsubscribed: nothing goes out either
    bool scheduled_ = false;          // a deliver() is queued or running
    bool gate_open_ = false;          // the subscribe call returned: deliveries may start
    bool context_held_ = false;       // the context awaits its release (counted)
    bool delivering_ = false;         // a callback call is in progress
    std::thread::id delivering_thread_;
    wait_signal signal_;
};

}  // namespace zlhcs::core
