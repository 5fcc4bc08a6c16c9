// zlhcs C++ facade - zlhcs::call_options: what HCS takes besides the document.
//
// The optional inputs of compute_system::create/open/modify/enumerate and process::create
// (the C API's zlhcs_call_options): a security descriptor for the new object, an identity
// token for modify, an HCS namespace for create/open/enumerate, an access mask for open.
// Each call takes only the members its C function documents; any other member set is refused
// with errc::invalid_argument (nothing is silently dropped).
//
// Ownership: the facade copies the namespace; the security descriptor is the caller's and
// must stay valid for the call (HCS reads it during the call only); the token is the caller's
// HANDLE. A call_options may be reused and shared between threads (calls only read it).
#pragma once

#include <zlhcs/zlhcs.h>

#include <cstdint>
#include <optional>
#include <string>

namespace zlhcs {

struct call_options {
    /// create (system or process): a SECURITY_DESCRIPTOR, passed to HCS as is.
    const void* security_descriptor = nullptr;
    /// modify: an impersonation token HANDLE (as an integer), passed as HCS's identity.
    std::uint64_t identity_token = 0;
    /// create/open/enumerate: the HCS namespace id (UTF-8); empty for the default namespace.
    /// Needs the InNamespace entry points (Windows 10 2004+): errc::not_supported otherwise.
    std::optional<std::string> namespace_id;
    /// open: the access mask for HcsOpenComputeSystem; 0 for GENERIC_ALL.
    std::uint32_t requested_access = 0;

    /// The C struct, pointing into this object (valid while it lives and is not changed).
    [[nodiscard]] zlhcs_call_options native() const noexcept {
        zlhcs_call_options options{};
        options.struct_size = sizeof options;
        options.requested_access = requested_access;
        options.namespace_id = namespace_id ? namespace_id->c_str() : nullptr;
        options.security_descriptor = security_descriptor;
        options.identity_token = identity_token;
        return options;
    }
};

}  // namespace zlhcs
