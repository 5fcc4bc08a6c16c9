// A process handle: one HCS_PROCESS, the host ends of its stdio pipes, and its exit status.
//
// The exit status is captured from HCS's process-exited event (HcsSetProcessCallback, which
// zlhcs owns for each of its HCS_PROCESS handles), so it is never lost however late anyone
// asks. HcsCloseProcess, in the destructor, guarantees the event callback is done with this
// object before its members go.
#pragma once

#include "../backend/backend.hpp"
#include "stdio_pipe.hpp"

#include <zlhcs/zlhcs.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace zlhcs::core {

class process_object {
public:
    explicit process_object(const backend::table& backend) : backend_(backend) {}
    ~process_object();
    process_object(const process_object&) = delete;
    process_object& operator=(const process_object&) = delete;

    [[nodiscard]] HCS_PROCESS hcs_process() const noexcept { return process_; }

    /// Takes the HCS handle (closed with this object) and subscribes to its exit event.
    /// Failure: recorded, returned (the handle is still taken).
    zlhcs_hresult adopt(HCS_PROCESS process);

    /// Creation completed: pid and the host ends of the pipes (ownership passes here).
    void started(const HCS_PROCESS_INFORMATION& info);
    /// An opened process: only its pid is known.
    void opened(std::uint32_t process_id);

    /// The pid, or nullopt while creation has not completed.
    [[nodiscard]] std::optional<std::uint32_t> process_id() const;

    /// Records an exit learnt elsewhere (a ProcessStatus document).
    void exited_from_status(const std::string& status_json);

    /// Waits for the exit; fails with `pending_code` if it does not come within timeout_ms.
    zlhcs_hresult wait_exit(std::uint32_t timeout_ms, zlhcs_hresult pending_code,
                            std::uint32_t* out_exit_code);

    [[nodiscard]] stdio_pipe& pipe(zlhcs_stdio_stream stream) noexcept {
        return pipes_[static_cast<std::size_t>(stream)];
    }

    /// The handle is being closed: I/O in flight gives up.
    void abandon() noexcept;

private:
    static void CALLBACK on_event(HCS_EVENT* event, void* context);
    // A process can exit before zlhcs subscribed to its exit event (a fast one, or one that
    // was opened): once subscribed, one status query settles it; later exits arrive as events.
    zlhcs_hresult settle_status();

    const backend::table& backend_;
    HCS_PROCESS process_ = nullptr;
    std::array<stdio_pipe, 3> pipes_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<std::uint32_t> process_id_;
    bool exited_ = false;
    bool settled_ = false;
    bool abandoned_ = false;  // the handle was closed: waits give up
    std::uint32_t exit_code_ = 0;
};

}  // namespace zlhcs::core
