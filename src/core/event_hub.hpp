// The events of one system or process handle: its subscriptions.
//
// zlhcs registers the one HCS event callback of each HCS handle it makes (zlhcs.h "Events",
// guarantee 6); the owner (system_object, process_object) forwards every event here, after
// recording an exit in its exit_latch. The hub only fans out: to the subscriptions, under its
// lock (the order HCS delivered in is the order each subscription sees).
//
// A service disconnect seen on any hub reaches every hub alive (broadcast_service_disconnect):
// each delivers it to its subscriptions once and resolves its owner's exit latch (waits and
// exit watches give up), and every pending operation is completed with HCS_E_SERVICE_DISCONNECT.
#pragma once

#include "../backend/backend.hpp"
#include "exit_latch.hpp"
#include "subscription.hpp"

#include <zlhcs/zlhcs.h>
#include <zlhcs_common/utf.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zlhcs::core {

class event_hub {
public:
    enum class source_kind { system, process };

    /// `exit` is the owner's latch (a member declared before the hub, so it outlives it).
    event_hub(source_kind kind, exit_latch& exit);
    ~event_hub();
    event_hub(const event_hub&) = delete;
    event_hub& operator=(const event_hub&) = delete;

    /// Who the events are about: set once the handle exists, before anyone can subscribe.
    void set_source(zlhcs_handle handle, zlhcs_system system, std::string system_id);
    void set_process_id(std::uint32_t process_id) noexcept;
    /// Registering the HCS callback failed: subscriptions and exit watches are refused with
    /// this error (their events would never come).
    void set_unwatched(zlhcs_hresult code, std::string message);

    /// From the owner's HCS event callback, on HCS's thread: never blocks, never calls user
    /// code.
    void on_hcs_event(std::uint32_t hcs_type, const common::utf16_char* data) noexcept;

    /// Lists a new subscription and writes its handle. Deliveries wait until the caller opens
    /// its gate (*out_object) once the call has written everything it hands out.
    zlhcs_hresult subscribe(std::uint32_t mask, std::uint32_t capacity, zlhcs_event_callback callback,
                            void* context, zlhcs_release_callback release, zlhcs_subscription* out_subscription,
                            std::shared_ptr<subscription_object>* out_object);

    /// Starts an exit watch on the owner's latch, naming this source.
    zlhcs_hresult watch_exit(const backend::table& backend, zlhcs_operation_callback callback, void* context,
                             zlhcs_release_callback release, zlhcs_operation* out_operation,
                             std::shared_ptr<operation_object>* out_object);

    /// The source handle was closed: subscriptions end (no callback call starts after this
    /// returns).
    void close() noexcept;

    /// The service disconnected, in two steps (broadcast_service_disconnect): marks the hub
    /// (false if it already was) and takes note of the subscriptions to tell; then tells them
    /// and resolves the exit latch. Once per hub.
    bool mark_disconnected() noexcept;
    void finish_disconnect() noexcept;
    [[nodiscard]] bool disconnected() const;

private:
    void prune_closed();  // lock held: drops unsubscribed subscriptions

    const source_kind kind_;
    exit_latch& exit_;
    mutable std::mutex mutex_;
    zlhcs_handle handle_ = 0;
    zlhcs_system system_ = 0;
    std::string system_id_;
    std::uint32_t process_id_ = 0;
    std::vector<std::shared_ptr<subscription_object>> subscriptions_;
    std::vector<std::shared_ptr<subscription_object>> told_of_disconnect_;
    bool closed_ = false;
    bool disconnected_ = false;
    zlhcs_hresult unwatched_code_ = ZLHCS_S_OK;
    std::string unwatched_message_;
};

/// Every hub alive hears of the disconnect (once each) and every pending operation completes
/// with HCS_E_SERVICE_DISCONNECT (on a delivery thread).
void broadcast_service_disconnect() noexcept;

}  // namespace zlhcs::core
