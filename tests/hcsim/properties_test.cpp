// HcsGetComputeSystemProperties: basic properties, Statistics that advance only while
// Running, Memory, ProcessList, bad queries.
#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Properties : public HcsimTest {};

constexpr const char* all_types =
    R"({"PropertyTypes":["Statistics","Memory","ProcessList","TerminateOnLastHandleClosed"]})";

struct Sample {
    uint64_t uptime = 0;
    uint64_t cpu = 0;
    uint64_t user = 0;
    uint64_t kernel = 0;
};

Sample sample(HCS_SYSTEM system) {
    const Result r = properties(system, R"({"PropertyTypes":["Statistics"]})");
    EXPECT_EQ(S_OK, r.hr);
    const auto doc = parse(r.document);
    const auto& stats = doc["Statistics"];
    Sample s;
    s.uptime = stats["Uptime100ns"].GetUint64();
    s.cpu = stats["Processor"]["TotalRuntime100ns"].GetUint64();
    s.user = stats["Processor"]["RuntimeUser100ns"].GetUint64();
    s.kernel = stats["Processor"]["RuntimeKernel100ns"].GetUint64();
    return s;
}

void let_time_pass() { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }

TEST_F(Properties, BasicPropertiesWithoutQuery) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("basic", vm_config(), system).hr);
    for (const char* query : {static_cast<const char*>(nullptr), "", "{}"}) {
        const Result r = properties(system, query);
        ASSERT_EQ(S_OK, r.hr);
        const auto doc = parse(r.document);
        EXPECT_STREQ("basic", doc["Id"].GetString());
        EXPECT_STREQ("basic", doc["Name"].GetString());
        EXPECT_STREQ("VirtualMachine", doc["SystemType"].GetString());
        EXPECT_STREQ("hcsim-test", doc["Owner"].GetString());
        EXPECT_EQ(36u, doc["RuntimeId"].GetStringLength());
        EXPECT_STREQ("Created", doc["State"].GetString());
        EXPECT_FALSE(doc["Stopped"].GetBool());
        EXPECT_FALSE(doc.HasMember("ExitType"));
        EXPECT_FALSE(doc.HasMember("Statistics"));
    }
}

TEST_F(Properties, StatisticsAdvanceWhileRunningAndFreezeWhilePaused) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("stats", vm_config(), system).hr);
    const Sample created = sample(system);
    EXPECT_EQ(0u, created.uptime);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const Sample a = sample(system);
    let_time_pass();
    const Sample b = sample(system);
    EXPECT_GT(b.uptime, a.uptime);
    EXPECT_GT(b.cpu, a.cpu);
    EXPECT_EQ(b.cpu, b.user + b.kernel);

    ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
    const Sample p1 = sample(system);
    let_time_pass();
    const Sample p2 = sample(system);
    EXPECT_GE(p1.uptime, b.uptime);
    EXPECT_EQ(p1.uptime, p2.uptime);
    EXPECT_EQ(p1.cpu, p2.cpu);

    ASSERT_EQ(S_OK, run(HcsResumeComputeSystem, system).hr);
    let_time_pass();
    const Sample r = sample(system);
    EXPECT_GT(r.uptime, p2.uptime);
    EXPECT_GT(r.cpu, p2.cpu);

    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    const Sample s1 = sample(system);
    let_time_pass();
    EXPECT_EQ(s1.uptime, sample(system).uptime);
}

TEST_F(Properties, MemoryAndProcessListFollowTheConfigurationAndState) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("memory", vm_config(3072), system).hr);
    auto doc = parse(properties(system, all_types).document);
    EXPECT_EQ(3072u, doc["Memory"]["VirtualMachineMemory"]["AssignedMemory"].GetUint64());
    EXPECT_EQ(0u, doc["ProcessList"].Size());
    EXPECT_EQ(0u, doc["Statistics"]["Memory"]["MemoryUsageCommitBytes"].GetUint64());
    EXPECT_FALSE(doc["TerminateOnLastHandleClosed"].GetBool());

    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    doc = parse(properties(system, all_types).document);
    ASSERT_EQ(1u, doc["ProcessList"].Size());
    const auto& init = doc["ProcessList"][0];
    EXPECT_GT(init["ProcessId"].GetUint(), 0u);
    EXPECT_TRUE(init["ImageName"].IsString());
    EXPECT_TRUE(init["CreateTimestamp"].IsString());
    for (const char* field : {"UserTime100ns", "KernelTime100ns", "MemoryCommitBytes",
                              "MemoryWorkingSetPrivateBytes", "MemoryWorkingSetSharedBytes"}) {
        EXPECT_TRUE(init[field].IsUint64()) << field;
    }
    const auto& memory = doc["Statistics"]["Memory"];
    EXPECT_GT(memory["MemoryUsageCommitBytes"].GetUint64(), 0u);
    EXPECT_GE(memory["MemoryUsageCommitPeakBytes"].GetUint64(), memory["MemoryUsageCommitBytes"].GetUint64());
    EXPECT_TRUE(doc["Statistics"]["Timestamp"].IsString());
    EXPECT_TRUE(doc["Statistics"]["ContainerStartTime"].IsString());
    EXPECT_LT(doc["Memory"]["VirtualMachineMemory"]["AvailableMemory"].GetInt(), 3072);

    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system).hr);
    doc = parse(properties(system, all_types).document);
    EXPECT_EQ(0u, doc["ProcessList"].Size());
    EXPECT_STREQ("Stopped", doc["State"].GetString());
    EXPECT_TRUE(doc["Stopped"].GetBool());
    EXPECT_STREQ("GracefulExit", doc["ExitType"].GetString());
}

TEST_F(Properties, UnknownTypeOrMalformedQueryFails) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("bad-query", container_config(), system).hr);
    const Result unknown = properties(system, R"({"PropertyTypes":["Statistics","Bogus"]})");
    EXPECT_HR(E_INVALIDARG, unknown.hr);
    const std::string message = parse(unknown.document)["ErrorMessage"].GetString();
    EXPECT_NE(std::string::npos, message.find("Bogus")) << message;
    for (const char* query : {"{", "[]", R"({"PropertyTypes":"Statistics"})", R"({"PropertyTypes":[1]})"}) {
        const Result r = properties(system, query);
        EXPECT_HR(HCS_E_INVALID_JSON, r.hr) << query;
        EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), parse(r.document)["Error"].GetInt());
    }
}

TEST_F(Properties, OfAFailedCreateHandleIsNotFound) {
    Sys first;
    ASSERT_EQ(S_OK, create_system("twice", container_config(), first).hr);
    Sys second;
    ASSERT_HR(HCS_E_SYSTEM_ALREADY_EXISTS, create_system("twice", container_config(), second).hr);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(second).hr);
}

}  // namespace
}  // namespace hcsim_test
