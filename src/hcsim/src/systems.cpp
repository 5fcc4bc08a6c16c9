// Compute systems: registry, handles, the state machine and its events.
#include <gsl/gsl>

#include "json.h"
#include "entry_point.h"
#include "objects.h"
#include "systems.h"
#include "security.h"
#include "control.h"
#include "operations.h"
#include "events.h"
#include "processes.h"
#include "random.h"
#include "text.h"
#include "result_strings.h"
#include "system_call.h"

namespace hcsim {
namespace {

enum class Transition { Start, Shutdown, Terminate, Crash, Pause, Resume, Save };

// Options of a state-changing call, parsed by the caller's thread.
struct Options {
    bool present = false;
    ParsedJson parsed;
};

Options parse_options(PCWSTR options) {
    Options out;
    if (is_blank(options)) return out;
    out.present = true;
    out.parsed = parse_json(options);
    if (SUCCEEDED(out.parsed.result) && !out.parsed.document->IsObject()) {
        out.parsed.result = HCS_E_INVALID_JSON;
        out.parsed.error = "the options must be a JSON object";
        out.parsed.document.reset();
    }
    return out;
}

void start_running(System& system) {
    const auto now = sim_clock().now();
    system.running_since = now;
    if (!system.ever_started) {
        system.ever_started = true;
        system.started_wall = sim_clock().wall_now();
    }
}

constexpr HRESULT hr_not_supported = HCSIM_HR(0x80070032u);  // HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

const char* transition_name(Transition kind) {
    switch (kind) {
    case Transition::Start: return "start";
    case Transition::Shutdown: return "shutdown";
    case Transition::Terminate: return "terminate";
    case Transition::Crash: return "crash";
    case Transition::Pause: return "pause";
    case Transition::Resume: return "resume";
    case Transition::Save: return "save";
    }
    return "?";
}

// Pause, resume and save are VM operations (Overview.md: "For VMs, additional operations such
// pause, resume, save and restore are supported"); crash sends an NMI to the guest
// (HcsCrashComputeSystem.md), which a container does not have (assumption: refused alike).
bool vm_only(Transition kind) {
    return kind == Transition::Pause || kind == Transition::Resume || kind == Transition::Save ||
           kind == Transition::Crash;
}

// The CrashReport document of HcsEventSystemCrashInitiated / HcsEventSystemCrashReport
// (HCS_EVENT.md, SchemaReference.md CrashReport). The simulated guest is Windows and the
// crash an injected NMI: bug check NMI_HARDWARE_FAILURE (0x80) and four zero parameters.
u16string crash_report(const System& system, const std::string& activity, bool final_report) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    doc.AddMember("SystemId", rapidjson::Value(system.id.c_str(), a), a);
    doc.AddMember("ActivityId", rapidjson::Value(activity.c_str(), a), a);
    rapidjson::Value parameters(rapidjson::kArrayType);
    parameters.PushBack(rapidjson::Value(uint64_t{0x80}), a);
    for (int i = 0; i < 4; ++i) parameters.PushBack(rapidjson::Value(uint64_t{0}), a);
    doc.AddMember("CrashParameters", parameters, a);
    if (final_report) {
        doc.AddMember("Status", rapidjson::Value(0), a);
        // WindowsCrashInfo "is only present in HcsEventSystemCrashReport and only if the
        // GuestCrashReporting device has been configured" (CrashReport).
        const auto devices = system.config["VirtualMachine"].FindMember("Devices");
        if (devices != system.config["VirtualMachine"].MemberEnd() && devices->value.IsObject()) {
            const auto reporting = devices->value.FindMember("GuestCrashReporting");
            if (reporting != devices->value.MemberEnd() && reporting->value.IsObject()) {
                rapidjson::Value info(rapidjson::kObjectType);
                const auto settings = reporting->value.FindMember("WindowsCrashSettings");
                std::string dump;
                if (settings != reporting->value.MemberEnd() && settings->value.IsObject()) {
                    const auto name = settings->value.FindMember("DumpFileName");
                    if (name != settings->value.MemberEnd() && name->value.IsString()) {
                        dump.assign(name->value.GetString(), name->value.GetStringLength());
                    }
                }
                info.AddMember("DumpFile", rapidjson::Value(dump.c_str(), a), a);
                info.AddMember("Status", rapidjson::Value(0), a);
                info.AddMember("FinalPhase", rapidjson::StringRef("Complete"), a);
                doc.AddMember("WindowsCrashInfo", info, a);
            }
        }
    }
    return to_json(doc);
}

void add_to_every_callback(State& s, const System& system, HCS_EVENT_TYPE type,
                           const std::optional<u16string>& data, std::vector<PendingEvent>& events) {
    for (auto& handle : handles_of_locked(s, system)) {
        if (!handle->callback_set) continue;
        PendingEvent event;
        event.handle = handle;
        event.type = type;
        event.data = data;
        events.push_back(std::move(event));
    }
}

Outcome transition_locked(State& s, System& system, Transition kind, const Options& options,
                          const char* function) {
    // A stopped system is cleaned up (Overview.md): every call on a handle still open to it
    // fails as for a system that does not exist (hcsshim's Shutdown/Terminate take
    // ErrComputeSystemDoesNotExist as "already gone").
    if (!system.registered) {
        return failure(HCS_E_SYSTEM_NOT_FOUND, "The compute system does not exist.", function);
    }
    if (!system.is_vm && vm_only(kind)) {
        return failure(hr_not_supported,
                       std::string("A container does not support ") + transition_name(kind) + ".", function);
    }
    if (options.present && FAILED(options.parsed.result)) {
        return failure(options.parsed.result, options.parsed.error, function);
    }
    const SystemState now_state = system.state;
    const auto invalid = [&] {
        return failure(HCS_E_INVALID_STATE,
                       std::string("The compute system is ") + state_name(now_state) + ".",
                       function);
    };
    Outcome outcome;
    switch (kind) {
    case Transition::Start:
        if (now_state != SystemState::Created) return invalid();
        system.state = SystemState::Running;
        start_running(system);
        // "If specified, the virtual machine start will wait until a guest connection is
        // established" (SchemaReference.md, VirtualMachine.GuestConnection).
        system.guest_connected = system.guest_connection_configured;
        break;
    case Transition::Pause:
        if (now_state != SystemState::Running) return invalid();
        system.run_accumulated += sim_clock().now() - system.running_since;
        system.state = SystemState::Paused;
        // UseConnectedSuspend: "When true, don't disconnect the guest connection when pausing
        // the virtual machine" (SchemaReference.md, GuestConnection): without it a pause
        // closes the connection, and the event "is called regardless of the disconnection
        // being expected or not" (EventCallbackSample.md).
        if (system.guest_connected && !system.use_connected_suspend) {
            system.guest_connected = false;
            add_to_every_callback(s, system, HcsEventSystemGuestConnectionClosed, std::nullopt, outcome.events);
        }
        break;
    case Transition::Resume:
        if (now_state != SystemState::Paused) return invalid();
        system.running_since = sim_clock().now();
        system.state = SystemState::Running;
        // The guest connection is established again (assumption: as at the start).
        system.guest_connected = system.guest_connection_configured;
        break;
    case Transition::Save: {
        if (now_state != SystemState::Paused) return invalid();
        bool as_template = false;
        if (options.present) {
            const auto& doc = *options.parsed.document;
            const auto type = doc.FindMember("SaveType");
            if (type != doc.MemberEnd()) {
                if (!type->value.IsString() || (std::string_view(type->value.GetString()) != "ToFile" &&
                                                std::string_view(type->value.GetString()) != "AsTemplate")) {
                    return failure(HCS_E_INVALID_JSON, "SaveType must be \"ToFile\" or \"AsTemplate\".",
                                   function);
                }
                as_template = std::string_view(type->value.GetString()) == "AsTemplate";
            }
            system.save_options = to_json_utf8(doc);
        } else {
            system.save_options = "{}";
        }
        if (as_template) system.state = SystemState::SavedAsTemplate;
        break;
    }
    case Transition::Shutdown:
        if (now_state != SystemState::Running && now_state != SystemState::Paused) return invalid();
        stop_system_locked(s, system, "GracefulExit", S_OK, outcome.events);
        break;
    case Transition::Terminate:
        stop_system_locked(s, system, "ForcedExit", S_OK, outcome.events);
        break;
    case Transition::Crash: {
        if (now_state != SystemState::Running && now_state != SystemState::Paused) return invalid();
        if (options.present) {
            // CrashOptions: Type is a CrashType, whose only value is CrashGuest.
            const auto& doc = *options.parsed.document;
            const auto type = doc.FindMember("Type");
            if (type != doc.MemberEnd() &&
                (!type->value.IsString() || std::string_view(type->value.GetString()) != "CrashGuest")) {
                return failure(HCS_E_INVALID_JSON, "Type must be \"CrashGuest\".", function);
            }
        }
        const std::string activity = new_guid();
        add_to_every_callback(s, system, HcsEventSystemCrashInitiated, crash_report(system, activity, false),
                              outcome.events);
        add_to_every_callback(s, system, HcsEventSystemCrashReport, crash_report(system, activity, true),
                              outcome.events);
        stop_system_locked(s, system, "UnexpectedExit", HCS_E_UNEXPECTED_EXIT, outcome.events);
        break;
    }
    }
    s.changed.notify_all();
    return outcome;
}

HRESULT transition_call(const char* function, HCS_SYSTEM system, HCS_OPERATION operation,
                        PCWSTR options, HCS_OPERATION_TYPE type, Transition kind) {
    Options parsed = parse_options(options);
    State& s = state();
    OperationCallLock lock(s);
    SystemCall call;
    const HRESULT hr = begin_system_call_locked(s, function, system, operation, call);
    if (FAILED(hr)) return hr;
    launch_locked(s, function, call, type,
                  [handle = call.handle, kind, parsed = std::move(parsed), function](State& st) {
                      return transition_locked(st, *handle->system, kind, parsed, function);
                  });
    return S_OK;
}

// Checks a configuration document; "" if it is acceptable, else why not.
std::string check_configuration(const rapidjson::Document& doc) {
    if (!doc.IsObject()) return "the configuration must be a JSON object";
    const auto version = doc.FindMember("SchemaVersion");
    if (version == doc.MemberEnd() || !version->value.IsObject()) {
        return "SchemaVersion is missing";
    }
    const auto major = version->value.FindMember("Major");
    const auto minor = version->value.FindMember("Minor");
    if (major == version->value.MemberEnd() || !major->value.IsUint() ||
        minor == version->value.MemberEnd() || !minor->value.IsUint()) {
        return "SchemaVersion needs unsigned Major and Minor";
    }
    if (major->value.GetUint() != 2) return "only schema version 2.x is supported";
    const auto container = doc.FindMember("Container");
    const auto vm = doc.FindMember("VirtualMachine");
    const bool has_container = container != doc.MemberEnd();
    const bool has_vm = vm != doc.MemberEnd();
    if (has_container == has_vm) return "exactly one of Container and VirtualMachine is required";
    if (has_container && !container->value.IsObject()) return "Container must be an object";
    if (has_vm && !vm->value.IsObject()) return "VirtualMachine must be an object";
    const auto owner = doc.FindMember("Owner");
    if (owner != doc.MemberEnd() && !owner->value.IsString()) return "Owner must be a string";
    const auto terminate = doc.FindMember("ShouldTerminateOnLastHandleClosed");
    if (terminate != doc.MemberEnd() && !terminate->value.IsBool()) {
        return "ShouldTerminateOnLastHandleClosed must be a boolean";
    }
    return {};
}

// Properties' RuntimeOsType. A (process-isolated) container runs on the Windows host's kernel
// (hcsshim getCachedProperties: containers without RuntimeOsType are Windows); a VM booted
// with Chipset/LinuxKernelDirect runs Linux, any other VM is taken to run Windows
// (assumption: the simulated guest never reports its OS).
std::string runtime_os_type(const rapidjson::Document& doc) {
    const auto vm = doc.FindMember("VirtualMachine");
    if (vm == doc.MemberEnd()) return "Windows";
    const auto chipset = vm->value.FindMember("Chipset");
    if (chipset != vm->value.MemberEnd() && chipset->value.IsObject() &&
        chipset->value.HasMember("LinuxKernelDirect")) {
        return "Linux";
    }
    return "Windows";
}

// VirtualMachine.GuestConnection (SchemaReference.md): an object makes HCS connect to the
// guest; its UseConnectedSuspend keeps the connection across a pause.
void read_guest_connection(const rapidjson::Document& doc, System& system) {
    const auto vm = doc.FindMember("VirtualMachine");
    if (vm == doc.MemberEnd() || !vm->value.IsObject()) return;
    const auto connection = vm->value.FindMember("GuestConnection");
    if (connection == vm->value.MemberEnd() || !connection->value.IsObject()) return;
    system.guest_connection_configured = true;
    const auto suspend = connection->value.FindMember("UseConnectedSuspend");
    system.use_connected_suspend = suspend != connection->value.MemberEnd() && suspend->value.IsBool() &&
                                   suspend->value.GetBool();
}

}  // namespace

HRESULT begin_operation_locked(State& s, const char* function, HCS_OPERATION operation,
                               SystemCall& call, bool handle_takes_operation_callbacks) {
    if (operation == nullptr) {
        record_bad_handle_locked(s, function, "HCS_OPERATION", 0);
        return E_INVALIDARG;
    }
    call.op = find_operation(s, operation, function);
    if (!call.op) return E_HANDLE;
    if (call.op->phase == Operation::Phase::Pending) return HCS_E_OPERATION_ALREADY_STARTED;
    if (s.disconnected) return HCS_E_SERVICE_DISCONNECT;
    if (handle_takes_operation_callbacks && call.op->callback != nullptr) {
        return HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
    }
    if (auto fault = take_fault_locked(s, function)) {
        if (fault->mode == HCSIM_FAULT_IMMEDIATE) return fault->failure;
        call.async_fault = fault;
    }
    return S_OK;
}

HRESULT begin_system_call_locked(State& s, const char* function, HCS_SYSTEM system,
                                 HCS_OPERATION operation, SystemCall& call) {
    if (system == nullptr || operation == nullptr) {
        record_bad_handle_locked(s, function, system == nullptr ? "HCS_SYSTEM" : "HCS_OPERATION", 0);
        return E_INVALIDARG;
    }
    return begin_handle_call_locked(s, function, find_system_handle(s, system, function), operation, call);
}

void launch_locked(State& s, const char* function, SystemCall& call, HCS_OPERATION_TYPE type,
                   Work work) {
    if (call.async_fault) {
        work = [hr = call.async_fault->failure, function](State&) {
            return failure(hr, "(injected failure)", function);
        };
    }
    start_operation_locked(s, call.op, function, type, call.handle ? call.handle->value : 0,
                           std::move(work));
}

std::vector<std::shared_ptr<SystemHandle>> handles_of_locked(State& s, const System& system) {
    (void)s;
    std::vector<std::shared_ptr<SystemHandle>> handles;
    handles.reserve(system.handles.size());
    for (const auto& [value, weak] : system.handles) {
        if (auto handle = weak.lock()) handles.push_back(std::move(handle));
    }
    return handles;
}

u16string exit_status_document(const System& system) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    doc.AddMember("Status", rapidjson::Value(static_cast<int32_t>(system.exit_status)), a);
    doc.AddMember("ExitType", rapidjson::Value(system.exit_type.c_str(), a), a);
    return to_json(doc);
}

void stop_system_locked(State& s, System& system, const char* exit_type, HRESULT status,
                        std::vector<PendingEvent>& events) {
    if (system.state == SystemState::Running) {
        system.run_accumulated += sim_clock().now() - system.running_since;
    }
    system.state = SystemState::Stopped;
    system.exit_type = exit_type;
    system.exit_status = status;
    system.processes.clear();
    end_processes_locked(s, system);
    // The guest connection of a VM ends with it: HcsEventSystemGuestConnectionClosed, no
    // EventData (EventCallbackSample.md: "The compute system's guest connection has been
    // closed. This notification is called regardless of the disconnection being expected or
    // not"; no document for it in HCS_EVENT.md), before the exit (assumption: the connection
    // closes as the guest goes down, before HCS reports the system gone).
    if (system.guest_connected) {
        system.guest_connected = false;
        add_to_every_callback(s, system, HcsEventSystemGuestConnectionClosed, std::nullopt, events);
    }
    add_to_every_callback(s, system, HcsEventSystemExited, exit_status_document(system), events);
    s.changed.notify_all();
    // Cleaned up at once (Overview.md): no longer openable by id nor enumerated, and its id
    // is free for a new system; open handles keep only the exit status.
    maybe_unregister_locked(s, system);
}

void maybe_unregister_locked(State& s, System& system) {
    if (!system.registered || system.state != SystemState::Stopped) return;
    const auto it = s.registry.find(system.key);
    if (it != s.registry.end() && it->second.get() == &system) s.registry.erase(it);
    system.registered = false;
    s.changed.notify_all();
}

std::string registry_key(std::string_view id_namespace, std::string_view id) {
    std::string key = lower_ascii(id_namespace);
    key.push_back('\0');
    key += lower_ascii(id);
    return key;
}

std::string namespace_prefix(std::string_view id_namespace) {
    std::string prefix = lower_ascii(id_namespace);
    prefix.push_back('\0');
    return prefix;
}

bool namespace_exists_locked(const State& s, std::string_view id_namespace) {
    const std::string prefix = namespace_prefix(id_namespace);
    const auto it = s.registry.lower_bound(prefix);
    return it != s.registry.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::optional<std::string> input_namespace(PCWSTR id_namespace) {
    if (id_namespace == nullptr) return std::nullopt;
    auto utf8 = input_utf8(id_namespace);
    if (!utf8 || utf8->empty()) return std::nullopt;
    return utf8;
}

namespace {

// What HcsCreateComputeSystemInNamespace's options (HCS_CREATE_OPTIONS_1) carry, read on the
// caller's thread.
struct CreateOptions {
    bool given = false;
    uintptr_t user_token = 0;
    SecurityDescriptorCopy descriptor;
    HCS_EVENT_CALLBACK callback = nullptr;
    HCS_EVENT_OPTIONS callback_options = HcsEventOptionNone;
    const void* callback_context = nullptr;
};

bool known_event_option_bits(const HCS_EVENT_OPTIONS& options) {
    // hcsshim registers systems with HcsEventOptionEnableLiveMigrationEvents (4)
    // (internal/hcs/v2/system.go registerNotification; internal/computecore/types.go).
    return (option_bits(options) &
            ~(static_cast<unsigned>(HcsEventOptionEnableOperationCallbacks) | hcs_event_option_live_migration)) == 0;
}

// HCS_CREATE_OPTIONS (computedefs.h; Reference/HCS_CREATE_OPTIONS.md, removed from the
// reference in 2020): a pointer to a version, HcsCreateOptions_1 the only one, naming the
// HCS_CREATE_OPTIONS_1 struct it begins. Another version is refused (assumption: HCS cannot
// read a struct it does not know), as are callback options without a callback (assumption,
// the strictest reading) and option bits HcsSetComputeSystemCallback refuses.
HRESULT read_create_options(const HCS_CREATE_OPTIONS* options, CreateOptions& out) {
    if (options == nullptr) return S_OK;
    uint32_t version = 0;
    static_assert(sizeof version == sizeof *options);
    std::memcpy(&version, options, sizeof version);  // any bits: never loaded as the enum
    if (version != static_cast<uint32_t>(HcsCreateOptions_1)) return E_INVALIDARG;
    const auto* v1 = reinterpret_cast<const HCS_CREATE_OPTIONS_1*>(options);
    out.given = true;
    out.user_token = reinterpret_cast<uintptr_t>(v1->UserToken);
    if (const HRESULT hr = capture_security_descriptor(v1->SecurityDescriptor, out.descriptor); FAILED(hr)) {
        return hr;
    }
    HCS_EVENT_OPTIONS callback_options{};
    std::memcpy(&callback_options, &v1->CallbackOptions, sizeof callback_options);
    if (v1->Callback == nullptr) {
        return option_bits(callback_options) == 0 ? S_OK : E_INVALIDARG;
    }
    if (!known_event_option_bits(callback_options)) return E_INVALIDARG;
    out.callback = v1->Callback;
    out.callback_options = callback_options;
    out.callback_context = v1->CallbackContext;
    return S_OK;
}

// HcsCreateComputeSystem and HcsCreateComputeSystemInNamespace: `id_namespace` is "" for the
// default namespace. `options` non-NULL only for the namespace call (its descriptor is
// options' SecurityDescriptor).
HRESULT create_system(const char* function, std::string id_namespace, PCWSTR id, PCWSTR configuration,
                      HCS_OPERATION operation, const SECURITY_DESCRIPTOR* security_descriptor,
                      const HCS_CREATE_OPTIONS* options, HCS_SYSTEM* computeSystem) {
    std::string system_id;
    if (id != nullptr) {
        auto utf8 = input_utf8(id);
        if (!utf8 || utf8->empty()) return E_INVALIDARG;
        system_id = std::move(*utf8);
    } else {
        system_id = new_guid();
    }
    SecurityDescriptorCopy descriptor;
    if (const HRESULT hr = capture_security_descriptor(security_descriptor, descriptor); FAILED(hr)) return hr;
    CreateOptions create_options;
    if (const HRESULT hr = read_create_options(options, create_options); FAILED(hr)) return hr;
    if (create_options.given) descriptor = create_options.descriptor;
    ParsedJson parsed = parse_json(configuration);
    std::string problem = FAILED(parsed.result) ? parsed.error : check_configuration(*parsed.document);

    State& s = state();
    OperationCallLock lock(s);
    // "Reserved for future use, must be NULL" (reference/HcsCreateComputeSystem.md; the
    // removed HcsCreateComputeSystemInNamespace.md said it of the options), read strictly.
    if (behaves(s, HCSIM_BEHAVIOR_SECURITY_RESERVED) && (security_descriptor != nullptr || options != nullptr)) {
        return E_INVALIDARG;
    }
    SystemCall call;
    const bool takes_operation_callbacks =
        create_options.callback != nullptr &&
        has_option(create_options.callback_options, HcsEventOptionEnableOperationCallbacks);
    const HRESULT hr = begin_operation_locked(s, function, operation, call, takes_operation_callbacks);
    if (FAILED(hr)) return hr;

    auto system = std::make_shared<System>();
    system->id = system_id;
    system->id_namespace = std::move(id_namespace);
    system->key = registry_key(system->id_namespace, system_id);
    system->runtime_id = new_guid();
    system->created_wall = sim_clock().wall_now();
    system->security.descriptor = descriptor;
    system->security.create_options_given = create_options.given;
    system->security.user_token = create_options.user_token;
    if (problem.empty()) {
        const auto& doc = *parsed.document;
        system->is_vm = doc.HasMember("VirtualMachine");
        const auto owner = doc.FindMember("Owner");
        if (owner != doc.MemberEnd()) system->owner = owner->value.GetString();
        const auto terminate = doc.FindMember("ShouldTerminateOnLastHandleClosed");
        system->terminate_on_last_close = terminate != doc.MemberEnd() && terminate->value.GetBool();
        system->runtime_os_type = runtime_os_type(doc);
        read_guest_connection(doc, *system);
        system->config.Swap(*parsed.document);
    }
    auto handle = std::make_shared<SystemHandle>();
    handle->value = s.new_handle_value();
    handle->system = system;
    if (create_options.callback != nullptr) {
        // As if HcsSetComputeSystemCallback had been called on the new handle at once.
        handle->callback_set = true;
        handle->options = create_options.callback_options;
        handle->context = create_options.callback_context;
        handle->callback = create_options.callback;
    }
    system->open_handles = 1;
    s.system_handles.emplace(handle->value, handle);
    system->handles.emplace(handle->value, handle);
    call.handle = handle;
    *computeSystem = reinterpret_cast<HCS_SYSTEM>(handle->value);

    launch_locked(s, function, call, HcsOperationTypeCreate,
                  [system, problem = std::move(problem), function](State& st) -> Outcome {
                      if (!problem.empty()) return failure(HCS_E_INVALID_JSON, problem, function);
                      if (st.registry.count(system->key) != 0) {
                          return failure(HCS_E_SYSTEM_ALREADY_EXISTS, "Id: " + system->id, function);
                      }
                      system->registered = true;
                      system->state = SystemState::Created;
                      system->sequence = st.next_system_sequence++;
                      system->created_wall = sim_clock().wall_now();
                      st.registry.emplace(system->key, system);
                      Outcome outcome;
                      if (system->open_handles == 0 && system->terminate_on_last_close) {
                          stop_system_locked(st, *system, "ForcedExit", S_OK, outcome.events);
                      }
                      st.changed.notify_all();
                      return outcome;
                  });
    return S_OK;
}

// HcsOpenComputeSystem and HcsOpenComputeSystemInNamespace ("" = the default namespace).
HRESULT open_system(const char* function, const std::string& id_namespace, PCWSTR id,
                    HCS_SYSTEM* computeSystem) {
    const auto utf8 = input_utf8(id);
    if (!utf8 || utf8->empty()) return E_INVALIDARG;
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (s.disconnected) return HCS_E_SERVICE_DISCONNECT;
    if (const auto fault = take_fault_locked(s, function)) return fault->failure;
    const auto it = s.registry.find(registry_key(id_namespace, *utf8));
    if (it == s.registry.end()) return HCS_E_SYSTEM_NOT_FOUND;
    auto handle = std::make_shared<SystemHandle>();
    handle->value = s.new_handle_value();
    handle->system = it->second;
    ++it->second->open_handles;
    s.system_handles.emplace(handle->value, handle);
    it->second->handles.emplace(handle->value, handle);
    *computeSystem = reinterpret_cast<HCS_SYSTEM>(handle->value);
    return S_OK;
}

}  // namespace
}  // namespace hcsim

using namespace hcsim;

extern "C" {

HRESULT WINAPI HcsCreateComputeSystem(PCWSTR id, PCWSTR configuration, HCS_OPERATION operation,
                                      const SECURITY_DESCRIPTOR* securityDescriptor,
                                      HCS_SYSTEM* computeSystem) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (computeSystem != nullptr) *computeSystem = nullptr;
        if (operation == nullptr || configuration == nullptr) {
            if (operation == nullptr) record_null_handle("HcsCreateComputeSystem", "HCS_OPERATION");
            return E_INVALIDARG;
        }
        if (computeSystem == nullptr) return E_POINTER;
        return create_system("HcsCreateComputeSystem", std::string(), id, configuration, operation,
                             securityDescriptor, nullptr, computeSystem);
    });
}

HRESULT WINAPI HcsCreateComputeSystemInNamespace(PCWSTR idNamespace, PCWSTR id, PCWSTR configuration,
                                                 HCS_OPERATION operation, const HCS_CREATE_OPTIONS* options,
                                                 HCS_SYSTEM* computeSystem) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        constexpr const char* function = "HcsCreateComputeSystemInNamespace";
        if (computeSystem != nullptr) *computeSystem = nullptr;
        if (operation == nullptr || configuration == nullptr || idNamespace == nullptr) {
            if (operation == nullptr) record_null_handle(function, "HCS_OPERATION");
            return E_INVALIDARG;
        }
        if (computeSystem == nullptr) return E_POINTER;
        auto id_namespace = input_namespace(idNamespace);
        if (!id_namespace) return E_INVALIDARG;
        return create_system(function, std::move(*id_namespace), id, configuration, operation, nullptr, options,
                             computeSystem);
    });
}

HRESULT WINAPI HcsOpenComputeSystem(PCWSTR id, DWORD requestedAccess, HCS_SYSTEM* computeSystem) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        (void)requestedAccess;  // access control is not simulated
        if (computeSystem != nullptr) *computeSystem = nullptr;
        if (id == nullptr) return E_INVALIDARG;
        if (computeSystem == nullptr) return E_POINTER;
        return open_system("HcsOpenComputeSystem", std::string(), id, computeSystem);
    });
}

HRESULT WINAPI HcsOpenComputeSystemInNamespace(PCWSTR idNamespace, PCWSTR id, DWORD requestedAccess,
                                               HCS_SYSTEM* computeSystem) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        (void)requestedAccess;  // access control is not simulated
        if (computeSystem != nullptr) *computeSystem = nullptr;
        if (id == nullptr || idNamespace == nullptr) return E_INVALIDARG;
        if (computeSystem == nullptr) return E_POINTER;
        const auto id_namespace = input_namespace(idNamespace);
        if (!id_namespace) return E_INVALIDARG;
        return open_system("HcsOpenComputeSystemInNamespace", *id_namespace, id, computeSystem);
    });
}

void WINAPI HcsCloseComputeSystem(HCS_SYSTEM computeSystem) {
    void_entry_point([&] {
        State& s = state();
        std::unique_lock lock(s.mutex);
        const auto handle = find_system_handle(s, computeSystem, "HcsCloseComputeSystem");
        if (!handle) return;
        s.system_handles.erase(handle->value);
        handle->closed = true;
        System& system = *handle->system;
        Expects(system.open_handles > 0);
        --system.open_handles;
        system.handles.erase(handle->value);
        if (system.registered && system.open_handles == 0) {
            if (system.terminate_on_last_close && system.state != SystemState::Stopped) {
                std::vector<PendingEvent> events;  // no handle is left to receive them
                stop_system_locked(s, system, "ForcedExit", S_OK, events);
            }
            maybe_unregister_locked(s, system);
        }
        // No event callback after close returns (unless close is called from inside one).
        const auto self = std::this_thread::get_id();
        handle->gate.closed_by = self;
        (void)wait_for_state(s, lock, INFINITE, [&] { return !handle->gate.busy_elsewhere(self); });
    });
}

HRESULT WINAPI HcsStartComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                     PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsStartComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeStart, Transition::Start);
    });
}

HRESULT WINAPI HcsShutDownComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                        PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsShutDownComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeShutdown, Transition::Shutdown);
    });
}

HRESULT WINAPI HcsTerminateComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                         PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsTerminateComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeTerminate, Transition::Terminate);
    });
}

HRESULT WINAPI HcsCrashComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                     PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsCrashComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeCrash, Transition::Crash);
    });
}

HRESULT WINAPI HcsPauseComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                     PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsPauseComputeSystem", computeSystem, operation, options,
                               HcsOperationTypePause, Transition::Pause);
    });
}

HRESULT WINAPI HcsResumeComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                      PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsResumeComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeResume, Transition::Resume);
    });
}

HRESULT WINAPI HcsSaveComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                    PCWSTR options) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return transition_call("HcsSaveComputeSystem", computeSystem, operation, options,
                               HcsOperationTypeSave, Transition::Save);
    });
}

HRESULT WINAPI HcsWaitForComputeSystemExit(HCS_SYSTEM computeSystem, DWORD timeoutMs,
                                           PWSTR* result) {
    if (result != nullptr) *result = nullptr;
    return on_system("HcsWaitForComputeSystemExit", computeSystem, Reaches::Service,
                     [&](State& s, std::unique_lock<std::mutex>& lock,
                         const std::shared_ptr<SystemHandle>& handle) -> HRESULT {
        const auto system = handle->system;
        if (!system->registered && system->state != SystemState::Stopped) return HCS_E_SYSTEM_NOT_FOUND;
        const auto done = [&] {
            return system->state == SystemState::Stopped || !system->registered || s.disconnected;
        };
        if (!wait_for_state(s, lock, timeoutMs, done)) return HCS_E_OPERATION_TIMEOUT;
        if (system->state == SystemState::Stopped) {
            if (!store_result_string(result, exit_status_document(*system))) {
                return HCS_E_OPERATION_RESULT_ALLOCATION_FAILED;
            }
            return S_OK;
        }
        return s.disconnected ? HCS_E_SERVICE_DISCONNECT : HCS_E_SYSTEM_NOT_FOUND;
    });
}

HRESULT WINAPI HcsSetComputeSystemCallback(HCS_SYSTEM computeSystem,
                                           HCS_EVENT_OPTIONS callbackOptions, const void* context,
                                           HCS_EVENT_CALLBACK callback) {
    if (computeSystem != nullptr) {
        // Argument checks before the handle is looked at; a NULL system is recorded first.
        if (callback == nullptr || !known_event_option_bits(callbackOptions)) return E_INVALIDARG;
    }
    return on_system("HcsSetComputeSystemCallback", computeSystem, Reaches::Service,
                     [&](State&, auto&, const std::shared_ptr<SystemHandle>& handle) -> HRESULT {
        if (handle->callback_set) return HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
        const System& system = *handle->system;
        if (!system.registered && system.state != SystemState::Creating) return HCS_E_SYSTEM_NOT_FOUND;
        handle->callback_set = true;
        handle->options = callbackOptions;
        handle->context = context;
        handle->callback = callback;
        return S_OK;
    });
}

}  // extern "C"
