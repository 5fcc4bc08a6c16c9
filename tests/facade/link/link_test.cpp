// How the facade behaves when a program is linked from several parts:
//   - translation units of different language modes (C++17 and C++20) share async_result and
//     its state (issue 7, point 16): one layout, and a state made in one is completed and
//     consumed in the other;
//   - several modules (shared libraries) each have their own copy of the facade's error
//     categories (point 19): the comparisons error.hpp documents as working across modules
//     work, on codes made by the two libraries and by this executable.
#include "../facade_test_support.hpp"
#include "error_module.h"
#include "mixed_mode.h"

#include <coroutine>
#include <exception>
#include <future>
#include <string>
#include <system_error>
#include <utility>

namespace {

using namespace facade_test;

static_assert(__cplusplus >= 202002L, "the test's own unit is C++20");

// ---- C++17 and C++20 units ------------------------------------------------------------------

TEST(FacadeMixedMode, AsyncStateHasOneLayoutInCxx17AndCxx20) {
    EXPECT_EQ(mixed_mode::cxx17_unit_standard(), 201703L);
    const mixed_mode::layout cxx17 = mixed_mode::cxx17_layout();
    const mixed_mode::layout cxx20 = mixed_mode::this_unit_layout();
    for (std::size_t i = 0; i < cxx17.state.size(); ++i) {
        EXPECT_EQ(cxx17.state[i], cxx20.state[i]) << "async_state layout field " << i;
    }
    EXPECT_EQ(cxx17.async_result, cxx20.async_result);
    EXPECT_EQ(cxx17.awaitable_result, cxx20.awaitable_result);
    EXPECT_EQ(cxx17.executor, cxx20.executor);
    EXPECT_EQ(cxx17.process, cxx20.process);
    EXPECT_EQ(cxx17.compute_system, cxx20.compute_system);
    EXPECT_EQ(cxx17.error, cxx20.error);
}

// Eager and detached: reports through the promise it owns.
struct detached {
    struct promise_type {
        detached get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { std::terminate(); }
    };
};

detached await_in_cxx20(zlhcs::async_result result, std::promise<std::string> done) {
    try {
        done.set_value(co_await result);
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

// Started (and its state made) in the C++17 unit, awaited here: the C++20 awaiter registers
// its continuation in a state laid out by C++17 code, which the completion resumes.
TEST(FacadeMixedMode, StartedInCxx17AwaitedInCxx20) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", 100);  // co_await suspends
    zlhcs::async_result result = mixed_mode::cxx17_properties_async(system);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result.ready());
    std::promise<std::string> promise;
    std::future<std::string> future = promise.get_future();
    await_in_cxx20(std::move(result), std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(string_member(parse(future.get()), "State"), "Created");
}

// Started here, consumed in the C++17 unit (wait and future).
TEST(FacadeMixedMode, StartedInCxx20ConsumedInCxx17) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", 100);
    zlhcs::async_result waited = system.properties_async();
    zlhcs::async_result futured = system.properties_async();
    std::future<std::string> future = mixed_mode::cxx17_future(futured);
    EXPECT_EQ(string_member(parse(mixed_mode::cxx17_wait(waited)), "State"), "Created");
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(string_member(parse(future.get()), "State"), "Created");
}

// ---- several modules ------------------------------------------------------------------------

// The test is meaningful only if the modules really have categories of their own.
TEST(FacadeModules, EachModuleHasItsOwnCategoryObjects) {
    EXPECT_NE(error_module_a_category(), error_module_b_category());
    EXPECT_NE(error_module_a_category(), &zlhcs::category());
    EXPECT_NE(error_module_b_category(), &zlhcs::category());
    EXPECT_NE(error_module_a_condition_category(), &zlhcs::condition_category());
    EXPECT_NE(error_module_a_condition_category(), error_module_b_condition_category());
    EXPECT_STREQ(error_module_a_category()->name(), "zlhcs");
}

TEST(FacadeModules, CodesMatchConditionsOfAnyModule) {
    const std::error_code a = error_module_a_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    const std::error_code b = error_module_b_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    const std::error_code here = zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    // A module's code against this executable's conditions.
    EXPECT_EQ(a, zlhcs::errc::not_found);
    EXPECT_NE(a, zlhcs::errc::invalid_state);
    EXPECT_EQ(b, zlhcs::errc::not_found);
    // ... against another module's conditions, and against each other's default condition.
    EXPECT_EQ(a, error_module_b_condition(zlhcs::errc::not_found));
    EXPECT_NE(a, error_module_b_condition(zlhcs::errc::timeout));
    EXPECT_EQ(here, error_module_a_condition(zlhcs::errc::not_found));
    EXPECT_EQ(a, b.default_error_condition());
    EXPECT_EQ(b, here.default_error_condition());
    // ... compared inside the other module.
    EXPECT_TRUE(error_module_b_matches(a, zlhcs::errc::not_found));
    EXPECT_FALSE(error_module_b_matches(a, zlhcs::errc::timeout));
    EXPECT_TRUE(error_module_a_matches(here, zlhcs::errc::not_found));
    // std::errc conditions (each Windows DLL here has a static C++ runtime: its own generic
    // category).
    const std::error_code timeout_a = error_module_a_code(ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(timeout_a, std::errc::timed_out);
    EXPECT_TRUE(error_module_b_matches_generic(timeout_a, std::errc::timed_out));
    EXPECT_TRUE(error_module_a_matches_generic(zlhcs::make_error_code(ZLHCS_WIN32_E_CANCELLED), std::errc::operation_canceled));
    EXPECT_FALSE(error_module_a_matches_generic(timeout_a, std::errc::operation_canceled));
}

TEST(FacadeModules, TheFacadesHelpersWorkAcrossModules) {
    const std::error_code a = error_module_a_code(ZLHCS_HCS_E_INVALID_STATE);
    const std::error_code b = error_module_b_code(ZLHCS_HCS_E_INVALID_STATE);
    const std::error_code here = zlhcs::make_error_code(ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_TRUE(zlhcs::is_hresult_category(a.category()));
    EXPECT_TRUE(zlhcs::is_condition_category(*error_module_b_condition_category()));
    EXPECT_EQ(zlhcs::hresult_of(a), std::optional<zlhcs_hresult>(ZLHCS_HCS_E_INVALID_STATE));
    EXPECT_TRUE(zlhcs::same_error(a, b));
    EXPECT_TRUE(zlhcs::same_error(a, here));
    EXPECT_TRUE(error_module_b_same_error(a, here));
    EXPECT_FALSE(zlhcs::same_error(a, zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND)));
    // What std compares by address does not match across modules (error.hpp says so).
    EXPECT_FALSE(a == b);
    EXPECT_FALSE(a == here);
    EXPECT_FALSE(a.category() == zlhcs::category());
}

// A real failure inside a module: the code its zlhcs::error carried, compared here.
TEST(FacadeModules, AFailedCallInAModuleIsRecognisedHere) {
    const std::error_code a = error_module_a_failed_open();
    const std::error_code b = error_module_b_failed_open();
    EXPECT_EQ(a, zlhcs::errc::not_found) << a.message();
    EXPECT_EQ(b, zlhcs::errc::not_found) << b.message();
    EXPECT_EQ(zlhcs::hresult_of(a), std::optional<zlhcs_hresult>(ZLHCS_HCS_E_SYSTEM_NOT_FOUND));
    EXPECT_TRUE(zlhcs::same_error(a, b));
    EXPECT_FALSE(a.message().empty());
    try {
        (void)zlhcs::compute_system::open(unique_id("-missing"));
        ADD_FAILURE() << "open of an unknown system succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), a.default_error_condition());
        EXPECT_TRUE(zlhcs::same_error(e.code(), a));
    }
}

}  // namespace
