// A compute system handle: owns one HCS_SYSTEM, closed when the last reference goes (the
// zlhcs handle, or an operation still running on the system), and the events of that handle.
//
// zlhcs registers the handle's one HCS event callback itself (watch_events): an exit is
// recorded in its exit_latch, and every event goes to its event_hub, which fans out to
// subscriptions. HcsCloseComputeSystem,
// in the destructor, guarantees the callback is done with this object before its members go.
#pragma once

#include "../backend/backend.hpp"
#include "event_hub.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace zlhcs::core {

/// The codes HCS gives for a call on a system that is gone (stopped and cleaned up, or never
/// created), in either severity form: HCS_E_SYSTEM_NOT_FOUND, HCS_E_SYSTEM_ALREADY_STOPPED
/// (hcsshim internal/hcs/v2/system.go treats them as "done" for shutdown and terminate).
[[nodiscard]] bool is_gone_system_code(zlhcs_hresult code) noexcept;

class system_object : public std::enable_shared_from_this<system_object> {
public:
    /// `opened`: the system existed before this handle (zlhcs_system_open), so it may have
    /// exited before zlhcs was listening; an exit watch then asks HCS once.
    system_object(const backend::table& backend, HCS_SYSTEM system, std::string id, bool opened);
    ~system_object();
    system_object(const system_object&) = delete;
    system_object& operator=(const system_object&) = delete;

    /// Registers zlhcs's HCS event callback. If HCS refuses, the handle still works, but its
    /// subscriptions and exit watches are refused with HCS's error (recorded in events()).
    void watch_events();
    /// The zlhcs handle, once the object is in the handle table.
    void set_handle(zlhcs_system handle);

    [[nodiscard]] HCS_SYSTEM hcs_system() const noexcept { return system_; }
    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    [[nodiscard]] zlhcs_system handle() const noexcept { return handle_.load(); }
    /// What its operations concern (zlhcs_operation_inspect).
    [[nodiscard]] operation_subject subject() const { return {handle(), 0, id_}; }
    [[nodiscard]] event_hub& events() noexcept { return events_; }
    [[nodiscard]] exit_latch& exit() noexcept { return exit_; }

    /// zlhcs_system_wait_exit: HcsWaitForComputeSystemExit where HCS has it, else the exit
    /// latch (the SystemExited event). *out_document: the exit document, if HCS gave one.
    zlhcs_hresult wait_exit(std::uint32_t timeout_ms, char** out_document);

    /// The zlhcs handle was closed: waits on the system give up, subscriptions end, exit
    /// watches complete (the HCS handle stays open until the last reference goes).
    void close() noexcept;
    [[nodiscard]] bool is_closed() const noexcept { return closed_.load(); }

private:
    static void CALLBACK on_event(HCS_EVENT* event, void* context) noexcept;
    // An opened system may have stopped before the callback was set: one properties query
    // settles it (a stopped system is gone: HCS answers SYSTEM_NOT_FOUND / ALREADY_STOPPED).
    zlhcs_hresult settle();
    void exited_before_watch();
    zlhcs_hresult wait_for_exit_event(std::uint32_t timeout_ms, char** out_document);
    zlhcs_hresult wait_in_hcs(std::uint32_t timeout_ms, char** out_document);

    const backend::table& backend_;
    HCS_SYSTEM system_;
    std::string id_;
    const bool opened_;
    std::atomic<zlhcs_system> handle_{0};
    std::atomic<bool> closed_{false};
    exit_latch exit_;  // before events_, which resolves it on a disconnect
    event_hub events_{event_hub::source_kind::system, exit_};
};

}  // namespace zlhcs::core
