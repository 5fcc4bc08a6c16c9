// <zlhcs/builders.hpp>: each builder's document as exact JSON, its round trip, its validity
// against the official HCS schema (the 21H2 OpenAPI definitions, tests/facade/data) and the
// schema versions it uses; documents from the builders created and run in hcsim.
#include <zlhcs/zlhcs.hpp>

#include "facade_test_support.hpp"

#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <string>
#include <vector>

// tests/facade/CMakeLists.txt embeds tests/facade/data/hcs-schema-21H2.json.
extern const char* const zlhcs_test_official_schema;

namespace {

using namespace facade_test;
namespace schema = zlhcs::schema;

// ---- the official schema ------------------------------------------------------------------------

/// `json` validates against definition `type` of the official schema (RapidJSON's JSON Schema
/// validator over the OpenAPI definitions; the schema sets no additionalProperties: false and
/// no required lists, so this checks every known field's JSON type, enum values and structure).
::testing::AssertionResult valid_as(const char* type, const std::string& json) {
    static const rapidjson::Document official = [] {
        rapidjson::Document document;
        document.Parse(zlhcs_test_official_schema);
        return document;
    }();
    if (official.HasParseError() || !official.HasMember("definitions")) {
        return ::testing::AssertionFailure() << "the embedded official schema does not parse";
    }
    rapidjson::Document root;
    root.SetObject();
    const std::string reference = std::string("#/definitions/") + type;
    root.AddMember("$ref", rapidjson::Value(reference.c_str(), root.GetAllocator()), root.GetAllocator());
    root.AddMember("definitions", rapidjson::Value(official["definitions"], root.GetAllocator()), root.GetAllocator());
    if (!root["definitions"].HasMember(type)) return ::testing::AssertionFailure() << "no definition " << type;
    const rapidjson::SchemaDocument definition(root);
    rapidjson::Document document;
    document.Parse(json.c_str(), json.size());
    if (document.HasParseError()) return ::testing::AssertionFailure() << "not JSON: " << json;
    rapidjson::SchemaValidator validator(definition);
    if (document.Accept(validator)) return ::testing::AssertionSuccess();
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    rapidjson::StringBuffer rule;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
    return ::testing::AssertionFailure() << type << ": " << where.GetString() << " breaks " << rule.GetString() << " ("
                                         << validator.GetInvalidSchemaKeyword() << ") in " << json;
}

/// The checks every builder's ComputeSystem passes: valid per the official schema (and its
/// HostedSystem as a HostedSystem), reads back equal, uses nothing newer than its
/// SchemaVersion, and has what zlhcs's rules require (SchemaVersion; exactly one of Container,
/// VirtualMachine, HostedSystem).
void expect_sound(const schema::ComputeSystem& document) {
    const std::string json = schema::to_json(document);
    EXPECT_TRUE(valid_as("ComputeSystem", json));
    EXPECT_TRUE(schema::from_json<schema::ComputeSystem>(json) == document) << json;
    ASSERT_TRUE(document.SchemaVersion.has_value()) << json;
    const schema::schema_version declared{document.SchemaVersion->Major.value_or(0),
                                          document.SchemaVersion->Minor.value_or(0)};
    EXPECT_FALSE(declared < zlhcs::minimum_schema_version(document)) << json;
    const int kinds = (document.Container ? 1 : 0) + (document.VirtualMachine ? 1 : 0) + (document.HostedSystem ? 1 : 0);
    EXPECT_EQ(kinds, 1) << json;
    if (document.HostedSystem) {
        EXPECT_TRUE(valid_as("HostedSystem", document.HostedSystem->json()));
        const auto hosted = schema::from_json<schema::HostedSystem>(document.HostedSystem->json());
        ASSERT_TRUE(hosted.SchemaVersion.has_value());
        ASSERT_TRUE(hosted.Container.has_value());
        const schema::schema_version hosted_version{hosted.SchemaVersion->Major.value_or(0),
                                                    hosted.SchemaVersion->Minor.value_or(0)};
        EXPECT_FALSE(hosted_version < zlhcs::minimum_schema_version(hosted)) << json;
    }
}

TEST(FacadeBuilders, TheValidatorCatchesWhatTheOfficialSchemaForbids) {
    // Guards the guard: a wrong JSON type and an unknown enum value are reported.
    EXPECT_FALSE(valid_as("ComputeSystem", R"({"SchemaVersion":{"Major":"2"}})"));
    EXPECT_FALSE(valid_as("ComputeSystem",
                          R"({"VirtualMachine":{"Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"Floppy"}}}}}}})"));
    EXPECT_FALSE(valid_as("ProcessParameters", R"({"ConsoleSize":"25x80"})"));
    EXPECT_TRUE(valid_as("ComputeSystem", R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{}})"));
}

// ---- container_builder ------------------------------------------------------------------------

TEST(FacadeBuilders, AMinimalContainer) {
    const schema::ComputeSystem document = zlhcs::container_builder().build();
    EXPECT_EQ(schema::to_json(document),
              R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"ShouldTerminateOnLastHandleClosed":true})");
    expect_sound(document);
    EXPECT_EQ(schema::to_json(zlhcs::container_builder().terminate_on_last_handle_closed(false).build()),
              R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"ShouldTerminateOnLastHandleClosed":false})");
}

// The shape of hcsshim's v2 Argon document (internal/hcsoci/create.go, hcsdoc_wcow.go; the
// sample in test/functional/wcow_uvm_test.go).
TEST(FacadeBuilders, AProcessIsolatedContainer) {
    const schema::ComputeSystem document =
        zlhcs::container_builder()
            .owner("containerd-shim-runhcs-v1.exe")
            .hostname("web-1")
            .layer("6ba9cac1-7086-5ee9-a197-c465d3f50ad7", R"(C:\layers\top)")
            .layer("300b3ac0-b603-5367-9494-afec045dd369", R"(C:\layers\base)")
            .scratch(R"(\\?\Volume{baac0fd5-16b7-405b-9621-112aa8e3d973}\)")
            .storage_qos(1000, 0)
            .mapped_directory(R"(C:\data)", R"(C:\data)", true)
            .mapped_directory(R"(C:\logs)", R"(C:\logs)")
            .mapped_pipe("docker_engine", R"(\\.\pipe\docker_engine)")
            .network_namespace("4a2e0a1b-6c3f-4f0e-9b1e-2d3c4b5a6f70")
            .processor_count(2)
            .processor_limit(5000)
            .processor_weight(100)
            .memory_mb(2048)
            .build();
    EXPECT_EQ(schema::to_json(document),
              R"({"Owner":"containerd-shim-runhcs-v1.exe","SchemaVersion":{"Major":2,"Minor":1},"Container":{)"
              R"("GuestOs":{"HostName":"web-1"},)"
              R"("Storage":{"Layers":[{"Id":"6ba9cac1-7086-5ee9-a197-c465d3f50ad7","Path":"C:\\layers\\top"},)"
              R"({"Id":"300b3ac0-b603-5367-9494-afec045dd369","Path":"C:\\layers\\base"}],)"
              R"("Path":"\\\\?\\Volume{baac0fd5-16b7-405b-9621-112aa8e3d973}\\","QoS":{"IopsMaximum":1000}},)"
              R"("MappedDirectories":[{"HostPath":"C:\\data","ContainerPath":"C:\\data","ReadOnly":true},)"
              R"({"HostPath":"C:\\logs","ContainerPath":"C:\\logs"}],)"
              R"("MappedPipes":[{"ContainerPipeName":"docker_engine","HostPath":"\\\\.\\pipe\\docker_engine"}],)"
              R"("Memory":{"SizeInMB":2048},"Processor":{"Count":2,"Weight":100,"Maximum":5000},)"
              R"("Networking":{"Namespace":"4a2e0a1b-6c3f-4f0e-9b1e-2d3c4b5a6f70"}},)"
              R"("ShouldTerminateOnLastHandleClosed":true})");
    expect_sound(document);
}

// hcsshim's v2 Xenon: the container document inside HostedSystem, in a utility VM.
TEST(FacadeBuilders, AHyperVIsolatedContainer) {
    const zlhcs::container_builder builder = zlhcs::container_builder()
                                                 .owner("functional.test.exe")
                                                 .layer("6ba9cac1-7086-5ee9-a197-c465d3f50ad7",
                                                        R"(\\?\VMSMB\VSMB-{dcc079ae-60ba-4d07-847c-3493609c0870}\s1)")
                                                 .scratch(R"(C:\c\1\scratch)")
                                                 .mapped_directory(R"(\\?\VMSMB\VSMB-{dcc079ae}\s7)", R"(c:\mappedro)", true)
                                                 .hosted_by("xenonOci2UVM");
    const schema::ComputeSystem document = builder.build();
    EXPECT_EQ(schema::to_json(document),
              R"({"Owner":"functional.test.exe","SchemaVersion":{"Major":2,"Minor":1},"HostingSystemId":"xenonOci2UVM",)"
              R"("HostedSystem":{"SchemaVersion":{"Major":2,"Minor":1},"Container":{"Storage":{"Layers":[)"
              R"({"Id":"6ba9cac1-7086-5ee9-a197-c465d3f50ad7","Path":"\\\\?\\VMSMB\\VSMB-{dcc079ae-60ba-4d07-847c-3493609c0870}\\s1"}],)"
              R"("Path":"C:\\c\\1\\scratch"},"MappedDirectories":[{"HostPath":"\\\\?\\VMSMB\\VSMB-{dcc079ae}\\s7",)"
              R"("ContainerPath":"c:\\mappedro","ReadOnly":true}]}},"ShouldTerminateOnLastHandleClosed":true})");
    expect_sound(document);
    // The same container, process-isolated again.
    zlhcs::container_builder argon = builder;
    argon.hosted_by("");
    EXPECT_TRUE(argon.build().Container == builder.container());
    EXPECT_FALSE(argon.build().HostedSystem.has_value());
}

// ---- utility_vm_builder -----------------------------------------------------------------------

// The shape of hcsshim's LCOW utility VM (internal/uvm/create_lcow.go, MakeLCOWDoc and the
// sample above it); LinuxKernelDirect makes it schema 2.2.
TEST(FacadeBuilders, ALinuxUtilityVm) {
    const schema::ComputeSystem document =
        zlhcs::utility_vm_builder()
            .owner("containerd-shim-runhcs-v1.exe")
            .memory_mb(1024)
            .allow_overcommit()
            .processor_count(2)
            .linux_kernel_direct(R"(C:\ContainerPlat\LinuxBootFiles\vmlinux)",
                                 R"(C:\ContainerPlat\LinuxBootFiles\initrd.img)", "panic=-1 quiet pci=off")
            .scsi_controller("df6d0690-79e5-55b6-a5ec-c1e2f77f580a")
            .scsi_disk("df6d0690-79e5-55b6-a5ec-c1e2f77f580a", 0, R"(C:\uvm\rootfs.vhd)", true)
            .hvsocket_bind_security_descriptor("D:P(A;;FA;;;SY)(A;;FA;;;BA)")
            .plan9()
            .plan9_share("share1", R"(C:\shared)")
            .network_adapter("a6d4d6b0-1b8c-4b4e-9f4f-6a1c2d3e4f50", "00-15-5D-01-02-03")
            .com_port(0, R"(\\.\pipe\uvm-console)")
            .build();
    EXPECT_EQ(schema::to_json(document),
              R"({"Owner":"containerd-shim-runhcs-v1.exe","SchemaVersion":{"Major":2,"Minor":2},"VirtualMachine":{)"
              R"("StopOnReset":true,"Chipset":{"LinuxKernelDirect":{"KernelFilePath":"C:\\ContainerPlat\\LinuxBootFiles\\vmlinux",)"
              R"("InitRdPath":"C:\\ContainerPlat\\LinuxBootFiles\\initrd.img","KernelCmdLine":"panic=-1 quiet pci=off"}},)"
              R"("ComputeTopology":{"Memory":{"SizeInMB":1024,"AllowOvercommit":true},"Processor":{"Count":2}},)"
              R"("Devices":{"ComPorts":{"0":{"NamedPipe":"\\\\.\\pipe\\uvm-console"}},)"
              R"("Scsi":{"df6d0690-79e5-55b6-a5ec-c1e2f77f580a":{"Attachments":{"0":{"Type":"VirtualDisk",)"
              R"("Path":"C:\\uvm\\rootfs.vhd","ReadOnly":true}}}},)"
              R"("NetworkAdapters":{"a6d4d6b0-1b8c-4b4e-9f4f-6a1c2d3e4f50":{"EndpointId":"a6d4d6b0-1b8c-4b4e-9f4f-6a1c2d3e4f50",)"
              R"("MacAddress":"00-15-5D-01-02-03"}},)"
              R"json("HvSocket":{"HvSocketConfig":{"DefaultBindSecurityDescriptor":"D:P(A;;FA;;;SY)(A;;FA;;;BA)"}},)json"
              R"("Plan9":{"Shares":[{"Name":"share1","AccessName":"share1","Path":"C:\\shared","Port":564}]}}},)"
              R"("ShouldTerminateOnLastHandleClosed":true})");
    expect_sound(document);
}

// The shape of hcsshim's WCOW utility VM booted from VSMB (internal/uvm/create_wcow.go,
// prepareConfigDoc): the "os" share, UEFI boot of bootmgfw.efi over VmbFs, scratch on SCSI 0:0.
TEST(FacadeBuilders, AWindowsUtilityVm) {
    const schema::ComputeSystem document =
        zlhcs::utility_vm_builder()
            .owner("uvm-owner")
            .memory_mb(2048)
            .processor_count(2)
            .processor_limit(50000)
            .processor_weight(200)
            .windows_boot(R"(C:\layers\base\UtilityVM\Files)")
            .vsmb_share("s1", R"(C:\layers\top)")
            .vsmb_share("rw", R"(C:\rw)", false)
            .scsi_disk("0", 0, R"(C:\uvm\sandbox.vhdx)")
            .guest_connection()
            .stop_on_reset(false)
            .build();
    EXPECT_EQ(schema::to_json(document),
              R"({"Owner":"uvm-owner","SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{"StopOnReset":false,)"
              R"("Chipset":{"Uefi":{"BootThis":{"DeviceType":"VmbFs","DevicePath":"\\EFI\\Microsoft\\Boot\\bootmgfw.efi"}}},)"
              R"("ComputeTopology":{"Memory":{"SizeInMB":2048},"Processor":{"Count":2,"Limit":50000,"Weight":200}},)"
              R"("Devices":{"Scsi":{"0":{"Attachments":{"0":{"Type":"VirtualDisk","Path":"C:\\uvm\\sandbox.vhdx"}}}},)"
              R"("VirtualSmb":{"Shares":[)"
              R"({"Name":"os","Path":"C:\\layers\\base\\UtilityVM\\Files","Options":{"ReadOnly":true,"ShareRead":true,)"
              R"("CacheIo":true,"TakeBackupPrivilege":true,"PseudoOplocks":true}},)"
              R"({"Name":"s1","Path":"C:\\layers\\top","Options":{"ReadOnly":true,"ShareRead":true,"CacheIo":true,)"
              R"("PseudoOplocks":true}},{"Name":"rw","Path":"C:\\rw"}]}},"GuestConnection":{}},)"
              R"("ShouldTerminateOnLastHandleClosed":true})");
    expect_sound(document);
}

TEST(FacadeBuilders, SchemaVersionsFollowTheFieldsUnlessSetExplicitly) {
    // Nothing newer than 2.0: the builders' floor, 2.1.
    EXPECT_EQ(zlhcs::container_builder().build().SchemaVersion->Minor, 1u);
    // A 2.4 field (NetworkAdapter.InstanceId) raises the version, also inside a map.
    schema::ComputeSystem document = zlhcs::utility_vm_builder().network_adapter("e").build();
    EXPECT_TRUE((zlhcs::minimum_schema_version(document) == schema::schema_version{2, 0}));  // no floor here
    EXPECT_EQ(document.SchemaVersion->Minor, 1u);                                             // the builder's
    document.VirtualMachine->Devices->NetworkAdapters->at("e").InstanceId = "i";
    EXPECT_TRUE((zlhcs::minimum_schema_version(document) == schema::schema_version{2, 4}));
    // Enum values count too: UefiBootDevice File is 2.1, VmbFs 2.0.
    schema::UefiBootEntry entry;
    entry.DeviceType = schema::UefiBootDevice::VmbFs;
    EXPECT_TRUE((zlhcs::minimum_schema_version(entry) == schema::schema_version{2, 1}));  // the field is 2.1
    schema::CloseHandle close;
    close.Handle = schema::StdHandle::StdIn;
    EXPECT_TRUE((zlhcs::minimum_schema_version(close) == schema::schema_version{2, 0}));
    close.Handle = schema::StdHandle::All;
    EXPECT_TRUE((zlhcs::minimum_schema_version(close) == schema::schema_version{2, 1}));
    // An unknown enum value or field adds nothing.
    close.Handle = schema::open_enum<schema::StdHandle>::from_string("FutureHandle");
    EXPECT_TRUE((zlhcs::minimum_schema_version(close) == schema::schema_version{2, 0}));
    // A Hyper-V container's version covers its hosted container (Container.Memory.SizeInMB is 2.1,
    // Container.AssignedDevices too; none newer here), and a VM with Services (2.5) says 2.5.
    schema::ComputeSystem services = zlhcs::utility_vm_builder().build();
    services.VirtualMachine->Services.emplace();
    EXPECT_TRUE((zlhcs::minimum_schema_version(services) == schema::schema_version{2, 5}));
    // Explicit: written as told.
    EXPECT_EQ(schema::to_json(zlhcs::utility_vm_builder().schema_version(2, 1).linux_kernel_direct("k").build().SchemaVersion.value()),
              R"({"Major":2,"Minor":1})");
    const schema::ComputeSystem explicit_container = zlhcs::container_builder().schema_version(2, 0).hosted_by("uvm").build();
    EXPECT_EQ(explicit_container.SchemaVersion->Minor, 0u);
    EXPECT_NE(explicit_container.HostedSystem->json().find(R"("SchemaVersion":{"Major":2,"Minor":0})"), std::string::npos);
}

// ---- property queries -------------------------------------------------------------------------

TEST(FacadeBuilders, PropertyQueries) {
    EXPECT_EQ(schema::to_json(zlhcs::property_query::basic()), "{}");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::statistics()), R"({"PropertyTypes":["Statistics"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::memory()), R"({"PropertyTypes":["Memory"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::process_list()), R"({"PropertyTypes":["ProcessList"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::terminate_on_last_handle_closed()),
              R"({"PropertyTypes":["TerminateOnLastHandleClosed"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::shared_memory_region()), R"({"PropertyTypes":["SharedMemoryRegion"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::guest_connection()), R"({"PropertyTypes":["GuestConnection"]})");
    const auto query = zlhcs::property_query::of(schema::System_PropertyType::Statistics, schema::System_PropertyType::Memory,
                                                 schema::System_PropertyType::ProcessList);
    EXPECT_EQ(schema::to_json(query), R"({"PropertyTypes":["Statistics","Memory","ProcessList"]})");
    EXPECT_EQ(schema::to_json(zlhcs::property_query::of()), R"({"PropertyTypes":[]})");
    EXPECT_TRUE(valid_as("System_PropertyQuery", schema::to_json(query)));
    EXPECT_TRUE(schema::from_json<schema::System_PropertyQuery>(schema::to_json(query)) == query);
}

TEST(FacadeBuilders, EveryPropertyQueryIsAnsweredByHcs) {
    const zlhcs::compute_system system =
        zlhcs::compute_system::create(unique_id("-vm"), zlhcs::utility_vm_builder().memory_mb(512).build(), kTimeout);
    system.start(kTimeout);
    const schema::Properties all = system.properties<schema::Properties>(
        zlhcs::property_query::of(schema::System_PropertyType::Statistics, schema::System_PropertyType::Memory,
                                  schema::System_PropertyType::ProcessList,
                                  schema::System_PropertyType::TerminateOnLastHandleClosed,
                                  schema::System_PropertyType::SharedMemoryRegion),
        kTimeout);
    EXPECT_TRUE(all.Statistics.has_value());
    EXPECT_TRUE(all.Memory.has_value());
    EXPECT_TRUE(all.ProcessList.has_value());
    EXPECT_EQ(all.TerminateOnLastHandleClosed, true);
    EXPECT_TRUE(all.SharedMemoryRegionInfo.has_value());
    EXPECT_TRUE(all.unknown_fields.empty()) << schema::to_json(all);
}

// ---- process parameters -----------------------------------------------------------------------

TEST(FacadeBuilders, ProcessParameters) {
    const schema::ProcessParameters parameters = zlhcs::process_parameters_builder()
                                                     .command_line("cmd /c dir")
                                                     .working_directory(R"(C:\work)")
                                                     .environment("PATH", R"(C:\Windows)")
                                                     .environment("A", "1")
                                                     .user("ContainerUser")
                                                     .stdio_pipes()
                                                     .emulate_console()
                                                     .console_size(120, 30)
                                                     .build();
    EXPECT_EQ(schema::to_json(parameters),
              R"({"CommandLine":"cmd /c dir","User":"ContainerUser","WorkingDirectory":"C:\\work",)"
              R"("Environment":{"A":"1","PATH":"C:\\Windows"},"EmulateConsole":true,"CreateStdInPipe":true,)"
              R"("CreateStdOutPipe":true,"CreateStdErrPipe":true,"ConsoleSize":[30,120]})");
    EXPECT_TRUE(valid_as("ProcessParameters", schema::to_json(parameters)));
    EXPECT_TRUE(schema::from_json<schema::ProcessParameters>(schema::to_json(parameters)) == parameters);

    EXPECT_EQ(schema::to_json(zlhcs::process_parameters_builder()
                                  .command_args({"/bin/sh", "-c", "echo hi"})
                                  .application_name("/bin/sh")
                                  .environment({{"HOME", "/root"}})
                                  .stdout_pipe()
                                  .stderr_pipe(false)
                                  .build()),
              R"({"ApplicationName":"/bin/sh","CommandArgs":["/bin/sh","-c","echo hi"],"Environment":{"HOME":"/root"},)"
              R"("CreateStdOutPipe":true,"CreateStdErrPipe":false})");
    EXPECT_EQ(schema::to_json(zlhcs::process_parameters_builder().args({"ping", "-n", "1", "my host"}).build()),
              R"({"CommandLine":"ping -n 1 \"my host\""})");
}

TEST(FacadeBuilders, WindowsCommandLinesQuoteAsCommandLineToArgvWSplits) {
    EXPECT_EQ(zlhcs::windows_command_line({}), "");
    EXPECT_EQ(zlhcs::windows_command_line({"cmd", "/c", "echo"}), "cmd /c echo");
    EXPECT_EQ(zlhcs::windows_command_line({"a b", ""}), R"("a b" "")");
    EXPECT_EQ(zlhcs::windows_command_line({R"(C:\Program Files\x\)"}), R"("C:\Program Files\x\\")");
    EXPECT_EQ(zlhcs::windows_command_line({R"(say "hi")"}), R"("say \"hi\"")");
    EXPECT_EQ(zlhcs::windows_command_line({R"(a\"b)"}), R"("a\\\"b")");
    EXPECT_EQ(zlhcs::windows_command_line({R"(C:\no\spaces\)"}), R"(C:\no\spaces\)");  // no quotes: as is
    EXPECT_EQ(zlhcs::windows_command_line({"tab\there"}), "\"tab\there\"");
}

// ---- in hcsim -----------------------------------------------------------------------------------

TEST(FacadeBuilders, AContainerFromTheBuilderRunsInHcsim) {
    const schema::ComputeSystem document = zlhcs::container_builder()
                                               .owner("builder-tests")
                                               .layer("6ba9cac1-7086-5ee9-a197-c465d3f50ad7", R"(C:\layers\base)")
                                               .scratch(R"(\\?\Volume{baac0fd5-16b7-405b-9621-112aa8e3d973}\)")
                                               .mapped_directory(R"(C:\data)", R"(C:\data)", true)
                                               .mapped_pipe("docker_engine", R"(\\.\pipe\docker_engine)")
                                               .network_namespace("4a2e0a1b-6c3f-4f0e-9b1e-2d3c4b5a6f70")
                                               .processor_count(2)
                                               .memory_mb(256)
                                               .build();
    const std::string id = unique_id("-argon");
    const zlhcs::compute_system system = zlhcs::compute_system::create(id, document, kTimeout);
    system.start(kTimeout);
    const schema::Properties properties =
        system.properties<schema::Properties>(zlhcs::property_query::of(schema::System_PropertyType::Statistics,
                                                                        schema::System_PropertyType::Memory),
                                              kTimeout);
    EXPECT_TRUE(properties.State == schema::State::Running);
    EXPECT_TRUE(properties.SystemType == schema::SystemType::Container);
    EXPECT_EQ(properties.Owner, "builder-tests");
    ASSERT_TRUE(properties.Memory && properties.Memory->VirtualMachineMemory);
    EXPECT_EQ(properties.Memory->VirtualMachineMemory->AssignedMemory, 256u);

    zlhcs::process child = zlhcs::process::create(
        system, zlhcs::process_parameters_builder().args({"echo", "two  spaces"}).stdout_pipe().build(), kTimeout);
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "two  spaces\r\n");  // one quoted argument
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeBuilders, ProcessParametersFromTheBuilderRunInHcsim) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    zlhcs::process env = zlhcs::process::create(
        system,
        zlhcs::process_parameters_builder().command_line("env").environment("B", "2").environment("A", "1").stdout_pipe().build(),
        kTimeout);
    EXPECT_EQ(env.read_all(zlhcs::stdio_stream::out), "A=1\r\nB=2\r\n");
    zlhcs::process cwd = zlhcs::process::create(
        system, zlhcs::process_parameters_builder().command_args({"cwd"}).working_directory(R"(C:\work)").stdout_pipe().build(),
        kTimeout);
    EXPECT_EQ(cwd.read_all(zlhcs::stdio_stream::out), "C:\\work\r\n");
    zlhcs::process console = zlhcs::process::create(
        system,
        zlhcs::process_parameters_builder().command_line("console-size").emulate_console().console_size(100, 40).stdout_pipe().build(),
        kTimeout);
    EXPECT_EQ(console.read_all(zlhcs::stdio_stream::out), "100x40\r\n");  // no stdin pipe: ends at once
    EXPECT_EQ(env.wait_exit(kTimeout), 0u);
    EXPECT_EQ(cwd.wait_exit(kTimeout), 0u);
    EXPECT_EQ(console.wait_exit(kTimeout), 0u);
}

TEST(FacadeBuilders, UtilityVmsFromTheBuilderRunInHcsim) {
    const schema::ComputeSystem linux_vm = zlhcs::utility_vm_builder()
                                               .owner("builder-tests")
                                               .memory_mb(1024)
                                               .processor_count(2)
                                               .linux_kernel_direct(R"(C:\boot\vmlinux)", R"(C:\boot\initrd.img)")
                                               .scsi_controller("0")
                                               .plan9()
                                               .network_adapter("a6d4d6b0-1b8c-4b4e-9f4f-6a1c2d3e4f50")
                                               .build();
    const zlhcs::compute_system lcow = zlhcs::compute_system::create(unique_id("-lcow"), linux_vm, kTimeout);
    lcow.start(kTimeout);
    EXPECT_TRUE(lcow.properties<schema::Properties>(kTimeout).RuntimeOsType == schema::OsType::Linux);
    lcow.pause(kTimeout);
    EXPECT_TRUE(lcow.properties<schema::Properties>(kTimeout).State == schema::State::Paused);
    lcow.resume(kTimeout);

    // A disk added later, to the controller the builder made (hcsim: the controller must exist).
    schema::ModifySettingRequest add_disk;
    add_disk.ResourcePath = "VirtualMachine/Devices/Scsi/0/Attachments/1";
    add_disk.RequestType = schema::ModifyRequestType::Add;
    schema::Attachment disk;
    disk.Type = schema::AttachmentType::VirtualDisk;
    disk.Path = R"(C:\disks\data.vhdx)";
    add_disk.Settings = schema::parse_any(schema::to_json(disk));
    lcow.modify(add_disk, kTimeout);

    const schema::ComputeSystem windows_vm = zlhcs::utility_vm_builder()
                                                 .owner("builder-tests")
                                                 .memory_mb(1024)
                                                 .windows_boot(R"(C:\layers\base\UtilityVM\Files)")
                                                 .scsi_disk("0", 0, R"(C:\uvm\sandbox.vhdx)")
                                                 .guest_connection()
                                                 .build();
    const zlhcs::compute_system wcow = zlhcs::compute_system::create(unique_id("-wcow"), windows_vm, kTimeout);
    wcow.start(kTimeout);
    const schema::Properties properties =
        wcow.properties<schema::Properties>(zlhcs::property_query::guest_connection(), kTimeout);
    EXPECT_TRUE(properties.RuntimeOsType == schema::OsType::Windows);
    EXPECT_TRUE(properties.State == schema::State::Running);
    EXPECT_TRUE(properties.GuestConnectionInfo.has_value());
    EXPECT_TRUE(lcow.terminate(kTimeout));
    EXPECT_TRUE(wcow.terminate(kTimeout));
}

// hcsim refuses HostedSystem documents (docs/hcsim.md: a configuration must have Container or
// VirtualMachine), so the Hyper-V isolated container is checked above as JSON only.
TEST(FacadeBuilders, HcsimRefusesAHostedContainerAsItDocuments) {
    const zlhcs::compute_system uvm = zlhcs::compute_system::create(
        unique_id("-uvm"), zlhcs::utility_vm_builder().windows_boot(R"(C:\os)").build(), kTimeout);
    uvm.start(kTimeout);
    const schema::ComputeSystem xenon = zlhcs::container_builder().layer("6ba9cac1-7086-5ee9-a197-c465d3f50ad7", R"(C:\l)")
                                            .hosted_by(uvm.id())
                                            .build();
    expect_error([&] { (void)zlhcs::compute_system::create(unique_id("-xenon"), xenon, kTimeout); },
                 zlhcs::errc::invalid_json);
}

}  // namespace
