// HcsEnumerateComputeSystems (SystemQuery) and HcsGetServiceProperties (ServiceProperties).
#include <algorithm>
#include <optional>
#include <string_view>

#include "json.h"
#include "entry_point.h"
#include "objects.h"
#include "control.h"
#include "operations.h"
#include "systems.h"
#include "text.h"
#include "result_strings.h"
#include "system_call.h"

namespace hcsim {
namespace {

constexpr unsigned max_schema_minor = 6;  // schema 2.0 ... 2.6

QueryDocument parse_system_query(PCWSTR text) {
    return parse_query_document(text, {"Ids", "Names", "Types", "Owners"});
}

// True if the list `name` is absent from the query or holds `value` (case-insensitively
// when `fold` is set).
bool matches(const rapidjson::Document& query, const char* name, const std::string& value, bool fold) {
    const auto it = query.FindMember(name);
    if (it == query.MemberEnd()) return true;
    const std::string wanted = fold ? lower_ascii(value) : value;
    for (const auto& entry : it->value.GetArray()) {
        const std::string candidate(entry.GetString(), entry.GetStringLength());
        if ((fold ? lower_ascii(candidate) : candidate) == wanted) return true;
    }
    return false;
}

// One entry of the enumeration: the schema's ComputeSystemProperties (Id, Name, SystemType,
// State, Owner, RuntimeId, RuntimeOsType; SchemaReference.md), the fields hcsshim reads back
// from it (schema1.ContainerProperties: Id, Name, SystemType, Owner, RuntimeId). Name is the
// id and Owner is left out when the configuration gave none (assumptions).
void add_entry(const System& system, rapidjson::Value& list, rapidjson::Document::AllocatorType& a) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("Id", rapidjson::Value(system.id.c_str(), a), a);
    entry.AddMember("Name", rapidjson::Value(system.id.c_str(), a), a);
    entry.AddMember("SystemType", rapidjson::StringRef(system.is_vm ? "VirtualMachine" : "Container"), a);
    entry.AddMember("State", rapidjson::Value(state_name(system.state), a), a);
    if (!system.owner.empty()) entry.AddMember("Owner", rapidjson::Value(system.owner.c_str(), a), a);
    entry.AddMember("RuntimeId", rapidjson::Value(system.runtime_id.c_str(), a), a);
    entry.AddMember("RuntimeOsType", rapidjson::Value(system.runtime_os_type.c_str(), a), a);
    list.PushBack(entry, a);
}

constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);  // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)

// The systems of one namespace ("" = the default one), filtered by the query.
Outcome enumerate_systems_locked(State& s, const std::string& id_namespace, const rapidjson::Document* query) {
    // The registry holds only systems that exist (a stopped one is removed at once).
    std::vector<const System*> systems;
    const auto ids = query != nullptr ? query->FindMember("Ids") : rapidjson::Document::ConstMemberIterator{};
    if (query != nullptr && ids != query->MemberEnd()) {
        // Looked up by id: the cost follows the query, not the number of systems.
        for (const auto& id : ids->value.GetArray()) {
            const auto it = s.registry.find(registry_key(id_namespace, std::string_view(id.GetString(), id.GetStringLength())));
            if (it != s.registry.end() &&
                std::find(systems.begin(), systems.end(), it->second.get()) == systems.end()) {
                systems.push_back(it->second.get());
            }
        }
    } else {
        // The namespace's keys are contiguous: only its own systems are visited.
        const std::string prefix = namespace_prefix(id_namespace);
        for (auto it = s.registry.lower_bound(prefix);
             it != s.registry.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            systems.push_back(it->second.get());
        }
    }
    std::sort(systems.begin(), systems.end(),
              [](const System* l, const System* r) { return l->sequence < r->sequence; });
    rapidjson::Document doc(rapidjson::kArrayType);
    auto& a = doc.GetAllocator();
    for (const System* system : systems) {
        if (query != nullptr) {
            if (!matches(*query, "Ids", system->id, true) || !matches(*query, "Names", system->id, false) ||
                !matches(*query, "Types", system->is_vm ? "VirtualMachine" : "Container", false) ||
                !matches(*query, "Owners", system->owner, false)) {
                continue;
            }
        }
        add_entry(*system, doc, a);
    }
    Outcome outcome;
    outcome.document = to_json(doc);
    return outcome;
}

rapidjson::Value basic_information(rapidjson::Document::AllocatorType& a) {
    rapidjson::Value versions(rapidjson::kArrayType);
    for (unsigned minor = 0; minor <= max_schema_minor; ++minor) {
        rapidjson::Value v(rapidjson::kObjectType);
        v.AddMember("Major", rapidjson::Value(2u), a);
        v.AddMember("Minor", rapidjson::Value(minor), a);
        versions.PushBack(v, a);
    }
    rapidjson::Value out(rapidjson::kObjectType);
    out.AddMember("SupportedSchemaVersions", versions, a);
    return out;
}

HRESULT fail_with_document(PWSTR* result, HRESULT hr, const std::string& message) {
    (void)store_result_string(result, error_document(hr, message, "HcsGetServiceProperties"));
    return hr;
}

}  // namespace
}  // namespace hcsim

using namespace hcsim;

namespace {

// Both enumerate entry points: the plain one lists the default namespace (""), the InNamespace
// one a named namespace, which must exist.
HRESULT start_enumerate(const char* function, std::optional<std::string> id_namespace, PCWSTR query,
                        HCS_OPERATION operation) {
    QueryDocument parsed = parse_system_query(query);
    State& s = state();
    OperationCallLock lock(s);
    SystemCall call;
    const HRESULT hr = begin_operation_locked(s, function, operation, call);
    if (FAILED(hr)) return hr;
    launch_locked(s, function, call, HcsOperationTypeEnumerate,
                  [function, parsed = std::move(parsed), id_namespace = std::move(id_namespace)](State& st) -> Outcome {
                      if (!parsed.error.empty()) return failure(HCS_E_INVALID_JSON, parsed.error, function);
                      if (!id_namespace) return enumerate_systems_locked(st, std::string(), parsed.document.get());
                      // A namespace comes into being with its first system and is gone with
                      // its last (assumption: computecore has no call to create or delete
                      // one); enumerating one that holds no system fails.
                      if (!namespace_exists_locked(st, *id_namespace)) {
                          return failure(hr_not_found, "The namespace \"" + *id_namespace + "\" does not exist.",
                                         function);
                      }
                      return enumerate_systems_locked(st, *id_namespace, parsed.document.get());
                  });
    return S_OK;
}

}  // namespace

extern "C" {

HRESULT WINAPI HcsEnumerateComputeSystems(PCWSTR query, HCS_OPERATION operation) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        return start_enumerate("HcsEnumerateComputeSystems", std::nullopt, query, operation);
    });
}

HRESULT WINAPI HcsEnumerateComputeSystemsInNamespace(PCWSTR idNamespace, PCWSTR query,
                                                     HCS_OPERATION operation) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (idNamespace == nullptr) return E_INVALIDARG;
        auto id_namespace = input_namespace(idNamespace);
        if (!id_namespace) return E_INVALIDARG;
        return start_enumerate("HcsEnumerateComputeSystemsInNamespace", std::move(*id_namespace), query, operation);
    });
}

HRESULT WINAPI HcsGetServiceProperties(PCWSTR propertyQuery, PWSTR* result) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (result == nullptr) return E_POINTER;
        *result = nullptr;
        {
            State& s = state();
            std::lock_guard lock(s.mutex);
            if (s.disconnected) return HCS_E_SERVICE_DISCONNECT;
            if (const auto fault = take_fault_locked(s, "HcsGetServiceProperties")) {
                return fail_with_document(result, fault->failure, "(injected failure)");
            }
        }
        rapidjson::Document doc(rapidjson::kObjectType);
        auto& a = doc.GetAllocator();
        rapidjson::Value properties(rapidjson::kArrayType);
        if (is_blank(propertyQuery)) {
            properties.PushBack(basic_information(a), a);
        } else {
            const QueryDocument parsed = parse_query_document(propertyQuery, {"PropertyTypes"});
            if (!parsed.error.empty()) return fail_with_document(result, HCS_E_INVALID_JSON, parsed.error);
            const auto& query = *parsed.document;
            const auto types = query.FindMember("PropertyTypes");
            if (types != query.MemberEnd()) {
                for (const auto& type : types->value.GetArray()) {
                    const std::string_view name(type.GetString(), type.GetStringLength());
                    if (name != "Basic") {
                        return fail_with_document(result, E_INVALIDARG,
                                                  "Unsupported property type \"" + std::string(name) + "\".");
                    }
                    properties.PushBack(basic_information(a), a);
                }
            }
        }
        doc.AddMember("Properties", properties, a);
        if (!store_result_string(result, to_json(doc))) return E_OUTOFMEMORY;
        return S_OK;
    });
}

}  // extern "C"
