// Helpers of the schema tests: JSON value equality (RapidJSON DOM, object member order
// ignored) and the per-type round-trip checks the generated tests call.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include <zlhcs/schema.hpp>
#include <zlhcs/schema/codec.hpp>

namespace zlhcs_schema_test {

inline ::testing::AssertionResult same_json(std::string_view expected, std::string_view actual) {
    rapidjson::Document a;
    rapidjson::Document b;
    a.Parse<rapidjson::kParseIterativeFlag>(expected.data(), expected.size());
    b.Parse<rapidjson::kParseIterativeFlag>(actual.data(), actual.size());
    if (a.HasParseError()) return ::testing::AssertionFailure() << "expected is not JSON: " << expected;
    if (b.HasParseError()) return ::testing::AssertionFailure() << "actual is not JSON: " << actual;
    if (a == b) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "JSON values differ\n expected: " << expected << "\n actual:   " << actual;
}

/// `sample` sets every field of T: it parses with every field set and nothing unknown, writes
/// back the same value, compares equal to a copy and unequal to a copy missing any one field;
/// with a field T does not know added, that field is kept and written back too.
template <class T>
void expect_struct_round_trip(std::string_view sample) {
    using info = zlhcs::schema::struct_info<T>;
    const T value = zlhcs::schema::from_json<T>(sample);
    info::for_each(value, [](std::size_t index, const auto& member) {
        EXPECT_TRUE(member.has_value()) << info::type_name << "." << info::fields[index].name << " was not read";
    });
    EXPECT_TRUE(value.unknown_fields.empty()) << info::type_name;
    EXPECT_TRUE(same_json(sample, zlhcs::schema::to_json(value))) << info::type_name;

    const T copy = value;
    EXPECT_TRUE(copy == value);
    for (std::size_t index = 0; index < info::fields.size(); ++index) {
        T without = value;
        info::visit(without, index, [](auto& member) { member.reset(); });
        EXPECT_TRUE(without != value) << info::type_name << "." << info::fields[index].name << " is not compared";
    }

    std::string with_unknown(R"({"ZlhcsFutureField":{"Added":[1,"x",{"In":"2030"}]})");
    const std::string_view rest = sample.substr(1);
    if (rest.find_first_not_of(" \t\r\n") != std::string_view::npos && rest.find_first_not_of(" \t\r\n}") != std::string_view::npos) {
        with_unknown += ",";
    }
    with_unknown += rest;
    const T extended = zlhcs::schema::from_json<T>(with_unknown);
    ASSERT_EQ(1u, extended.unknown_fields.size()) << info::type_name;
    EXPECT_EQ("ZlhcsFutureField", extended.unknown_fields[0].name);
    EXPECT_TRUE(extended != value);
    EXPECT_TRUE(same_json(with_unknown, zlhcs::schema::to_json(extended))) << info::type_name;
}

/// Every value of E parses known, names itself and writes back; an unknown one is kept.
template <class E>
void expect_enum_round_trip() {
    using traits = zlhcs::schema::enum_traits<E>;
    for (std::size_t index = 0; index < traits::names.size(); ++index) {
        const auto value = zlhcs::schema::open_enum<E>::from_string(traits::names[index]);
        EXPECT_TRUE(value.known()) << traits::type_name << "." << traits::names[index];
        EXPECT_TRUE(value == static_cast<E>(index)) << traits::type_name << "." << traits::names[index];
        EXPECT_EQ(traits::names[index], value.name());
        EXPECT_EQ(traits::names[index], zlhcs::schema::to_string(static_cast<E>(index)));
    }
    const auto future = zlhcs::schema::open_enum<E>::from_string("ZlhcsFutureValue");
    EXPECT_FALSE(future.known());
    EXPECT_EQ("ZlhcsFutureValue", future.name());
    EXPECT_THROW(static_cast<void>(future.value()), std::out_of_range);
    EXPECT_TRUE(future != zlhcs::schema::open_enum<E>(static_cast<E>(0)));
}

}  // namespace zlhcs_schema_test
