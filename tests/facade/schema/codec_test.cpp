// The schema codec by hand: what a newer Windows sends (unknown fields, unknown enum values,
// nulls) round-trips unchanged; what is wrong fails with the JSON pointer of the problem.
#include <string>

#include "schema_test_support.hpp"

namespace {

using namespace zlhcs::schema;
using zlhcs_schema_test::same_json;

std::string message_of(std::string_view json) {
    try {
        static_cast<void>(from_json<ComputeSystem>(json));
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(zlhcs::errc::invalid_argument, e.code());
        return e.what();
    }
    return "(no error)";
}

TEST(SchemaCodec, UnknownFieldsAtEveryLevelAreKeptInOrderAndWrittenBack) {
    const std::string json = R"({"Owner":"o","Future1":{"A":[1,2,{"B":null}]},"SchemaVersion":{"Major":2,"Minor":7,"Patch":1},)"
                             R"("Container":{"Storage":{"Layers":[{"Id":"0123abcd-4567-89ef-0123-456789abcdef","Path":"C:\\l","Sparse":true}]}},)"
                             R"("Future2":-1.5e-7})";
    const auto system = from_json<ComputeSystem>(json);
    ASSERT_EQ(2u, system.unknown_fields.size());
    EXPECT_EQ("Future1", system.unknown_fields[0].name);
    EXPECT_EQ(R"({"A":[1,2,{"B":null}]})", system.unknown_fields[0].value.json());
    EXPECT_EQ("Future2", system.unknown_fields[1].name);
    ASSERT_TRUE(system.SchemaVersion);
    EXPECT_EQ(7u, system.SchemaVersion->Minor.value());
    ASSERT_EQ(1u, system.SchemaVersion->unknown_fields.size());
    const auto& layer = system.Container->Storage->Layers->at(0);
    ASSERT_EQ(1u, layer.unknown_fields.size());
    EXPECT_EQ("Sparse", layer.unknown_fields[0].name);
    EXPECT_EQ("true", layer.unknown_fields[0].value.json());
    EXPECT_TRUE(same_json(json, to_json(system)));
}

TEST(SchemaCodec, UnknownEnumValuesAreKeptAsText) {
    const std::string json =
        R"({"VirtualMachine":{"Devices":{"Scsi":{"primary":{"Attachments":{"0":{"Type":"VirtualDisk","Path":"a"},"1":{"Type":"NvmeDisk2030","Path":"b"}}}}}}})";
    const auto system = from_json<ComputeSystem>(json);
    const auto& attachments = system.VirtualMachine->Devices->Scsi->at("primary").Attachments.value();
    EXPECT_TRUE(attachments.at(0).Type.value() == AttachmentType::VirtualDisk);
    const auto& future = attachments.at(1).Type.value();
    EXPECT_FALSE(future.known());
    EXPECT_EQ("NvmeDisk2030", future.name());
    EXPECT_TRUE(same_json(json, to_json(system)));
}

TEST(SchemaCodec, KnownFieldsSentAsNullAreKeptAsNull) {
    const std::string json = R"({"Owner":null,"SchemaVersion":{"Major":2,"Minor":null},"Container":{"MappedDirectories":null}})";
    const auto system = from_json<ComputeSystem>(json);
    EXPECT_FALSE(system.Owner.has_value());
    ASSERT_EQ(1u, system.unknown_fields.size());
    EXPECT_EQ("Owner", system.unknown_fields[0].name);
    EXPECT_TRUE(system.unknown_fields[0].value.is_null());
    EXPECT_FALSE(system.Container->MappedDirectories.has_value());
    EXPECT_TRUE(same_json(json, to_json(system)));
}

TEST(SchemaCodec, AnyValuesOfEveryKindRoundTrip) {
    for (const char* value : {R"(null)", R"(true)", R"(false)", R"(-9223372036854775808)", R"(18446744073709551615)",
                              R"(0.5)", R"("s\"\\\u00e9")", R"([])", R"({})", R"([{"a":[{"b":[null]}]}])"}) {
        const std::string json = std::string(R"({"ResourcePath":"p","Settings":)") + value + "}";
        const auto request = from_json<ModifySettingRequest>(json);
        // A null is a known field sent as null: absent, kept as an unknown field.
        EXPECT_EQ(std::string_view(value) != "null", request.Settings.has_value()) << value;
        EXPECT_TRUE(same_json(json, to_json(request))) << value;
    }
}

TEST(SchemaCodec, DeeplyNestedAnyValuesParseWithoutRecursion) {
    constexpr int depth = 100000;
    std::string json = R"({"Settings":)";
    json.append(depth, '[');
    json.append(depth, ']');
    json += "}";
    const auto request = from_json<ModifySettingRequest>(json);
    EXPECT_EQ(static_cast<std::size_t>(2 * depth), request.Settings->json().size());
    // Compared as text: a RapidJSON DOM of this depth would recurse (and the input is compact).
    EXPECT_EQ(json, to_json(request));
}

TEST(SchemaCodec, EmptyArraysAndMapsStayPresent) {
    const std::string json = R"({"Container":{"MappedDirectories":[],"Storage":{"Layers":[]}},"VirtualMachine":{"Devices":{"Scsi":{}}}})";
    const auto system = from_json<ComputeSystem>(json);
    ASSERT_TRUE(system.Container->MappedDirectories.has_value());
    EXPECT_TRUE(system.Container->MappedDirectories->empty());
    EXPECT_TRUE(same_json(json, to_json(system)));
}

TEST(SchemaCodec, WrongTypesFailAtTheirPath) {
    EXPECT_NE(std::string::npos, message_of(R"({"Owner":5})").find("/Owner: expected string, found a number"));
    EXPECT_NE(std::string::npos,
              message_of(R"({"Container":{"Storage":{"Layers":[{"Path":"a"},{"Path":true}]}}})")
                  .find("/Container/Storage/Layers/1/Path: expected string, found a boolean"));
    EXPECT_NE(std::string::npos, message_of(R"({"SchemaVersion":{"Major":-1}})").find("/SchemaVersion/Major: uint32 out of range: -1"));
    EXPECT_NE(std::string::npos, message_of(R"({"SchemaVersion":{"Major":4294967296}})").find("uint32 out of range: 4294967296"));
    EXPECT_NE(std::string::npos, message_of(R"({"SchemaVersion":{"Major":2.5}})").find("/SchemaVersion/Major: expected uint32, found a non-integer number"));
    EXPECT_NE(std::string::npos, message_of(R"({"SchemaVersion":[]})").find("/SchemaVersion: expected Version, found an array"));
    EXPECT_NE(std::string::npos, message_of(R"({"Container":{"MappedDirectories":{}}})").find("/Container/MappedDirectories: expected array, found an object"));
    EXPECT_NE(std::string::npos,
              message_of(R"({"VirtualMachine":{"Devices":{"ComPorts":{"01":{}}}}})").find("/VirtualMachine/Devices/ComPorts/01: map key is not a uint32"));
    EXPECT_NE(std::string::npos,
              message_of(R"({"VirtualMachine":{"Devices":{"Scsi":{"a/b~":{"Attachments":{"0":{"Type":7}}}}}}})")
                  .find("/VirtualMachine/Devices/Scsi/a~1b~0/Attachments/0/Type: expected AttachmentType, found a number"));
    EXPECT_NE(std::string::npos, message_of(R"([1])").find("expected ComputeSystem, found an array"));
}

TEST(SchemaCodec, InvalidTextFailsWithItsOffset) {
    EXPECT_NE(std::string::npos, message_of(R"({"Owner":)").find("invalid JSON at offset"));
    EXPECT_NE(std::string::npos, message_of(R"({"Owner":"x"} {})").find("text after the value"));
    EXPECT_NE(std::string::npos, message_of("{\"Owner\":\"\xff\"}").find("invalid JSON"));
    EXPECT_NE(std::string::npos, message_of("").find("invalid JSON"));
    // A deep document of a wrong shape fails without recursion too.
    const std::string deep(200000, '[');
    EXPECT_NE(std::string::npos, message_of(deep).find("expected ComputeSystem"));
}

TEST(SchemaCodec, ParsingReplacesWhatTheTargetHeld) {
    ComputeSystem system;
    system.Owner = "before";
    system.unknown_fields.push_back({"Old", parse_any("1")});
    from_json(R"({"HostingSystemId":"uvm"})", system);
    EXPECT_FALSE(system.Owner.has_value());
    EXPECT_TRUE(system.unknown_fields.empty());
    EXPECT_EQ("uvm", system.HostingSystemId.value());
}

TEST(SchemaCodec, WrittenDocumentsListKnownFieldsInSchemaOrderThenUnknownOnes) {
    ComputeSystem system;
    system.ShouldTerminateOnLastHandleClosed = true;
    system.Owner = "zlhcs";
    system.SchemaVersion.emplace();
    system.SchemaVersion->Major = 2;
    system.SchemaVersion->Minor = 1;
    system.unknown_fields.push_back({"Later", parse_any(R"( { "X" : [ 1 , 2 ] } )")});
    EXPECT_EQ(R"({"Owner":"zlhcs","SchemaVersion":{"Major":2,"Minor":1},"ShouldTerminateOnLastHandleClosed":true,"Later":{"X":[1,2]}})",
              to_json(system));
}

TEST(SchemaCodec, ParseAnyChecksItsText) {
    EXPECT_EQ(R"({"a":[1,true]})", parse_any(" {\"a\" : [1, true]} ").json());
    EXPECT_THROW(static_cast<void>(parse_any("{")), zlhcs::error);
    EXPECT_THROW(static_cast<void>(parse_any("1 2")), zlhcs::error);
}

TEST(SchemaCodec, OpenEnumsCompareWithTheirValues) {
    open_enum<State> running = State::Running;
    EXPECT_TRUE(running == State::Running);
    EXPECT_TRUE(State::Paused != running);
    EXPECT_EQ("Running", running.name());
    const auto odd = open_enum<State>::from_string("running");  // case matters, as on the wire
    EXPECT_FALSE(odd.known());
    EXPECT_TRUE(odd != State::Running);
}

TEST(SchemaCodec, ReservedWordsGetATrailingUnderscore) {
    const std::string json = R"({"name":"k","volatile":true,"mkkey":[{"name":"sub","mkkey":[]}]})";
    const auto key = from_json<RegistryMakeKey>(json);
    EXPECT_TRUE(key.volatile_.value());
    EXPECT_EQ("sub", key.mkkey->at(0).name.value());
    EXPECT_TRUE(same_json(json, to_json(key)));
}

}  // namespace
