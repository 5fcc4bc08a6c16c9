// A compute system's lifecycle through zlhcs::compute_system (synchronous calls).
#include "facade_test_support.hpp"

#include <string>

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

TEST(FacadeLifecycle, CreateStartPropertiesPauseResumeTerminate) {
    const std::string id = unique_id();
    const zlhcs::compute_system system = zlhcs::compute_system::create(id, container_document(), kTimeout);
    ASSERT_TRUE(system);
    EXPECT_NE(system.native_handle(), 0u);
    EXPECT_EQ(system.id(), id);

    const rapidjson::Document basic = parse(system.properties());
    EXPECT_EQ(string_member(basic, "Id"), id);
    EXPECT_EQ(string_member(basic, "SystemType"), "Container");
    EXPECT_EQ(string_member(basic, "Owner"), "zlhcs-tests");
    EXPECT_EQ(string_member(basic, "State"), "Created");

    system.start(kTimeout);
    EXPECT_EQ(state_of(system), "Running");

    const rapidjson::Document stats = parse(system.properties(R"({"PropertyTypes":["Statistics"]})", kTimeout));
    ASSERT_TRUE(stats.IsObject());
    ASSERT_TRUE(stats.HasMember("Statistics"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Uptime100ns"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Processor"));
    EXPECT_TRUE(stats["Statistics"].HasMember("Memory"));
    const double first_uptime = uptime_of(system);
    EXPECT_TRUE(eventually([&] { return uptime_of(system) > first_uptime; })) << "uptime does not advance";

    system.pause(kTimeout);
    EXPECT_EQ(state_of(system), "Paused");

    system.resume(kTimeout);
    EXPECT_EQ(state_of(system), "Running");

    system.terminate(kTimeout);
    EXPECT_EQ(state_of(system), "Stopped");
    const rapidjson::Document exit_status = parse(system.wait_for_exit(kTimeout));
    EXPECT_EQ(string_member(exit_status, "ExitType"), "ForcedExit");  // the schema's NotificationType
    EXPECT_EQ(string_member(parse(system.properties()), "ExitType"), "ForcedExit");
}

TEST(FacadeLifecycle, ShutdownIsGraceful) {
    const zlhcs::compute_system system = make_container();
    system.start();
    system.shutdown(kTimeout);
    EXPECT_EQ(state_of(system), "Stopped");
    EXPECT_EQ(string_member(parse(system.wait_for_exit(kTimeout)), "ExitType"), "GracefulExit");
}

TEST(FacadeLifecycle, CrashIsAnUnexpectedExit) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    system.crash(kTimeout);
    EXPECT_EQ(state_of(system), "Stopped");
    EXPECT_EQ(string_member(parse(system.wait_for_exit(kTimeout)), "ExitType"), "UnexpectedExit");
}

TEST(FacadeLifecycle, SaveAPausedSystem) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    system.pause(kTimeout);
    system.save(R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\saved.vmrs"})", kTimeout);
    EXPECT_EQ(state_of(system), "Paused");
    system.terminate(kTimeout);
}

TEST(FacadeLifecycle, OpenGivesASecondHandleOnTheSameSystem) {
    std::string id;
    const zlhcs::compute_system created = make_container(&id);
    const zlhcs::compute_system opened = zlhcs::compute_system::open(id);
    EXPECT_NE(opened.native_handle(), created.native_handle());
    EXPECT_EQ(opened.id(), id);
    opened.start(kTimeout);
    EXPECT_EQ(state_of(created), "Running");
    created.terminate(kTimeout);
    EXPECT_EQ(state_of(opened), "Stopped");
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

TEST(FacadeLifecycle, ProcessListOfARunningSystem) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    const rapidjson::Document processes = parse(system.properties(R"({"PropertyTypes":["ProcessList"]})", kTimeout));
    ASSERT_TRUE(processes.IsObject());
    ASSERT_TRUE(processes.HasMember("ProcessList"));
    ASSERT_TRUE(processes["ProcessList"].IsArray());
    EXPECT_GE(processes["ProcessList"].Size(), 1u);
    system.terminate(kTimeout);
}

TEST(FacadeLifecycle, UnknownPropertyTypeFails) {
    const zlhcs::compute_system system = make_container();
    try {
        (void)system.properties(R"({"PropertyTypes":["NoSuchProperty"]})", kTimeout);
        ADD_FAILURE() << "unknown property type accepted";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument) << e.what();
        EXPECT_NE(e.result_document().find("NoSuchProperty"), std::string::npos) << e.result_document();
    }
}

}  // namespace
