#include "subscription.hpp"

#include "callback_scope.hpp"
#include "counted_wait.hpp"
#include "debug_counts.hpp"
#include "dispatcher.hpp"
#include "errors.hpp"
#include "strings.hpp"
#include "../backend/hcs_types.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace zlhcs::core {
namespace {

// HCS_EVENT_TYPE values as numbers (HCS may send any, not only the enum's).
constexpr std::uint32_t hcs_system_exited = HcsEventSystemExited;
constexpr std::uint32_t hcs_guest_connection_closed = HcsEventSystemGuestConnectionClosed;
constexpr std::uint32_t hcs_process_exited = HcsEventProcessExited;
constexpr std::uint32_t hcs_operation_callback = HcsEventOperationCallback;
constexpr std::uint32_t hcs_service_disconnect = HcsEventServiceDisconnect;

// A drain hands the thread back after this many calls, so that subscriptions share threads.
constexpr int deliveries_per_turn = 64;

}  // namespace

std::uint32_t event_kind_of(std::uint32_t hcs_type) noexcept {
    switch (hcs_type) {
    case 0:
    case hcs_operation_callback:
        return 0;
    case hcs_process_exited:
        return ZLHCS_EVENT_PROCESS_EXITED;
    case hcs_service_disconnect:
        return ZLHCS_EVENT_SERVICE_DISCONNECT;
    default:
        // The system events 1..6 map to the bits 0x1..0x20 in order.
        if (hcs_type >= hcs_system_exited && hcs_type <= hcs_guest_connection_closed) {
            return 1u << (hcs_type - 1);
        }
        return ZLHCS_EVENT_UNKNOWN;
    }
}

bool valid_event_mask(std::uint32_t mask) noexcept {
    // Every bit is either a kind, a reserved future kind (accepted: zlhcs.h) or UNKNOWN.
    return mask != 0;
}

subscription_object::subscription_object(std::uint32_t mask, std::uint32_t capacity,
                                         zlhcs_event_callback callback, void* context,
                                         zlhcs_release_callback release, source from)
    : mask_(mask),
      capacity_(capacity != 0 ? capacity : ZLHCS_EVENT_QUEUE_DEFAULT),
      callback_(callback),
      context_(context),
      release_(release),
      source_(std::move(from)),
      context_held_(callback != nullptr || release != nullptr) {
    if (context_held_) count_up(counted::contexts);
}

subscription_object::~subscription_object() {
    // Every way out of a subscription (close, end of its source) releases a held context
    // first; one still held here would stay counted, which zlhcs_debug_counts shows.
}

void subscription_object::open_gate() noexcept {
    bool release_due = false;
    {
        std::lock_guard lock(mutex_);
        if (gate_open_) return;
        gate_open_ = true;
        if (!is_queue() && (!queue_.empty() || lost_ > 0)) schedule();  // events came meanwhile
        release_due = take_release_locked();  // its source closed meanwhile
    }
    if (!release_due) return;
    // Never on the subscribing thread inside the call: on a delivery thread.
    try {
        dispatcher::instance().post([self = shared_from_this()] { self->release_context(true); });
    } catch (const std::system_error&) {
        release_context(true);  // no delivery thread at all: here
    }
}

void subscription_object::abandon_context() noexcept {
    std::lock_guard lock(mutex_);
    if (!context_held_) return;
    context_held_ = false;
    count_down(counted::contexts);
}

bool subscription_object::take_release_locked() noexcept {
    // The callback can run no more: the subscription is closed (a callback subscription is
    // closed when its source ends) or has ended, and no call is in progress.
    if (!context_held_ || !gate_open_ || delivering_ || !(closed_ || ended_)) return false;
    context_held_ = false;
    return true;
}

void subscription_object::release_context(bool due) noexcept {
    if (due) release_callback_context(release_, context_);
}

void subscription_object::offer(std::uint32_t kind, std::uint32_t hcs_type, std::uint32_t process_id,
                                const std::shared_ptr<const std::string>& data) noexcept {
    std::lock_guard lock(mutex_);
    if (ended_ || closed_) return;
    const std::uint64_t sequence = next_sequence_++;
    if (queued_events_ >= capacity_) {
        if (lost_ == 0) first_lost_ = sequence;
        ++lost_;
    } else {
        flush_lost();
        queue_.push_back(record{kind, hcs_type, process_id, sequence, 0, data});
        ++queued_events_;
    }
    update_signal();
    if (is_queue()) {
        changed_.notify_all();
    } else {
        schedule();
    }
}

void subscription_object::flush_lost() {
    if (lost_ == 0) return;
    queue_.push_back(record{ZLHCS_EVENT_EVENTS_LOST, 0, 0, first_lost_, lost_, nullptr});
    lost_ = 0;
}

bool subscription_object::take(record& out) {
    if (!queue_.empty()) {
        out = std::move(queue_.front());
        queue_.pop_front();
        if (out.kind != ZLHCS_EVENT_EVENTS_LOST) --queued_events_;
        return true;
    }
    if (lost_ == 0) return false;
    out = record{ZLHCS_EVENT_EVENTS_LOST, 0, 0, first_lost_, lost_, nullptr};
    lost_ = 0;
    return true;
}

bool subscription_object::available() const noexcept {
    return !queue_.empty() || lost_ > 0 || ended_;
}

void subscription_object::update_signal() noexcept {
    if (available() && !closed_) {
        signal_.set();
    } else {
        signal_.reset();
    }
}

void subscription_object::schedule() noexcept {
    if (scheduled_ || closed_ || !gate_open_) return;
    scheduled_ = true;
    try {
        dispatcher::instance().post([self = shared_from_this()] { self->deliver(); });
    } catch (const std::system_error&) {
        // No delivery thread could start: the records stay queued (and are counted as lost
        // once the queue is full); the next event tries again.
        scheduled_ = false;
    }
}

zlhcs_event subscription_object::view(const record& r) const noexcept {
    zlhcs_event event{};
    event.struct_size = ZLHCS_EVENT_SIZE_V1;
    event.kind = r.kind;
    event.hcs_type = r.hcs_type;
    event.process_id = r.process_id;
    event.sequence = r.sequence;
    event.lost_count = r.lost;
    event.subscription = handle_;
    event.source = source_.handle;
    event.system_id = source_.system_id.c_str();
    event.data = r.data != nullptr ? r.data->c_str() : nullptr;
    return event;
}

void subscription_object::deliver() noexcept {
    std::unique_lock lock(mutex_);
    record r;
    for (int turn = 0; turn < deliveries_per_turn && !closed_ && take(r); ++turn) {
        delivering_ = true;
        delivering_thread_ = std::this_thread::get_id();
        lock.unlock();
        {
            const zlhcs_event event = view(r);
            const callback_scope inside;
            try {
                callback_(&event, context_);
            } catch (...) {
                // A C++ callback must not throw into zlhcs; if it does, the event is delivered.
            }
        }
        r.data.reset();
        lock.lock();
        delivering_ = false;
        changed_.notify_all();
        if (closed_) {
            // Closed while the call ran (from inside a callback, which did not wait): this
            // thread saw the last use end, so it releases the context.
            const bool release_due = take_release_locked();
            scheduled_ = false;
            lock.unlock();
            release_context(release_due);
            return;
        }
    }
    scheduled_ = false;
    if (!closed_ && (!queue_.empty() || lost_ > 0)) schedule();  // more: another turn, later
}

void subscription_object::stop(bool drop_queue) noexcept {
    std::unique_lock lock(mutex_);
    ended_ = true;
    if (drop_queue || !is_queue()) {
        closed_ = true;
        queue_.clear();
        queued_events_ = 0;
        lost_ = 0;
    }
    update_signal();
    changed_.notify_all();
    // A call in progress on another thread: outside callbacks, it has returned when this
    // returns (guarantee 1); inside one, never wait (two callbacks closing each other's
    // subscriptions would wait for each other forever).
    if (delivering_ && delivering_thread_ != std::this_thread::get_id() && !in_zlhcs_callback()) {
        (void)counted_wait(changed_, lock, ZLHCS_INFINITE, [this] { return !delivering_; });
    }
    // No call in progress: released here. One in progress (this thread's own, or another's
    // that this close inside a callback did not wait for): its thread releases once it returns.
    const bool release_due = take_release_locked();
    lock.unlock();
    release_context(release_due);
}

void subscription_object::end() noexcept { stop(false); }

void subscription_object::close() noexcept { stop(true); }

zlhcs_hresult subscription_object::next(std::uint32_t timeout_ms, zlhcs_event** out_event) {
    *out_event = nullptr;
    if (!is_queue()) {
        return fail(ZLHCS_E_INVALID_STATE,
                    "subscription " + std::to_string(handle_) + " delivers to its callback; only a "
                    "subscription made without a callback has a queue to take events from");
    }
    std::unique_lock lock(mutex_);
    (void)counted_wait(changed_, lock, timeout_ms, [this] { return closed_ || !queue_.empty() || lost_ > 0 || ended_; });
    if (closed_) {
        return fail(ZLHCS_E_INVALID_HANDLE,
                    "subscription " + std::to_string(handle_) + " was closed while waiting for an event");
    }
    if (queue_.empty() && lost_ == 0) {
        if (ended_) return ZLHCS_S_FALSE;
        return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                    "no event within " + std::to_string(timeout_ms) + " ms");
    }
    // Allocate before taking: out of memory must not lose the event.
    const record& front = !queue_.empty() ? queue_.front()
                                          : record{ZLHCS_EVENT_EVENTS_LOST, 0, 0, first_lost_, lost_, nullptr};
    const std::size_t id_size = source_.system_id.size() + 1;
    const std::size_t data_size = front.data != nullptr ? front.data->size() + 1 : 0;
    char* block = nullptr;
    try {
        block = static_cast<char*>(allocate_for_caller(sizeof(zlhcs_event) + id_size + data_size));
    } catch (const std::bad_alloc&) {
        return fail(ZLHCS_E_OUT_OF_MEMORY, "out of memory for the event (it stays queued)");
    }
    zlhcs_event event = view(front);
    char* id = block + sizeof(zlhcs_event);
    std::memcpy(id, source_.system_id.c_str(), id_size);
    event.system_id = id;
    if (front.data != nullptr) {
        char* data = id + id_size;
        std::memcpy(data, front.data->c_str(), data_size);
        event.data = data;
    }
    std::memcpy(block, &event, sizeof event);
    record taken;
    (void)take(taken);
    update_signal();
    *out_event = reinterpret_cast<zlhcs_event*>(block);
    return ZLHCS_S_OK;
}

zlhcs_hresult subscription_object::wait_handle(std::uint64_t* out_os_handle) {
    *out_os_handle = 0;
    if (!is_queue()) {
        return fail(ZLHCS_E_INVALID_STATE, "subscription " + std::to_string(handle_) +
                                               " delivers to its callback: it has no queue to wait on");
    }
    std::lock_guard lock(mutex_);
    if (!signal_.created() && !signal_.create()) {
        return fail(ZLHCS_E_OUT_OF_MEMORY, "the OS refused to create the subscription's wait object");
    }
    update_signal();
    *out_os_handle = signal_.native();
    return ZLHCS_S_OK;
}

}  // namespace zlhcs::core
