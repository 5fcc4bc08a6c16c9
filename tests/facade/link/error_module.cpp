// One module of the cross-module error tests (see error_module.h). Built twice, with
// ZLHCS_TEST_ERROR_MODULE_PREFIX error_module_a_ / error_module_b_.
#include "error_module.h"

#include <string>

#define ZLHCS_TEST_CONCAT2(a, b) a##b
#define ZLHCS_TEST_CONCAT(a, b) ZLHCS_TEST_CONCAT2(a, b)
#define ZLHCS_TEST_FN(name) ZLHCS_TEST_CONCAT(ZLHCS_TEST_ERROR_MODULE_PREFIX, name)

std::error_code ZLHCS_TEST_FN(code)(zlhcs_hresult code) { return zlhcs::make_error_code(code); }

std::error_condition ZLHCS_TEST_FN(condition)(zlhcs::errc condition) { return zlhcs::make_error_condition(condition); }

std::error_code ZLHCS_TEST_FN(failed_open)() {
    try {
        (void)zlhcs::compute_system::open(std::string("zlhcs-link-test-no-such-system"));
    } catch (const zlhcs::error& e) {
        return e.code();
    }
    return {};
}

const std::error_category* ZLHCS_TEST_FN(category)() { return &zlhcs::category(); }

const std::error_category* ZLHCS_TEST_FN(condition_category)() { return &zlhcs::condition_category(); }

bool ZLHCS_TEST_FN(matches)(const std::error_code& code, zlhcs::errc condition) { return code == condition; }

bool ZLHCS_TEST_FN(matches_generic)(const std::error_code& code, std::errc condition) { return code == condition; }

bool ZLHCS_TEST_FN(same_error)(const std::error_code& a, const std::error_code& b) { return zlhcs::same_error(a, b); }
