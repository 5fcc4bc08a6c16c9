// Linked into every suite that drives hcsim through zlhcs: puts hcsim in this run's behaviour
// when the first test reaches it (strict handles on), and at the end of the run fails it if
// any test made zlhcs pass a closed, unknown or NULL HCS handle to the backend (which can crash
// real computecore.dll), or if zlhcs's leak counters (zlhcs_debug_counts: handles, callback
// contexts, strings, live objects, delivery threads) do not return to zero.
#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <gtest/gtest.h>

namespace {

class suite_end_environment : public ::testing::Environment {
public:
    // Nothing in SetUp: touching hcsim would choose zlhcs's backend, and a death test's child
    // (which re-runs main) may need to choose another one.
    void TearDown() override {
        const std::string violations = zlhcs_test::hcsim_client::instance().take_violations();
        EXPECT_TRUE(violations.empty()) << violations;
        const std::string left = zlhcs_test::wait_for_zero_counts(true);
        EXPECT_TRUE(left.empty()) << "zlhcs_debug_counts at the end of the suite: " << left;
    }
};

const auto* const registered =
    ::testing::AddGlobalTestEnvironment(new suite_end_environment);  // gtest owns it

}  // namespace
