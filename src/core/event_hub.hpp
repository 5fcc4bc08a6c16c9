// The events of one system or process handle: its subscriptions, its exit, its exit watches.
//
// zlhcs registers the one HCS event callback of each HCS handle it makes (zlhcs.h "Events",
// guarantee 6); the owner (system_object, process_object) forwards every event here. The hub
// fans it out to the subscriptions under its lock (the order HCS delivered in is the order each
// subscription sees), records the exit when the owner says so, and completes exit watches on
// the dispatcher's threads, never on HCS's.
//
// A service disconnect seen on any hub reaches every hub alive (broadcast_service_disconnect):
// each delivers it to its subscriptions once, completes its watches, tells its owner (waits
// give up), and every pending operation is completed with HCS_E_SERVICE_DISCONNECT.
#pragma once

#include "../backend/backend.hpp"
#include "operation.hpp"
#include "subscription.hpp"

#include <zlhcs/zlhcs.h>
#include <zlhcs_common/utf.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zlhcs::core {

class event_hub {
public:
    enum class source_kind { system, process };

    explicit event_hub(source_kind kind);
    ~event_hub();
    event_hub(const event_hub&) = delete;
    event_hub& operator=(const event_hub&) = delete;

    /// Who the events are about: set once the handle exists, before anyone can subscribe.
    void set_source(zlhcs_handle handle, zlhcs_system system, std::string system_id);
    void set_process_id(std::uint32_t process_id) noexcept;
    /// Registering the HCS callback failed: subscriptions and exit watches are refused with
    /// this error (their events would never come).
    void set_unwatched(zlhcs_hresult code, std::string message);
    /// Set once. Called once (lock not held) when the service disconnects: the owner releases
    /// its waits. The hub is listed for disconnects from its construction, so a disconnect may
    /// come before the owner sets this: then it is called at once, from here.
    void on_disconnect(std::function<void()> hook);
    /// Set once. Called (lock not held) by the first exit watch if the exit is not known yet:
    /// the owner checks whether it happened before zlhcs was listening.
    void on_first_watch(std::function<void()> hook);

    /// From the owner's HCS event callback, on HCS's thread: never blocks, never calls user
    /// code.
    void on_hcs_event(std::uint32_t hcs_type, const common::utf16_char* data) noexcept;

    /// Lists a new subscription and writes its handle. Deliveries wait until the caller opens
    /// its gate (*out_object) once the call has written everything it hands out.
    zlhcs_hresult subscribe(std::uint32_t mask, std::uint32_t capacity, zlhcs_event_callback callback,
                            void* context, zlhcs_release_callback release, zlhcs_subscription* out_subscription,
                            std::shared_ptr<subscription_object>* out_object);

    /// The exit happened; the first record wins. No document: HCS gave none.
    void record_exit(std::optional<std::string> document) noexcept;
    [[nodiscard]] bool exited() const;

    /// Starts an exit watch. Published (a handle in *out_operation, its gate opened once that
    /// is written) for the ABI; unpublished (out_operation NULL, the object in *out_object) for
    /// zlhcs's own waits.
    zlhcs_hresult watch_exit(const backend::table& backend, zlhcs_operation_callback callback, void* context,
                             zlhcs_release_callback release, zlhcs_operation* out_operation,
                             std::shared_ptr<operation_object>* out_object);

    /// The source handle was closed: subscriptions end (no callback call starts after this
    /// returns), pending exit watches complete with ZLHCS_E_INVALID_HANDLE.
    void close() noexcept;

    /// The service disconnected, in two steps (broadcast_service_disconnect): marks the hub
    /// (false if it already was) and takes note of the subscriptions to tell; then tells them,
    /// completes the exit watches and calls the owner's hook. Once per hub.
    bool mark_disconnected() noexcept;
    void finish_disconnect() noexcept;
    [[nodiscard]] bool disconnected() const;

private:
    void prune_closed();  // lock held: drops unsubscribed subscriptions
    static void complete_watch(operation_object& watch, std::optional<std::string> document) noexcept;
    static void complete_watch_later(const std::shared_ptr<operation_object>& watch,
                                     std::optional<std::string> document) noexcept;

    const source_kind kind_;
    mutable std::mutex mutex_;
    zlhcs_handle handle_ = 0;
    zlhcs_system system_ = 0;
    std::string system_id_;
    std::uint32_t process_id_ = 0;
    std::vector<std::shared_ptr<subscription_object>> subscriptions_;
    std::vector<std::shared_ptr<operation_object>> watches_;
    std::vector<std::shared_ptr<subscription_object>> told_of_disconnect_;
    bool exited_ = false;
    std::optional<std::string> exit_document_;
    bool closed_ = false;
    bool disconnected_ = false;
    bool settle_asked_ = false;
    bool disconnect_told_ = false;  // disconnect_hook_ was called
    zlhcs_hresult unwatched_code_ = ZLHCS_S_OK;
    std::string unwatched_message_;
    std::function<void()> disconnect_hook_;  // guarded by mutex_ (a disconnect may come any time)
    std::function<void()> settle_hook_;      // guarded by mutex_
};

/// Every hub alive hears of the disconnect (once each) and every pending operation completes
/// with HCS_E_SERVICE_DISCONNECT (on a delivery thread).
void broadcast_service_disconnect() noexcept;

}  // namespace zlhcs::core
