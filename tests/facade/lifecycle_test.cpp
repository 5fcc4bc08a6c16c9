// A compute system's lifecycle through zlhcs::compute_system (synchronous calls).
#include "facade_test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace facade_test;

double uptime_of(const zlhcs::compute_system& system) {
    const rapidjson::Document properties = parse(system.properties(R"({"PropertyTypes":["Statistics"]})", kTimeout));
    if (!properties.IsObject() || !properties.HasMember("Statistics")) return -1;
    const rapidjson::Value& statistics = properties["Statistics"];
    if (!statistics.IsObject() || !statistics.HasMember("Uptime100ns") || !statistics["Uptime100ns"].IsNumber())
        return -1;
    return statistics["Uptime100ns"].GetDouble();
}

// Memory/VirtualMachineMemory/AssignedMemory (MB), or -1.
double assigned_memory_mb(const zlhcs::compute_system& system) {
    const std::string json = system.properties(R"({"PropertyTypes":["Memory"]})", kTimeout);
    const rapidjson::Document properties = parse(json);
    if (!properties.IsObject() || !properties.HasMember("Memory")) return -1;
    const rapidjson::Value& memory = properties["Memory"];
    if (!memory.IsObject() || !memory.HasMember("VirtualMachineMemory")) return -1;
    const rapidjson::Value& vm = memory["VirtualMachineMemory"];
    if (!vm.IsObject() || !vm.HasMember("AssignedMemory") || !vm["AssignedMemory"].IsNumber()) return -1;
    return vm["AssignedMemory"].GetDouble();
}

TEST(FacadeLifecycle, CreateStartPropertiesTerminate) {
    const std::string id = unique_id();
    const zlhcs::compute_system system = zlhcs::compute_system::create(id, container_document(), kTimeout);
    ASSERT_TRUE(system);
    EXPECT_NE(system.native_handle(), 0u);
    EXPECT_EQ(system.id(), id);

    // The basic properties, as real HCS returns them: {Id, SystemType, RuntimeOsType,
    // RuntimeId, State}, no Owner (that comes with Statistics).
    const rapidjson::Document basic = parse(system.properties());
    EXPECT_EQ(string_member(basic, "Id"), id);
    EXPECT_EQ(string_member(basic, "SystemType"), "Container");
    EXPECT_EQ(string_member(basic, "RuntimeOsType"), "Windows");
    EXPECT_FALSE(string_member(basic, "RuntimeId").empty());
    EXPECT_EQ(string_member(basic, "State"), "Created");
    EXPECT_FALSE(basic.HasMember("Owner"));

    system.start(kTimeout);
    EXPECT_EQ(state_of(system), "Running");

    const rapidjson::Document stats = parse(system.properties(R"({"PropertyTypes":["Statistics"]})", kTimeout));
    ASSERT_TRUE(stats.IsObject());
    EXPECT_EQ(string_member(stats, "Owner"), "zlhcs-tests");
    ASSERT_TRUE(stats.HasMember("Statistics"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Uptime100ns"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Processor"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Memory"));
    const double first_uptime = uptime_of(system);
    EXPECT_TRUE(eventually([&] { return uptime_of(system) > first_uptime; })) << "uptime does not advance";

    EXPECT_TRUE(system.terminate(kTimeout));
    const rapidjson::Document exit_status = parse(system.wait_exit(kTimeout));
    EXPECT_EQ(string_member(exit_status, "ExitType"), "ForcedExit");  // the schema's NotificationType
    // Stopped means cleaned up: the handle now only answers wait_exit.
    (void)expect_error([&] { (void)system.properties(); }, zlhcs::errc::not_found);
}

TEST(FacadeLifecycle, VirtualMachinePauseResume) {
    const zlhcs::compute_system system = make_vm();
    EXPECT_EQ(string_member(parse(system.properties()), "SystemType"), "VirtualMachine");
    system.start(kTimeout);
    system.pause(kTimeout);
    EXPECT_EQ(state_of(system), "Paused");
    // Uptime is frozen while paused.
    const double paused_uptime = uptime_of(system);
    {
        const zlhcs_test::manual_clock clock;  // hcsim's time moves by advance() alone
        clock.advance(50ms);
        EXPECT_EQ(uptime_of(system), paused_uptime);
    }

    system.resume(kTimeout);
    EXPECT_EQ(state_of(system), "Running");
    EXPECT_TRUE(eventually([&] { return uptime_of(system) > paused_uptime; })) << "uptime does not advance";
    (void)expect_error([&] { system.resume(kTimeout); }, zlhcs::errc::invalid_state);  // not paused

    (void)system.pause_async().wait(kTimeout);
    EXPECT_EQ(state_of(system), "Paused");
    (void)system.resume_async().wait(kTimeout);
    EXPECT_EQ(state_of(system), "Running");

    EXPECT_TRUE(system.terminate(kTimeout));
    EXPECT_EQ(string_member(parse(system.wait_exit(kTimeout)), "ExitType"), "ForcedExit");
}

TEST(FacadeLifecycle, ShutdownIsGraceful) {
    const zlhcs::compute_system system = make_container();
    system.start();
    EXPECT_TRUE(system.shutdown(kTimeout));
    EXPECT_EQ(string_member(parse(system.wait_exit(kTimeout)), "ExitType"), "GracefulExit");
    EXPECT_FALSE(system.shutdown(kTimeout));  // gone already
    (void)expect_error([&] { (void)system.properties(kTimeout); }, zlhcs::errc::not_found);
}

TEST(FacadeLifecycle, CrashIsAnUnexpectedExit) {
    const zlhcs::compute_system system = make_vm();  // crash (an NMI to the guest) is VM-only
    (void)expect_error([&] { system.crash(kTimeout); }, zlhcs::errc::invalid_state);  // not running
    system.start(kTimeout);
    system.crash(kTimeout);
    EXPECT_EQ(string_member(parse(system.wait_exit(kTimeout)), "ExitType"), "UnexpectedExit");
    (void)expect_error([&] { system.crash(kTimeout); }, zlhcs::errc::not_found);  // cleaned up
    EXPECT_FALSE(system.terminate(kTimeout));
}

TEST(FacadeLifecycle, SaveAPausedSystem) {
    const zlhcs::compute_system system = make_vm();
    system.start(kTimeout);
    (void)expect_error([&] { system.save(R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\saved.vmrs"})", kTimeout); },
                       zlhcs::errc::invalid_state);  // running: pause first
    system.pause(kTimeout);
    system.save(R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\saved.vmrs"})", kTimeout);
    EXPECT_EQ(state_of(system), "Paused");
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeLifecycle, OpenGivesASecondHandleOnTheSameSystem) {
    std::string id;
    const zlhcs::compute_system created = make_container(&id);
    const zlhcs::compute_system opened = zlhcs::compute_system::open(id);
    EXPECT_NE(opened.native_handle(), created.native_handle());
    EXPECT_EQ(opened.id(), id);
    opened.start(kTimeout);
    EXPECT_EQ(state_of(created), "Running");
    EXPECT_TRUE(created.terminate(kTimeout));
    // Both handles see the exit; neither can do more.
    EXPECT_EQ(string_member(parse(opened.wait_exit(kTimeout)), "ExitType"), "ForcedExit");
    (void)expect_error([&] { (void)opened.properties(kTimeout); }, zlhcs::errc::not_found);
    EXPECT_FALSE(opened.terminate(kTimeout));
}

TEST(FacadeLifecycle, EmptyIdLetsHcsChooseOne) {
    const zlhcs::compute_system system = zlhcs::compute_system::create("", container_document(), kTimeout);
    const std::string id = system.id();
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(zlhcs::compute_system::open(id).id(), id);
}

TEST(FacadeLifecycle, VirtualMachineMemoryAndModify) {
    const zlhcs::compute_system system = zlhcs::compute_system::create(unique_id(), vm_document(), kTimeout);
    EXPECT_EQ(string_member(parse(system.properties()), "SystemType"), "VirtualMachine");
    system.start(kTimeout);
    EXPECT_EQ(assigned_memory_mb(system), 1024);

    system.modify(R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB",)"
                  R"("RequestType":"Update","Settings":2048})",
                  kTimeout);
    EXPECT_EQ(assigned_memory_mb(system), 2048);
    (void)system.modify_async(R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB",)"
                              R"("RequestType":"Update","Settings":4096})")
        .wait(kTimeout);
    EXPECT_EQ(assigned_memory_mb(system), 4096);
    try {
        system.modify(R"({"ResourcePath":)", kTimeout);
        ADD_FAILURE() << "malformed ModifySettingRequest accepted";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_json) << e.what();
    }
    system.terminate(kTimeout);
}

// The ProcessList property lists the processes created in the system that still run (no
// synthetic init process).
std::vector<std::uint32_t> listed_pids(const zlhcs::compute_system& system) {
    const std::string json = system.properties(R"({"PropertyTypes":["ProcessList"]})", kTimeout);
    const rapidjson::Document processes = parse(json);
    std::vector<std::uint32_t> pids;
    EXPECT_TRUE(processes.IsObject() && processes.HasMember("ProcessList") && processes["ProcessList"].IsArray())
        << json;
    if (!processes.IsObject() || !processes.HasMember("ProcessList") || !processes["ProcessList"].IsArray())
        return pids;
    for (const auto& process : processes["ProcessList"].GetArray()) {
        EXPECT_EQ(string_member(process, "ImageName"), "sleep.exe") << json;
        if (process.HasMember("ProcessId") && process["ProcessId"].IsUint()) pids.push_back(process["ProcessId"].GetUint());
    }
    return pids;
}

TEST(FacadeLifecycle, ProcessListOfARunningSystem) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    EXPECT_TRUE(listed_pids(system).empty());
    const zlhcs::process first = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);
    const zlhcs::process second = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);
    std::vector<std::uint32_t> expected{first.id(), second.id()};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(listed_pids(system), expected);  // in pid order
    first.terminate(kTimeout);
    EXPECT_EQ(first.wait_exit(kTimeout), 1u);
    EXPECT_EQ(listed_pids(system), std::vector<std::uint32_t>{second.id()});
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeLifecycle, UnknownPropertyTypeFails) {
    const zlhcs::compute_system system = make_container();
    try {
        (void)system.properties(R"({"PropertyTypes":["NoSuchProperty"]})", kTimeout);
        ADD_FAILURE() << "unknown property type accepted";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument) << e.what();
        expect_diagnostics(e, "NoSuchProperty");  // the document, if any, names it
    }
}

}  // namespace
