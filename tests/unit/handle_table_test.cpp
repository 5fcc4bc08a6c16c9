#include "core/handle_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

namespace {

using zlhcs::core::handle_kind;
using systems = zlhcs::core::handle_table<int, handle_kind::system>;
using operations = zlhcs::core::handle_table<int, handle_kind::operation>;
using processes = zlhcs::core::handle_table<int, handle_kind::process>;
// Test-only instantiations whose slots run out of generations after a few reuses.
using short_lived = zlhcs::core::handle_table<int, handle_kind::system, 3>;
using one_generation = zlhcs::core::handle_table<int, handle_kind::process, 1>;

using zlhcs::core::handle_generation_bits_max;
using zlhcs::core::handle_generation_shift;
using zlhcs::core::handle_kind_shift;
using zlhcs::core::handle_slot_mask;

constexpr std::uint64_t slot_bits(std::uint64_t handle) { return handle & handle_slot_mask; }
constexpr std::uint32_t generation_bits(std::uint64_t handle) {
    return static_cast<std::uint32_t>((handle >> handle_generation_shift) & handle_generation_bits_max);
}
std::uint64_t forge(handle_kind kind, std::uint32_t generation, std::uint64_t slot_plus_one) {
    return (std::uint64_t{static_cast<std::uint8_t>(kind)} << handle_kind_shift) |
           (std::uint64_t{generation & handle_generation_bits_max} << handle_generation_shift) | slot_plus_one;
}

TEST(HandleTable, InsertFindRemove) {
    systems table;
    const auto handle = table.insert(std::make_shared<int>(7));
    EXPECT_NE(handle, 0u);
    ASSERT_NE(table.find(handle), nullptr);
    EXPECT_EQ(*table.find(handle), 7);
    EXPECT_EQ(*table.remove(handle), 7);
    EXPECT_EQ(table.find(handle), nullptr);
    EXPECT_EQ(table.remove(handle), nullptr);
    EXPECT_EQ(table.size(), 0u);
}

TEST(HandleTable, ReusedSlotDoesNotResurrectOldHandle) {
    systems table;
    const auto first = table.insert(std::make_shared<int>(1));
    table.remove(first);
    const auto second = table.insert(std::make_shared<int>(2));
    EXPECT_NE(first, second);                          // same slot, new generation
    EXPECT_EQ(first & handle_slot_mask, second & handle_slot_mask);
    EXPECT_EQ(table.find(first), nullptr);
    EXPECT_EQ(*table.find(second), 2);
}

TEST(HandleTable, WrongKindAndForgedHandlesDoNotResolve) {
    systems table;
    operations other;
    const auto handle = table.insert(std::make_shared<int>(1));
    const auto foreign = other.insert(std::make_shared<int>(2));
    EXPECT_EQ(table.find(foreign), nullptr);
    EXPECT_EQ(other.find(handle), nullptr);
    for (std::uint64_t forged : {std::uint64_t{0}, std::uint64_t{1}, ~std::uint64_t{0},
                                 handle + 1, handle ^ (std::uint64_t{1} << 40),
                                 handle & handle_slot_mask,
                                 // The same value with a bit above the 53 a handle has.
                                 handle | (std::uint64_t{1} << 53), handle | (std::uint64_t{1} << 63)}) {
        EXPECT_EQ(table.find(forged), nullptr) << forged;
    }
}

// Point 10 of issue 7: .NET and Java read handles as signed 64-bit integers; every value must
// be positive there, whatever its kind, slot or generation. Point 4 of issue 15: JavaScript,
// Lua and JSON hold numbers as doubles; every value must be below 2^53 and survive the trip.
TEST(HandleTable, EveryHandleIsAPositiveInt64BelowTwoToThe53AndKindsStayDistinct) {
    systems s;
    operations o;
    processes p;
    std::set<std::uint64_t> kinds;
    std::vector<std::uint64_t> kept;
    for (int round = 0; round < 300; ++round) {
        for (std::uint64_t handle : {s.insert(std::make_shared<int>(round)),
                                     o.insert(std::make_shared<int>(round)),
                                     p.insert(std::make_shared<int>(round))}) {
            EXPECT_GT(static_cast<std::int64_t>(handle), 0) << std::hex << handle;
            EXPECT_LT(handle, std::uint64_t{1} << 53) << std::hex << handle;
            EXPECT_LT(handle, ZLHCS_HANDLE_LIMIT) << std::hex << handle;
            EXPECT_EQ(static_cast<std::uint64_t>(static_cast<double>(handle)), handle) << std::hex << handle;
            EXPECT_NE(slot_bits(handle), 0u);
            kinds.insert(handle >> handle_kind_shift);
            kept.push_back(handle);
        }
        // Free some, so that later rounds reuse slots with later generations.
        if (round % 3 != 0) {
            s.remove(kept[kept.size() - 3]);
            o.remove(kept[kept.size() - 2]);
            p.remove(kept[kept.size() - 1]);
        }
    }
    EXPECT_EQ(kinds.size(), 3u) << "one distinct kind per table";
    EXPECT_EQ(kinds.count(0), 0u);
    for (std::uint64_t kind : kinds) EXPECT_LT(kind, 16u);
}

// The largest values a table can issue: the highest slot field and the last generation of a
// production table still lie below 2^53.
TEST(HandleTable, TheLargestEncodableHandleIsBelowTwoToThe53) {
    const std::uint64_t largest = forge(handle_kind::subscription, handle_generation_bits_max, handle_slot_mask);
    EXPECT_LT(largest, ZLHCS_HANDLE_LIMIT);
    EXPECT_EQ(static_cast<std::uint64_t>(static_cast<double>(largest)), largest);
    EXPECT_EQ(systems::max_generation, handle_generation_bits_max);
}

TEST(HandleTable, ASlotIsRetiredWhenItsGenerationsAreUsedUp) {
    short_lived table;
    // One slot through all its generations: 1, 2, 3.
    std::vector<std::uint64_t> old;
    for (std::uint32_t generation = 1; generation <= short_lived::max_generation; ++generation) {
        const auto handle = table.insert(std::make_shared<int>(static_cast<int>(generation)));
        EXPECT_EQ(slot_bits(handle), 1u) << "the freed slot is reused";
        EXPECT_EQ(generation_bits(handle), generation);
        old.push_back(handle);
        EXPECT_EQ(table.retired_slots(), 0u);
        ASSERT_NE(table.remove(handle), nullptr);
    }
    EXPECT_EQ(table.retired_slots(), 1u) << "generation 3 was the last: the slot is retired";
    EXPECT_EQ(table.size(), 0u);

    // The next insert takes a new slot, never the retired one with a wrapped generation.
    const auto fresh = table.insert(std::make_shared<int>(99));
    EXPECT_EQ(slot_bits(fresh), 2u);
    EXPECT_EQ(generation_bits(fresh), 1u);
    EXPECT_EQ(*table.find(fresh), 99);
    for (const auto handle : old) {
        EXPECT_EQ(table.find(handle), nullptr) << std::hex << handle;
        EXPECT_EQ(table.remove(handle), nullptr) << std::hex << handle;
    }
    // No generation at all resolves on the retired slot, not even 0 (never issued).
    for (std::uint32_t generation = 0; generation <= 8; ++generation) {
        EXPECT_EQ(table.find(forge(handle_kind::system, generation, 1)), nullptr) << generation;
    }
    EXPECT_EQ(table.find(forge(handle_kind::system, 0, 2)), nullptr) << "generation 0 is never issued";
}

TEST(HandleTable, StaleHandlesNeverResolveAgainAcrossManyWrapArounds) {
    short_lived table;
    std::set<std::uint64_t> issued;
    std::vector<std::uint64_t> stale;
    // Two live handles at a time, many cycles: with wrapping generations a slot would come
    // back to generation 1 every 3 reuses and old handles would resolve again.
    auto a = table.insert(std::make_shared<int>(-1));
    issued.insert(a);
    for (int i = 0; i < 3000; ++i) {
        const auto b = table.insert(std::make_shared<int>(i));
        EXPECT_TRUE(issued.insert(b).second) << "handle value issued twice: " << std::hex << b;
        ASSERT_NE(table.remove(a), nullptr);
        stale.push_back(a);
        a = b;
        EXPECT_GT(static_cast<std::int64_t>(b), 0);
    }
    EXPECT_EQ(table.size(), 1u);
    EXPECT_EQ(*table.find(a), 2999);
    for (const auto handle : stale) ASSERT_EQ(table.find(handle), nullptr) << std::hex << handle;
    // 3001 handles, 3 per slot: every slot but the live one's is retired.
    EXPECT_EQ(table.retired_slots(), 3000u / short_lived::max_generation);
}

TEST(HandleTable, AOneGenerationTableNeverReusesASlot) {
    one_generation table;
    std::vector<std::uint64_t> removed;
    for (int i = 0; i < 50; ++i) {
        const auto handle = table.insert(std::make_shared<int>(i));
        EXPECT_EQ(slot_bits(handle), static_cast<std::uint64_t>(i) + 1);
        EXPECT_EQ(generation_bits(handle), 1u);
        table.remove(handle);
        removed.push_back(handle);
    }
    EXPECT_EQ(table.retired_slots(), 50u);
    for (const auto handle : removed) EXPECT_EQ(table.find(handle), nullptr);
}

TEST(HandleTable, ConcurrentInsertRemoveNeverConfusesHandles) {
    systems table;
    std::atomic<int> confusions{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&table, &confusions, t] {
            for (int i = 0; i < 2000; ++i) {
                const int value = t * 100000 + i;
                const auto handle = table.insert(std::make_shared<int>(value));
                auto found = table.find(handle);
                if (found == nullptr || *found != value) ++confusions;
                auto removed = table.remove(handle);
                if (removed == nullptr || *removed != value) ++confusions;
                if (table.find(handle) != nullptr) ++confusions;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(confusions.load(), 0);
    EXPECT_EQ(table.size(), 0u);
}

}  // namespace
