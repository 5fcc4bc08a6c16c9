// A process handle: one HCS_PROCESS, the host ends of its stdio pipes, and its exit status.
//
// The exit status is captured in the process's exit_latch from HCS's process-exited event
// (HcsSetProcessCallback, which zlhcs owns for each of its HCS_PROCESS handles), so it is never
// lost however late anyone asks; an exit that came before zlhcs listened is settled by one
// status query (the latch runs it at the first wait or watch). HcsCloseProcess, in the destructor, guarantees the event callback is done with this
// object before its members go.
#pragma once

#include "../backend/backend.hpp"
#include "event_hub.hpp"
#include "stdio_pipe.hpp"

#include <zlhcs/zlhcs.h>

#include <array>
#include <atomic>
#include <memory>
#include <cstdint>
#include <mutex>
#include <optional>

namespace zlhcs::core {

/// The codes HCS gives for a call on a process that is gone or going (hcsshim
/// internal/hcs/v2/process.go Kill and processSignalResult, errors.go), in either severity
/// form: HCS_E_PROCESS_ALREADY_STOPPED, HCS_E_INVALID_STATE, HCS_E_SYSTEM_NOT_FOUND,
/// E_ACCESSDENIED, HRESULT_FROM_WIN32(ERROR_NOT_FOUND).
[[nodiscard]] bool is_gone_process_code(zlhcs_hresult code) noexcept;

class process_object : public std::enable_shared_from_this<process_object> {
public:
    explicit process_object(const backend::table& backend);
    ~process_object();
    process_object(const process_object&) = delete;
    process_object& operator=(const process_object&) = delete;

    /// The HCS handle, or NULL before adopt() (a create may complete before HCS returns it).
    [[nodiscard]] HCS_PROCESS hcs_process() const {
        std::lock_guard lock(mutex_);
        return process_;
    }

    /// Takes the HCS handle (closed with this object) and subscribes to its exit event.
    /// Failure: recorded, returned (the handle is still taken).
    zlhcs_hresult adopt(HCS_PROCESS process);

    /// The create operation's result reader (operation_spec::read_result): takes pid and pipes
    /// with the result, recovers them if HCS broke the result, and ends whatever HCS started
    /// if the create failed. Holds this object until the operation has completed.
    operation_object::result_reader creation_reader();

    /// Creation completed: pid and the host ends of the pipes (ownership passes here).
    void started(const HCS_PROCESS_INFORMATION& info);
    /// Creation completed but its result was lost and the process exited before its pid and
    /// pipes could be recovered: pid and exit status come from `status_json` (a
    /// ProcessStatus), and its stdio is gone (its streams say why).
    void started_after_exit(const std::string& status_json);
    /// Creation failed (or its result was lost): nothing may be left running.
    void creation_failed();
    /// A step of zlhcs's own creation failed after HCS started the process: terminate it as
    /// soon as it has started and its handle is ours. The termination keeps this object
    /// (and so the HCS handle) alive until HCS has completed it.
    void doom();
    /// An opened process: only its pid is known.
    void opened(std::uint32_t process_id);

    /// The pid, or nullopt while creation has not completed.
    [[nodiscard]] std::optional<std::uint32_t> process_id() const;

    /// Records an exit learnt elsewhere (a ProcessStatus document).
    void exited_from_status(const std::string& status_json);

    /// Waits for the exit; fails with `pending_code` if it does not come within timeout_ms.
    zlhcs_hresult wait_exit(std::uint32_t timeout_ms, zlhcs_hresult pending_code,
                            std::uint32_t* out_exit_code);

    /// zlhcs_process_stdio_close: closes zlhcs's host end of `stream` (if open) and tells
    /// HCS, which keeps handles of its own to the pipes, to close its end too (HcsModifyProcess
    /// CloseHandle StdIn/StdOut/StdErr: SchemaReference.md ProcessModifyRequest/CloseHandle;
    /// hcsshim internal/hcs/process.go CloseStdin sends it for stdin "so that the process is
    /// notified on the read side"). HCS is told once per stream, and for a detached stream
    /// only if it is stdin (zlhcs.h). ZLHCS_S_OK if it closed something (zlhcs's end or HCS's),
    /// ZLHCS_S_FALSE if nothing was left; ZLHCS_E_INVALID_STATE for a "none" stream; HCS's
    /// failure if it refused (the stream is closed on zlhcs's side all the same, and a later
    /// close asks HCS again). Closes of one process are serialised.
    zlhcs_hresult close_stream(zlhcs_stdio_stream stream);

    /// Whether a call's failure `code` says this process is gone (hcsshim
    /// internal/hcs/v2/process.go Kill and processSignalResult): HCS_E_PROCESS_ALREADY_STOPPED,
    /// HCS_E_SYSTEM_NOT_FOUND and ERROR_NOT_FOUND say so alone; E_ACCESSDENIED and
    /// HCS_E_INVALID_STATE can mean other things, so they count only once the process is known
    /// to have exited (its status is asked if the exit event has not come).
    [[nodiscard]] bool is_gone(zlhcs_hresult code);

    /// True once the exit is known (event or status query).
    [[nodiscard]] bool has_exited() const { return exit_.has_exited(); }

    [[nodiscard]] stdio_pipe& pipe(zlhcs_stdio_stream stream) noexcept {
        return pipes_[static_cast<std::size_t>(stream)];
    }

    /// The handle is being closed: I/O in flight gives up, subscriptions end, exit watches
    /// complete.
    void abandon() noexcept;

    /// The system it runs in (for events and inspection); set before the handle exists.
    void set_owner(zlhcs_system system, std::string system_id);
    /// The zlhcs handle, once the object is in the handle table.
    void set_handle(zlhcs_process handle);
    [[nodiscard]] zlhcs_system owner() const noexcept { return owner_; }
    /// What its operations concern (zlhcs_operation_inspect).
    [[nodiscard]] operation_subject subject() const { return {owner_, handle_.load(), owner_id_}; }
    [[nodiscard]] const std::string& owner_id() const noexcept { return owner_id_; }
    [[nodiscard]] event_hub& events() noexcept { return events_; }
    [[nodiscard]] exit_latch& exit() noexcept { return exit_; }

private:
    static void CALLBACK on_event(HCS_EVENT* event, void* context) noexcept;
    // Starts the termination of a doomed process once it can (lock not held).
    void terminate_if_doomed() noexcept;
    // A process can exit before zlhcs subscribed to its exit event (a fast one, or one that
    // was opened): once subscribed, one status query settles it (started by the exit latch;
    // its answer is recorded there); later exits arrive as events.
    zlhcs_hresult settle();
    // The create's (or an info query's) result reader: pid and pipes come with the result.
    // `recover`: the create's own reader, which recovers a broken result (below).
    HRESULT read_start(HCS_OPERATION operation, PWSTR* document, bool recover) noexcept;
    // The create's result could not be read although the process may exist (HCS can break
    // the result of a create that completed synchronously: hcsshim internal/hcs/v2/system.go):
    // a second chance through HcsGetProcessInfo.
    HRESULT recover_start(HCS_OPERATION operation, HRESULT failure) noexcept;

    const backend::table& backend_;
    HCS_PROCESS process_ = nullptr;
    std::array<stdio_pipe, 3> pipes_;

    mutable std::mutex mutex_;
    std::optional<std::uint32_t> process_id_;
    enum class creation { pending, succeeded, failed };
    creation creation_ = creation::pending;
    bool doomed_ = false;
    std::mutex close_mutex_;                  // serialises close_stream()
    std::array<bool, 3> hcs_told_closed_{};   // HCS took CloseHandle for the stream (close_mutex_)
    bool termination_started_ = false;
    zlhcs_system owner_ = 0;
    std::atomic<zlhcs_process> handle_{0};
    std::string owner_id_;
    exit_latch exit_;  // before events_, which resolves it on a disconnect
    event_hub events_{event_hub::source_kind::process, exit_};
};

}  // namespace zlhcs::core
