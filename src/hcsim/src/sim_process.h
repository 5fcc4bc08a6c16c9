// A process created by HcsCreateProcess: its state (lock held) and its program thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "program_io.h"
#include "programs.h"
#include "objects.h"

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
    bool terminate_requested = false;    // HcsTerminateProcess succeeded (the exit may still be due)
    std::weak_ptr<Operation> create_op;  // while Creating: the create operation
    std::optional<u16string> parameters;  // the ProcessParameters document, as HcsGetProcessInfo's result
    SecurityDescriptorCopy security_descriptor;  // HcsCreateProcess's (HcsimGetProcessSecurity)

    // The program's pipes, used by its (detached) thread. `io` is set before the thread starts
    // and destroyed when `thread_finished` is set (lock held), after the thread's last use of it.
    std::unique_ptr<ProgramIo> io;
    bool thread_finished = false;
    std::size_t program_slot = 0;  // its index in State::programs while its thread runs

    // When the process started running (set by its create operation): ProcessList's
    // CreateTimestamp.
    wall::time_point created_wall{};

    // hcsim's own handles to the caller's pipe ends while the process runs (HCS keeps its
    // pipes: HcsGetProcessInfo hands out new handles to them on every call). They keep the
    // pipes open: stdin reaches its end only once these are closed too (CloseHandle StdIn or
    // the exit), and a reader closing its stdout end does not break the pipe. Closed at exit.
    std::unique_ptr<CallerEnds> kept;

    // The open handles to this process, by handle value (what its exit event goes to).
    std::unordered_map<uintptr_t, std::weak_ptr<ProcessHandle>> handles;
};

}  // namespace hcsim
