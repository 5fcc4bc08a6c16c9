// Ownership: unique_handle, compute_system moves and destruction, strings, arguments.
#include "facade_test_support.hpp"

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using namespace facade_test;

static_assert(!std::is_copy_constructible_v<zlhcs::compute_system>);
static_assert(!std::is_copy_assignable_v<zlhcs::compute_system>);
static_assert(std::is_nothrow_move_constructible_v<zlhcs::compute_system>);
static_assert(std::is_nothrow_move_assignable_v<zlhcs::compute_system>);
static_assert(!std::is_copy_constructible_v<zlhcs::unique_system_handle>);

// A close policy that records what it closes, to test unique_handle by itself.
std::vector<int>& closed_handles() {
    static std::vector<int> closed;
    return closed;
}
struct recording_traits {
    using handle_type = int;
    static constexpr int invalid() noexcept { return -1; }
    static void close(int handle) noexcept { closed_handles().push_back(handle); }
};
using recording_handle = zlhcs::unique_handle<recording_traits>;

TEST(FacadeUniqueHandle, ClosesExactlyOnce) {
    closed_handles().clear();
    {
        recording_handle empty;
        EXPECT_FALSE(empty);
        EXPECT_EQ(empty.get(), -1);
        recording_handle a(1);
        recording_handle b(std::move(a));
        EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(b.get(), 1);
        recording_handle c(2);
        c = std::move(b);  // closes 2
        EXPECT_EQ(closed_handles(), std::vector<int>({2}));
        recording_handle& alias = c;
        c = std::move(alias);  // self-move: no effect
        EXPECT_EQ(c.get(), 1);
        recording_handle d(3);
        EXPECT_EQ(d.release(), 3);  // not closed
        d.reset(4);
        *d.put() = 5;  // put() closes 4
        swap(c, d);
        EXPECT_EQ(c.get(), 5);
        EXPECT_EQ(d.get(), 1);
    }  // closes 1 and 5
    EXPECT_EQ(closed_handles(), std::vector<int>({2, 4, 1, 5}));
}

TEST(FacadeComputeSystem, MovedFromIsEmpty) {
    std::string id;
    zlhcs::compute_system first = make_container(&id);
    const zlhcs_system handle = first.native_handle();
    zlhcs::compute_system second(std::move(first));
    EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(first.native_handle(), 0u);
    EXPECT_TRUE(second);
    EXPECT_EQ(second.native_handle(), handle);
    EXPECT_EQ(second.id(), id);

    zlhcs::compute_system third;
    third = std::move(second);
    EXPECT_FALSE(second);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(third.id(), id);
}

// The last handle closing terminates the system (ShouldTerminateOnLastHandleClosed), after
// which it leaves the registry.
bool gone(const std::string& id) {
    try {
        (void)zlhcs::compute_system::open(id);
        return false;
    } catch (const zlhcs::error& e) {
        return e.code() == zlhcs::errc::not_found;
    }
}

TEST(FacadeComputeSystem, DestructionClosesTheHandle) {
    std::string id;
    zlhcs_system handle = 0;
    {
        const zlhcs::compute_system system = make_container(&id);
        handle = system.native_handle();
        system.start(kTimeout);
    }
    EXPECT_TRUE(eventually([&] { return gone(id); }));
    char* text = nullptr;
    EXPECT_EQ(zlhcs_system_id(handle, &text), ZLHCS_E_INVALID_HANDLE);  // closed
}

TEST(FacadeComputeSystem, MoveAssignmentClosesThePreviousSystem) {
    std::string old_id;
    std::string new_id;
    zlhcs::compute_system system = make_container(&old_id);
    system = make_container(&new_id);
    EXPECT_TRUE(eventually([&] { return gone(old_id); }));
    EXPECT_EQ(system.id(), new_id);
}

TEST(FacadeComputeSystem, OpenHandleKeepsTheSystem) {
    std::string id;
    zlhcs::compute_system first = make_container(&id);
    const zlhcs::compute_system second = zlhcs::compute_system::open(id);
    first.close();
    EXPECT_FALSE(first);
    EXPECT_EQ(state_of(second), "Created");  // still one handle open
}

TEST(FacadeComputeSystem, ReleaseGivesUpOwnership) {
    std::string id;
    zlhcs::compute_system system = make_container(&id);
    const zlhcs_system handle = system.release();
    EXPECT_FALSE(system);
    EXPECT_EQ(zlhcs::compute_system::open(id).id(), id);  // not closed by release
    zlhcs::compute_system adopted(handle);
    EXPECT_EQ(adopted.id(), id);
}

TEST(FacadeMemory, TakeStringCopiesAndFrees) {
    EXPECT_EQ(zlhcs::take_string(nullptr), "");
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    char* text = nullptr;
    ASSERT_EQ(zlhcs_system_id(system.native_handle(), &text), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs::take_string(text), id);

    zlhcs::out_string out;
    ASSERT_EQ(zlhcs_system_id(system.native_handle(), out.put()), ZLHCS_S_OK);
    EXPECT_EQ(out.str(), id);
    zlhcs::unique_string owned = out.release();
    EXPECT_EQ(out.get(), nullptr);
    EXPECT_EQ(std::string(owned.get()), id);
}

TEST(FacadeArguments, StringArgForms) {
    EXPECT_EQ(zlhcs::string_arg().c_str(), nullptr);
    EXPECT_EQ(zlhcs::string_arg(nullptr).c_str(), nullptr);
    EXPECT_EQ(zlhcs::string_arg("").c_str_or_null(), nullptr);
    EXPECT_STREQ(zlhcs::string_arg("").c_str(), "");
    const std::string text = "abc";
    EXPECT_EQ(zlhcs::string_arg(text).c_str(), text.c_str());  // no copy
    const std::string_view view = std::string_view("abcdef").substr(0, 3);
    EXPECT_STREQ(zlhcs::string_arg(view).c_str(), "abc");  // NUL-terminated copy
    EXPECT_TRUE(zlhcs::string_arg(std::string_view()).empty());
}

TEST(FacadeArguments, StringViewArgumentsReachZlhcs) {
    const std::string id = unique_id();
    const std::string padded = id + "-suffix";
    const std::string document = container_document();
    const zlhcs::compute_system system = zlhcs::compute_system::create(
        std::string_view(padded).substr(0, id.size()), std::string_view(document), kTimeout);
    EXPECT_EQ(system.id(), id);
}

TEST(FacadeArguments, TimeoutConversion) {
    using zlhcs::detail::to_timeout_ms;
    EXPECT_EQ(to_timeout_ms(0ms), 0u);
    EXPECT_EQ(to_timeout_ms(-5ms), 0u);
    EXPECT_EQ(to_timeout_ms(1500ms), 1500u);
    EXPECT_EQ(to_timeout_ms(2s), 2000u);
    EXPECT_EQ(to_timeout_ms(zlhcs::infinite), ZLHCS_INFINITE);
    EXPECT_EQ(to_timeout_ms(std::chrono::hours(24 * 365)), ZLHCS_INFINITE);
    static_assert(to_timeout_ms(zlhcs::infinite) == ZLHCS_INFINITE);
}

}  // namespace
