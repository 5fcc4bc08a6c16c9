#include "process.hpp"

#include "calls.hpp"
#include "errors.hpp"
#include "strings.hpp"

#include "hcs_document.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace zlhcs::core {
namespace {

stdio_pipe::native_handle to_native(HANDLE handle) {
#ifdef _WIN32
    return handle;
#else
    return static_cast<int>(reinterpret_cast<std::intptr_t>(handle));
#endif
}

constexpr const char* stream_names[] = {"stdin", "stdout", "stderr"};
// ProcessModifyRequest CloseHandle.Handle (SchemaReference.md: StdHandle StdIn/StdOut/StdErr).
constexpr const char* close_requests[] = {
    R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})",
    R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdOut"}})",
    R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdErr"}})",
};
// Why a created process's stream is "none".
constexpr const char* not_requested[] = {
    "ProcessParameters did not set CreateStdInPipe",
    "ProcessParameters did not set CreateStdOutPipe",
    "ProcessParameters did not set CreateStdErrPipe, or set EmulateConsole, which sends stderr to stdout",
};
constexpr const char* lost_reason =
    "HCS lost this process's stdio: its create completed with an unreadable result and the process exited "
    "before HcsGetProcessInfo could hand out its pipes; its exit status is kept";

}  // namespace

bool is_gone_process_code(zlhcs_hresult code) noexcept {
    switch (normalize_hcs_code(code)) {
    case ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED:
    case ZLHCS_HCS_E_INVALID_STATE:
    case ZLHCS_HCS_E_SYSTEM_NOT_FOUND:
    case ZLHCS_HR(0x80070005u):  // E_ACCESSDENIED (TerminateProcess after the exit)
    case ZLHCS_WIN32_E_NOT_FOUND:
        return true;
    default:
        return false;
    }
}

bool process_object::is_gone(zlhcs_hresult code) {
    if (!is_gone_process_code(code)) return false;
    switch (normalize_hcs_code(code)) {
    case ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED:
    case ZLHCS_HCS_E_SYSTEM_NOT_FOUND:
    case ZLHCS_WIN32_E_NOT_FOUND:
        return true;
    default:
        break;
    }
    if (has_exited()) return true;
    const last_error_scope keep;
    return wait_exit(0, ZLHCS_HCS_E_OPERATION_PENDING, nullptr) == ZLHCS_S_OK;
}

process_object::process_object(const backend::table& backend) : backend_(backend) {
    for (std::size_t i = 0; i < pipes_.size(); ++i) pipes_[i].set_name(stream_names[i]);
}

process_object::~process_object() {
    abandon();
    // After HcsCloseProcess returns, HCS calls on_event no more.
    if (process_ != nullptr && backend_.HcsCloseProcess != nullptr) backend_.HcsCloseProcess(process_);
}

zlhcs_hresult process_object::adopt(HCS_PROCESS process) {
    {
        std::lock_guard lock(mutex_);
        process_ = process;
    }
    terminate_if_doomed();  // a creation that already failed
    if (const zlhcs_hresult hr = require(backend_.HcsSetProcessCallback, "HcsSetProcessCallback"); hr < 0) {
        return hr;
    }
    const HRESULT hr = backend_.HcsSetProcessCallback(process_, HcsEventOptionNone, this, &process_object::on_event);
    if (hr < 0) return fail_hcs(hr, "HcsSetProcessCallback", {});
    exit_.set_settle(exit_latch::settle_policy::blocks_waits, [weak = weak_from_this()]() -> zlhcs_hresult {
        auto self = weak.lock();
        return self != nullptr ? self->settle() : ZLHCS_E_INVALID_HANDLE;
    });
    return ZLHCS_S_OK;
}

void process_object::set_owner(zlhcs_system system, std::string system_id) {
    owner_ = system;
    owner_id_ = std::move(system_id);
}

void process_object::set_handle(zlhcs_process handle) {
    handle_.store(handle);
    events_.set_source(handle, owner_, owner_id_);
    if (const auto pid = process_id()) events_.set_process_id(*pid);
}

zlhcs_hresult process_object::settle() {
    if (const zlhcs_hresult hr = require(backend_.HcsGetProcessProperties, "HcsGetProcessProperties"); hr < 0) {
        return hr;
    }
    // Not run_sync: the latch's waits end at once when the handle is closed, while HCS may
    // still work on the query. The operation keeps this object (and its HCS handle) alive
    // until HCS has completed it; the hook holds it weakly.
    operation_spec spec;
    spec.function = "HcsGetProcessProperties";
    spec.keep_alive = shared_from_this();
    spec.on_complete = [weak = weak_from_this()](zlhcs_hresult result, const std::string& status) {
        auto self = weak.lock();
        if (self == nullptr) return;
        if (result >= 0) self->exited_from_status(status);
        self->exit_.settled(result, "HcsGetProcessProperties", status);
    };
    return fire_and_forget(backend_, std::move(spec), [this](HCS_OPERATION operation) {
        return backend_.HcsGetProcessProperties(process_, operation, nullptr);
    });
}

operation_object::result_reader process_object::creation_reader() {
    return [self = shared_from_this()](HCS_OPERATION operation, PWSTR* document) {
        return self->read_start(operation, document, true);
    };
}

HRESULT process_object::read_start(HCS_OPERATION operation, PWSTR* document, bool recover) noexcept {
    if (backend_.HcsGetOperationResultAndProcessInfo == nullptr) {
        return backend_.HcsGetOperationResult(operation, document);
    }
    HCS_PROCESS_INFORMATION info{};
    const HRESULT result = backend_.HcsGetOperationResultAndProcessInfo(operation, &info, document);
    if (result >= 0) {
        started(info);  // takes ownership of the pipes
        return result;
    }
    if (!recover) return result;
    const HRESULT recovered = recover_start(operation, result);
    if (recovered >= 0) {
        backend_.free_string(std::exchange(*document, nullptr));
        return recovered;
    }
    creation_failed();  // a create that failed leaves nothing running, whatever HCS made of it
    return result;
}

HRESULT process_object::recover_start(HCS_OPERATION operation, HRESULT failure) noexcept {
    HCS_PROCESS process = hcs_process();
    // Completed inside HcsCreateProcess: the HCS_PROCESS is not in our hands yet, but the
    // operation knows it (and keeps it open: the create call has not returned).
    if (process == nullptr && backend_.HcsGetProcessFromOperation != nullptr) {
        process = backend_.HcsGetProcessFromOperation(operation);
    }
    if (process == nullptr || backend_.HcsGetProcessInfo == nullptr) return failure;
    // Waits inside HCS's completion callback: hcsim grows its worker pool for that, and the
    // recovery runs only on this rare failure path. The info query delivers pid and pipes
    // here too, but does not recover its own result in turn.
    const last_error_scope keep;  // whoever is told of the create hears of it, not of this
    operation_spec spec;
    spec.function = "HcsGetProcessInfo";
    spec.read_result = [self = shared_from_this()](HCS_OPERATION query, PWSTR* document) {
        return self->read_start(query, document, false);
    };
    started_operation info;
    if (start_operation(backend_, std::move(spec), [&](HCS_OPERATION query) {
            return backend_.HcsGetProcessInfo(process, query);
        }, info) < 0) {
        return failure;
    }
    const zlhcs_hresult recovered = finish_sync(*info.object, ZLHCS_INFINITE, nullptr);
    if (recovered >= 0) return recovered;
    // HcsGetProcessInfo fails once the process has exited (hcsshim system.go: re-fetching
    // "races a short-lived process exit"): it did run. Its pipes are gone for good, its
    // exit status is not: the create succeeded, without stdio.
    if (normalize_hcs_code(recovered) != ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED ||
        backend_.HcsGetProcessProperties == nullptr) {
        return failure;
    }
    char* status = nullptr;
    const zlhcs_hresult queried =
        run_sync(backend_, "HcsGetProcessProperties", nullptr, ZLHCS_INFINITE, &status,
                 [&](HCS_OPERATION query) { return backend_.HcsGetProcessProperties(process, query, nullptr); });
    const std::string text = status != nullptr ? status : "";
    free_from_caller(status);
    if (queried < 0) return failure;
    started_after_exit(text);
    return ZLHCS_S_OK;
}

void CALLBACK process_object::on_event(HCS_EVENT* event, void* context) noexcept {
    if (event == nullptr || context == nullptr) return;
    auto* self = static_cast<process_object*>(context);
    std::uint32_t type = 0;
    std::memcpy(&type, &event->Type, sizeof type);  // any value HCS sends, not only the enum's
    if (type == static_cast<std::uint32_t>(HcsEventProcessExited)) {
        self->exited_from_status(from_wide(event->EventData));
    }
    self->events_.on_hcs_event(type, event->EventData);
}

void process_object::started(const HCS_PROCESS_INFORMATION& info) {
    const HANDLE handles[] = {info.StdInput, info.StdOutput, info.StdError};
    for (std::size_t i = 0; i < 3; ++i) {
        if (handles[i] != nullptr) {
            pipes_[i].adopt(to_native(handles[i]), i == 0);  // 0: stdin
        } else {
            pipes_[i].set_none_reason(not_requested[i]);
        }
    }
    {
        std::lock_guard lock(mutex_);
        process_id_ = info.ProcessId;
        creation_ = creation::succeeded;
    }
    events_.set_process_id(info.ProcessId);
    terminate_if_doomed();
}

void process_object::started_after_exit(const std::string& status_json) {
    const std::uint32_t pid = hcs_document(status_json).uint32("ProcessId").value_or(0);
    for (auto& pipe : pipes_) pipe.set_none_reason(lost_reason);
    {
        std::lock_guard lock(mutex_);
        process_id_ = pid;
        creation_ = creation::succeeded;
    }
    events_.set_process_id(pid);
    exited_from_status(status_json);
}

void process_object::creation_failed() {
    {
        std::lock_guard lock(mutex_);
        if (creation_ == creation::succeeded) return;  // recovered meanwhile
        creation_ = creation::failed;
        for (auto& pipe : pipes_) pipe.set_none_reason("the process's creation failed: it never ran");
        doomed_ = true;  // if HCS did start something, it must not run on unseen
    }
    terminate_if_doomed();
}

void process_object::doom() {
    {
        std::lock_guard lock(mutex_);
        doomed_ = true;
    }
    terminate_if_doomed();
}

void process_object::terminate_if_doomed() noexcept {
    HCS_PROCESS process = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (!doomed_ || termination_started_ || process_ == nullptr || creation_ == creation::pending) return;
        termination_started_ = true;
        process = process_;
    }
    if (backend_.HcsTerminateProcess == nullptr) return;
    // Fire and forget, like hcsshim's Kill: the operation keeps this object (and the HCS
    // handle) alive until it completes; its result (already stopped, not found...) is moot.
    const last_error_scope keep;  // the caller is told why the create failed, not of this
    operation_spec spec;
    spec.function = "HcsTerminateProcess";
    spec.keep_alive = shared_from_this();  // always owned: every process_object is made by make_shared
    (void)fire_and_forget(backend_, std::move(spec), [&](HCS_OPERATION operation) {
        return backend_.HcsTerminateProcess(process, operation, nullptr);
    });
}

void process_object::opened(std::uint32_t process_id) {
    for (auto& pipe : pipes_) {
        pipe.set_none_reason("an opened process has no stdio: only the creator of a process gets its pipes");
    }
    {
        std::lock_guard lock(mutex_);
        process_id_ = process_id;
    }
    events_.set_process_id(process_id);
}

std::optional<std::uint32_t> process_object::process_id() const {
    std::lock_guard lock(mutex_);
    return process_id_;
}

void process_object::exited_from_status(const std::string& status_json) {
    const hcs_document status(status_json);
    if (status.boolean("Exited") != true) return;
    exit_.record_exit(status_json, status.uint32("ExitCode").value_or(0));
}

zlhcs_hresult process_object::wait_exit(std::uint32_t timeout_ms, zlhcs_hresult pending_code,
                                        std::uint32_t* out_exit_code) {
    exit_latch::status status;
    const zlhcs_hresult hr = exit_.wait(timeout_ms, pending_code, "process", "", status);
    if (hr >= 0 && out_exit_code != nullptr) *out_exit_code = status.exit_code;
    return hr;
}

zlhcs_hresult process_object::close_stream(zlhcs_stdio_stream stream) {
    const auto index = static_cast<std::size_t>(stream);
    stdio_pipe& pipe = pipes_[index];
    const std::lock_guard serial(close_mutex_);
    const stdio_pipe::state before = pipe.close();
    bool tell = false;
    switch (before) {
    case stdio_pipe::state::none:
        return pipe.not_open(before);
    case stdio_pipe::state::open:
        tell = true;
        break;
    case stdio_pipe::state::closed:
        tell = true;  // asks again only if HCS refused the first time (below)
        break;
    case stdio_pipe::state::detached:
        // The caller owns the OS handle. For stdin, closing it alone would not end the
        // process's stdin (HCS keeps handles of its own), so HCS is still told; a detached
        // stdout/stderr is the caller's to read, and HCS's end of it stays open.
        tell = stream == ZLHCS_STDIN;
        break;
    }
    const zlhcs_hresult done = before == stdio_pipe::state::open ? ZLHCS_S_OK : ZLHCS_S_FALSE;
    if (!tell || hcs_told_closed_[index]) return done;
    const HCS_PROCESS process = hcs_process();
    {
        // HCS closed the pipes with the process ("HcsModifyProcess request to close stdin will
        // fail if the process has already exited", hcsshim CloseStdin): nothing to tell.
        if (has_exited() || process == nullptr) {
            hcs_told_closed_[index] = true;
            return done;
        }
    }
    if (const zlhcs_hresult hr = require(backend_.HcsModifyProcess, "HcsModifyProcess"); hr < 0) return hr;
    wide_argument request;
    if (const zlhcs_hresult hr = to_wide(close_requests[index], "request", true, request); hr < 0) return hr;
    const zlhcs_hresult hr = run_sync(backend_, "HcsModifyProcess", shared_from_this(), ZLHCS_INFINITE, nullptr,
                                      [&](HCS_OPERATION operation) {
                                          return backend_.HcsModifyProcess(process, operation, request.c_str());
                                      });
    if (hr < 0 && (has_exited() || is_gone_process_code(hr))) {
        // It exited meanwhile: its pipes closed with it.
        clear_last_error();
        hcs_told_closed_[index] = true;
        return done;
    }
    if (hr < 0) return hr;  // zlhcs's end is closed; a later close asks HCS again
    hcs_told_closed_[index] = true;
    return ZLHCS_S_OK;
}

void process_object::abandon() noexcept {
    for (auto& pipe : pipes_) pipe.abandon();
    exit_.close();
    events_.close();
}

}  // namespace zlhcs::core
