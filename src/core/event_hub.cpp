#include "event_hub.hpp"

#include "dispatcher.hpp"
#include "errors.hpp"
#include "registry.hpp"
#include "strings.hpp"

#include <algorithm>
#include <unordered_set>

namespace zlhcs::core {
namespace {

constexpr std::uint32_t hcs_service_disconnect = 0x02000000;

// Every hub alive, for the disconnect broadcast. Immortal: HCS threads may deliver events
// while the process exits.
struct hub_registry {
    std::mutex mutex;
    std::unordered_set<event_hub*> hubs;
};

hub_registry& hubs() noexcept {
    static auto* registry = new hub_registry();
    return *registry;
}

const char* watch_function(event_hub::source_kind kind) noexcept {
    return kind == event_hub::source_kind::system ? "HcsSetComputeSystemCallback" : "HcsSetProcessCallback";
}

const char* source_name(event_hub::source_kind kind) noexcept {
    return kind == event_hub::source_kind::system ? "compute system" : "process";
}

}  // namespace

event_hub::event_hub(source_kind kind) : kind_(kind) {
    std::lock_guard lock(hubs().mutex);
    hubs().hubs.insert(this);
}

event_hub::~event_hub() {
    {
        std::lock_guard lock(hubs().mutex);
        hubs().hubs.erase(this);
    }
    close();
}

void event_hub::set_source(zlhcs_handle handle, zlhcs_system system, std::string system_id) {
    std::lock_guard lock(mutex_);
    handle_ = handle;
    system_ = system;
    system_id_ = std::move(system_id);
}

void event_hub::set_process_id(std::uint32_t process_id) noexcept {
    std::lock_guard lock(mutex_);
    process_id_ = process_id;
}

void event_hub::set_unwatched(zlhcs_hresult code, std::string message) {
    std::lock_guard lock(mutex_);
    unwatched_code_ = code;
    unwatched_message_ = std::move(message);
}

// The hooks are set once, under the lock; whoever then sees one set (under the lock) may call it
// without the lock, as nothing writes it again.
void event_hub::on_disconnect(std::function<void()> hook) {
    {
        std::lock_guard lock(mutex_);
        disconnect_hook_ = std::move(hook);
        if (!disconnected_ || disconnect_told_ || disconnect_hook_ == nullptr) return;
        disconnect_told_ = true;
    }
    disconnect_hook_();  // the disconnect came before the owner was ready for it
}

void event_hub::on_first_watch(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    settle_hook_ = std::move(hook);
}

void event_hub::on_hcs_event(std::uint32_t hcs_type, const common::utf16_char* data) noexcept {
    const std::uint32_t kind = event_kind_of(hcs_type);
    if (kind == 0) return;
    if (hcs_type == hcs_service_disconnect) {
        // Delivered here and to every other hub once, whichever handle HCS told first.
        if (!disconnected()) broadcast_service_disconnect();
        return;
    }
    std::shared_ptr<const std::string> document;
    bool lost = false;
    try {
        if (data != nullptr) document = std::make_shared<const std::string>(from_wide(data));
    } catch (...) {
        lost = true;  // out of memory: each subscriber is told it lost one
    }
    std::lock_guard lock(mutex_);
    if (closed_) return;
    prune_closed();
    for (const auto& subscription : subscriptions_) {
        if (!subscription->wants(kind)) continue;
        if (lost) {
            subscription->offer_lost();
        } else {
            subscription->offer(kind, hcs_type, process_id_, document);
        }
    }
}

zlhcs_hresult event_hub::subscribe(std::uint32_t mask, std::uint32_t capacity, zlhcs_event_callback callback,
                                   void* context, zlhcs_release_callback release,
                                   zlhcs_subscription* out_subscription,
                                   std::shared_ptr<subscription_object>* out_object) {
    if (!valid_event_mask(mask)) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "event_mask is 0: it selects no event (ZLHCS_EVENT_ALL selects all)");
    }
    if (capacity > ZLHCS_EVENT_QUEUE_MAX) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "queue_capacity " + std::to_string(capacity) +
                                                  " exceeds ZLHCS_EVENT_QUEUE_MAX (" +
                                                  std::to_string(ZLHCS_EVENT_QUEUE_MAX) + ")");
    }
    std::lock_guard lock(mutex_);
    if (unwatched_code_ < 0) return fail(unwatched_code_, unwatched_message_, watch_function(kind_));
    if (closed_) return fail(ZLHCS_E_INVALID_HANDLE, std::string("the ") + source_name(kind_) + " handle was closed");
    auto subscription = std::make_shared<subscription_object>(
        mask, capacity, callback, context, release, subscription_object::source{handle_, system_id_});
    try {
        prune_closed();
        // The handle first: events name it, and they may come as soon as the hub lists it.
        const zlhcs_subscription handle = subscriptions().insert(subscription);
        subscription->set_handle(handle);
        try {
            subscriptions_.push_back(subscription);
        } catch (...) {
            (void)subscriptions().remove(handle);
            throw;
        }
        *out_subscription = handle;
    } catch (...) {
        subscription->abandon_context();  // the call fails: the caller keeps its context
        throw;
    }
    *out_object = std::move(subscription);
    return ZLHCS_S_OK;
}

void event_hub::record_exit(std::optional<std::string> document) noexcept {
    std::vector<std::shared_ptr<operation_object>> watches;
    {
        std::lock_guard lock(mutex_);
        if (exited_) return;
        exited_ = true;
        exit_document_ = std::move(document);
        watches.swap(watches_);
    }
    for (const auto& watch : watches) complete_watch_later(watch, exit_document_);
}

bool event_hub::exited() const {
    std::lock_guard lock(mutex_);
    return exited_;
}

void event_hub::prune_closed() {
    subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                                        [](const auto& s) { return s->is_closed(); }),
                         subscriptions_.end());
}

void event_hub::complete_watch(operation_object& watch, std::optional<std::string> document) noexcept {
    if (document) {
        watch.complete_with_document(std::move(*document));
    } else {
        watch.complete_externally(ZLHCS_S_OK, nullptr);
    }
}

void event_hub::complete_watch_later(const std::shared_ptr<operation_object>& watch,
                                     std::optional<std::string> document) noexcept {
    try {
        dispatcher::instance().post([watch, document]() mutable { complete_watch(*watch, std::move(document)); });
    } catch (...) {
        complete_watch(*watch, std::move(document));  // no delivery thread: here (the callback too)
    }
}

zlhcs_hresult event_hub::watch_exit(const backend::table& backend, zlhcs_operation_callback callback,
                                    void* context, zlhcs_release_callback release, zlhcs_operation* out_operation,
                                    std::shared_ptr<operation_object>* out_object) {
    auto watch = std::make_shared<operation_object>(backend, watch_function(kind_), callback, context, release,
                                                    nullptr, ZLHCS_OPERATION_KIND_EXIT_WATCH);
    // Until the handle is written, no callback or release may run; a failure below closes the
    // gate for good (the caller keeps its context).
    struct gate_guard {
        operation_object& watch;
        bool success = false;
        ~gate_guard() { watch.open_gate(success); }
    } gate{*watch};
    operation_subject subject;
    {
        std::lock_guard lock(mutex_);
        if (unwatched_code_ < 0) return fail(unwatched_code_, unwatched_message_, watch_function(kind_));
        subject.system = system_;
        subject.process = kind_ == source_kind::process ? handle_ : 0;
        subject.system_id = system_id_;
    }
    watch->set_subject(std::move(subject));
    watch->track_pending();
    zlhcs_operation handle = 0;
    if (out_operation != nullptr) {
        handle = operations().insert(watch);
        watch->set_handle(handle);
    }
    enum class outcome { pending, exited, closed, disconnected } now = outcome::pending;
    std::optional<std::string> document;
    bool settle = false;
    {
        std::lock_guard lock(mutex_);
        if (exited_) {
            now = outcome::exited;
            document = exit_document_;
        } else if (closed_) {
            now = outcome::closed;
        } else if (disconnected_) {
            now = outcome::disconnected;
        } else {
            try {
                watches_.erase(std::remove_if(watches_.begin(), watches_.end(),
                                              [](const auto& w) { return w->is_complete(); }),
                               watches_.end());  // cancelled ones
                watches_.push_back(watch);
            } catch (...) {
                if (out_operation != nullptr) operations().remove(handle);
                throw;
            }
            settle = !settle_asked_ && settle_hook_ != nullptr;
            settle_asked_ = true;
        }
    }
    // Already decided: the watch completes here, so that a wait that follows (zlhcs_system_wait_exit
    // with a timeout of 0 after the exit) finds it complete. Its callback, if any, waits for the
    // gate, which opens below once the handle is written: it runs on a delivery thread.
    switch (now) {
    case outcome::exited:
        complete_watch(*watch, std::move(document));
        break;
    case outcome::closed:
    case outcome::disconnected: {
        const bool closed = now == outcome::closed;
        watch->complete_externally(closed ? ZLHCS_E_INVALID_HANDLE : ZLHCS_HCS_E_SERVICE_DISCONNECT,
                                   closed ? "the handle was closed before the exit" : "the compute service disconnected");
        break;
    }
    case outcome::pending:
        break;
    }
    if (settle) settle_hook_();
    if (out_operation != nullptr) *out_operation = handle;
    gate.success = true;
    if (out_object != nullptr) *out_object = std::move(watch);
    return ZLHCS_S_OK;
}

void event_hub::close() noexcept {
    std::vector<std::shared_ptr<subscription_object>> subscriptions;
    std::vector<std::shared_ptr<operation_object>> watches;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        subscriptions.swap(subscriptions_);
        watches.swap(watches_);
    }
    for (const auto& subscription : subscriptions) subscription->end();
    for (const auto& watch : watches) {
        watch->complete_later(ZLHCS_E_INVALID_HANDLE, "the handle was closed before the exit");
    }
}

bool event_hub::mark_disconnected() noexcept {
    std::lock_guard lock(mutex_);
    if (disconnected_) return false;
    disconnected_ = true;
    try {
        if (!closed_) told_of_disconnect_ = subscriptions_;
    } catch (...) {
        // Out of memory: each subscription is told it lost an event instead (below).
        for (const auto& subscription : subscriptions_) {
            if (subscription->wants(ZLHCS_EVENT_SERVICE_DISCONNECT)) subscription->offer_lost();
        }
    }
    return true;
}

void event_hub::finish_disconnect() noexcept {
    std::vector<std::shared_ptr<operation_object>> watches;
    bool tell_owner = false;
    {
        std::lock_guard lock(mutex_);
        for (const auto& subscription : told_of_disconnect_) {
            if (subscription->wants(ZLHCS_EVENT_SERVICE_DISCONNECT)) {
                subscription->offer(ZLHCS_EVENT_SERVICE_DISCONNECT, hcs_service_disconnect, process_id_, nullptr);
            }
        }
        told_of_disconnect_.clear();
        watches.swap(watches_);
        tell_owner = disconnect_hook_ != nullptr && !disconnect_told_;
        if (tell_owner) disconnect_told_ = true;
    }
    for (const auto& watch : watches) {
        watch->complete_later(ZLHCS_HCS_E_SERVICE_DISCONNECT, "the compute service disconnected");
    }
    if (tell_owner) disconnect_hook_();
}

bool event_hub::disconnected() const {
    std::lock_guard lock(mutex_);
    return disconnected_;
}

void broadcast_service_disconnect() noexcept {
    // What was pending when zlhcs heard of the disconnect, taken before anyone is told (a
    // subscriber told of it may go on to start new work, which must not be swept).
    auto pending = std::make_shared<std::vector<std::shared_ptr<operation_object>>>();
    try {
        *pending = pending_operations();
    } catch (...) {
        pending.reset();  // out of memory: HCS's own completions still come
    }
    // Two passes: every hub is marked before any subscriber hears of it, so whoever reacts to
    // the event (say, subscribes anew once the service is back) finds every hub marked, and a
    // subscription made after the marking is never told of this disconnect.
    bool first = false;
    {
        std::lock_guard lock(hubs().mutex);
        std::vector<event_hub*> marked;
        try {
            marked.reserve(hubs().hubs.size());
        } catch (...) {
        }
        for (event_hub* hub : hubs().hubs) {
            if (!hub->mark_disconnected()) continue;
            try {
                marked.push_back(hub);
            } catch (...) {
                hub->finish_disconnect();  // out of memory: this one at once
            }
        }
        for (event_hub* hub : marked) hub->finish_disconnect();
        first = !marked.empty();
    }
    if (pending == nullptr || !first) return;  // another handle's copy of the same disconnect
    const auto sweep = [pending] {
        for (const auto& operation : *pending) {
            operation->complete_externally(ZLHCS_HCS_E_SERVICE_DISCONNECT, "the compute service disconnected");
        }
    };
    try {
        dispatcher::instance().post(sweep);
    } catch (...) {
        sweep();
    }
}

}  // namespace zlhcs::core
