// HcsGetComputeSystemProperties: the Properties document, derived from the simulated state.
#include <algorithm>
#include <string_view>

#include "json.h"
#include "entry_point.h"
#include "programs.h"
#include "sim_process.h"
#include "operations.h"
#include "properties.h"
#include "text.h"
#include "system_call.h"

namespace hcsim {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

constexpr uint64_t mib = 1024ull * 1024ull;

uint64_t ticks(steady::duration d) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() / 100);
}

const rapidjson::Value* find_path(const rapidjson::Value& root, std::initializer_list<const char*> path) {
    const rapidjson::Value* at = &root;
    for (const char* name : path) {
        if (!at->IsObject()) return nullptr;
        const auto it = at->FindMember(name);
        if (it == at->MemberEnd()) return nullptr;
        at = &it->value;
    }
    return at;
}

uint64_t number_at(const rapidjson::Value& root, std::initializer_list<const char*> path,
                   uint64_t fallback) {
    const auto* value = find_path(root, path);
    if (value == nullptr) return fallback;
    if (value->IsUint64()) return value->GetUint64();
    if (value->IsNumber() && value->GetDouble() >= 0 && value->GetDouble() < 1.8e19) {
        return static_cast<uint64_t>(value->GetDouble());
    }
    return fallback;
}

uint64_t processor_count(const System& system) {
    const uint64_t count =
        system.is_vm ? number_at(system.config, {"VirtualMachine", "ComputeTopology", "Processor", "Count"}, 1)
                     : number_at(system.config, {"Container", "Processor", "Count"}, 1);
    return std::clamp<uint64_t>(count, 1, 1024);
}

bool is_up(const System& system) {
    return system.state == SystemState::Running || system.state == SystemState::Paused;
}

// The simulated workload: each virtual processor is 25% busy while Running, 3/4 of it in user
// mode; memory use is a quarter of the configured size while the system is up.
struct Usage {
    uint64_t uptime = 0;  // 100 ns
    uint64_t cpu_total = 0;
    uint64_t cpu_user = 0;
    uint64_t cpu_kernel = 0;
    uint64_t commit = 0;
    uint64_t private_ws = 0;
};

Usage usage_of(System& system, steady::time_point now) {
    Usage u;
    u.uptime = ticks(uptime_of(system, now));
    u.cpu_total = u.uptime / 4 * processor_count(system);
    u.cpu_user = u.cpu_total / 4 * 3;
    u.cpu_kernel = u.cpu_total - u.cpu_user;
    if (is_up(system)) {
        u.commit = memory_size_mb(system) * mib / 4;
        u.private_ws = u.commit / 2;
    }
    system.memory_peak = std::max(system.memory_peak, u.commit);
    return u;
}

void add_string(rapidjson::Value& out, const char* name, const std::string& text, Allocator& a) {
    out.AddMember(rapidjson::StringRef(name), rapidjson::Value(text.c_str(), a), a);
}

rapidjson::Value statistics(System& system, const Usage& u, Allocator& a) {
    rapidjson::Value out(rapidjson::kObjectType);
    add_string(out, "Timestamp", iso8601(sim_clock().wall_now()), a);
    add_string(out, "ContainerStartTime",
               iso8601(system.ever_started ? system.started_wall : system.created_wall), a);
    out.AddMember("Uptime100ns", rapidjson::Value(u.uptime), a);
    rapidjson::Value processor(rapidjson::kObjectType);
    processor.AddMember("TotalRuntime100ns", rapidjson::Value(u.cpu_total), a);
    processor.AddMember("RuntimeUser100ns", rapidjson::Value(u.cpu_user), a);
    processor.AddMember("RuntimeKernel100ns", rapidjson::Value(u.cpu_kernel), a);
    out.AddMember("Processor", processor, a);
    rapidjson::Value memory(rapidjson::kObjectType);
    memory.AddMember("MemoryUsageCommitBytes", rapidjson::Value(u.commit), a);
    memory.AddMember("MemoryUsageCommitPeakBytes", rapidjson::Value(system.memory_peak), a);
    memory.AddMember("MemoryUsagePrivateWorkingSetBytes", rapidjson::Value(u.private_ws), a);
    out.AddMember("Memory", memory, a);
    // Simulated disk traffic: one 4 KiB read and half a write per millisecond of uptime.
    const uint64_t ms = u.uptime / 10000;
    rapidjson::Value storage(rapidjson::kObjectType);
    storage.AddMember("ReadCountNormalized", rapidjson::Value(ms), a);
    storage.AddMember("ReadSizeBytes", rapidjson::Value(ms * 4096), a);
    storage.AddMember("WriteCountNormalized", rapidjson::Value(ms / 2), a);
    storage.AddMember("WriteSizeBytes", rapidjson::Value(ms / 2 * 4096), a);
    out.AddMember("Storage", storage, a);
    return out;
}

rapidjson::Value memory_information(const System& system, const Usage& u, Allocator& a) {
    // All sizes in MB.
    const uint64_t size_mb = memory_size_mb(system);
    const uint64_t used_mb = u.commit / mib;
    rapidjson::Value vm(rapidjson::kObjectType);
    vm.AddMember("AvailableMemory",
                 rapidjson::Value(static_cast<int32_t>(std::min<uint64_t>(size_mb - used_mb, INT32_MAX))), a);
    vm.AddMember("AvailableMemoryBuffer", rapidjson::Value(20), a);
    vm.AddMember("ReservedMemory", rapidjson::Value(uint64_t{0}), a);
    vm.AddMember("AssignedMemory", rapidjson::Value(size_mb), a);
    vm.AddMember("SlpActive", rapidjson::Value(false), a);
    vm.AddMember("BalancingEnabled", rapidjson::Value(false), a);
    vm.AddMember("DmOperationInProgress", rapidjson::Value(false), a);
    rapidjson::Value out(rapidjson::kObjectType);
    out.AddMember("VirtualNodeCount", rapidjson::Value(1), a);
    out.AddMember("VirtualMachineMemory", vm, a);
    return out;
}

// ProcessDetails.ImageName of a process: the file name (no directory) of its ApplicationName,
// else of the first token of its CommandLine (or CommandArgs), as Windows names an image:
// ".exe" appended when the name has no extension (CreateProcess's rule) in a Windows system.
std::string image_name(const Process& process, bool windows) {
    if (!process.parameters) return {};
    ParsedJson parsed = parse_json(process.parameters->c_str());
    if (FAILED(parsed.result) || !parsed.document->IsObject()) return {};
    const auto& doc = *parsed.document;
    std::string first;
    const auto application = doc.FindMember("ApplicationName");
    const auto command_line = doc.FindMember("CommandLine");
    const auto command_args = doc.FindMember("CommandArgs");
    if (application != doc.MemberEnd() && application->value.IsString() && application->value.GetStringLength() > 0) {
        first.assign(application->value.GetString(), application->value.GetStringLength());
    } else if (command_line != doc.MemberEnd() && command_line->value.IsString()) {
        const auto tokens = split_command_line(
            std::string_view(command_line->value.GetString(), command_line->value.GetStringLength()));
        if (!tokens.empty()) first = tokens.front();
    } else if (command_args != doc.MemberEnd() && command_args->value.IsArray() && !command_args->value.Empty() &&
               command_args->value[0].IsString()) {
        first.assign(command_args->value[0].GetString(), command_args->value[0].GetStringLength());
    }
    const auto slash = first.find_last_of(windows ? "\\/" : "/");
    if (slash != std::string::npos) first.erase(0, slash + 1);
    if (windows && !first.empty() && first.find('.') == std::string::npos) first += ".exe";
    return first;
}

// One ProcessDetails per process created by HcsCreateProcess that is running now (schema:
// "Information about a process running in a container"). The simulated load of a process:
// a quarter of one processor since it started (3/4 user), 4 MiB committed, half of it
// private working set, 1 MiB shared.
rapidjson::Value process_list(const System& system, Allocator& a) {
    rapidjson::Value list(rapidjson::kArrayType);
    const auto now = sim_clock().wall_now();
    const bool windows = system.runtime_os_type != "Linux";
    for (const auto& [pid, process] : system.user_processes) {
        if (process->phase != Process::Phase::Running) continue;
        const auto lived = std::max(now - process->created_wall, wall::duration::zero());
        const uint64_t busy =
            static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(lived).count() / 100) / 4;
        rapidjson::Value entry(rapidjson::kObjectType);
        entry.AddMember("ProcessId", rapidjson::Value(process->pid), a);
        add_string(entry, "ImageName", image_name(*process, windows), a);
        add_string(entry, "CreateTimestamp", iso8601(process->created_wall), a);
        entry.AddMember("UserTime100ns", rapidjson::Value(busy / 4 * 3), a);
        entry.AddMember("KernelTime100ns", rapidjson::Value(busy - busy / 4 * 3), a);
        entry.AddMember("MemoryCommitBytes", rapidjson::Value(4 * mib), a);
        entry.AddMember("MemoryWorkingSetPrivateBytes", rapidjson::Value(2 * mib), a);
        entry.AddMember("MemoryWorkingSetSharedBytes", rapidjson::Value(1 * mib), a);
        list.PushBack(entry, a);
    }
    return list;
}

rapidjson::Value version(unsigned major, unsigned minor, Allocator& a) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("Major", rapidjson::Value(major), a);
    v.AddMember("Minor", rapidjson::Value(minor), a);
    return v;
}

// The query's PropertyTypes, or why the query is malformed.
QueryDocument parse_query(PCWSTR text) { return parse_query_document(text, {"PropertyTypes"}); }

}  // namespace

steady::duration uptime_of(const System& system, steady::time_point now) {
    auto total = system.run_accumulated;
    if (system.state == SystemState::Running) total += now - system.running_since;
    return total;
}

uint64_t memory_size_mb(const System& system) {
    const uint64_t size =
        system.is_vm ? number_at(system.config, {"VirtualMachine", "ComputeTopology", "Memory", "SizeInMB"}, 1024)
                     : number_at(system.config, {"Container", "Memory", "SizeInMB"}, 1024);
    return std::clamp<uint64_t>(size, 1, 1ull << 40);
}

// The fields every Properties document carries (SchemaReference.md Properties), as a real
// one shows them (hcsshim container.go, 2017: Id, SystemType, RuntimeOsType, RuntimeId,
// State; no Name, no Owner). Owner comes back with Statistics only (hcsshim
// internal/hcs/v2/system.go PropertiesV2). Stopped/ExitType never appear: a stopped system's
// properties cannot be queried (it is cleaned up, Overview.md).
void basic_properties(const System& system, rapidjson::Value& out, Allocator& a) {
    add_string(out, "Id", system.id, a);
    add_string(out, "SystemType", system.is_vm ? "VirtualMachine" : "Container", a);
    add_string(out, "RuntimeOsType", system.runtime_os_type, a);
    add_string(out, "RuntimeId", system.runtime_id, a);
    add_string(out, "State", state_name(system.state), a);
}

Outcome query_properties_locked(State& s, System& system, const rapidjson::Document* query,
                                const char* function) {
    (void)s;
    // A stopped system is cleaned up (Overview.md): only its exit status stays available
    // (HcsWaitForComputeSystemExit, the exit event); hcsshim's stats path takes
    // HCS_E_SYSTEM_NOT_FOUND as "no statistics" (cmd/containerd-shim-runhcs-v1/task.go).
    if (!system.registered) {
        return failure(HCS_E_SYSTEM_NOT_FOUND, "The compute system does not exist.", function);
    }
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    basic_properties(system, doc, a);

    const Usage u = usage_of(system, sim_clock().now());
    if (query != nullptr) {
        const auto types = query->FindMember("PropertyTypes");
        if (types != query->MemberEnd()) {
            for (const auto& type : types->value.GetArray()) {
                const std::string_view name(type.GetString(), type.GetStringLength());
                if (name == "Statistics") {
                    if (!doc.HasMember("Statistics")) {
                        doc.AddMember("Statistics", statistics(system, u, a), a);
                        if (!system.owner.empty()) add_string(doc, "Owner", system.owner, a);
                    }
                } else if (name == "Memory") {
                    if (!doc.HasMember("Memory")) doc.AddMember("Memory", memory_information(system, u, a), a);
                } else if (name == "ProcessList") {
                    if (!doc.HasMember("ProcessList")) doc.AddMember("ProcessList", process_list(system, a), a);
                } else if (name == "TerminateOnLastHandleClosed") {
                    if (!doc.HasMember("TerminateOnLastHandleClosed")) {
                        doc.AddMember("TerminateOnLastHandleClosed",
                                      rapidjson::Value(system.terminate_on_last_close), a);
                    }
                } else if (name == "SharedMemoryRegion") {
                    if (!doc.HasMember("SharedMemoryRegionInfo")) {
                        doc.AddMember("SharedMemoryRegionInfo", rapidjson::Value(rapidjson::kArrayType), a);
                    }
                } else if (name == "GuestConnection") {
                    if (!doc.HasMember("GuestConnectionInfo")) {
                        rapidjson::Value info(rapidjson::kObjectType);
                        rapidjson::Value versions(rapidjson::kArrayType);
                        versions.PushBack(version(2, 1, a), a);
                        info.AddMember("SupportedSchemaVersions", versions, a);
                        info.AddMember("ProtocolVersion", rapidjson::Value(4u), a);
                        doc.AddMember("GuestConnectionInfo", info, a);
                    }
                } else {
                    return failure(E_INVALIDARG, "Unknown property type \"" + std::string(name) + "\".",
                                   function);
                }
            }
        }
    }
    Outcome outcome;
    outcome.document = to_json(doc);
    return outcome;
}

}  // namespace hcsim

using namespace hcsim;

extern "C" {

HRESULT WINAPI HcsGetComputeSystemProperties(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                             PCWSTR propertyQuery) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        static constexpr const char* function = "HcsGetComputeSystemProperties";
        QueryDocument query = parse_query(propertyQuery);
        State& s = state();
        OperationCallLock lock(s);
        SystemCall call;
        const HRESULT hr = begin_system_call_locked(s, function, computeSystem, operation, call);
        if (FAILED(hr)) return hr;
        launch_locked(s, function, call, HcsOperationTypeGetProperties,
                      [handle = call.handle, query = std::move(query)](State& st) -> Outcome {
                          if (!handle->system->registered) {
                              return failure(HCS_E_SYSTEM_NOT_FOUND, "The compute system does not exist.", function);
                          }
                          if (!query.error.empty()) return failure(HCS_E_INVALID_JSON, query.error, function);
                          return query_properties_locked(st, *handle->system, query.document.get(), function);
                      });
        return S_OK;
    });
}

}  // extern "C"
