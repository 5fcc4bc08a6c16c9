// HcsModifyComputeSystem, HcsEnumerateComputeSystems, HcsGetServiceProperties.
#include <set>

#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Modify : public HcsimTest {};
class Enumerate : public HcsimTest {};
class Service : public HcsimTest {};

uint64_t assigned_memory(HCS_SYSTEM system) {
    const auto doc = parse(properties(system, R"({"PropertyTypes":["Memory"]})").document);
    return doc["Memory"]["VirtualMachineMemory"]["AssignedMemory"].GetUint64();
}

TEST_F(Modify, UpdateChangesTheStoredConfiguration) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-memory", vm_config(1024), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    EXPECT_EQ(1024u, assigned_memory(system));
    const Result r = modify(system, R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB",
                                        "RequestType":"Update","Settings":4096})");
    EXPECT_EQ(S_OK, r.hr);
    EXPECT_EQ("", r.document);
    EXPECT_EQ(4096u, assigned_memory(system));
}

TEST_F(Modify, ContainerMemory) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-container", container_config(), system).hr);
    EXPECT_EQ(512u, assigned_memory(system));
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update",
                                       "Settings":768})").hr);
    EXPECT_EQ(768u, assigned_memory(system));
}

TEST_F(Modify, AddAndRemoveResources) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-devices", vm_config(), system).hr);
    const std::string add = R"({"ResourcePath":"VirtualMachine/Devices/Scsi/0","RequestType":"Add",
                                "Settings":{"Attachments":{}}})";
    EXPECT_EQ(S_OK, modify(system, add).hr);
    EXPECT_HR(HCSIM_HR(0x800700B7u), modify(system, add).hr);  // already exists
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Scsi/0/Attachments/1",
                                       "RequestType":"Add","Settings":{"Type":"VirtualDisk","Path":"C:\\a.vhdx"}})").hr);
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Scsi/0/Attachments/1",
                                       "RequestType":"Remove"})").hr);
    EXPECT_HR(HCSIM_HR(0x80070490u), modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Scsi/0/Attachments/1",
                                                         "RequestType":"Remove"})").hr);
    // Arrays: Add appends, indexes address elements.
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Plan9/Shares","RequestType":"Update",
                                       "Settings":[]})").hr);
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Plan9/Shares","RequestType":"Add",
                                       "Settings":{"Name":"a"}})").hr);
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Plan9/Shares/0","RequestType":"Update",
                                       "Settings":{"Name":"b"}})").hr);
    EXPECT_EQ(S_OK, modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Plan9/Shares/0","RequestType":"Remove"})").hr);
    EXPECT_HR(HCSIM_HR(0x80070490u), modify(system, R"({"ResourcePath":"VirtualMachine/Devices/Plan9/Shares/0",
                                                         "RequestType":"Remove"})").hr);
    // A guest request alone is accepted.
    EXPECT_EQ(S_OK, modify(system, R"({"GuestRequest":{"RequestType":"Add"}})").hr);
}

TEST_F(Modify, BadRequestsFail) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-bad", container_config(), system).hr);
    for (const char* request :
         {"{", "[]", "{}", R"({"ResourcePath":5,"RequestType":"Add","Settings":1})",
          R"({"ResourcePath":"Container/Memory/SizeInMB","Settings":1})",
          R"({"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Replace","Settings":1})",
          R"({"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update"})",
          R"({"ResourcePath":"/","RequestType":"Update","Settings":1})"}) {
        const Result r = modify(system, request);
        EXPECT_HR(HCS_E_INVALID_JSON, r.hr) << request;
        EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), parse(r.document)["Error"].GetInt()) << request;
    }
    // The path must stay inside this system's kind of document.
    EXPECT_HR(E_INVALIDARG, modify(system, R"({"ResourcePath":"VirtualMachine/ComputeTopology",
                                               "RequestType":"Update","Settings":{}})").hr);
    EXPECT_HR(E_INVALIDARG, modify(system, R"({"ResourcePath":"Container/Memory/SizeInMB/Deeper",
                                               "RequestType":"Update","Settings":1})").hr);
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_STATE, modify(system, R"({"ResourcePath":"Container/Memory/SizeInMB",
                                                      "RequestType":"Update","Settings":1})").hr);
}

std::set<std::string> ids_of(const Result& r) {
    EXPECT_EQ(S_OK, r.hr);
    std::set<std::string> ids;
    const auto doc = parse(r.document);
    EXPECT_TRUE(doc.IsArray());
    if (!doc.IsArray()) return ids;
    for (const auto& entry : doc.GetArray()) {
        EXPECT_TRUE(entry.HasMember("SystemType"));
        EXPECT_TRUE(entry.HasMember("State"));
        EXPECT_TRUE(entry.HasMember("Owner"));
        EXPECT_TRUE(entry.HasMember("RuntimeId"));
        ids.insert(entry["Id"].GetString());
    }
    return ids;
}

TEST_F(Enumerate, ListsAndFiltersSystems) {
    EXPECT_TRUE(ids_of(enumerate()).empty());
    Sys c1;
    Sys c2;
    Sys v1;
    ASSERT_EQ(S_OK, create_system("C1", container_config(), c1).hr);
    ASSERT_EQ(S_OK, create_system("c2", R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"other","Container":{}})", c2).hr);
    ASSERT_EQ(S_OK, create_system("v1", vm_config(), v1).hr);
    using S = std::set<std::string>;
    EXPECT_EQ((S{"C1", "c2", "v1"}), ids_of(enumerate()));
    EXPECT_EQ((S{"C1", "c2", "v1"}), ids_of(enumerate("{}")));
    EXPECT_EQ((S{"C1", "v1"}), ids_of(enumerate(R"({"Ids":["c1","V1"]})")));
    EXPECT_EQ((S{"v1"}), ids_of(enumerate(R"({"Types":["VirtualMachine"]})")));
    EXPECT_EQ((S{"c2"}), ids_of(enumerate(R"({"Owners":["other"]})")));
    EXPECT_EQ((S{"C1"}), ids_of(enumerate(R"({"Names":["C1"],"Types":["Container"]})")));
    EXPECT_EQ(S{}, ids_of(enumerate(R"({"Names":["c1"]})")));
    EXPECT_EQ(S{}, ids_of(enumerate(R"({"Ids":[]})")));
    // State is current.
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, v1).hr);
    const auto doc = parse(enumerate(R"({"Ids":["v1"]})").document);
    EXPECT_STREQ("Running", doc[0]["State"].GetString());
}

TEST_F(Enumerate, MalformedQueryFails) {
    for (const char* query : {"{", "[]", R"({"Ids":"x"})", R"({"Types":[1]})"}) {
        const Result r = enumerate(query);
        EXPECT_HR(HCS_E_INVALID_JSON, r.hr) << query;
        EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), parse(r.document)["Error"].GetInt());
    }
}

void expect_basic(const rapidjson::Value& basic) {
    const auto& versions = basic["SupportedSchemaVersions"];
    ASSERT_TRUE(versions.IsArray());
    ASSERT_EQ(7u, versions.Size());
    for (unsigned i = 0; i < versions.Size(); ++i) {
        EXPECT_EQ(2u, versions[i]["Major"].GetUint());
        EXPECT_EQ(i, versions[i]["Minor"].GetUint());
    }
}

TEST_F(Service, BasicProperties) {
    for (const char* query : {static_cast<const char*>(nullptr), "", R"({"PropertyTypes":["Basic"]})"}) {
        PWSTR result = nullptr;
        const u16string wquery = query ? W(query) : u16string();
        ASSERT_EQ(S_OK, HcsGetServiceProperties(query ? wquery.c_str() : nullptr, &result));
        const auto doc = parse(take(result));
        ASSERT_TRUE(doc["Properties"].IsArray());
        ASSERT_EQ(1u, doc["Properties"].Size());
        expect_basic(doc["Properties"][0]);
    }
}

TEST_F(Service, Errors) {
    EXPECT_HR(E_POINTER, HcsGetServiceProperties(nullptr, nullptr));
    PWSTR result = nullptr;
    EXPECT_HR(E_INVALIDARG, HcsGetServiceProperties(W(R"({"PropertyTypes":["Nope"]})").c_str(), &result));
    EXPECT_NE(std::string::npos, take(result).find("Nope"));
    EXPECT_HR(HCS_E_INVALID_JSON, HcsGetServiceProperties(W("{").c_str(), &result));
    EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), parse(take(result))["Error"].GetInt());
    EXPECT_HR(HCS_E_INVALID_JSON, HcsGetServiceProperties(W(R"({"PropertyTypes":"Basic"})").c_str(), &result));
    free_string(result);
}

}  // namespace
}  // namespace hcsim_test
