// struct_size in both directions, at the level of the DLL's reader/writer: a DLL that knows a
// struct's grown form reads an old caller's smaller one, and a DLL that knows only the old form
// reads (or refuses) a newer caller's larger one.
#include "core/caller_struct.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace {

struct shape_v1 {
    uint32_t struct_size;
    uint32_t flags;
    uint64_t value;
};
struct shape_v2 {  // shape_v1 grown by a later release
    uint32_t struct_size;
    uint32_t flags;
    uint64_t value;
    uint64_t added;
};
constexpr uint32_t v1_size = sizeof(shape_v1);

zlhcs_hresult last_code() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    return zlhcs::core::last_error(&e) == ZLHCS_S_OK ? e.code : 0;
}

TEST(caller_struct, a_newer_dll_reads_an_old_callers_struct_as_far_as_it_goes) {
    shape_v1 old_caller{v1_size, 7, 42};
    shape_v2 read{};
    read.added = 99;  // the DLL's default for what the old caller cannot say
    ASSERT_EQ(zlhcs::core::read_caller_struct<shape_v2>(reinterpret_cast<const shape_v2*>(&old_caller),
                                                         v1_size, "shape", read),
              ZLHCS_S_OK);
    EXPECT_EQ(read.flags, 7u);
    EXPECT_EQ(read.value, 42u);
    EXPECT_EQ(read.added, 99u) << "a member the caller's size does not cover keeps its default";
}

TEST(caller_struct, an_older_dll_accepts_a_newer_struct_with_a_zero_tail) {
    shape_v2 new_caller{sizeof(shape_v2), 3, 5, 0};
    shape_v1 read{};
    ASSERT_EQ(zlhcs::core::read_caller_struct<shape_v1>(reinterpret_cast<const shape_v1*>(&new_caller),
                                                         v1_size, "shape", read),
              ZLHCS_S_OK);
    EXPECT_EQ(read.flags, 3u);
    EXPECT_EQ(read.value, 5u);
}

TEST(caller_struct, an_older_dll_refuses_members_it_does_not_know) {
    shape_v2 new_caller{sizeof(shape_v2), 3, 5, 1};
    shape_v1 read{};
    EXPECT_EQ(zlhcs::core::read_caller_struct<shape_v1>(reinterpret_cast<const shape_v1*>(&new_caller),
                                                         v1_size, "shape", read),
              ZLHCS_E_NOT_SUPPORTED);
    EXPECT_EQ(last_code(), ZLHCS_E_NOT_SUPPORTED);
}

TEST(caller_struct, below_the_v1_size_is_refused) {
    shape_v1 caller{v1_size - 4, 1, 1};
    shape_v1 read{};
    EXPECT_EQ(zlhcs::core::read_caller_struct<shape_v1>(&caller, v1_size, "shape", read),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs::core::writable_size(caller, v1_size, "shape"), 0u);
}

TEST(caller_struct, writing_covers_only_what_the_caller_has) {
    // A DLL that fills shape_v2 for an old caller whose struct_size says shape_v1: the bytes
    // beyond it are the caller's (here: `added`, standing for whatever follows its struct).
    shape_v2 caller{};
    caller.struct_size = v1_size;
    caller.added = 0x1122334455667788ull;
    const uint32_t size = zlhcs::core::writable_size(caller, v1_size, "shape");
    ASSERT_EQ(size, v1_size);
    zlhcs::core::write_caller_struct(caller, shape_v2{0, 9, 10, 11}, size);
    EXPECT_EQ(caller.struct_size, v1_size);
    EXPECT_EQ(caller.flags, 9u);
    EXPECT_EQ(caller.value, 10u);
    EXPECT_EQ(caller.added, 0x1122334455667788ull) << "wrote past the caller's struct";

    // A newer caller's bigger struct: the DLL writes what it knows and says how much.
    shape_v2 bigger{};
    bigger.struct_size = sizeof(shape_v2) + 16;
    const uint32_t filled = zlhcs::core::writable_size(bigger, v1_size, "shape");
    EXPECT_EQ(filled, sizeof(shape_v2));
    zlhcs::core::write_caller_struct(bigger, shape_v2{0, 1, 2, 3}, filled);
    EXPECT_EQ(bigger.struct_size, sizeof(shape_v2));
    EXPECT_EQ(bigger.added, 3u);
}

}  // namespace
