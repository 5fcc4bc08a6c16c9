// HcsModifyComputeSystem: a ModifySettingRequest applied to the stored configuration.
#include <charconv>
#include <string_view>
#include <vector>

#include "json.h"
#include "state.h"
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
    if (request.type != RequestType::Remove && !doc.HasMember("Settings")) {
        request.error = "Settings is required for Add and Update";
        return request;
    }
    request.document = std::move(parsed.document);
    return request;
}

std::optional<rapidjson::SizeType> array_index(const std::string& segment) {
    rapidjson::SizeType index = 0;
    const auto* end = segment.data() + segment.size();
    const auto [ptr, ec] = std::from_chars(segment.data(), end, index);
    if (ec != std::errc() || ptr != end) return std::nullopt;
    return index;
}

Outcome apply_locked(System& system, const Request& request) {
    auto& config = system.config;
    auto& a = config.GetAllocator();
    const char* root = system.is_vm ? "VirtualMachine" : "Container";
    if (request.path.front() != root) {
        return failure(E_INVALIDARG,
                       "ResourcePath must start with \"" + std::string(root) + "\" for this system.",
                       function_name);
    }
    const bool creating = request.type != RequestType::Remove;
    rapidjson::Value* at = &config;
    for (std::size_t i = 0; i + 1 < request.path.size(); ++i) {
        const std::string& segment = request.path[i];
        if (at->IsObject()) {
            if (!at->HasMember(segment.c_str())) {
                if (!creating) return failure(hr_not_found, "No resource at " + segment + ".", function_name);
                at->AddMember(rapidjson::Value(segment.c_str(), a), rapidjson::Value(rapidjson::kObjectType), a);
            }
            at = &(*at)[segment.c_str()];
        } else if (at->IsArray()) {
            const auto index = array_index(segment);
            if (!index || *index >= at->Size()) {
                return failure(hr_not_found, "No resource at " + segment + ".", function_name);
            }
            at = &(*at)[*index];
        } else {
            return failure(E_INVALIDARG, "ResourcePath goes through a value at " + segment + ".",
                           function_name);
        }
    }
    const std::string& leaf = request.path.back();
    const rapidjson::Value* settings = nullptr;
    if (creating) settings = &(*request.document)["Settings"];
    if (at->IsObject()) {
        const bool exists = at->HasMember(leaf.c_str());
        switch (request.type) {
        case RequestType::Add:
            if (exists && (*at)[leaf.c_str()].IsArray()) {
                (*at)[leaf.c_str()].PushBack(rapidjson::Value(*settings, a), a);
            } else if (exists) {
                return failure(hr_already_exists, leaf + " already exists.", function_name);
            } else {
                at->AddMember(rapidjson::Value(leaf.c_str(), a), rapidjson::Value(*settings, a), a);
            }
            break;
        case RequestType::Update:
            if (exists) {
                (*at)[leaf.c_str()].CopyFrom(*settings, a);
            } else {
                at->AddMember(rapidjson::Value(leaf.c_str(), a), rapidjson::Value(*settings, a), a);
            }
            break;
        case RequestType::Remove:
            if (!exists) return failure(hr_not_found, "No resource at " + leaf + ".", function_name);
            at->EraseMember(leaf.c_str());
            break;
        }
    } else if (at->IsArray()) {
        const auto index = array_index(leaf);
        if (!index) return failure(hr_not_found, "No resource at " + leaf + ".", function_name);
        const bool exists = *index < at->Size();
        switch (request.type) {
        case RequestType::Add:
            if (exists) return failure(hr_already_exists, leaf + " already exists.", function_name);
            if (*index != at->Size()) return failure(hr_not_found, "No resource at " + leaf + ".", function_name);
            at->PushBack(rapidjson::Value(*settings, a), a);
            break;
        case RequestType::Update:
            if (!exists) return failure(hr_not_found, "No resource at " + leaf + ".", function_name);
            (*at)[*index].CopyFrom(*settings, a);
            break;
        case RequestType::Remove:
            if (!exists) return failure(hr_not_found, "No resource at " + leaf + ".", function_name);
            at->Erase(at->Begin() + *index);
            break;
        }
    } else {
        return failure(E_INVALIDARG, "ResourcePath goes through a value at " + leaf + ".", function_name);
    }
    return Outcome{};
}

}  // namespace
}  // namespace hcsim

using namespace hcsim;

extern "C" {

HRESULT WINAPI HcsModifyComputeSystem(HCS_SYSTEM computeSystem, HCS_OPERATION operation,
                                      PCWSTR configuration, HANDLE identity) try {
    (void)identity;  // impersonation is not simulated
    if (configuration == nullptr) return E_INVALIDARG;
    Request request = parse_request(configuration);
    State& s = state();
    OperationCallLock lock(s);
    SystemCall call;
    const HRESULT hr = begin_system_call_locked(s, function_name, computeSystem, operation, call);
    if (FAILED(hr)) return hr;
    launch_locked(s, function_name, call, HcsOperationTypeModify,
                  [handle = call.handle, request = std::move(request)](State&) -> Outcome {
                      System& system = *handle->system;
                      if (!system.registered) return failure(HCS_E_SYSTEM_NOT_FOUND, "", function_name);
                      if (!request.error.empty()) {
                          return failure(HCS_E_INVALID_JSON, request.error, function_name);
                      }
                      if (system.state == SystemState::Stopped) {
                          return failure(HCS_E_INVALID_STATE, "The compute system is Stopped.", function_name);
                      }
                      if (!request.has_path) return Outcome{};  // a guest request only: accepted
                      return apply_locked(system, request);
                  });
    return S_OK;
} catch (...) {
    return E_OUTOFMEMORY;  // out of memory (or another exception): never past the C boundary
}

}  // extern "C"
