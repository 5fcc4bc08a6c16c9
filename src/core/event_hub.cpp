#include "event_hub.hpp"

#include "dispatcher.hpp"
#include "errors.hpp"
#include "registry.hpp"
#include "strings.hpp"

#include <algorithm>
#include <system_error>
#include <unordered_set>

namespace zlhcs::core {
namespace {

constexpr std::uint32_t hcs_service_disconnect = HcsEventServiceDisconnect;

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

event_hub::event_hub(source_kind kind, exit_latch& exit) : kind_(kind), exit_(exit) {
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
    exit_.set_unobservable(code, message, watch_function(kind_));
    std::lock_guard lock(mutex_);
    unwatched_code_ = code;
    unwatched_message_ = std::move(message);
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
    if (data != nullptr) document = std::make_shared<const std::string>(from_wide(data));
    std::lock_guard lock(mutex_);
    if (closed_) return;
    prune_closed();
    for (const auto& subscription : subscriptions_) {
        if (subscription->wants(kind)) subscription->offer(kind, hcs_type, process_id_, document);
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

void event_hub::prune_closed() {
    subscriptions_.erase(std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                                        [](const auto& s) { return s->is_closed(); }),
                         subscriptions_.end());
}

zlhcs_hresult event_hub::watch_exit(const backend::table& backend, zlhcs_operation_callback callback,
                                    void* context, zlhcs_release_callback release, zlhcs_operation* out_operation,
                                    std::shared_ptr<operation_object>* out_object) {
    operation_subject subject;
    {
        std::lock_guard lock(mutex_);
        subject.system = system_;
        subject.process = kind_ == source_kind::process ? handle_ : 0;
        subject.system_id = system_id_;
    }
    return exit_.watch(backend, watch_function(kind_), std::move(subject), callback, context, release, out_operation,
                       out_object);
}

void event_hub::close() noexcept {
    std::vector<std::shared_ptr<subscription_object>> subscriptions;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        subscriptions.swap(subscriptions_);
    }
    for (const auto& subscription : subscriptions) subscription->end();
}

bool event_hub::mark_disconnected() noexcept {
    std::lock_guard lock(mutex_);
    if (disconnected_) return false;
    disconnected_ = true;
    if (!closed_) told_of_disconnect_ = subscriptions_;
    return true;
}

void event_hub::finish_disconnect() noexcept {
    {
        std::lock_guard lock(mutex_);
        for (const auto& subscription : told_of_disconnect_) {
            if (subscription->wants(ZLHCS_EVENT_SERVICE_DISCONNECT)) {
                subscription->offer(ZLHCS_EVENT_SERVICE_DISCONNECT, hcs_service_disconnect, process_id_, nullptr);
            }
        }
        told_of_disconnect_.clear();
    }
    exit_.disconnect();  // waits give up, exit watches complete
}

bool event_hub::disconnected() const {
    std::lock_guard lock(mutex_);
    return disconnected_;
}

void broadcast_service_disconnect() noexcept {
    // What was pending when zlhcs heard of the disconnect, taken before anyone is told (a
    // subscriber told of it may go on to start new work, which must not be swept).
    const auto pending =
        std::make_shared<std::vector<std::shared_ptr<operation_object>>>(pending_operations());
    // Two passes: every hub is marked before any subscriber hears of it, so whoever reacts to
    // the event (say, subscribes anew once the service is back) finds every hub marked, and a
    // subscription made after the marking is never told of this disconnect.
    bool first = false;
    {
        std::lock_guard lock(hubs().mutex);
        std::vector<event_hub*> marked;
        marked.reserve(hubs().hubs.size());
        for (event_hub* hub : hubs().hubs) {
            if (hub->mark_disconnected()) marked.push_back(hub);
        }
        for (event_hub* hub : marked) hub->finish_disconnect();
        first = !marked.empty();
    }
    if (!first) return;  // another handle's copy of the same disconnect
    const auto sweep = [pending] {
        for (const auto& operation : *pending) {
            operation->complete_externally(ZLHCS_HCS_E_SERVICE_DISCONNECT, "the compute service disconnected");
        }
    };
    try {
        dispatcher::instance().post(sweep);
    } catch (const std::system_error&) {
        sweep();  // no delivery thread at all: here
    }
}

}  // namespace zlhcs::core
