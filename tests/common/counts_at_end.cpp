// Linked into the suites that use zlhcs without driving hcsim (ABI, link, backend loading):
// at the end of the run zlhcs's leak counters (zlhcs_debug_counts) must be back at zero.
// Never loads a backend itself.
#include "debug_counts.hpp"

#include <gtest/gtest.h>

namespace {

class counts_environment : public ::testing::Environment {
public:
    void TearDown() override {
        const std::string left = zlhcs_test::wait_for_zero_counts(true);
        EXPECT_TRUE(left.empty()) << "zlhcs_debug_counts at the end of the suite: " << left;
    }
};

const auto* const registered = ::testing::AddGlobalTestEnvironment(new counts_environment);  // gtest owns it

}  // namespace
