// Processes in compute systems: HcsCreateProcess and the HCS_PROCESS entry points, the
// program threads, exit events and waits.
#include <gsl/gsl>

#include <algorithm>
#include <string_view>

#include "json.h"
#include "entry_point.h"
#include "sim_process.h"
#include "result_strings.h"
#include "security.h"
#include "control.h"
#include "operations.h"
#include "events.h"
#include "processes.h"
#include "system_call.h"

#if !defined(_WIN32)
#include <pthread.h>
#include <csignal>
#endif

namespace hcsim {
namespace {

constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);       // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
constexpr HRESULT hr_file_not_found = HCSIM_HR(0x80070002u);  // HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)
constexpr HRESULT hr_access_denied = HCSIM_HR(0x80070005u);    // E_ACCESSDENIED (ERROR_ACCESS_DENIED)
// The severity-bit forms hcsshim's internal/hcs/v2/errors.go names for calls on a process that
// is gone (ErrVmcomputeOperationInvalidState, ErrComputeSystemDoesNotExist), the codes its
// Process.Signal/Kill (process.go, processSignalResult) expect from HcsSignalProcess and
// HcsTerminateProcess then.
constexpr HRESULT hr_gone_invalid_state = HCSIM_HR(0xC0370105u);     // HCS_E_INVALID_STATE
constexpr HRESULT hr_gone_system_not_found = HCSIM_HR(0xC037010Eu);  // HCS_E_SYSTEM_NOT_FOUND
constexpr uint16_t default_console_width = 80;
constexpr uint16_t default_console_height = 25;

// A create that failed, was cancelled or closed leaves its process Creating: it has failed
// once the create operation is no longer pending (lock held).
Process::Phase effective_phase(const Process& process) {
    if (process.phase != Process::Phase::Creating) return process.phase;
    const auto op = process.create_op.lock();
    if (!op || op->phase == Operation::Phase::Completed) return Process::Phase::Failed;
    return Process::Phase::Creating;
}

u16string status_document(const Process& process) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    const bool exited = process.phase == Process::Phase::Exited;
    doc.AddMember("ProcessId", rapidjson::Value(process.pid), a);
    doc.AddMember("Exited", rapidjson::Value(exited), a);
    if (exited) doc.AddMember("ExitCode", rapidjson::Value(process.exit_code), a);
    doc.AddMember("LastWaitResult", rapidjson::Value(0), a);
    return to_json(doc);
}

// Forgets an exited process nobody holds a handle to (lock held).
void forget_if_done_locked(Process& process) {
    if (process.phase != Process::Phase::Exited || process.open_handles != 0) return;
    if (const auto system = process.system.lock()) {
        const auto it = system->user_processes.find(process.pid);
        if (it != system->user_processes.end() && it->second.get() == &process) {
            system->user_processes.erase(it);
        }
    }
}

void request_stop_locked(Process& process, uint32_t exit_code) {
    if (process.phase != Process::Phase::Running || process.stopping || !process.io) return;
    process.stopping = true;
    process.io->request_stop(exit_code);
}

// The program has ended (lock held): record the exit, release hcsim's handles to the pipes,
// raise the events. Touches only this process's own handles.
void finish_process_locked(State& s, const std::shared_ptr<Process>& process, uint32_t exit_code) {
    process->phase = Process::Phase::Exited;
    process->exit_code = exit_code;
    process->thread_finished = true;
    // The thread's last use of its io was before it took the lock: destroy it now, and leave
    // the list of running programs in O(1) (swap with the last one).
    process->io.reset();
    auto& programs = s.programs;
    if (process->program_slot < programs.size() && programs[process->program_slot] == process) {
        programs[process->program_slot] = std::move(programs.back());
        programs[process->program_slot]->program_slot = process->program_slot;
        programs.pop_back();
    }
    process->kept.reset();  // the caller's (and HcsGetProcessInfo's) handles stay the caller's
    const u16string data = status_document(*process);
    std::vector<PendingEvent> events;
    for (auto& [value, weak] : process->handles) {
        const auto handle = weak.lock();
        if (!handle || !handle->callback_set) continue;
        handle->exit_event_posted = true;
        PendingEvent event;
        event.handle = handle;
        event.type = HcsEventProcessExited;
        event.data = data;
        events.push_back(std::move(event));
    }
    post_events_locked(s, std::move(events));
    forget_if_done_locked(*process);
    s.changed.notify_all();
}

void program_main(std::shared_ptr<Process> process, ProgramIo* io, Program program) {
#if !defined(_WIN32)
    // A write to a pipe whose reader is gone must fail with EPIPE, not kill the caller.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
#endif
    uint32_t exit_code = terminated_exit_code;
    try {
        exit_code = run_program(*io, program);
    } catch (...) {
        exit_code = terminated_exit_code;  // out of memory inside a program
    }
    io->close_program_ends();  // readers see end of stream after everything written
    State& s = state();
    std::lock_guard lock(s.mutex);
    finish_process_locked(s, process, exit_code);
}

// --- documents parsed on the caller's thread ------------------------------------------

struct CreateRequest {
    HRESULT result = S_OK;  // HCS_E_INVALID_JSON / E_INVALIDARG / file not found, reported by the operation
    std::string error;
    std::optional<Program> program;
    bool in = false;
    bool out = false;
    bool err = false;
    bool emulate_console = false;
    uint16_t width = default_console_width;
    uint16_t height = default_console_height;
    u16string parameters;
};

bool optional_bool(const rapidjson::Value& doc, const char* name, bool& out) {
    const auto it = doc.FindMember(name);
    if (it == doc.MemberEnd()) return true;
    if (!it->value.IsBool()) return false;
    out = it->value.GetBool();
    return true;
}

CreateRequest parse_create(PCWSTR text) {
    CreateRequest request;
    ParsedJson parsed = parse_json(text);
    const auto invalid = [&request](std::string why) {
        request.result = HCS_E_INVALID_JSON;
        request.error = std::move(why);
        return std::move(request);
    };
    if (FAILED(parsed.result)) return invalid(parsed.error);
    const auto& doc = *parsed.document;
    if (!doc.IsObject()) return invalid("the process parameters must be a JSON object");
    if (!optional_bool(doc, "CreateStdInPipe", request.in) ||
        !optional_bool(doc, "CreateStdOutPipe", request.out) ||
        !optional_bool(doc, "CreateStdErrPipe", request.err) ||
        !optional_bool(doc, "EmulateConsole", request.emulate_console)) {
        return invalid("CreateStdInPipe, CreateStdOutPipe, CreateStdErrPipe and EmulateConsole must be booleans");
    }
    for (const char* name : {"RestrictedToken", "UseExistingLogin", "UseLegacyConsole"}) {
        bool ignored = false;  // not simulated, but typed by the schema (ProcessParameters)
        if (!optional_bool(doc, name, ignored)) return invalid(std::string(name) + " must be a boolean");
    }
    for (const char* name : {"ApplicationName", "User", "WorkingDirectory"}) {
        const auto it = doc.FindMember(name);
        if (it != doc.MemberEnd() && !it->value.IsString()) return invalid(std::string(name) + " must be a string");
    }
    std::vector<std::string> tokens;
    const auto command_line = doc.FindMember("CommandLine");
    const auto command_args = doc.FindMember("CommandArgs");
    if (command_line != doc.MemberEnd()) {
        if (!command_line->value.IsString()) return invalid("CommandLine must be a string");
        tokens = split_command_line(
            std::string_view(command_line->value.GetString(), command_line->value.GetStringLength()));
    } else if (command_args != doc.MemberEnd()) {
        if (!command_args->value.IsArray()) return invalid("CommandArgs must be an array of strings");
        for (const auto& arg : command_args->value.GetArray()) {
            if (!arg.IsString()) return invalid("CommandArgs must be an array of strings");
            tokens.emplace_back(arg.GetString(), arg.GetStringLength());
        }
    }
    std::vector<std::pair<std::string, std::string>> environment;
    const auto env = doc.FindMember("Environment");
    if (env != doc.MemberEnd()) {
        if (!env->value.IsObject()) return invalid("Environment must be an object of strings");
        for (auto member = env->value.MemberBegin(); member != env->value.MemberEnd(); ++member) {
            if (!member->value.IsString()) return invalid("Environment must be an object of strings");
            environment.emplace_back(std::string(member->name.GetString(), member->name.GetStringLength()),
                                     std::string(member->value.GetString(), member->value.GetStringLength()));
        }
        std::sort(environment.begin(), environment.end());
    }
    const auto console = doc.FindMember("ConsoleSize");
    if (console != doc.MemberEnd()) {
        const auto& v = console->value;
        if (!v.IsArray() || v.Size() != 2 || !v[0].IsUint() || !v[1].IsUint() || v[0].GetUint() > 0xFFFF ||
            v[1].GetUint() > 0xFFFF) {
            return invalid("ConsoleSize must be [height, width] (uint16)");
        }
        request.height = static_cast<uint16_t>(v[0].GetUint());
        request.width = static_cast<uint16_t>(v[1].GetUint());
    }
    request.parameters = to_json(doc);
    if (tokens.empty()) {
        request.result = E_INVALIDARG;
        request.error = "CommandLine is empty";
        return request;
    }
    std::string name;
    request.program = find_program(tokens, name);
    if (!request.program) {
        request.result = hr_file_not_found;
        request.error = "The system cannot find the file specified: " + name;
        return request;
    }
    request.program->environment = std::move(environment);
    const auto cwd = doc.FindMember("WorkingDirectory");
    if (cwd != doc.MemberEnd()) {
        request.program->working_directory.assign(cwd->value.GetString(), cwd->value.GetStringLength());
    }
    return request;
}

struct SignalRequest {
    HRESULT result = S_OK;
    std::string error;
};

SignalRequest parse_signal(PCWSTR text) {
    SignalRequest request;
    if (is_blank(text)) return request;  // no options: CtrlC
    ParsedJson parsed = parse_json(text);
    if (FAILED(parsed.result)) return {parsed.result, parsed.error};
    const auto& doc = *parsed.document;
    if (!doc.IsObject()) return {HCS_E_INVALID_JSON, "the signal options must be a JSON object"};
    const auto signal = doc.FindMember("Signal");
    if (signal == doc.MemberEnd()) return request;
    if (!signal->value.IsString()) return {HCS_E_INVALID_JSON, "Signal must be a string"};
    const std::string_view name(signal->value.GetString(), signal->value.GetStringLength());
    for (const char* known : {"CtrlC", "CtrlBreak", "CtrlClose", "CtrlLogOff", "CtrlShutdown"}) {
        if (name == known) return request;
    }
    return {E_INVALIDARG, "Unknown signal: " + std::string(name)};
}

struct ModifyRequest {
    HRESULT result = S_OK;
    std::string error;
    bool console = false;
    uint16_t width = 0;
    uint16_t height = 0;
    bool close_in = false;
    bool close_out = false;
    bool close_err = false;
};

ModifyRequest parse_modify(PCWSTR text) {
    ModifyRequest request;
    const auto invalid = [&request](std::string why) {
        request.result = HCS_E_INVALID_JSON;
        request.error = std::move(why);
        return request;
    };
    ParsedJson parsed = parse_json(text);
    if (FAILED(parsed.result)) return invalid(parsed.error);
    const auto& doc = *parsed.document;
    if (!doc.IsObject()) return invalid("the request must be a JSON object");
    const auto operation = doc.FindMember("Operation");
    if (operation == doc.MemberEnd() || !operation->value.IsString()) {
        return invalid("Operation (ConsoleSize or CloseHandle) is required");
    }
    const std::string_view kind(operation->value.GetString(), operation->value.GetStringLength());
    if (kind == "ConsoleSize") {
        const auto size = doc.FindMember("ConsoleSize");
        if (size == doc.MemberEnd() || !size->value.IsObject()) return invalid("ConsoleSize is required");
        const auto height = size->value.FindMember("Height");
        const auto width = size->value.FindMember("Width");
        if (height == size->value.MemberEnd() || width == size->value.MemberEnd() || !height->value.IsUint() ||
            !width->value.IsUint() || height->value.GetUint() > 0xFFFF || width->value.GetUint() > 0xFFFF) {
            return invalid("ConsoleSize needs Height and Width (uint16)");
        }
        request.console = true;
        request.height = static_cast<uint16_t>(height->value.GetUint());
        request.width = static_cast<uint16_t>(width->value.GetUint());
        return request;
    }
    if (kind == "CloseHandle") {
        const auto close = doc.FindMember("CloseHandle");
        if (close == doc.MemberEnd() || !close->value.IsObject()) return invalid("CloseHandle is required");
        const auto handle = close->value.FindMember("Handle");
        if (handle == close->value.MemberEnd() || !handle->value.IsString()) {
            return invalid("CloseHandle needs Handle (StdIn, StdOut, StdErr or All)");
        }
        const std::string_view which(handle->value.GetString(), handle->value.GetStringLength());
        request.close_in = which == "StdIn" || which == "All";
        request.close_out = which == "StdOut" || which == "All";
        request.close_err = which == "StdErr" || which == "All";
        if (!request.close_in && !request.close_out && !request.close_err) {
            return invalid("Handle must be StdIn, StdOut, StdErr or All");
        }
        return request;
    }
    return invalid("Operation must be ConsoleSize or CloseHandle");
}

// An optional options/query document: absent, or a JSON object.
std::pair<HRESULT, std::string> check_optional_object(PCWSTR text) {
    if (is_blank(text)) return {S_OK, {}};
    ParsedJson parsed = parse_json(text);
    if (FAILED(parsed.result)) return {parsed.result, parsed.error};
    if (!parsed.document->IsObject()) return {HCS_E_INVALID_JSON, "the document must be a JSON object"};
    return {S_OK, {}};
}

// --- the front half of the process entry points ----------------------------------------

using ProcessCall = HandleCall<ProcessHandle>;

HRESULT begin_process_call_locked(State& s, const char* function, HCS_PROCESS process,
                                  HCS_OPERATION operation, ProcessCall& call) {
    if (process == nullptr || operation == nullptr) {
        record_bad_handle_locked(s, function, process == nullptr ? "HCS_PROCESS" : "HCS_OPERATION", 0);
        return E_INVALIDARG;
    }
    return begin_handle_call_locked(s, function, find_process_handle(s, process, function), operation, call);
}

void launch_process_locked(State& s, const char* function, ProcessCall& call, HCS_OPERATION_TYPE type,
                           Work work) {
    if (call.async_fault) {
        work = [hr = call.async_fault->failure, function](State&) {
            return failure(hr, "(injected failure)", function);
        };
    }
    start_operation_locked(s, call.op, function, type, 0, std::move(work));
    call.op->process = call.handle->value;
}

// The process of a call, checked at completion: it must exist (else ERROR_NOT_FOUND) and, if
// `running`, not have exited (HCS_E_PROCESS_ALREADY_STOPPED).
std::optional<Outcome> check_process_locked(const Process& process, bool running, const char* function) {
    switch (effective_phase(process)) {
    case Process::Phase::Creating:
    case Process::Phase::Failed:
        return failure(hr_not_found, "The process does not exist.", function);
    case Process::Phase::Exited:
        if (running) return failure(HCS_E_PROCESS_ALREADY_STOPPED, "The process has exited.", function);
        break;
    case Process::Phase::Running: break;
    }
    return std::nullopt;
}

// The process's compute system has stopped (or is gone): its processes are being ended.
bool system_gone_locked(const Process& process) {
    const auto system = process.system.lock();
    return !system || !system->registered || system->state == SystemState::Stopped;
}

// A handle to no process (failed, cancelled or closed create): ERROR_NOT_FOUND.
std::optional<Outcome> check_exists_locked(const Process& process, const char* function) {
    const auto phase = effective_phase(process);
    if (phase == Process::Phase::Creating || phase == Process::Phase::Failed) {
        return failure(hr_not_found, "The process does not exist.", function);
    }
    return std::nullopt;
}

template <typename Body>
HRESULT process_call(const char* function, HCS_PROCESS process, HCS_OPERATION operation,
                     HCS_OPERATION_TYPE type, Body body) {
    State& s = state();
    OperationCallLock lock(s);
    ProcessCall call;
    const HRESULT hr = begin_process_call_locked(s, function, process, operation, call);
    if (FAILED(hr)) return hr;
    launch_process_locked(s, function, call, type,
                          [target = call.handle->process, body = std::move(body)](State& st) {
                              return body(st, target);
                          });
    return S_OK;
}

}  // namespace

void end_processes_locked(State& s, System& system) {
    (void)s;
    for (auto& [pid, process] : system.user_processes) request_stop_locked(*process, terminated_exit_code);
}

void reset_processes(State& s, std::unique_lock<std::mutex>& lock) {
    for (auto& process : s.programs) request_stop_locked(*process, terminated_exit_code);
    // A program leaves the list when its thread has finished with everything shared.
    s.changed.wait(lock, [&s] { return s.programs.empty(); });
    for (auto& [key, system] : s.registry) system->user_processes.clear();
    for (auto& [value, handle] : s.system_handles) handle->system->user_processes.clear();
}

}  // namespace hcsim

using namespace hcsim;

extern "C" {

HRESULT WINAPI HcsCreateProcess(HCS_SYSTEM computeSystem, PCWSTR processParameters,
                                HCS_OPERATION operation,
                                const SECURITY_DESCRIPTOR* securityDescriptor,
                                HCS_PROCESS* process) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsCreateProcess";
        if (process != nullptr) *process = nullptr;
        if (computeSystem == nullptr || operation == nullptr || processParameters == nullptr) {
            if (computeSystem == nullptr) record_null_handle("HcsCreateProcess", "HCS_SYSTEM");
            if (operation == nullptr) record_null_handle("HcsCreateProcess", "HCS_OPERATION");
            return E_INVALIDARG;
        }
        if (process == nullptr) return E_POINTER;
        SecurityDescriptorCopy descriptor;
        if (const HRESULT hr = capture_security_descriptor(securityDescriptor, descriptor); FAILED(hr)) return hr;
        CreateRequest request = parse_create(processParameters);

        State& s = state();
        OperationCallLock lock(s);
        // Reference/HcsCreateProcess.md: "Reserved for future use, must be NULL", read strictly.
        if (behaves(s, HCSIM_BEHAVIOR_SECURITY_RESERVED) && securityDescriptor != nullptr) return E_INVALIDARG;
        SystemCall call;
        const HRESULT hr = begin_system_call_locked(s, function, computeSystem, operation, call);
        if (FAILED(hr)) return hr;

        auto created = std::make_shared<Process>();
        created->ignores_signals = request.program && request.program->kind == ProgramKind::IgnoreSignals;
        created->parameters = request.parameters;
        created->security_descriptor = descriptor;
        auto handle = std::make_shared<ProcessHandle>();
        handle->value = s.new_handle_value();
        handle->process = created;
        created->open_handles = 1;
        created->handles.emplace(handle->value, handle);
        s.process_handles.emplace(handle->value, handle);

        launch_locked(s, function, call, HcsOperationTypeCreateProcess,
                      [system_handle = call.handle, created, request = std::move(request)](State& st) -> Outcome {
                          System& system = *system_handle->system;
                          if (!system.registered) return failure(HCS_E_SYSTEM_NOT_FOUND, "", function);
                          if (request.result == HCS_E_INVALID_JSON) return failure(request.result, request.error, function);
                          if (system.state == SystemState::Stopped) {
                              return failure(HCS_E_SYSTEM_ALREADY_STOPPED, "The compute system has stopped.", function);
                          }
                          if (system.state != SystemState::Running) {
                              return failure(HCS_E_INVALID_STATE,
                                             std::string("The compute system is ") + state_name(system.state) + ".",
                                             function);
                          }
                          if (FAILED(request.result)) return failure(request.result, request.error, function);
                          auto ends = std::make_shared<CallerEnds>();
                          HRESULT error = E_OUTOFMEMORY;
                          auto io = ProgramIo::create(request.in, request.out, request.err, request.emulate_console,
                                                      request.width, request.height,
                                                      (st.behavior & HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO) != 0, *ends,
                                                      &error);
                          if (!io) return failure(error, "The process's pipes could not be created.", function);
                          // hcsim keeps handles to the caller's ends while the process runs, to
                          // hand out new ones from HcsGetProcessInfo.
                          auto kept = std::make_unique<CallerEnds>();
                          if (!ends->duplicate_into(*kept, &error)) {
                              return failure(error, "The process's pipes could not be duplicated.", function);
                          }
                          ProgramIo* const program_io = io.get();
                          created->io = std::move(io);
                          created->kept = std::move(kept);
                          created->pid = system.next_process_pid;
                          created->system = system_handle->system;
                          try {
                              // Detached: a program thread is done with everything shared once it
                              // has set thread_finished (under the lock), and HcsimReset waits for
                              // that flag; a finished thread left unjoined at process exit would be
                              // a leak to ThreadSanitizer.
                              std::thread(program_main, created, program_io, *request.program).detach();
                          } catch (const std::system_error&) {
                              created->io.reset();
                              created->kept.reset();
                              return failure(E_OUTOFMEMORY, "The process's thread could not be started.", function);
                          }
                          system.next_process_pid += 4;
                          created->phase = Process::Phase::Running;
                          created->created_wall = sim_clock().wall_now();  // ProcessList CreateTimestamp
                          system.user_processes[created->pid] = created;
                          created->program_slot = st.programs.size();
                          st.programs.push_back(created);
                          Outcome outcome;
                          outcome.process_id = created->pid;
                          outcome.process_ends = std::move(ends);
                          return outcome;
                      });
        call.op->process = handle->value;
        created->create_op = call.op;
        *process = reinterpret_cast<HCS_PROCESS>(handle->value);
        return S_OK;
    });
}

HRESULT WINAPI HcsOpenProcess(HCS_SYSTEM computeSystem, DWORD processId, DWORD requestedAccess,
                              HCS_PROCESS* process) {
    (void)requestedAccess;  // access control is not simulated
    if (process != nullptr) *process = nullptr;
    if (computeSystem != nullptr && process == nullptr) return E_POINTER;  // after a NULL system
    return on_system("HcsOpenProcess", computeSystem, Reaches::Service,
                     [&](State& s, auto&, const std::shared_ptr<SystemHandle>& system_handle) -> HRESULT {
        System& system = *system_handle->system;
        if (!system.registered && system.state != SystemState::Stopped) return HCS_E_SYSTEM_NOT_FOUND;
        const auto it = system.user_processes.find(processId);
        if (it == system.user_processes.end()) return hr_not_found;
        auto handle = std::make_shared<ProcessHandle>();
        handle->value = s.new_handle_value();
        handle->process = it->second;
        ++it->second->open_handles;
        it->second->handles.emplace(handle->value, handle);
        s.process_handles.emplace(handle->value, handle);
        *process = reinterpret_cast<HCS_PROCESS>(handle->value);
        return S_OK;
    });
}

void WINAPI HcsCloseProcess(HCS_PROCESS process) {
    void_entry_point([&] {
        State& s = state();
        std::unique_lock lock(s.mutex);
        const auto handle = find_process_handle(s, process, "HcsCloseProcess");
        if (!handle) return;
        s.process_handles.erase(handle->value);
        handle->closed = true;
        Process& target = *handle->process;
        Expects(target.open_handles > 0);
        --target.open_handles;
        target.handles.erase(handle->value);
        forget_if_done_locked(target);  // never ends the process
        s.changed.notify_all();         // HcsWaitForProcessExit on this handle returns E_HANDLE
        // No event callback after close returns (unless close is called from inside one).
        const auto self = std::this_thread::get_id();
        handle->gate.closed_by = self;
        (void)wait_for_state(s, lock, INFINITE, [&] { return !handle->gate.busy_elsewhere(self); });
    });
}

HRESULT WINAPI HcsTerminateProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsTerminateProcess";
        // Reference/HcsTerminateProcess.md: options "Reserved for future use. Must be NULL."
        // hcsshim (internal/hcs/v2/process.go, Kill) passes "", so an empty string is accepted too.
        const bool options_given = options != nullptr && options[0] != 0;
        return process_call(function, process, operation, HcsOperationTypeSignalProcess,
                            [options_given](State&, const std::shared_ptr<Process>& target) -> Outcome {
                                if (options_given) {
                                    return failure(E_INVALIDARG, "The terminate options must be NULL.", function);
                                }
                                if (auto problem = check_exists_locked(*target, function)) return *problem;
                                if (system_gone_locked(*target)) {
                                    return failure(hr_gone_system_not_found, "The compute system has stopped.", function);
                                }
                                if (target->phase == Process::Phase::Exited) {
                                    // TerminateProcess on an ended process: ERROR_ACCESS_DENIED
                                    // (hcsshim process.go, Kill's comment).
                                    return failure(hr_access_denied, "Access is denied: the process has exited.",
                                                   function);
                                }
                                if (target->terminate_requested) {
                                    // A repeat before the exit (hcsshim process.go, Kill's comment).
                                    return failure(HCS_E_PROCESS_ALREADY_STOPPED, "The process is being terminated.",
                                                   function);
                                }
                                // Completes once the termination is requested; the exit comes later
                                // (hcsshim process.go: Kill "does not wait for it to finish").
                                target->terminate_requested = true;
                                request_stop_locked(*target, terminated_exit_code);
                                return Outcome{};
                            });
    });
}

HRESULT WINAPI HcsSignalProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsSignalProcess";
        SignalRequest request = parse_signal(options);
        return process_call(function, process, operation, HcsOperationTypeSignalProcess,
                            [request](State&, const std::shared_ptr<Process>& target) -> Outcome {
                                if (request.result == HCS_E_INVALID_JSON) {
                                    return failure(request.result, request.error, function);
                                }
                                if (auto problem = check_exists_locked(*target, function)) return *problem;
                                // A gone process (hcsshim process.go, processSignalResult: "The
                                // process should be gone, but we have not received the notification").
                                if (system_gone_locked(*target)) {
                                    return failure(hr_gone_system_not_found, "The compute system has stopped.", function);
                                }
                                if (target->phase == Process::Phase::Exited || target->terminate_requested) {
                                    return failure(hr_gone_invalid_state, "The process has exited or is being terminated.",
                                                   function);
                                }
                                if (FAILED(request.result)) return failure(request.result, request.error, function);
                                if (!target->ignores_signals) request_stop_locked(*target, signalled_exit_code);
                                return Outcome{};
                            });
    });
}

HRESULT WINAPI HcsGetProcessInfo(HCS_PROCESS process, HCS_OPERATION operation) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsGetProcessInfo";
        return process_call(function, process, operation, HcsOperationTypeGetProcessInfo,
                            [](State&, const std::shared_ptr<Process>& target) -> Outcome {
                                if (auto problem = check_exists_locked(*target, function)) return *problem;
                                // hcsshim internal/hcs/v2/system.go (createProcess's comment): after
                                // the exit HcsGetProcessInfo fails with HCS_E_PROCESS_ALREADY_STOPPED.
                                if (target->phase == Process::Phase::Exited || system_gone_locked(*target)) {
                                    return failure(HCS_E_PROCESS_ALREADY_STOPPED, "The process has exited.", function);
                                }
                                // New handles to the pipes on every call, owned by whoever takes them
                                // from the operation (hcsshim process.go StdioLegacy: "the
                                // responsibility of the caller to close"; interface.go Stdio: "it
                                // should be possible to call this multiple times").
                                Outcome outcome;
                                if (target->kept) {
                                    auto copy = std::make_shared<CallerEnds>();
                                    HRESULT error = E_OUTOFMEMORY;
                                    if (!target->kept->duplicate_into(*copy, &error)) {
                                        return failure(error, "The process's pipes could not be duplicated.", function);
                                    }
                                    outcome.process_ends = std::move(copy);
                                }
                                outcome.process_id = target->pid;
                                outcome.document = target->parameters;
                                return outcome;
                            });
    });
}

HRESULT WINAPI HcsGetProcessProperties(HCS_PROCESS process, HCS_OPERATION operation,
                                       PCWSTR propertyQuery) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsGetProcessProperties";
        const auto checked = check_optional_object(propertyQuery);
        return process_call(function, process, operation, HcsOperationTypeGetProcessProperties,
                            [checked](State&, const std::shared_ptr<Process>& target) -> Outcome {
                                if (FAILED(checked.first)) return failure(checked.first, checked.second, function);
                                if (auto problem = check_process_locked(*target, false, function)) return *problem;
                                Outcome outcome;
                                outcome.document = status_document(*target);
                                return outcome;
                            });
    });
}

HRESULT WINAPI HcsModifyProcess(HCS_PROCESS process, HCS_OPERATION operation, PCWSTR settings) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsModifyProcess";
        if (settings == nullptr) return E_INVALIDARG;
        ModifyRequest request = parse_modify(settings);
        return process_call(function, process, operation, HcsOperationTypeModifyProcess,
                            [request](State&, const std::shared_ptr<Process>& target) -> Outcome {
                                if (FAILED(request.result)) return failure(request.result, request.error, function);
                                if (auto problem = check_exists_locked(*target, function)) return *problem;
                                if (system_gone_locked(*target)) {
                                    return failure(hr_gone_system_not_found, "The compute system has stopped.", function);
                                }
                                if (auto problem = check_process_locked(*target, true, function)) return *problem;
                                if (!target->io) return Outcome{};
                                if (request.console) target->io->set_console(request.width, request.height);
                                if (request.close_in || request.close_out || request.close_err) {
                                    // hcsim's own handles go too, so the pipe can reach its end.
                                    if (target->kept) target->kept->close(request.close_in, request.close_out, request.close_err);
                                    target->io->request_close(request.close_in, request.close_out, request.close_err);
                                }
                                return Outcome{};
                            });
    });
}

HRESULT WINAPI HcsSetProcessCallback(HCS_PROCESS process, HCS_EVENT_OPTIONS callbackOptions,
                                     void* context, HCS_EVENT_CALLBACK callback) {
    if (process != nullptr) {
        // Argument checks before the handle is looked at; a NULL process is recorded first.
        if (callback == nullptr) return E_INVALIDARG;
        if ((option_bits(callbackOptions) & ~static_cast<unsigned>(HcsEventOptionEnableOperationCallbacks)) != 0) {
            return E_INVALIDARG;
        }
    }
    return on_process("HcsSetProcessCallback", process,
                      [&](State& s, auto&, const std::shared_ptr<ProcessHandle>& handle) -> HRESULT {
        if (handle->callback_set) return HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
        handle->callback_set = true;
        handle->options = callbackOptions;
        handle->context = context;
        handle->callback = callback;
        if (handle->process->phase == Process::Phase::Exited && !handle->exit_event_posted) {
            // Registered after the exit (which may come before the caller gets here): the
            // callback still receives the exit event, once.
            handle->exit_event_posted = true;
            PendingEvent event;
            event.handle = handle;
            event.type = HcsEventProcessExited;
            event.data = status_document(*handle->process);
            std::vector<PendingEvent> events;
            events.push_back(std::move(event));
            post_events_locked(s, std::move(events));
        }
        return S_OK;
    });
}

HRESULT WINAPI HcsWaitForProcessExit(HCS_PROCESS process, DWORD timeoutMs, PWSTR* result) {
    if (result != nullptr) *result = nullptr;
    return on_process("HcsWaitForProcessExit", process,
                      [&](State& s, std::unique_lock<std::mutex>& lock,
                          const std::shared_ptr<ProcessHandle>& handle) -> HRESULT {
        const auto target = handle->process;
        const auto done = [&] {
            const auto phase = effective_phase(*target);
            return phase == Process::Phase::Exited || phase == Process::Phase::Failed || s.disconnected ||
                   handle->closed;
        };
        if (!wait_for_state(s, lock, timeoutMs, done)) return HCS_E_OPERATION_TIMEOUT;
        if (handle->closed) return E_HANDLE;  // HcsCloseProcess on another thread ended the wait
        switch (effective_phase(*target)) {
        case Process::Phase::Exited:
            if (!store_result_string(result, status_document(*target))) return HCS_E_OPERATION_RESULT_ALLOCATION_FAILED;
            return S_OK;
        case Process::Phase::Failed: return hr_not_found;
        default: return HCS_E_SERVICE_DISCONNECT;
        }
    });
}

}  // extern "C"
