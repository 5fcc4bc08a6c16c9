#include "calls.hpp"

#include "strings.hpp"

#include <cstdlib>

namespace zlhcs::core {

zlhcs_hresult finish_sync(operation_object& operation, std::uint32_t timeout_ms,
                          char** out_document, bool* still_running) {
    if (still_running != nullptr) *still_running = false;
    zlhcs_hresult hr = operation.wait(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_document);
    if (hr == ZLHCS_HCS_E_OPERATION_TIMEOUT && operation.is_complete()) {
        // The result arrived just as the wait gave up: it is the truth, report it.
        hr = operation.wait(0, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_document);
    } else if (hr == ZLHCS_HCS_E_OPERATION_TIMEOUT) {
        // HCS cannot cancel (HcsCancelOperation is not implemented) and closing the operation
        // does not stop the work: say so, never "cancelled".
        if (still_running != nullptr) *still_running = true;
        hr = fail(ZLHCS_HCS_E_OPERATION_TIMEOUT,
                  std::string(operation.function()) + " did not complete within " +
                      std::to_string(timeout_ms) +
                      " ms; HCS goes on with it (it cannot be cancelled), so it may still complete",
                  operation.function());
    }
    (void)operation.close();  // unpublished and without callback: nothing to wait for
    return hr;  // *out_document: the result or error document, whichever HCS gave
}

void completion_mode::discard_document() const noexcept {
    if (out_document == nullptr) return;
    free_from_caller(*out_document);
    *out_document = nullptr;
}

}  // namespace zlhcs::core
