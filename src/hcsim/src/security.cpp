// Security inputs: hcsim simulates no access control, but it takes the security descriptors
// of HcsCreateComputeSystem / HcsCreateComputeSystemInNamespace (HCS_CREATE_OPTIONS_1) /
// HcsCreateProcess and the identity token of HcsModifyComputeSystem, and records what it was
// given, for tests to read back (HcsimGetSystemSecurity, HcsimGetProcessSecurity).
#include <cstring>

#include "sim_process.h"
#include "objects.h"
#include "entry_point.h"
#include "security.h"
#include "systems.h"

namespace hcsim {

namespace {
constexpr uint8_t security_descriptor_revision = 1;  // SECURITY_DESCRIPTOR_REVISION (winnt.h)
constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);  // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
}  // namespace

HRESULT capture_security_descriptor(const SECURITY_DESCRIPTOR* descriptor, SecurityDescriptorCopy& out) {
    out = SecurityDescriptorCopy{};
    if (descriptor == nullptr) return S_OK;
    // Every valid descriptor is at least as long as the self-relative header; the caller's
    // descriptor must be readable for the call's duration, as for HCS.
    std::memcpy(out.prefix.data(), descriptor, out.prefix.size());
    if (out.prefix[0] != security_descriptor_revision) return E_INVALIDARG;
    out.given = true;
    out.address = reinterpret_cast<uintptr_t>(descriptor);
    return S_OK;
}

void fill_security_record(hcsim_security_record& out, const SecurityDescriptorCopy& descriptor,
                          const SystemSecurity* system) {
    const uint32_t size = out.struct_size;
    std::memset(&out, 0, sizeof out);
    out.struct_size = size;
    out.security_descriptor_given = descriptor.given ? 1u : 0u;
    out.security_descriptor_address = descriptor.address;
    std::memcpy(out.security_descriptor_prefix, descriptor.prefix.data(), descriptor.prefix.size());
    if (system != nullptr) {
        out.create_options_given = system->create_options_given ? 1u : 0u;
        out.user_token = system->user_token;
        out.modify_calls = system->modify_calls;
        out.identity_given = system->identity_given ? 1u : 0u;
        out.last_identity = system->last_identity;
    }
}

namespace {

// The arguments of both control calls; S_OK and the registry key, or E_INVALIDARG.
HRESULT security_lookup_key(const char* id_namespace, const char* id, const hcsim_security_record* record,
                            std::string& key) {
    if (id == nullptr || *id == '\0' || record == nullptr ||
        record->struct_size < sizeof(hcsim_security_record) ||
        (id_namespace != nullptr && *id_namespace == '\0')) {
        return E_INVALIDARG;
    }
    key = registry_key(id_namespace != nullptr ? id_namespace : "", id);
    return S_OK;
}

}  // namespace
}  // namespace hcsim

using namespace hcsim;

extern "C" {

HCSIM_API HRESULT WINAPI HcsimGetSystemSecurity(const char* id_namespace, const char* id,
                                                hcsim_security_record* record) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        std::string key;
        if (const HRESULT hr = security_lookup_key(id_namespace, id, record, key); FAILED(hr)) return hr;
        State& s = state();
        std::lock_guard lock(s.mutex);
        const auto it = s.registry.find(key);
        if (it == s.registry.end()) return HCS_E_SYSTEM_NOT_FOUND;
        const System& system = *it->second;
        fill_security_record(*record, system.security.descriptor, &system.security);
        return S_OK;
    });
}

HCSIM_API HRESULT WINAPI HcsimGetProcessSecurity(const char* id_namespace, const char* id, uint32_t process_id,
                                                 hcsim_security_record* record) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        std::string key;
        if (const HRESULT hr = security_lookup_key(id_namespace, id, record, key); FAILED(hr)) return hr;
        State& s = state();
        std::lock_guard lock(s.mutex);
        const auto it = s.registry.find(key);
        if (it == s.registry.end()) return HCS_E_SYSTEM_NOT_FOUND;
        const auto process = it->second->user_processes.find(process_id);
        if (process == it->second->user_processes.end()) return hr_not_found;
        fill_security_record(*record, process->second->security_descriptor, nullptr);
        return S_OK;
    });
}

}  // extern "C"
