#include "system.hpp"

#include "calls.hpp"
#include "errors.hpp"
#include "strings.hpp"

#include <rapidjson/document.h>

#include <cstring>

namespace zlhcs::core {
namespace {

constexpr std::uint32_t hcs_system_exited = 0x00000001;

bool reports_stopped(const std::string& properties) {
    rapidjson::Document parsed;
    parsed.Parse<rapidjson::kParseIterativeFlag>(properties.c_str(), properties.size());
    if (parsed.HasParseError() || !parsed.IsObject()) return false;
    const auto state = parsed.FindMember("State");
    return state != parsed.MemberEnd() && state->value.IsString() &&
           std::string(state->value.GetString()) == "Stopped";
}

}  // namespace

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

void CALLBACK system_object::on_event(HCS_EVENT* event, void* context) {
    if (event == nullptr || context == nullptr) return;
    auto* self = static_cast<system_object*>(context);
    std::uint32_t type = 0;
    std::memcpy(&type, &event->Type, sizeof type);  // any value HCS sends, not only the enum's
    if (type == hcs_system_exited) {
        try {
            self->exit_.record_exit(from_wide(event->EventData), 0);
        } catch (...) {
            self->exit_.record_exit(std::nullopt, 0);  // out of memory: the exit, without its text
        }
    }
    self->events_.on_hcs_event(type, event->EventData);
}

zlhcs_hresult system_object::settle() {
    if (const zlhcs_hresult hr = require(backend_.HcsGetComputeSystemProperties, "HcsGetComputeSystemProperties");
        hr < 0) {
        return hr;
    }
    started_operation started;
    const zlhcs_hresult hr = start_operation(
        backend_, "HcsGetComputeSystemProperties", nullptr, nullptr, nullptr, shared_from_this(), false,
        [this](HCS_OPERATION operation) { return backend_.HcsGetComputeSystemProperties(system_, operation, nullptr); },
        started, nullptr, false,
        [weak = weak_from_this()](zlhcs_hresult result, const std::string& properties) {
            auto self = weak.lock();
            if (self == nullptr) return;
            const zlhcs_hresult code = normalize_hcs_code(result);
            const bool gone = code == ZLHCS_HCS_E_SYSTEM_NOT_FOUND || code == ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED;
            if (gone || (result >= 0 && reports_stopped(properties))) self->exited_before_watch();
            // "Gone" is an answer: the exit is recorded.
            self->exit_.settled(gone ? ZLHCS_S_OK : result, "HcsGetComputeSystemProperties", properties);
        });
    if (started.object != nullptr) (void)started.object->close();
    return hr;
}

void system_object::exited_before_watch() {
    // The exit document, if HCS can still give it (Windows Server 2022 and later).
    std::optional<std::string> document;
    if (backend_.HcsWaitForComputeSystemExit != nullptr) {
        PWSTR raw = nullptr;
        if (backend_.HcsWaitForComputeSystemExit(system_, 0, &raw) >= 0 && raw != nullptr) {
            try {
                document = from_wide(raw);
            } catch (...) {
            }
        }
        backend_.free_string(raw);
    }
    exit_.record_exit(std::move(document), 0);
}

}  // namespace zlhcs::core
