// The validator's nearest-name suggestions (src/schema/suggest.hpp): case-insensitive
// Levenshtein distance with an early stop, and the closeness rule.
#include "schema/suggest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using zlhcs::schema::distance;
using zlhcs::schema::nearest;
using zlhcs::schema::suggestion_limit;

std::string suggest(std::string_view name, const std::vector<std::string>& known) {
    const auto index = nearest(name, known.size(), [&](std::size_t i) { return std::string_view(known[i]); });
    return index ? known[*index] : "<none>";
}

TEST(suggest, distance_is_levenshtein_ignoring_ascii_case) {
    EXPECT_EQ(distance("kitten", "sitting", 10), 3u);
    EXPECT_EQ(distance("SizeInMb", "SizeInMB", 10), 0u);
    EXPECT_EQ(distance("", "abc", 10), 3u);
    EXPECT_EQ(distance("abc", "", 10), 3u);
    EXPECT_EQ(distance("ShouldTerminateOnLastHandleClose", "ShouldTerminateOnLastHandleClosed", 10), 1u);
    EXPECT_EQ(distance("ab", "ba", 10), 2u);
    // Non-ASCII bytes compare as they are.
    EXPECT_EQ(distance("\xC3\xA9", "\xC3\x89", 10), 1u);
}

TEST(suggest, distance_stops_past_the_limit) {
    EXPECT_EQ(distance("kitten", "sitting", 2), 3u);    // limit + 1
    EXPECT_EQ(distance("a", "abcdefgh", 3), 4u);        // the length gap alone exceeds it
    EXPECT_EQ(distance(std::string(300, 'a'), "a", 1000), 1001u) << "longer than compared: never close";
}

TEST(suggest, the_limit_grows_with_the_name_and_stays_below_its_length) {
    EXPECT_EQ(suggestion_limit(""), 0u);
    EXPECT_EQ(suggestion_limit("X"), 0u);
    EXPECT_EQ(suggestion_limit("Id"), 1u);
    EXPECT_EQ(suggestion_limit("Owner"), 2u);
    EXPECT_EQ(suggestion_limit("SizeInMB"), 2u);
    EXPECT_EQ(suggestion_limit("ShouldTerminateOnLastHandleClosed"), 8u);
}

TEST(suggest, the_nearest_close_name_wins) {
    const std::vector<std::string> fields = {"Owner", "SchemaVersion", "HostingSystemId", "HostedSystem",
                                             "Container", "VirtualMachine", "ShouldTerminateOnLastHandleClosed"};
    EXPECT_EQ(suggest("ShouldTerminateOnLastHandleClose", fields), "ShouldTerminateOnLastHandleClosed");
    EXPECT_EQ(suggest("container", fields), "Container");       // case only: always
    EXPECT_EQ(suggest("Contianer", fields), "Container");       // a swap is two edits
    EXPECT_EQ(suggest("SchemaVer", fields), "<none>");          // 4 edits for 9 letters: too far
    EXPECT_EQ(suggest("Banana", fields), "<none>");
    EXPECT_EQ(suggest("X", {"Id"}), "<none>");                  // never a complete replacement
    EXPECT_EQ(suggest("x", {"X"}), "X");
    EXPECT_EQ(suggest("Owner", fields), "<none>") << "an exact name is no correction";
    // Ties go to the first listed.
    EXPECT_EQ(suggest("Iso", {"Isa", "Iso1", "Isb"}), "Isa");
    EXPECT_EQ(suggest(std::string(300, 'a'), {std::string(300, 'a') + "b"}), "<none>");
}

}  // namespace
