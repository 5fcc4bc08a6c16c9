// Export: the revisioned function table.
#include "arguments.hpp"

namespace {

static_assert(ZLHCS_API_GENERATED_REVISION == ZLHCS_API_REVISION,
              "run scripts/generate_api.py: zlhcs_api.h is for another revision");

constexpr zlhcs_api_v1 api_v1 = {
    sizeof(zlhcs_api_v1),
    ZLHCS_API_REVISION,
#include "api_table.inc"
};

}  // namespace

extern "C" ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_get_api(uint32_t revision,
                                                           const zlhcs_api_v1** out_api) {
    return zlhcs::api::guarded("zlhcs_get_api", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_api);
        *out_api = nullptr;
        if (revision < ZLHCS_API_MIN_REVISION || revision > ZLHCS_API_REVISION) {
            // An older DLL than the caller: handing out a shorter table than the caller was
            // compiled against would let it call through pointers that are not there. An older
            // caller than the DLL's oldest revision: its members had other parameter lists.
            return zlhcs::core::fail(
                ZLHCS_E_NOT_SUPPORTED,
                "function-table revision " + std::to_string(revision) + " is not provided by this zlhcs (it provides revisions " +
                    std::to_string(ZLHCS_API_MIN_REVISION) + " to " + std::to_string(ZLHCS_API_REVISION) +
                    (revision != 0 && revision < ZLHCS_API_MIN_REVISION
                         ? "; revisions 1-3 had the parameter lists of zlhcs 0.4-0.6, before release notifiers)"
                         : ")"));
        }
        *out_api = &api_v1;
        return ZLHCS_S_OK;
    });
}
