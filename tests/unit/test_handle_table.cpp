#include "core/handle_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace {

using zlhcs::core::handle_kind;
using systems = zlhcs::core::handle_table<int, handle_kind::system>;
using operations = zlhcs::core::handle_table<int, handle_kind::operation>;

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
    EXPECT_EQ(first & 0xFFFFFFFFu, second & 0xFFFFFFFFu);
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
                                 handle & 0xFFFFFFFFu}) {
        EXPECT_EQ(table.find(forged), nullptr) << forged;
    }
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
