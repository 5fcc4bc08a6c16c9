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

constexpr HRESULT not_supported = HCSIM_HR(0x80070032u);  // HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)
constexpr HRESULT not_found = HCSIM_HR(0x80070490u);      // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
constexpr HRESULT already_exists = HCSIM_HR(0x800700B7u); // HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)

std::string request(const std::string& path, const char* type, const std::string& settings = "") {
    std::string out = R"({"ResourcePath":")" + path + R"(","RequestType":")" + type + '"';
    if (!settings.empty()) out += R"(,"Settings":)" + settings;
    return out + "}";
}

// Reference/HcsModifyComputeSystem.md, row "Scsi/<Identifier>/Attachments/<UnsignedInt>": any
// request type, Settings an Attachment, ignored on Remove. The controller must exist
// (assumption), the LUN is an unsigned integer.
TEST_F(Modify, ScsiAttachments) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-scsi", vm_config(), system).hr);  // Devices/Scsi is {}
    const std::string attachment = R"({"Type":"VirtualDisk","Path":"C:\\a.vhdx"})";
    EXPECT_HR(not_found, modify(system, request("VirtualMachine/Devices/Scsi/0/Attachments/1", "Add", attachment)).hr);
    // The controller itself is not a modifiable resource.
    EXPECT_HR(not_supported, modify(system, request("VirtualMachine/Devices/Scsi/0", "Add", "{}")).hr);
    // Create the controller the way a configuration does, then attach.
    Sys with_controller;
    ASSERT_EQ(S_OK, create_system("modify-scsi2",
                                  R"({"SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{}}}}}})",
                                  with_controller).hr);
    const std::string path = "VirtualMachine/Devices/Scsi/0/Attachments/1";
    EXPECT_EQ(S_OK, modify(with_controller, request(path, "Add", attachment)).hr);
    EXPECT_HR(already_exists, modify(with_controller, request(path, "Add", attachment)).hr);
    EXPECT_EQ(S_OK, modify(with_controller, request(path, "Update", R"({"Type":"VirtualDisk","Path":"C:\\b.vhdx"})")).hr);
    EXPECT_EQ(S_OK, modify(with_controller, request(path, "Remove")).hr);  // no Settings needed
    EXPECT_HR(not_found, modify(with_controller, request(path, "Remove", attachment)).hr);
    EXPECT_HR(not_found, modify(with_controller, request(path, "Update", attachment)).hr);
    EXPECT_HR(not_supported, modify(with_controller, request("VirtualMachine/Devices/Scsi/0/Attachments/lun", "Add", attachment)).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, modify(with_controller, request(path, "Add", "5")).hr);  // not an Attachment
}

// The "Only Add", "Only Update", "Add or Remove" rows: any other request type is refused
// (ERROR_NOT_SUPPORTED: hcsshim IsNotSupported, "if Platform doesn't recognize or support the
// request sent").
TEST_F(Modify, RequestTypesFollowThePathTable) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-types", vm_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const std::string gpu = "VirtualMachine/ComputeTopology/Gpu";
    EXPECT_EQ(S_OK, modify(system, request(gpu, "Update", R"({"AssignmentMode":"Mirror"})")).hr);
    EXPECT_HR(not_supported, modify(system, request(gpu, "Add", R"({"AssignmentMode":"Mirror"})")).hr);
    EXPECT_HR(not_supported, modify(system, request(gpu, "Remove")).hr);
    const std::string idled = "VirtualMachine/ComputeTopology/Processor/IdledProcessors";
    EXPECT_EQ(S_OK, modify(system, request(idled, "Update", R"({"IdleProcessorCount":1})")).hr);
    EXPECT_HR(not_supported, modify(system, request(idled, "Add", R"({"IdleProcessorCount":1})")).hr);
    const std::string iov = "VirtualMachine/Devices/FlexibleIov/nic1";
    EXPECT_EQ(S_OK, modify(system, request(iov, "Add", R"({"EmulatorId":"x"})")).hr);
    EXPECT_HR(not_supported, modify(system, request(iov, "Update", R"({"EmulatorId":"y"})")).hr);
    EXPECT_HR(not_supported, modify(system, request(iov, "Remove")).hr);
    const std::string pci = "VirtualMachine/Devices/VirtualPci/gpu0";
    EXPECT_EQ(S_OK, modify(system, request(pci, "Add", R"({"Functions":[]})")).hr);
    EXPECT_HR(not_supported, modify(system, request(pci, "Update", R"({"Functions":[]})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(pci, "Remove")).hr);
    const std::string pmem = "VirtualMachine/Devices/VirtualPMem/Devices/0";
    EXPECT_HR(not_found, modify(system, request(pmem + "/Mappings/0", "Add", R"({"HostPath":"C:\\m.vhd"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(pmem, "Add", R"({"HostPath":"C:\\p.vhd","ReadOnly":true})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(pmem + "/Mappings/0", "Add", R"({"HostPath":"C:\\m.vhd"})")).hr);
    EXPECT_HR(not_supported, modify(system, request(pmem + "/Mappings/0", "Update", R"({"HostPath":"C:\\m.vhd"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(pmem + "/Mappings/0", "Remove")).hr);
    // MappedPipes: "Settings should be empty", Add or Remove.
    const std::string pipe = "VirtualMachine/Devices/MappedPipes/mypipe";
    EXPECT_EQ(S_OK, modify(system, request(pipe, "Add")).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, modify(system, request("VirtualMachine/Devices/MappedPipes/other", "Add", R"({"x":1})")).hr);
    EXPECT_HR(not_supported, modify(system, request(pipe, "Update", "{}")).hr);
    EXPECT_EQ(S_OK, modify(system, request(pipe, "Remove")).hr);
    // ComPorts: the serial id is at most 1.
    EXPECT_EQ(S_OK, modify(system, request("VirtualMachine/Devices/ComPorts/1", "Add", R"({"NamedPipe":"\\\\.\\pipe\\c"})")).hr);
    EXPECT_HR(not_supported, modify(system, request("VirtualMachine/Devices/ComPorts/2", "Add", R"({"NamedPipe":"\\\\.\\pipe\\c"})")).hr);
    // Scalar settings.
    EXPECT_EQ(S_OK, modify(system, request("VirtualMachine/ComputeTopology/Processor/CpuFrequencyPowerCap", "Update", "2000")).hr);
    EXPECT_HR(HCS_E_INVALID_JSON,
              modify(system, request("VirtualMachine/ComputeTopology/Memory/SizeInMB", "Update", R"("4096")")).hr);
}

// Collections (Plan9/Shares, VirtualSmb/Shares, SharedMemory/Regions, Container/MappedDirectories):
// Add appends an entry, Update and Remove address the entry by its name in Settings.
TEST_F(Modify, CollectionsAreAddressedByTheEntryName) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modify-shares", vm_config(), system).hr);
    const std::string shares = "VirtualMachine/Devices/Plan9/Shares";
    EXPECT_EQ(S_OK, modify(system, request(shares, "Add", R"({"Name":"a","Path":"C:\\a"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(shares, "Add", R"({"Name":"b","Path":"C:\\b"})")).hr);
    EXPECT_HR(already_exists, modify(system, request(shares, "Add", R"({"Name":"a","Path":"C:\\x"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(shares, "Update", R"({"Name":"a","Path":"C:\\a2"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request(shares, "Remove", R"({"Name":"a"})")).hr);
    EXPECT_HR(not_found, modify(system, request(shares, "Remove", R"({"Name":"a"})")).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, modify(system, request(shares, "Remove")).hr);  // which entry?
    EXPECT_HR(not_found, modify(system, request("VirtualMachine/Devices/VirtualSmb/Shares", "Remove", R"({"Name":"z"})")).hr);
    EXPECT_EQ(S_OK, modify(system, request("VirtualMachine/Devices/SharedMemory/Regions", "Add",
                                           R"({"SectionName":"s","StartOffset":0,"Length":4096})")).hr);

    Sys container;
    ASSERT_EQ(S_OK, create_system("modify-mounts", container_config(), container).hr);
    const std::string dirs = "Container/MappedDirectories";
    EXPECT_EQ(S_OK, modify(container, request(dirs, "Add", R"({"HostPath":"C:\\h","ContainerPath":"C:\\c"})")).hr);
    EXPECT_EQ(S_OK, modify(container, request(dirs, "Remove", R"({"ContainerPath":"C:\\c"})")).hr);
}

// Paths outside the table (including the other kind of system's paths, and the old free-form
// editing of the document) are not supported.
TEST_F(Modify, UnknownPathsAreNotSupported) {
    Sys vm;
    ASSERT_EQ(S_OK, create_system("modify-unknown", vm_config(), vm).hr);
    Sys container;
    ASSERT_EQ(S_OK, create_system("modify-unknown-c", container_config(), container).hr);
    for (const char* path : {"VirtualMachine/Devices/Keyboard", "VirtualMachine/ComputeTopology/Memory",
                             "VirtualMachine/ComputeTopology/Memory/SizeInMB/Deeper", "VirtualMachine",
                             "Container/Memory/SizeInMB", "VirtualMachine/Devices/Plan9/Shares/0"}) {
        const Result r = modify(vm, request(path, "Update", "{}"));
        EXPECT_HR(not_supported, r.hr) << path;
        EXPECT_EQ(static_cast<int32_t>(not_supported), parse(r.document)["Error"].GetInt()) << path;
    }
    EXPECT_HR(not_supported, modify(container, request("VirtualMachine/ComputeTopology/Memory/SizeInMB", "Update", "1")).hr);
    EXPECT_HR(not_supported, modify(container, request("Container/Storage", "Update", "{}")).hr);
    // A guest request alone is accepted.
    EXPECT_EQ(S_OK, modify(vm, R"({"GuestRequest":{"RequestType":"Add"}})").hr);
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

std::set<std::string> ids_of_any(const Result& r) {
    EXPECT_EQ(S_OK, r.hr);
    std::set<std::string> ids;
    const auto doc = parse(r.document);
    if (!doc.IsArray()) return ids;
    for (const auto& entry : doc.GetArray()) ids.insert(entry["Id"].GetString());
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

// Entries follow the schema's ComputeSystemProperties (Id, Name, SystemType, State, Owner,
// RuntimeId, RuntimeOsType). A stopped system is cleaned up at once (Overview.md): not listed,
// even while a handle to it is open.
TEST_F(Enumerate, EntriesAndStoppedSystems) {
    Sys owned;
    Sys unowned;
    ASSERT_EQ(S_OK, create_system("owned", container_config(), owned).hr);
    ASSERT_EQ(S_OK, create_system("unowned", R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{}})", unowned).hr);
    const auto doc = parse(enumerate().document);
    ASSERT_EQ(2u, doc.Size());
    EXPECT_STREQ("owned", doc[0]["Id"].GetString());
    EXPECT_STREQ("owned", doc[0]["Name"].GetString());
    EXPECT_STREQ("Container", doc[0]["SystemType"].GetString());
    EXPECT_STREQ("Created", doc[0]["State"].GetString());
    EXPECT_STREQ("hcsim-test", doc[0]["Owner"].GetString());
    EXPECT_EQ(36u, doc[0]["RuntimeId"].GetStringLength());
    EXPECT_STREQ("Windows", doc[0]["RuntimeOsType"].GetString());
    EXPECT_FALSE(doc[1].HasMember("Owner"));  // none configured
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, owned).hr);
    using S = std::set<std::string>;
    EXPECT_EQ((S{"unowned"}), ids_of_any(enumerate()));
    EXPECT_EQ(S{}, ids_of_any(enumerate(R"({"Ids":["owned"]})")));
    EXPECT_EQ((S{"unowned"}), ids_of_any(enumerate(R"({"Ids":["UNOWNED","unowned","nope"]})")));
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
