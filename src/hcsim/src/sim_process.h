// A process created by HcsCreateProcess: its state (lock held) and its program thread.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "program_io.h"
#include "programs.h"
#include "state.h"

namespace hcsim {

struct Process {
    enum class Phase { Creating, Running, Exited, Failed };
    Phase phase = Phase::Creating;
    uint32_t pid = 0;
    std::weak_ptr<System> system;
    uint32_t open_handles = 0;
    uint32_t exit_code = 0;
    bool ignores_signals = false;
    bool stopping = false;               // a stop was requested (terminate, signal, system stop)
    std::weak_ptr<Operation> create_op;  // while Creating: the create operation
    std::optional<u16string> parameters;  // the ProcessParameters document, as HcsGetProcessInfo's result

    // The program's pipes, used by its (detached) thread. `io` is set before the thread starts
    // and destroyed once `thread_finished` is set (lock held), the thread's last use of it.
    std::unique_ptr<ProgramIo> io;
    bool thread_finished = false;

    // HcsTerminateProcess operations completing when the process has exited.
    std::vector<std::shared_ptr<Operation>> exit_waiters;

    // When the process started running (set by its create operation): ProcessList's
    // CreateTimestamp.
    wall::time_point created_wall{};
};

}  // namespace hcsim
