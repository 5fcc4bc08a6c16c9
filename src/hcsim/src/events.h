// Events: the option bits of a callback, queueing and delivering events (events.cpp).
#pragma once

#include <cstring>

#include "objects.h"

namespace hcsim {

/** HcsEventOptionEnableLiveMigrationEvents (newer SDKs; hcsshim internal/computecore/types.go). */
constexpr unsigned hcs_event_option_live_migration = 0x4;

/** The bits of a caller's HCS_EVENT_OPTIONS, read as bytes: a caller may pass bits the
 *  enum does not name (a newer SDK's), which must be refused, not loaded as an enum. */
inline unsigned option_bits(const HCS_EVENT_OPTIONS& options) {
    unsigned bits = 0;
    static_assert(sizeof bits == sizeof options);
    std::memcpy(&bits, &options, sizeof bits);
    return bits;
}

/** True if `flag` is set in an HCS_EVENT_OPTIONS value. */
inline bool has_option(HCS_EVENT_OPTIONS options, HCS_EVENT_OPTIONS flag) {
    return (static_cast<unsigned>(options) & static_cast<unsigned>(flag)) != 0;
}

/** Queues events for delivery on a worker thread, now (lock held): each goes to the end of
 *  its handle's queue (dropped if the handle is closed or has no callback), and a worker task
 *  is scheduled for the handles no thread is draining yet. Returns how many were queued. */
std::size_t post_events_locked(State& s, std::vector<PendingEvent> events);
/** Puts `event` at the end of its handle's queue and adds the handle to `drain` if not there
 *  yet (lock held). False (nothing queued) if the handle is closed, has no callback, or the
 *  event is an operation completion the callback did not ask for. */
bool queue_event_locked(PendingEvent event, std::vector<std::shared_ptr<EventTarget>>& drain);
/** Commits the first queued event of `handle` its callback takes now, if no thread is
 *  draining the handle (lock held): a close from then on waits until it is delivered (see
 *  CallbackGate). True if it committed one. */
bool commit_first_event_locked(EventTarget& handle);
/** Delivers the queued events of `handle` in order, unless another thread is already doing so
 *  (lock held on entry and exit, released around each callback). */
void drain_events_locked(State& s, std::unique_lock<std::mutex>& lock, const std::shared_ptr<EventTarget>& handle);

}  // namespace hcsim
