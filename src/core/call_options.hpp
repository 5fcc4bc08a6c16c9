// zlhcs_call_options, read once per call: which members a call takes, and their values.
#pragma once

#include "strings.hpp"

#include <zlhcs/zlhcs.h>

#include <cstdint>
#include <optional>
#include <string>

namespace zlhcs::core {

/// The members of zlhcs_call_options, as bits: each call names those it takes.
enum call_option : unsigned {
    option_requested_access = 1u << 0,
    option_namespace = 1u << 1,
    option_security_descriptor = 1u << 2,
    option_identity_token = 1u << 3,
};

struct parsed_call_options {
    std::uint32_t requested_access = 0;
    std::optional<std::string> namespace_id;  // UTF-8, validated
    wide_argument wide_namespace;             // the same, as HCS takes it
    const void* security_descriptor = nullptr;
    std::uint64_t identity_token = 0;
};

/// Reads `in` (NULL: defaults). A non-default member outside `accepted` fails with
/// ZLHCS_E_INVALID_ARGUMENT naming the member and `function` (nothing is silently ignored);
/// sizes follow read_caller_struct(); a namespace id that is not UTF-8 fails with
/// ZLHCS_E_INVALID_UTF8.
zlhcs_hresult read_call_options(const zlhcs_call_options* in, unsigned accepted,
                                const char* function, parsed_call_options& out);

}  // namespace zlhcs::core
