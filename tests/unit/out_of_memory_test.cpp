// Out of memory is reported without allocating: guarded()'s bad_alloc handler and the last
// error it records must not call operator new (which would throw again inside a noexcept
// function and terminate the caller's process). Out of memory where zlhcs cannot report it is
// fatal (docs/internals.md, "Out of memory").
#include "api/guard.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

namespace {
std::atomic<long> allocations{0};
std::atomic<bool> fail_allocations{false};  // every operator new throws std::bad_alloc
}

// Counts every allocation of this test program.
void* operator new(std::size_t size) {
    allocations.fetch_add(1);
    if (fail_allocations.load()) throw std::bad_alloc();
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

TEST(out_of_memory, guarded_reports_it_without_allocating) {
    // A previous failure with long strings: recording the next one reuses their buffers.
    zlhcs::core::fail(ZLHCS_E_INTERNAL, std::string(200, 'm'), std::string(100, 'f'), std::string(300, 'd'));
    const long before = allocations.load();
    const zlhcs_hresult hr = zlhcs::api::guarded("zlhcs_system_create_async", []() -> zlhcs_hresult {
        throw std::bad_alloc();
    });
    const long during = allocations.load() - before;
    EXPECT_EQ(hr, ZLHCS_E_OUT_OF_MEMORY);
    EXPECT_EQ(during, 0) << "the bad_alloc handler allocated";

    zlhcs_error e{};
    e.struct_size = sizeof e;
    ASSERT_EQ(zlhcs::core::last_error(&e), ZLHCS_S_OK);
    EXPECT_EQ(e.code, ZLHCS_E_OUT_OF_MEMORY);
    EXPECT_EQ(e.category, static_cast<uint32_t>(ZLHCS_CATEGORY_OTHER));
    EXPECT_STREQ(e.message, "out of memory");
    EXPECT_STREQ(e.function, "zlhcs_system_create_async");
    EXPECT_STREQ(e.result_document, "") << "no stale document of the previous failure";

    // The next ordinary failure replaces the static texts.
    zlhcs::core::fail(ZLHCS_E_INVALID_ARGUMENT, "next");
    ASSERT_EQ(zlhcs::core::last_error(&e), ZLHCS_S_OK);
    EXPECT_STREQ(e.message, "next");
    EXPECT_STREQ(e.function, "");
}

TEST(out_of_memory, other_exceptions_become_internal_errors) {
    const zlhcs_hresult hr =
        zlhcs::api::guarded("zlhcs_x", []() -> zlhcs_hresult { throw std::runtime_error("boom"); });
    EXPECT_EQ(hr, ZLHCS_E_INTERNAL);
    zlhcs_error e{};
    e.struct_size = sizeof e;
    ASSERT_EQ(zlhcs::core::last_error(&e), ZLHCS_S_OK);
    EXPECT_NE(std::string(e.message).find("boom"), std::string::npos);
    EXPECT_EQ(zlhcs::api::guarded("zlhcs_y", []() -> zlhcs_hresult { throw 42; }), ZLHCS_E_INTERNAL);
}

#if !defined(_WIN32)
// Building the message of an HCS failure is one of the places where out of memory ends the
// process (std::bad_alloc leaves a noexcept function: std::terminate) instead of degrading.
TEST(out_of_memory_death, building_an_hcs_failure_message_terminates) {
    EXPECT_DEATH(
        {
            fail_allocations = true;
            (void)zlhcs::core::fail_hcs(ZLHCS_HCS_E_INVALID_STATE, "HcsStartComputeSystem", {});
            fail_allocations = false;  // not reached; if it were, the test fails instead of dying later
        },
        "bad_alloc");
}
#endif

}  // namespace
