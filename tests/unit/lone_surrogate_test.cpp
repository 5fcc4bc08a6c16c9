// core/lone_surrogate.hpp: the scan that finds a lone surrogate escaped in JSON text, which
// RapidJSON 1.1.0 lets through (issue 16, finding 2).
#include "core/lone_surrogate.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using zlhcs::core::find_lone_surrogate;

TEST(lone_surrogate, finds_lone_low_and_high_surrogates_with_their_offset) {
    struct sample {
        const char* text;
        std::size_t offset;
        std::uint16_t unit;
    } samples[] = {
        {R"({"\uDCed":true})", 2, 0xDCED},
        {R"(["\uDC00"])", 2, 0xDC00},
        {R"(["\uD800"])", 2, 0xD800},             // high at the end of the string
        {R"(["\uD800\u0041"])", 2, 0xD800},       // high, then not a low surrogate
        {R"(["\uD800\n"])", 2, 0xD800},           // high, then another escape
        {R"(["\uDBFF)", 2, 0xDBFF},               // high at the end of the text (malformed)
        {R"(["ok","\uD83D\uDE00","\udfff"])", 22, 0xDFFF},  // lowercase hex, after a pair
        {R"(["\\\uDC01"])", 4, 0xDC01},           // an escaped backslash, then the escape
    };
    for (const auto& s : samples) {
        SCOPED_TRACE(s.text);
        const auto found = find_lone_surrogate(s.text);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->offset, s.offset);
        EXPECT_EQ(found->unit, s.unit);
        const std::string text = describe(*found);
        EXPECT_NE(text.find("lone surrogate"), std::string::npos) << text;
        EXPECT_NE(text.find("at byte " + std::to_string(s.offset)), std::string::npos) << text;
    }
}

TEST(lone_surrogate, passes_pairs_other_escapes_and_text_outside_strings) {
    for (const char* text : {R"({"a":"\uD83D\uDE00"})", R"(["\uDBFF\uDFFF","\u00e9\u20AC"])", R"(["\\uDC00"])",
                             R"(["\"\\uD800"])", R"({"\\":"\/\b\f\n\r\t"})", "[1, 2e308, true, null]", "",
                             "\"", "\"\\", "\"\\u", "\"\\uDC0", "\"\\uDCxx\""}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(find_lone_surrogate(text).has_value());
    }
}

TEST(lone_surrogate, a_huge_text_is_scanned_in_one_pass) {
    // Megabytes of escapes: linear, and the lone one at the end is found where it is.
    std::string text = "[\"";
    for (int i = 0; i < 200000; ++i) text += R"(\uD83D\uDE00\\\")";
    const std::size_t offset = text.size();
    text += R"(\uDC00"])";
    const auto found = find_lone_surrogate(text);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->offset, offset);
}

}  // namespace
