#include "call_options.hpp"

#include "caller_struct.hpp"
#include "strings.hpp"

namespace zlhcs::core {
namespace {

zlhcs_hresult not_taken(const char* member, const char* function) {
    return fail(ZLHCS_E_INVALID_ARGUMENT, std::string("call_options->") + member + " is set, but " +
                                              function + " does not take it");
}

}  // namespace

zlhcs_hresult read_call_options(const zlhcs_call_options* in, unsigned accepted,
                                const char* function, parsed_call_options& out) {
    out = parsed_call_options{};
    if (in == nullptr) return ZLHCS_S_OK;
    zlhcs_call_options copy{};
    if (const zlhcs_hresult hr =
            read_caller_struct<zlhcs_call_options>(in, ZLHCS_CALL_OPTIONS_SIZE_V1, "call_options", copy);
        hr < 0) {
        return hr;
    }
    if (copy.requested_access != 0) {
        if ((accepted & option_requested_access) == 0) return not_taken("requested_access", function);
        out.requested_access = copy.requested_access;
    }
    if (copy.namespace_id != nullptr) {
        if ((accepted & option_namespace) == 0) return not_taken("namespace_id", function);
        if (const zlhcs_hresult hr =
                to_wide(copy.namespace_id, "call_options->namespace_id", true, out.wide_namespace);
            hr < 0) {
            return hr;
        }
        out.namespace_id = std::string(copy.namespace_id);
    }
    if (copy.security_descriptor != nullptr) {
        if ((accepted & option_security_descriptor) == 0) return not_taken("security_descriptor", function);
        out.security_descriptor = copy.security_descriptor;
    }
    if (copy.identity_token != 0) {
        if ((accepted & option_identity_token) == 0) return not_taken("identity_token", function);
        out.identity_token = copy.identity_token;
    }
    return ZLHCS_S_OK;
}

}  // namespace zlhcs::core
