#include "system.hpp"

#include "calls.hpp"
#include "debug_counts.hpp"
#include "errors.hpp"
#include "strings.hpp"

#include "hcs_document.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>

namespace zlhcs::core {
namespace {

constexpr std::uint32_t hcs_system_exited = HcsEventSystemExited;

bool reports_stopped(const std::string& properties) {
    return hcs_document(properties).string("State") == "Stopped";
}

}  // namespace

bool is_gone_system_code(zlhcs_hresult code) noexcept {
    const zlhcs_hresult normalized = normalize_hcs_code(code);
    return normalized == ZLHCS_HCS_E_SYSTEM_NOT_FOUND || normalized == ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED;
}

system_object::system_object(const backend::table& backend, HCS_SYSTEM system, std::string id, bool opened)
    : backend_(backend), system_(system), id_(std::move(id)), opened_(opened) {}

system_object::~system_object() {
    // After HcsCloseComputeSystem returns, HCS calls on_event no more.
    if (system_ != nullptr && backend_.HcsCloseComputeSystem != nullptr) {
        backend_.HcsCloseComputeSystem(system_);
    }
}

void system_object::watch_events() {
    if (backend_.HcsSetComputeSystemCallback == nullptr) {
        events_.set_unwatched(ZLHCS_E_NOT_SUPPORTED,
                              "the HCS backend does not provide HcsSetComputeSystemCallback: this system's "
                              "events cannot be observed");
        return;
    }
    const HRESULT hr = backend_.HcsSetComputeSystemCallback(system_, HcsEventOptionNone, this,
                                                            &system_object::on_event);
    if (hr < 0) {
        events_.set_unwatched(hr, hcs_failure_message(hr, "HcsSetComputeSystemCallback", {}) +
                                      " (this system's events cannot be observed)");
        return;
    }
    if (opened_) {
        exit_.set_settle(exit_latch::settle_policy::background, [weak = weak_from_this()]() -> zlhcs_hresult {
            auto self = weak.lock();
            return self != nullptr ? self->settle() : ZLHCS_E_INVALID_HANDLE;
        });
    }
}

void system_object::set_handle(zlhcs_system handle) {
    handle_.store(handle);
    events_.set_source(handle, handle, id_);
}

void system_object::close() noexcept {
    closed_.store(true);
    exit_.close();
    events_.close();
}

void CALLBACK system_object::on_event(HCS_EVENT* event, void* context) noexcept {
    if (event == nullptr || context == nullptr) return;
    auto* self = static_cast<system_object*>(context);
    std::uint32_t type = 0;
    std::memcpy(&type, &event->Type, sizeof type);  // any value HCS sends, not only the enum's
    if (type == hcs_system_exited) self->exit_.record_exit(from_wide(event->EventData), 0);
    self->events_.on_hcs_event(type, event->EventData);
}

zlhcs_hresult system_object::settle() {
    if (const zlhcs_hresult hr = require(backend_.HcsGetComputeSystemProperties, "HcsGetComputeSystemProperties");
        hr < 0) {
        return hr;
    }
    operation_spec spec;
    spec.function = "HcsGetComputeSystemProperties";
    spec.keep_alive = shared_from_this();
    spec.on_complete = [weak = weak_from_this()](zlhcs_hresult result, const std::string& properties) {
        auto self = weak.lock();
        if (self == nullptr) return;
        const bool gone = is_gone_system_code(result);
        if (gone || (result >= 0 && reports_stopped(properties))) self->exited_before_watch();
        // "Gone" is an answer: the exit is recorded.
        self->exit_.settled(gone ? ZLHCS_S_OK : result, "HcsGetComputeSystemProperties", properties);
    };
    return fire_and_forget(backend_, std::move(spec), [this](HCS_OPERATION operation) {
        return backend_.HcsGetComputeSystemProperties(system_, operation, nullptr);
    });
}

void system_object::exited_before_watch() {
    // The exit document, if HCS can still give it (Windows Server 2022 and later).
    std::optional<std::string> document;
    if (backend_.HcsWaitForComputeSystemExit != nullptr) {
        PWSTR raw = nullptr;
        if (backend_.HcsWaitForComputeSystemExit(system_, 0, &raw) >= 0 && raw != nullptr) {
            document = from_wide(raw);
        }
        backend_.free_string(raw);
    }
    exit_.record_exit(std::move(document), 0);
}

zlhcs_hresult system_object::wait_exit(std::uint32_t timeout_ms, char** out_document) {
    if (out_document != nullptr) *out_document = nullptr;
    if (backend_.HcsWaitForComputeSystemExit == nullptr) return wait_for_exit_event(timeout_ms, out_document);
    return wait_in_hcs(timeout_ms, out_document);
}

// Hosts without HcsWaitForComputeSystemExit (Windows Server 2019): the wait is on the exit
// latch, resolved by the SystemExited event.
zlhcs_hresult system_object::wait_for_exit_event(std::uint32_t timeout_ms, char** out_document) {
    exit_latch::status status;
    const zlhcs_hresult hr =
        exit_.wait(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, "compute system", "HcsSetComputeSystemCallback", status);
    if (hr == ZLHCS_E_NOT_SUPPORTED) {
        return fail(ZLHCS_E_NOT_SUPPORTED,
                    "the HCS backend provides neither HcsWaitForComputeSystemExit nor a working "
                    "HcsSetComputeSystemCallback (for the SystemExited event): a system's exit cannot be waited for",
                    "HcsWaitForComputeSystemExit");
    }
    if (hr >= 0 && out_document != nullptr && status.document) *out_document = duplicate_for_caller(*status.document);
    return hr;
}

namespace {

// HcsWaitForComputeSystemExit blocks inside HCS, and nothing but its timeout ends the wait:
// waiting in slices lets a close of the handle release the waiter within one slice (the
// HCS_SYSTEM stays open meanwhile: the waiter holds the object).
constexpr std::uint32_t exit_wait_slice_ms = 50;

zlhcs_hresult closed_during_wait(zlhcs_system handle) {
    // As for any handle that no longer resolves (api::invalid_handle).
    return fail(ZLHCS_E_INVALID_HANDLE, "compute system handle " + std::to_string(handle) +
                                            " is not a live compute system (closed, stale, or of another kind)");
}

zlhcs_hresult disconnected_during_wait() {
    return fail(ZLHCS_HCS_E_SERVICE_DISCONNECT,
                "the compute service disconnected while waiting for the system's exit", "HcsWaitForComputeSystemExit");
}

}  // namespace

zlhcs_hresult system_object::wait_in_hcs(std::uint32_t timeout_ms, char** out_document) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::optional<waiting_scope> waiting;
    if (timeout_ms != 0) waiting.emplace();
    for (;;) {
        if (is_closed()) return closed_during_wait(handle());
        if (events_.disconnected()) return disconnected_during_wait();
        std::uint32_t slice = exit_wait_slice_ms;
        if (timeout_ms != ZLHCS_INFINITE) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            slice = static_cast<std::uint32_t>(std::clamp<long long>(left.count(), 0, exit_wait_slice_ms));
        }
        PWSTR raw = nullptr;
        const HRESULT hr = backend_.HcsWaitForComputeSystemExit(system_, slice, &raw);
        std::string document = from_wide(raw);
        backend_.free_string(raw);
        const bool timed_out = normalize_hcs_code(hr) == ZLHCS_HCS_E_OPERATION_TIMEOUT;
        if (timed_out && (timeout_ms == ZLHCS_INFINITE || std::chrono::steady_clock::now() < deadline)) {
            continue;
        }
        if (hr < 0 && is_closed()) return closed_during_wait(handle());
        if (hr < 0 && events_.disconnected()) return disconnected_during_wait();
        if (out_document != nullptr && !document.empty()) *out_document = duplicate_for_caller(document);
        if (hr < 0) return fail_hcs(hr, "HcsWaitForComputeSystemExit", std::move(document));
        return hr;
    }
}

}  // namespace zlhcs::core
