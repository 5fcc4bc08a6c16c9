#include "calls.hpp"

namespace zlhcs::core {

zlhcs_hresult finish_sync(operation_object& operation, std::uint32_t timeout_ms,
                          char** out_document) {
    const zlhcs_hresult hr =
        operation.wait(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_document);
    if (hr == ZLHCS_HCS_E_OPERATION_TIMEOUT && !operation.is_complete()) {
        // The caller gave up: do not leave the work running behind its back.
        (void)operation.cancel();
        operation.close();
        return fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                    std::string(operation.function()) + " did not complete within " +
                        std::to_string(timeout_ms) + " ms; the operation was cancelled",
                    operation.function());
    }
    operation.close();
    return hr;
}

}  // namespace zlhcs::core
