// HcsModifyComputeSystem: a ModifySettingRequest applied to the stored configuration.
#include <charconv>
#include <string_view>
#include <vector>

#include "json.h"
#include "entry_point.h"
#include "objects.h"
#include "operations.h"
#include "system_call.h"

namespace hcsim {
namespace {

constexpr const char* function_name = "HcsModifyComputeSystem";
constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);       // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
constexpr HRESULT hr_already_exists = HCSIM_HR(0x800700B7u);  // HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)

enum class RequestType { Add, Remove, Update };

struct Request {
    std::string error;  // malformed request -> HCS_E_INVALID_JSON
    std::shared_ptr<rapidjson::Document> document;
    bool has_path = false;
    std::vector<std::string> path;
    RequestType type = RequestType::Update;
};

Request parse_request(PCWSTR text) {
    Request request;
    ParsedJson parsed = parse_json(text);
    if (FAILED(parsed.result)) {
        request.error = parsed.error;
        return request;
    }
    const auto& doc = *parsed.document;
    if (!doc.IsObject()) {
        request.error = "the request must be a JSON object";
        return request;
    }
    const auto path = doc.FindMember("ResourcePath");
    const bool has_guest = doc.HasMember("GuestRequest");
    if (path == doc.MemberEnd()) {
        if (!has_guest) request.error = "ResourcePath or GuestRequest is required";
        request.document = std::move(parsed.document);
        return request;
    }
    if (!path->value.IsString()) {
        request.error = "ResourcePath must be a string";
        return request;
    }
    request.has_path = true;
    const std::string_view text_path(path->value.GetString(), path->value.GetStringLength());
    std::size_t start = 0;
    while (start <= text_path.size()) {
        const std::size_t end = std::min(text_path.find('/', start), text_path.size());
        if (end > start) request.path.emplace_back(text_path.substr(start, end - start));
        start = end + 1;
    }
    if (request.path.empty()) {
        request.error = "ResourcePath is empty";
        return request;
    }
    const auto type = doc.FindMember("RequestType");
    if (type == doc.MemberEnd() || !type->value.IsString()) {
        request.error = "RequestType (Add, Remove or Update) is required";
        return request;
    }
    const std::string_view type_name(type->value.GetString(), type->value.GetStringLength());
    if (type_name == "Add") {
        request.type = RequestType::Add;
    } else if (type_name == "Remove") {
        request.type = RequestType::Remove;
    } else if (type_name == "Update") {
        request.type = RequestType::Update;
    } else {
        request.error = "RequestType must be Add, Remove or Update";
        return request;
    }
    request.document = std::move(parsed.document);
    return request;
}

constexpr HRESULT hr_not_supported = HCSIM_HR(0x80070032u);  // HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

constexpr unsigned allow_add = 1;
constexpr unsigned allow_remove = 2;
constexpr unsigned allow_update = 4;
constexpr unsigned allow_any = allow_add | allow_remove | allow_update;

unsigned type_bit(RequestType type) {
    switch (type) {
    case RequestType::Add: return allow_add;
    case RequestType::Remove: return allow_remove;
    case RequestType::Update: return allow_update;
    }
    return 0;
}

// What a resource path names in the stored document.
enum class Target {
    Setting,     // one value: Add/Update set it, Remove deletes it
    Item,        // one member of a keyed map (<Identifier> / <UnsignedInt>): Add creates,
                 // Update replaces, Remove deletes
    Collection,  // an array of entries told apart by a key field of Settings: Add appends,
                 // Update replaces, Remove deletes the entry with that key
};

// What Settings must be for Add/Update.
enum class SettingsKind { Object, UInt64, UInt32, Empty, Any };

// One row of the resource path table. Segments are literal names or placeholders:
// "<id>" any non-empty name, "<uint>" an unsigned integer, "<0|1>" 0 or 1.
struct PathRule {
    std::vector<std::string_view> segments;
    unsigned allowed;
    SettingsKind settings;
    Target target;
    const char* key = nullptr;      // Collection: the Settings field identifying an entry
    std::size_t must_exist = 0;     // leading segments that must already exist
};

// Reference/HcsModifyComputeSystem.md (the VirtualMachine rows), plus the paths hcsshim uses
// (internal/hcs/resourcepaths/virtualmachine.go: Processor/Limits, Devices/Licensing,
// HvSocket service table; resourcepaths/silo.go: the Container paths), whose request types
// are not documented (all three accepted: assumption). Anything else is not supported.
const std::vector<PathRule>& path_table() {
    static const std::vector<PathRule> table = {
        {{"VirtualMachine", "ComputeTopology", "Processor", "CpuGroup"}, allow_any, SettingsKind::Object, Target::Setting},
        {{"VirtualMachine", "ComputeTopology", "Processor", "IdledProcessors"}, allow_update, SettingsKind::Object, Target::Setting},
        {{"VirtualMachine", "ComputeTopology", "Processor", "CpuFrequencyPowerCap"}, allow_any, SettingsKind::UInt32, Target::Setting},
        {{"VirtualMachine", "ComputeTopology", "Processor", "Limits"}, allow_any, SettingsKind::Object, Target::Setting},
        {{"VirtualMachine", "ComputeTopology", "Gpu"}, allow_update, SettingsKind::Object, Target::Setting},
        {{"VirtualMachine", "ComputeTopology", "Memory", "SizeInMB"}, allow_any, SettingsKind::UInt64, Target::Setting},
        {{"VirtualMachine", "Devices", "FlexibleIov", "<id>"}, allow_add, SettingsKind::Object, Target::Item},
        {{"VirtualMachine", "Devices", "MappedPipes", "<id>"}, allow_add | allow_remove, SettingsKind::Empty, Target::Item},
        {{"VirtualMachine", "Devices", "NetworkAdapters", "<id>"}, allow_any, SettingsKind::Object, Target::Item},
        {{"VirtualMachine", "Devices", "Plan9", "Shares"}, allow_any, SettingsKind::Object, Target::Collection, "Name"},
        {{"VirtualMachine", "Devices", "Scsi", "<id>", "Attachments", "<uint>"}, allow_any, SettingsKind::Object, Target::Item, nullptr, 4},
        {{"VirtualMachine", "Devices", "ComPorts", "<0|1>"}, allow_any, SettingsKind::Object, Target::Item},
        {{"VirtualMachine", "Devices", "SharedMemory", "Regions"}, allow_any, SettingsKind::Object, Target::Collection, "SectionName"},
        {{"VirtualMachine", "Devices", "VirtualPMem", "Devices", "<uint>"}, allow_add | allow_remove, SettingsKind::Object, Target::Item},
        {{"VirtualMachine", "Devices", "VirtualPMem", "Devices", "<uint>", "Mappings", "<uint>"}, allow_add | allow_remove, SettingsKind::Object, Target::Item, nullptr, 5},
        {{"VirtualMachine", "Devices", "VirtualSmb", "Shares"}, allow_any, SettingsKind::Object, Target::Collection, "Name"},
        {{"VirtualMachine", "Devices", "VirtualPci", "<id>"}, allow_add | allow_remove, SettingsKind::Object, Target::Item},
        {{"VirtualMachine", "Devices", "Licensing"}, allow_any, SettingsKind::Object, Target::Setting},
        {{"VirtualMachine", "Devices", "HvSocket", "HvSocketConfig", "ServiceTable", "<id>"}, allow_any, SettingsKind::Object, Target::Item},
        {{"Container", "Devices", "Generic"}, allow_any, SettingsKind::Any, Target::Setting},
        {{"Container", "MappedDirectories"}, allow_any, SettingsKind::Object, Target::Collection, "ContainerPath"},
        {{"Container", "MappedPipes"}, allow_any, SettingsKind::Object, Target::Collection, "ContainerPipeName"},
        {{"Container", "Memory", "SizeInMB"}, allow_any, SettingsKind::UInt64, Target::Setting},
        {{"Container", "RegistryFlushState"}, allow_any, SettingsKind::Object, Target::Setting},
        {{"Container", "Processor"}, allow_any, SettingsKind::Object, Target::Setting},
    };
    return table;
}

bool is_uint(const std::string& segment) {
    if (segment.empty() || segment.size() > 10) return false;
    uint64_t value = 0;
    const auto* end = segment.data() + segment.size();
    const auto [ptr, ec] = std::from_chars(segment.data(), end, value);
    return ec == std::errc() && ptr == end && value <= 0xFFFFFFFFu;
}

bool segment_matches(std::string_view pattern, const std::string& segment) {
    if (pattern == "<id>") return !segment.empty();
    if (pattern == "<uint>") return is_uint(segment);
    if (pattern == "<0|1>") return segment == "0" || segment == "1";
    return pattern == segment;
}

const PathRule* find_rule(const std::vector<std::string>& path) {
    for (const auto& rule : path_table()) {
        if (rule.segments.size() != path.size()) continue;
        bool all = true;
        for (std::size_t i = 0; i < path.size() && all; ++i) all = segment_matches(rule.segments[i], path[i]);
        if (all) return &rule;
    }
    return nullptr;
}

// "" if Settings suits the rule, else why not.
std::string check_settings(const PathRule& rule, const rapidjson::Value* settings) {
    switch (rule.settings) {
    case SettingsKind::Object:
        if (settings == nullptr || !settings->IsObject()) return "Settings must be an object for this resource";
        break;
    case SettingsKind::UInt64:
        if (settings == nullptr || !settings->IsUint64()) return "Settings must be an unsigned integer";
        break;
    case SettingsKind::UInt32:
        if (settings == nullptr || !settings->IsUint()) return "Settings must be an unsigned 32-bit integer";
        break;
    case SettingsKind::Empty:
        if (settings != nullptr && !settings->IsNull() && !(settings->IsObject() && settings->ObjectEmpty())) {
            return "Settings must be empty for this resource";
        }
        break;
    case SettingsKind::Any:
        if (settings == nullptr) return "Settings is required";
        break;
    }
    if (rule.target == Target::Collection) {
        const auto key = settings->FindMember(rule.key);
        if (key == settings->MemberEnd() || !key->value.IsString()) {
            return std::string("Settings must name the entry (") + rule.key + ")";
        }
    }
    return {};
}

std::string joined(const std::vector<std::string>& path, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count && i < path.size(); ++i) {
        if (i != 0) out += '/';
        out += path[i];
    }
    return out;
}

Outcome apply_locked(System& system, const Request& request) {
    const auto& path = request.path;
    const PathRule* rule = find_rule(path);
    if (rule == nullptr || (path.front() == "VirtualMachine") != system.is_vm) {
        return failure(hr_not_supported, "The resource path " + joined(path, path.size()) +
                                             " is not supported for this compute system.",
                       function_name);
    }
    if ((rule->allowed & type_bit(request.type)) == 0) {
        return failure(hr_not_supported, "This request type is not supported for " + joined(path, path.size()) + ".",
                       function_name);
    }
    const auto settings_it = request.document->FindMember("Settings");
    const rapidjson::Value* settings =
        settings_it != request.document->MemberEnd() ? &settings_it->value : nullptr;
    // Remove ignores Settings (HcsModifyComputeSystem.md), except that a collection entry is
    // named by it.
    if (request.type != RequestType::Remove || rule->target == Target::Collection) {
        const std::string problem = check_settings(*rule, settings);
        if (!problem.empty()) return failure(HCS_E_INVALID_JSON, problem + ".", function_name);
    }

    auto& config = system.config;
    auto& a = config.GetAllocator();
    const bool creating = request.type == RequestType::Add ||
                          (request.type == RequestType::Update && rule->target != Target::Item);
    rapidjson::Value* at = &config;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        const char* name = path[i].c_str();
        if (!at->IsObject()) {
            return failure(E_INVALIDARG, "The configuration holds a value at " + joined(path, i) + ".", function_name);
        }
        if (!at->HasMember(name)) {
            if (!creating || i < rule->must_exist) {
                return failure(hr_not_found, "No resource at " + joined(path, i + 1) + ".", function_name);
            }
            at->AddMember(rapidjson::Value(name, a), rapidjson::Value(rapidjson::kObjectType), a);
        }
        at = &(*at)[name];
    }
    if (!at->IsObject()) {
        return failure(E_INVALIDARG, "The configuration holds a value at " + joined(path, path.size() - 1) + ".",
                       function_name);
    }
    const char* leaf = path.back().c_str();
    const bool exists = at->HasMember(leaf);
    const std::string where = joined(path, path.size());
    switch (rule->target) {
    case Target::Setting:
        if (request.type == RequestType::Remove) {
            if (!exists) return failure(hr_not_found, "No resource at " + where + ".", function_name);
            at->EraseMember(leaf);
        } else if (exists) {
            (*at)[leaf].CopyFrom(*settings, a);
        } else {
            at->AddMember(rapidjson::Value(leaf, a), rapidjson::Value(*settings, a), a);
        }
        break;
    case Target::Item: {
        rapidjson::Value value(rapidjson::kObjectType);
        if (settings != nullptr && request.type != RequestType::Remove) value.CopyFrom(*settings, a);
        switch (request.type) {
        case RequestType::Add:
            if (exists) return failure(hr_already_exists, where + " already exists.", function_name);
            at->AddMember(rapidjson::Value(leaf, a), value, a);
            break;
        case RequestType::Update:
            if (!exists) return failure(hr_not_found, "No resource at " + where + ".", function_name);
            (*at)[leaf] = value;
            break;
        case RequestType::Remove:
            if (!exists) return failure(hr_not_found, "No resource at " + where + ".", function_name);
            at->EraseMember(leaf);
            break;
        }
        break;
    }
    case Target::Collection: {
        if (!exists) {
            if (request.type != RequestType::Add) {
                return failure(hr_not_found, "No entry in " + where + ".", function_name);
            }
            at->AddMember(rapidjson::Value(leaf, a), rapidjson::Value(rapidjson::kArrayType), a);
        }
        auto& list = (*at)[leaf];
        if (!list.IsArray()) {
            return failure(E_INVALIDARG, "The configuration holds a value at " + where + ".", function_name);
        }
        const std::string_view key((*settings)[rule->key].GetString(), (*settings)[rule->key].GetStringLength());
        auto entry = list.Begin();
        for (; entry != list.End(); ++entry) {
            if (!entry->IsObject()) continue;
            const auto field = entry->FindMember(rule->key);
            if (field != entry->MemberEnd() && field->value.IsString() &&
                std::string_view(field->value.GetString(), field->value.GetStringLength()) == key) {
                break;
            }
        }
        const bool found = entry != list.End();
        switch (request.type) {
        case RequestType::Add:
            if (found) return failure(hr_already_exists, std::string(key) + " already exists in " + where + ".", function_name);
            list.PushBack(rapidjson::Value(*settings, a), a);
            break;
        case RequestType::Update:
            if (!found) return failure(hr_not_found, "No entry " + std::string(key) + " in " + where + ".", function_name);
            entry->CopyFrom(*settings, a);
            break;
        case RequestType::Remove:
            if (!found) return failure(hr_not_found, "No entry " + std::string(key) + " in " + where + ".", function_name);
            list.Erase(entry);
            break;
        }
        break;
    }
    }
    return Outcome{};
}

}  // namespace
}  // namespace hcsim

using namespace hcsim;

extern "C" {

HRESULT WINAPI HcsModifyComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                      PCWSTR configuration, HANDLE identity) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (configuration == nullptr) return E_INVALIDARG;
        Request request = parse_request(configuration);
        State& s = state();
        OperationCallLock lock(s);
        SystemCall call;
        const HRESULT hr = begin_system_call_locked(s, function_name, computeSystem, operation, call);
        if (FAILED(hr)) return hr;
        // Impersonation is not simulated; the token is recorded (HcsimGetSystemSecurity) for
        // every call that is accepted, whatever its operation then reports.
        SystemSecurity& security = call.handle->system->security;
        ++security.modify_calls;
        security.identity_given = identity != nullptr;
        security.last_identity = reinterpret_cast<uintptr_t>(identity);
        launch_locked(s, function_name, call, HcsOperationTypeModify,
                      [handle = call.handle, request = std::move(request)](State&) -> Outcome {
                          System& system = *handle->system;
                          // A stopped system is cleaned up (Overview.md).
                          if (!system.registered) {
                              return failure(HCS_E_SYSTEM_NOT_FOUND, "The compute system does not exist.", function_name);
                          }
                          if (!request.error.empty()) {
                              return failure(HCS_E_INVALID_JSON, request.error, function_name);
                          }
                          if (!request.has_path) return Outcome{};  // a guest request only: accepted
                          return apply_locked(system, request);
                      });
        return S_OK;
    });
}

}  // extern "C"
