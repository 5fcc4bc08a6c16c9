// Linked into every suite that drives hcsim through zlhcs: puts hcsim in this run's behaviour
// when the first test reaches it (strict handles on) and fails the run if any test made zlhcs pass a
// closed, unknown or NULL HCS handle to the backend (which can crash real computecore.dll).
#include "hcsim_client.h"

#include <gtest/gtest.h>

namespace {

class strict_handles_environment : public ::testing::Environment {
public:
    // Nothing in SetUp: touching hcsim would choose zlhcs's backend, and a death test's child
    // (which re-runs main) may need to choose another one.
    void TearDown() override {
        const std::string violations = zlhcs_test::hcsim_client::instance().take_violations();
        EXPECT_TRUE(violations.empty()) << violations;
    }
};

const auto* const registered =
    ::testing::AddGlobalTestEnvironment(new strict_handles_environment);  // gtest owns it

}  // namespace
