// What fuzzing the schema codec from outside found, one test group per finding: documents
// nested a million levels deep, lone surrogates, invalid UTF-8 built in C++, numbers that
// drifted or vanished, repeated member names. The property behind all of them: what from_json
// accepts, to_json writes, and from_json reads back equal, with the same text again.
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "schema_test_support.hpp"

namespace {

using namespace zlhcs::schema;
using zlhcs::schema::detail::json_number_fits_double;

template <class T = ComputeSystem>
std::string read_error(std::string_view json) {
    try {
        static_cast<void>(from_json<T>(json));
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(zlhcs::errc::invalid_argument, e.code());
        return e.what();
    }
    return "(no error)";
}

template <class T>
std::string write_error(const T& value) {
    try {
        static_cast<void>(to_json(value));
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(zlhcs::errc::invalid_argument, e.code());
        return e.what();
    }
    return "(no error)";
}

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE(std::string::npos, std::string(haystack).find(needle)) << (haystack)

/// x = from_json(json) writes a document that reads back equal and writes the same text again.
template <class T = ComputeSystem>
::testing::AssertionResult round_trips(std::string_view json) {
    const T first = from_json<T>(json);
    const std::string written = to_json(first);
    const T second = from_json<T>(written);
    if (!(second == first)) return ::testing::AssertionFailure() << "from_json(to_json(x)) != x for " << json;
    const std::string again = to_json(second);
    if (again != written) return ::testing::AssertionFailure() << "text changed: " << written << " -> " << again;
    return ::testing::AssertionSuccess();
}

// ---- finding 1: any depth, no recursion -----------------------------------------------------

constexpr std::size_t million = 1'000'000;

// ComputeSystem reaches ObjectDirectory (objdir: array of ObjectDirectory) here.
constexpr std::string_view to_objdir =
    R"({"Container":{"AdditionalDeviceNamespace":{"device_extension":[{"namespace":{"ob":)";
constexpr std::string_view from_objdir = "}}]}}}";

/// An ObjectNamespace whose objdir holds `levels` ObjectDirectory objects, each the only
/// element of its parent's objdir, then the innermost one, `leaf`.
std::string nested_object_directories(std::size_t levels, std::string_view leaf) {
    std::string json(to_objdir);
    json.reserve(json.size() + (levels + 1) * 13 + leaf.size() + from_objdir.size());
    for (std::size_t i = 0; i <= levels; ++i) json += R"({"objdir":[)";
    json += leaf;
    for (std::size_t i = 0; i <= levels; ++i) json += "]}";
    json += from_objdir;
    return json;
}

const ObjectDirectory& root_directory(const ComputeSystem& system) {
    return system.Container->AdditionalDeviceNamespace->device_extension->at(0).namespace_->ob->objdir->at(0);
}

TEST(DeepNesting, AMillionObjectDirectoriesInAComputeSystemReadWriteAndDestroy) {
    const std::string json = nested_object_directories(million, R"({"name":"leaf"})");
    std::optional<ComputeSystem> system = from_json<ComputeSystem>(json);

    const ObjectDirectory* node = &root_directory(*system);
    std::size_t depth = 1;
    while (node->objdir) {
        ASSERT_EQ(1u, node->objdir->size());
        node = &node->objdir->front();
        ++depth;
    }
    EXPECT_EQ(million + 1, depth);  // the million objdir levels and the leaf
    EXPECT_EQ("leaf", node->name.value());

    EXPECT_EQ(json, to_json(*system));  // compact input, one field per level: the same text
    system.reset();  // destroyed here (copies and == of the tree: SelfReferencing below)
}

TEST(DeepNesting, AMalformedDocumentAMillionLevelsDownFailsAtItsPath) {
    // A wrong type in the innermost object: the error names its path (the middle elided) and
    // the million-level tree read so far is destroyed.
    const std::string message = read_error(nested_object_directories(million, R"({"name":7})"));
    EXPECT_CONTAINS(message, "/Container/AdditionalDeviceNamespace/device_extension/0/namespace/ob/objdir/0/objdir/0/");
    EXPECT_CONTAINS(message, "levels)...");
    EXPECT_CONTAINS(message, "/objdir/0/name: expected string, found a number");
    EXPECT_LT(message.size(), 2000u);

    // Text that ends a million levels down: invalid JSON, the partial tree destroyed too.
    std::string cut = nested_object_directories(million, "{}");
    cut.resize(cut.size() / 2);
    EXPECT_CONTAINS(read_error(cut), "invalid JSON at offset");
}

/// Every struct that contains itself (the generated list), built a million levels deep in C++.
template <class T>
class SelfReferencing : public ::testing::Test {};
template <class List>
struct as_gtest_types;
template <class... T>
struct as_gtest_types<type_list<T...>> {
    using type = ::testing::Types<T...>;
};
TYPED_TEST_SUITE(SelfReferencing, as_gtest_types<self_referencing_structs>::type);

template <class T>
auto& children_of(T& node) {
    return tree_traits<T>::children(node);
}

template <class T>
T chain(std::size_t levels, const std::string& leaf_name) {
    T node;
    node.name = leaf_name;
    for (std::size_t i = 0; i < levels; ++i) {
        T parent;
        children_of(parent).emplace().push_back(std::move(node));
        node = std::move(parent);
    }
    return node;
}

TYPED_TEST(SelfReferencing, AMillionLevelsWriteReadCompareCopyAndDestroy) {
    using T = TypeParam;
    const std::string_view field = struct_info<T>::fields[tree_traits<T>::children_index].name;
    std::optional<T> tree = chain<T>(million, "leaf");

    const std::string json = to_json(*tree);
    const std::string open = "{\"" + std::string(field) + "\":[";
    EXPECT_EQ(million * (open.size() + 2) + std::string(R"({"name":"leaf"})").size(), json.size());
    EXPECT_EQ(0u, json.rfind(open + open, 0));

    std::optional<T> read = from_json<T>(json);
    read->name = "root";
    std::optional<T> copy(*read);
    copy->name.reset();
    // Equal, and a difference a million levels down is seen.
    EXPECT_TRUE(*copy == *tree);
    T* deepest = &*copy;
    while (children_of(*deepest)) deepest = &children_of(*deepest)->front();
    deepest->name = "other";
    EXPECT_FALSE(*copy == *tree);

    // Moving a node's own child into it (descending in place) is safe.
    *copy = std::move(children_of(*copy)->front());
    ASSERT_TRUE(children_of(*copy).has_value());
    tree.reset();
    read.reset();
    copy.reset();
}

TYPED_TEST(SelfReferencing, WideAndDeepTreesCopyCompareAndDestroy) {
    // A comb: every level has a leaf beside the next level (the destructor's work list grows),
    // and a flat level of many siblings with children.
    using T = TypeParam;
    T comb;
    for (std::size_t i = 0; i < million / 5; ++i) {
        T parent;
        auto& list = children_of(parent).emplace();
        list.emplace_back().name = "leaf";
        list.push_back(std::move(comb));
        comb = std::move(parent);
    }
    T wide;
    auto& siblings = children_of(wide).emplace();
    for (std::size_t i = 0; i < 100; ++i) siblings.push_back(chain<T>(100, std::to_string(i)));

    T comb_copy;
    comb_copy = comb;  // copy assignment
    EXPECT_TRUE(comb_copy == comb);
    const T wide_copy = wide;
    EXPECT_TRUE(wide_copy == wide);
    EXPECT_FALSE(wide_copy == comb);
    EXPECT_TRUE(from_json<T>(to_json(wide)) == wide);
}

// ---- finding 2: a lone surrogate is invalid input ------------------------------------------

TEST(LoneSurrogates, AreRefusedInKeysAndValuesAtTheirPath) {
    const std::string_view lone = "\\uDCED is a lone surrogate";
    EXPECT_CONTAINS(read_error(R"({"\uDCed":true})"), "(root): a member name: " + std::string(lone));
    EXPECT_CONTAINS(read_error(R"({"Owner":"a\uDCedb"})"), "/Owner: " + std::string(lone));
    EXPECT_CONTAINS(read_error(R"({"Container":{"Storage":{"Layers":[{},{"Path":"\uDFFF"}]}}})"),
                    "/Container/Storage/Layers/1/Path: \\uDFFF is a lone surrogate");
    // Inside unknown fields and Any values, kept as raw JSON.
    EXPECT_CONTAINS(read_error(R"({"Future":{"a":[1,{"b":"\uDC00"}]}})"), "/Future/a/1/b: \\uDC00 is a lone surrogate");
    EXPECT_CONTAINS(read_error(R"({"Future":{"a":[1,{"\uDC00":1}]}})"), "/Future/a/1: a member name: \\uDC00");
    EXPECT_CONTAINS(read_error(R"({"Future":"\uDC00"})"), "/Future: \\uDC00");
    EXPECT_CONTAINS(read_error<ModifySettingRequest>(R"({"Settings":["x","\uDDDD"]})"), "/Settings/1: \\uDDDD is a lone");
    EXPECT_CONTAINS(read_error<ModifySettingRequest>(R"({"Settings":"\uDDDD"})"), "/Settings: \\uDDDD is a lone");
    // Map keys, enum values.
    EXPECT_CONTAINS(read_error(R"({"VirtualMachine":{"Devices":{"Scsi":{"\uDC01":{}}}}})"),
                    "/VirtualMachine/Devices/Scsi: a member name: \\uDC01");
    EXPECT_CONTAINS(read_error(R"({"VirtualMachine":{"Devices":{"Scsi":{"a":{"Attachments":{"0":{"Type":"\uDC01"}}}}}}})"),
                    "/VirtualMachine/Devices/Scsi/a/Attachments/0/Type: \\uDC01");
    // A high surrogate without its low half (RapidJSON refuses it itself).
    EXPECT_CONTAINS(read_error(R"({"Owner":"\uD800"})"), "invalid JSON at offset");
    EXPECT_CONTAINS(read_error(R"({"Owner":"\uD800\u0041"})"), "invalid JSON at offset");
    // parse_any, the same reader.
    EXPECT_THROW(static_cast<void>(parse_any(R"(["\uDCED"])")), zlhcs::error);
}

TEST(LoneSurrogates, ValidPairsAndOtherEscapesRoundTrip) {
    const auto system = from_json<ComputeSystem>(R"({"Owner":"\uD83D\uDE00 \u00e9 \u0000 \ud7ff \ue000","\uDBFF\uDFFF":"\u0000"})");
    EXPECT_EQ(std::string("\xF0\x9F\x98\x80 \xC3\xA9 ", 8) + std::string(1, '\0') + " \xED\x9F\xBF \xEE\x80\x80",
              system.Owner.value());
    ASSERT_EQ(1u, system.unknown_fields.size());
    EXPECT_EQ("\xF4\x8F\xBF\xBF", system.unknown_fields[0].name);
    EXPECT_TRUE(round_trips(R"({"Owner":"\uD83D\uDE00 \u00e9 \u0000 \ud7ff \ue000","\uDBFF\uDFFF":"\u0000"})"));
}

// ---- finding 3: to_json refuses what is not valid UTF-8 ------------------------------------

TEST(InvalidUtf8, IsRefusedByToJsonAtItsPath) {
    for (const char* bad : {"\xED\xB3\xAD", "\xED\xA0\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80",
                            "\xF5\x80\x80\x80", "\xFF", "\x80", "a\xC3", "\xE2\x82", "\xF0\x9F\x98"}) {
        ComputeSystem system;
        system.Owner = bad;
        EXPECT_CONTAINS(write_error(system), "/Owner: the string is not valid UTF-8");
    }
    ComputeSystem nested;
    nested.Container.emplace().Storage.emplace().Layers.emplace().resize(2);
    nested.Container->Storage->Layers->at(1).Path = "C:\\\xED\xB3\xAD";
    EXPECT_CONTAINS(write_error(nested), "/Container/Storage/Layers/1/Path: the string is not valid UTF-8");

    ComputeSystem map_key;
    map_key.VirtualMachine.emplace().Devices.emplace().Scsi.emplace()["\xFF"];
    EXPECT_CONTAINS(write_error(map_key), "/VirtualMachine/Devices/Scsi: a map key is not valid UTF-8");

    ComputeSystem field_name;
    field_name.unknown_fields.push_back({"\xC0\x80", parse_any("1")});
    EXPECT_CONTAINS(write_error(field_name), "(root): the name of unknown field 0 is not valid UTF-8");

    ModifySettingRequest raw;
    raw.Settings = any::from_compact_json("\"\xED\xB3\xAD\"");
    EXPECT_CONTAINS(write_error(raw), "/Settings: the Any value is not valid UTF-8");

    ComputeSystem enum_text;
    enum_text.VirtualMachine.emplace().Devices.emplace().Scsi.emplace()["a"].Attachments.emplace()[0].Type =
        open_enum<AttachmentType>::from_string("\xFF");
    EXPECT_CONTAINS(write_error(enum_text), "/VirtualMachine/Devices/Scsi/a/Attachments/0/Type: the enum value is not valid UTF-8");

    ComputeSystem good;
    good.Owner = "\xF0\x9F\x98\x80\xC3\xA9\xE2\x82\xAC\xF4\x8F\xBF\xBF";
    EXPECT_TRUE(from_json<ComputeSystem>(to_json(good)) == good);
}

TEST(InvalidUtf8, EnumValuesWithoutANameAreRefused) {
    ComputeSystem system;
    system.VirtualMachine.emplace().Devices.emplace().Scsi.emplace()["a"].Attachments.emplace()[0].Type =
        static_cast<AttachmentType>(99);
    EXPECT_CONTAINS(write_error(system), "/VirtualMachine/Devices/Scsi/a/Attachments/0/Type: not a value of AttachmentType: 99");
}

// ---- finding 4: numbers keep their text; beyond a double's range they are refused ---------

TEST(Numbers, InAnyValuesAndUnknownFieldsKeepTheirTextOverRoundTrips) {
    const std::string numbers =
        "[7e84,1e-400,-0,-0.0,0.1,1E+2,1e-2,5e-324,4.9e-325,123456789012345678901234567890,-9223372036854775809,"
        "18446744073709551616,1.7976931348623157e308,-1.7976931348623158e308,0.30000000000000004,100000000000000000000000]";
    const std::string json = R"({"Future":)" + numbers + R"(,"Container":{"Future":{"n":7e84}}})";
    std::string text = json;
    for (int trip = 0; trip < 4; ++trip) {
        const auto system = from_json<ComputeSystem>(text);
        ASSERT_EQ(1u, system.unknown_fields.size());
        EXPECT_EQ(numbers, system.unknown_fields[0].value.json());
        text = to_json(system);
        EXPECT_EQ(R"({"Container":{"Future":{"n":7e84}},"Future":)" + numbers + "}", text);
    }
    EXPECT_TRUE(round_trips(json));
    EXPECT_TRUE(round_trips<ModifySettingRequest>(R"({"Settings":)" + numbers + "}"));
    EXPECT_EQ("7e84", from_json<ModifySettingRequest>(R"({"Settings":7e84})").Settings->json());
    EXPECT_EQ("-0", parse_any(" -0 ").json());
}

TEST(Numbers, BeyondADoublesRangeAreRefusedAtTheirPath) {
    EXPECT_CONTAINS(read_error(R"({"Future":[1,2e308]})"), "/Future/1: the number 2e308 is beyond the range of a double");
    EXPECT_CONTAINS(read_error(R"({"Future":{"a":-2e308}})"), "/Future/a: the number -2e308 is beyond the range of a double");
    EXPECT_CONTAINS(read_error<ModifySettingRequest>(R"({"Settings":1.7976931348623159e308})"),
                    "/Settings: the number 1.7976931348623159e308 is beyond the range of a double");
    EXPECT_CONTAINS(read_error<ModifySettingRequest>(R"({"Settings":[[[10e308]]]})"), "/Settings/0/0/0: the number 10e308");
    // RapidJSON refuses the larger ones itself, with their offset.
    EXPECT_CONTAINS(read_error(R"({"Future":[1e309]})"), "invalid JSON at offset 11");
    EXPECT_CONTAINS(read_error(R"({"Future":[1e309]})"), "Number too big");
    // The largest double is kept.
    EXPECT_TRUE(round_trips<ModifySettingRequest>(R"({"Settings":1.7976931348623158e308})"));
}

TEST(Numbers, TypedIntegersAreReadExactlyWhateverTheirLength) {
    EXPECT_EQ(0u, from_json<ComputeSystem>(R"({"SchemaVersion":{"Major":-0}})").SchemaVersion->Major.value());
    EXPECT_TRUE(round_trips(R"({"SchemaVersion":{"Major":-0}})"));
    EXPECT_CONTAINS(read_error(R"({"SchemaVersion":{"Major":99999999999999999999999}})"),
                    "/SchemaVersion/Major: uint32 out of range: 99999999999999999999999");
    EXPECT_CONTAINS(read_error(R"({"SchemaVersion":{"Major":-99999999999999999999999}})"), "uint32 out of range: -9999");
    EXPECT_CONTAINS(read_error(R"({"SchemaVersion":{"Major":1e2}})"), "/SchemaVersion/Major: expected uint32, found a non-integer number");
    EXPECT_CONTAINS(read_error(R"({"SchemaVersion":{"Major":2e308}})"), "expected uint32, found a non-integer number");
    // uint64 at and beyond its limit.
    EXPECT_EQ(UINT64_MAX, from_json<Statistics>(R"({"Processor":{"TotalRuntime100ns":18446744073709551615}})")
                              .Processor->TotalRuntime100ns.value());
    EXPECT_CONTAINS(read_error<Statistics>(R"({"Processor":{"TotalRuntime100ns":18446744073709551616}})"),
                    "/Processor/TotalRuntime100ns: uint64 out of range: 18446744073709551616");
    EXPECT_CONTAINS(read_error<Statistics>(R"({"Processor":{"TotalRuntime100ns":-1}})"), "uint64 out of range: -1");
    // Signed limits.
    using zlhcs::schema::detail::parse_json_integer;
    std::int64_t wide = 0;
    EXPECT_TRUE(parse_json_integer("-9223372036854775808", wide));
    EXPECT_EQ(INT64_MIN, wide);
    EXPECT_FALSE(parse_json_integer("-9223372036854775809", wide));
    EXPECT_TRUE(parse_json_integer("9223372036854775807", wide));
    EXPECT_FALSE(parse_json_integer("9223372036854775808", wide));
    std::int32_t narrow = 0;
    EXPECT_TRUE(parse_json_integer("-2147483648", narrow));
    EXPECT_EQ(INT32_MIN, narrow);
    EXPECT_FALSE(parse_json_integer("-2147483649", narrow));
    EXPECT_FALSE(parse_json_integer("2147483648", narrow));
}

TEST(Numbers, TheRangeCheckIsExactAtTheBoundary) {
    // 2^1024 - 2^970 is the smallest magnitude that rounds to infinity.
    const std::string threshold =
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286"
        "416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571"
        "366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
    std::string below = threshold;
    below.back() = '1';
    EXPECT_FALSE(json_number_fits_double(threshold));
    EXPECT_TRUE(json_number_fits_double(below));
    EXPECT_FALSE(json_number_fits_double("-" + threshold + ".0"));
    EXPECT_TRUE(json_number_fits_double(below + ".99999999999999999999"));
    EXPECT_FALSE(json_number_fits_double("0." + threshold + "e309"));
    EXPECT_TRUE(json_number_fits_double("0.0000" + below + "e313"));
    for (const char* fits : {"0", "-0", "0e99999999999999", "1e-99999999999999", "100e306", "0.1e309", "1.7976931348623157e308"}) {
        EXPECT_TRUE(json_number_fits_double(fits)) << fits;
    }
    for (const char* not_finite : {"1e309", "10e308", "1.8e308", "1e99999999999999", "1.7976931348623159e308"}) {
        EXPECT_FALSE(json_number_fits_double(not_finite)) << not_finite;
    }
    // Against strtod (the "C" locale of the test) around the boundary.
    std::mt19937_64 random(16);
    for (int i = 0; i < 20000; ++i) {
        std::string text = "1.797693134862315" + std::to_string(random() % 100000000000ULL);
        text += "e" + std::to_string(306 + static_cast<int>(random() % 4));
        if (random() % 2 == 0) text = "-" + text;
        EXPECT_EQ(std::isfinite(std::strtod(text.c_str(), nullptr)), json_number_fits_double(text)) << text;
    }
}

// ---- finding 6: a repeated member name, the last one wins, written once --------------------

TEST(DuplicateMembers, TheLastWinsAndIsWrittenOnce) {
    const auto system = from_json<ComputeSystem>(R"({"Owner":null,"Owner":"a"})");
    EXPECT_EQ("a", system.Owner.value());
    EXPECT_TRUE(system.unknown_fields.empty());
    EXPECT_EQ(R"({"Owner":"a"})", to_json(system));

    const auto cleared = from_json<ComputeSystem>(R"({"Owner":"a","Owner":null,"Owner":null})");
    EXPECT_FALSE(cleared.Owner.has_value());
    EXPECT_EQ(R"({"Owner":null})", to_json(cleared));

    const auto unknown = from_json<ComputeSystem>(R"({"X":1,"Y":2,"X":{"z":3}})");
    EXPECT_EQ(R"({"Y":2,"X":{"z":3}})", to_json(unknown));

    // At every level: a struct in an array, a map entry (replaced whole, not merged).
    const auto nested = from_json<ComputeSystem>(
        R"({"Container":{"Storage":{"Layers":[{"Path":null,"Path":"p","Q":1,"Q":2}]}},)"
        R"("VirtualMachine":{"Devices":{"Scsi":{"a":{"Attachments":{"0":{"Path":"x"}}},"a":{"Future":1}}}}})");
    EXPECT_EQ(R"({"Container":{"Storage":{"Layers":[{"Path":"p","Q":2}]}},"VirtualMachine":{"Devices":{"Scsi":{"a":{"Future":1}}}}})",
              to_json(nested));

    for (const char* json : {R"({"Owner":null,"Owner":"a"})", R"({"Owner":"a","Owner":null})", R"({"SchemaVersion":{"Major":1},"SchemaVersion":null})",
                             R"({"SchemaVersion":null,"SchemaVersion":{"Major":1,"Major":2,"Minor":null,"Minor":null}})",
                             R"({"Container":{},"Container":{"Storage":{}},"A":[],"A":[1],"A":null})"}) {
        EXPECT_TRUE(round_trips(json)) << json;
    }
}

TEST(DuplicateMembers, ManyRepeatedNamesStayFastAndKeepTheLast) {
    std::string json = "{";
    for (int i = 0; i < 20000; ++i) json += "\"k" + std::to_string(i % 5000) + "\":" + std::to_string(i) + ",";
    json += R"("Owner":null,"Owner":"o"})";
    const auto system = from_json<ComputeSystem>(json);
    ASSERT_EQ(5000u, system.unknown_fields.size());
    EXPECT_EQ("k0", system.unknown_fields[0].name);
    EXPECT_EQ("15000", system.unknown_fields[0].value.json());
    EXPECT_TRUE(round_trips(json));
}

TEST(DuplicateMembers, ToJsonRefusesAValueThatWouldNameAMemberTwice) {
    ComputeSystem twice;
    twice.unknown_fields = {{"X", parse_any("1")}, {"X", parse_any("2")}};
    EXPECT_CONTAINS(write_error(twice), "(root): two unknown fields are named \"X\"");

    ComputeSystem both;
    both.Owner = "a";
    both.unknown_fields = {{"Owner", parse_any("null")}};
    EXPECT_CONTAINS(write_error(both), "\"Owner\" is set as a field and also kept among the unknown fields");

    ComputeSystem known;
    known.Container.emplace().unknown_fields = {{"Storage", parse_any("{}")}};
    EXPECT_CONTAINS(write_error(known), "/Container: unknown_fields holds \"Storage\", a field of Container");

    ComputeSystem kept_null;
    kept_null.unknown_fields = {{"Owner", parse_any("null")}};
    EXPECT_TRUE(from_json<ComputeSystem>(to_json(kept_null)) == kept_null);
}

// ---- the property, on documents a fuzzer would try -----------------------------------------

TEST(RoundTrip, HoldsForTrickyDocuments) {
    for (const char* json : {
             R"({})",
             R"({"":"","\u0000":"\u0000\u001f\"\\\/\b\f\n\r\t"})",
             R"({"Owner":"\u0000","HostingSystemId":"\u2028\u2029"})",
             R"({"Future":[{},[],[[]],{"":{}}],"Future2":[true,false,null,"",-0,0e0,0E-0,-1.5E+3]})",
             R"({"SchemaVersion":{"Major":4294967295,"Minor":0,"Future":[18446744073709551616]}})",
             R"({"VirtualMachine":{"Devices":{"Scsi":{"":{},"/~":{"Attachments":{"0":{},"4294967295":{"Type":"Future"}}}}}}})",
             R"({"Container":{"MappedDirectories":[{"HostPath":"\ud83d\ude00","Future":1e-400}]}})",
         }) {
        EXPECT_TRUE(round_trips(json)) << json;
    }
    EXPECT_TRUE(round_trips<ModifySettingRequest>(R"({"ResourcePath":"x","Settings":{"a":[1,{"a":1,"a":2}]},"Settings":[7e84]})"));
    EXPECT_TRUE(round_trips<ProcessParameters>(R"({"CommandLine":"\u0000","ConsoleSize":[0,65535],"Environment":{"\u0000":"\u00ff"}})"));
}

}  // namespace
