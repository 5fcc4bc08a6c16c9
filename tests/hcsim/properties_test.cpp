// HcsGetComputeSystemProperties: basic properties, Statistics that advance only while
// Running, Memory, ProcessList, bad queries.
#include <ctime>
#include <map>

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

// Uptime and CPU time follow hcsim's clock: the tests that watch them run it by hand.
void let_time_pass() { ASSERT_EQ(S_OK, HcsimAdvanceClock(30)); }

// "YYYY-MM-DDTHH:MM" of a time point (UTC): a lower bound for ISO 8601 timestamps taken later.
std::string iso_minute(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
#if defined(_WIN32)
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M", &tm);
    return text;
}

// SchemaReference.md Properties; the shape of a real one (hcsshim container.go, 2017): Id,
// SystemType, RuntimeOsType, RuntimeId, State, and no Name or Owner; Owner comes back with
// Statistics (hcsshim internal/hcs/v2/system.go PropertiesV2).
TEST_F(Properties, BasicPropertiesWithoutQuery) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("basic", vm_config(), system).hr);
    for (const char* query : {static_cast<const char*>(nullptr), "", "{}"}) {
        const Result r = properties(system, query);
        ASSERT_EQ(S_OK, r.hr);
        const auto doc = parse(r.document);
        EXPECT_STREQ("basic", doc["Id"].GetString());
        EXPECT_STREQ("VirtualMachine", doc["SystemType"].GetString());
        EXPECT_STREQ("Windows", doc["RuntimeOsType"].GetString());
        EXPECT_EQ(36u, doc["RuntimeId"].GetStringLength());
        EXPECT_STREQ("Created", doc["State"].GetString());
        for (const char* absent : {"Name", "Owner", "Stopped", "ExitType", "Statistics"}) {
            EXPECT_FALSE(doc.HasMember(absent)) << absent;
        }
        EXPECT_EQ(5u, doc.MemberCount());
    }
}

TEST_F(Properties, OwnerComesWithStatistics) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("owner", container_config(), system).hr);
    const auto doc = parse(properties(system, R"({"PropertyTypes":["Statistics"]})").document);
    EXPECT_STREQ("hcsim-test", doc["Owner"].GetString());
    EXPECT_FALSE(parse(properties(system, R"({"PropertyTypes":["Memory"]})").document).HasMember("Owner"));
}

// RuntimeOsType (OsType: Windows, Linux): a process-isolated container runs on the Windows host
// (hcsshim getCachedProperties: a container without it is Windows); a VM that boots a Linux
// kernel directly runs Linux (assumption for how the guest's OS is known).
TEST_F(Properties, RuntimeOsType) {
    Sys container;
    ASSERT_EQ(S_OK, create_system("os-container", container_config(), container).hr);
    EXPECT_STREQ("Windows", parse(properties(container).document)["RuntimeOsType"].GetString());
    Sys linux_vm;
    ASSERT_EQ(S_OK, create_system("os-linux",
                                  R"({"SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{"Chipset":)"
                                  R"({"LinuxKernelDirect":{"KernelFilePath":"C:\\k\\vmlinux"}}}})",
                                  linux_vm)
                        .hr);
    EXPECT_STREQ("Linux", parse(properties(linux_vm).document)["RuntimeOsType"].GetString());
}

// Overview.md: a stopped system is cleaned up; only its exit status can be queried (through
// HcsWaitForComputeSystemExit). hcsshim's stats path expects HCS_E_SYSTEM_NOT_FOUND then
// (cmd/containerd-shim-runhcs-v1/task.go isStatsNotFound: hcs.IsNotExist).
TEST_F(Properties, OfAStoppedSystemAreNotFound) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("stopped-props", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system).hr);
    for (const char* query : {static_cast<const char*>(nullptr), all_types}) {
        const Result r = properties(system, query);
        EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, r.hr);
        EXPECT_EQ(static_cast<int32_t>(HCS_E_SYSTEM_NOT_FOUND), parse(r.document)["Error"].GetInt());
    }
}

TEST_F(Properties, StatisticsAdvanceWhileRunningAndFreezeWhilePaused) {
    ASSERT_EQ(S_OK, HcsimSetClock(1));  // time passes only by let_time_pass
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
}

TEST_F(Properties, MemoryFollowsTheConfigurationAndState) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("memory", vm_config(3072), system).hr);
    auto doc = parse(properties(system, all_types).document);
    EXPECT_EQ(3072u, doc["Memory"]["VirtualMachineMemory"]["AssignedMemory"].GetUint64());
    EXPECT_EQ(0u, doc["ProcessList"].Size());
    EXPECT_EQ(0u, doc["Statistics"]["Memory"]["MemoryUsageCommitBytes"].GetUint64());
    EXPECT_FALSE(doc["TerminateOnLastHandleClosed"].GetBool());

    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    doc = parse(properties(system, all_types).document);
    EXPECT_EQ(0u, doc["ProcessList"].Size());  // no process created yet: none listed
    const auto& memory = doc["Statistics"]["Memory"];
    EXPECT_GT(memory["MemoryUsageCommitBytes"].GetUint64(), 0u);
    EXPECT_GE(memory["MemoryUsageCommitPeakBytes"].GetUint64(), memory["MemoryUsageCommitBytes"].GetUint64());
    EXPECT_TRUE(doc["Statistics"]["Timestamp"].IsString());
    EXPECT_TRUE(doc["Statistics"]["ContainerStartTime"].IsString());
    EXPECT_LT(doc["Memory"]["VirtualMachineMemory"]["AvailableMemory"].GetInt(), 3072);
    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system).hr);
}

// Starts a process in `system` and returns its handle and pid (waits for the create).
HCS_PROCESS start_process(HCS_SYSTEM system, const std::string& parameters, uint32_t& pid) {
    Op op;
    HCS_PROCESS process = nullptr;
    EXPECT_EQ(S_OK, HcsCreateProcess(system, W(parameters).c_str(), op, nullptr, &process));
    HCS_PROCESS_INFORMATION info{};
    PWSTR document = nullptr;
    EXPECT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, &document));
    free_string(document);
    pid = info.ProcessId;
    return process;
}

// SchemaReference.md ProcessDetails ("Information about a process running in a container"):
// ProcessList lists the processes running in the system, i.e. those HcsCreateProcess started
// that have not exited, with their pid, image name and creation time.
TEST_F(Properties, ProcessListListsTheRunningProcesses) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("plist", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const auto before = std::chrono::system_clock::now();
    uint32_t sleeper_pid = 0;
    uint32_t app_pid = 0;
    uint32_t exiting_pid = 0;
    HCS_PROCESS sleeper = start_process(system, R"({"CommandLine":"C:\\Windows\\System32\\sleep.exe 600000"})", sleeper_pid);
    HCS_PROCESS app = start_process(system, R"({"ApplicationName":"C:\\tools\\ignore-signals","CommandLine":"ignore-signals 600000"})", app_pid);
    HCS_PROCESS exiting = start_process(system, R"({"CommandArgs":["exit","3"]})", exiting_pid);
    ASSERT_EQ(S_OK, HcsWaitForProcessExit(exiting, INFINITE, nullptr));

    const auto doc = parse(properties(system, R"({"PropertyTypes":["ProcessList"]})").document);
    const auto& list = doc["ProcessList"];
    ASSERT_TRUE(list.IsArray());
    ASSERT_EQ(2u, list.Size());  // the exited one is not running
    std::map<uint32_t, std::string> images;
    for (const auto& entry : list.GetArray()) {
        images[entry["ProcessId"].GetUint()] = entry["ImageName"].GetString();
        const std::string created = entry["CreateTimestamp"].GetString();
        EXPECT_EQ('Z', created.back()) << created;
        EXPECT_GE(created, iso_minute(before)) << created;
        for (const char* field : {"UserTime100ns", "KernelTime100ns", "MemoryCommitBytes",
                                  "MemoryWorkingSetPrivateBytes", "MemoryWorkingSetSharedBytes"}) {
            EXPECT_TRUE(entry[field].IsUint64()) << field;
        }
        EXPECT_GT(entry["MemoryCommitBytes"].GetUint64(), 0u);
    }
    EXPECT_EQ("sleep.exe", images[sleeper_pid]);
    EXPECT_EQ("ignore-signals.exe", images[app_pid]);  // ApplicationName wins, ".exe" as Windows adds it
    EXPECT_EQ(0u, images.count(exiting_pid));

    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    for (HCS_PROCESS p : {sleeper, app, exiting}) {
        EXPECT_EQ(S_OK, HcsWaitForProcessExit(p, INFINITE, nullptr));
        HcsCloseProcess(p);
    }
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
