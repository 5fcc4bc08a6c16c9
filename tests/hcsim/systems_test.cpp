// Compute systems: create/open/close, the state machine, events, wait for exit,
// ShouldTerminateOnLastHandleClosed, argument and JSON errors.
#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Systems : public HcsimTest {};

constexpr HRESULT not_supported = HCSIM_HR(0x80070032u);  // HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

// The exit status document through HcsWaitForComputeSystemExit (the one query left on a
// stopped system).
std::string exit_status(HCS_SYSTEM system) {
    PWSTR result = nullptr;
    EXPECT_EQ(S_OK, HcsWaitForComputeSystemExit(system, 0, &result));
    return take(result);
}

TEST_F(Systems, LifecycleFollowsTheStateMachine) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("lifecycle", vm_config(), system).hr);
    EXPECT_EQ("Created", state_of(system));
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsPauseComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsResumeComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsShutDownComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    EXPECT_EQ("Running", state_of(system));
    const Result again = run(HcsStartComputeSystem, system);
    EXPECT_HR(HCS_E_INVALID_STATE, again.hr);
    EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_STATE), parse(again.document)["Error"].GetInt());
    ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
    EXPECT_EQ("Paused", state_of(system));
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsStartComputeSystem, system).hr);  // start on paused
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsPauseComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsResumeComputeSystem, system).hr);
    EXPECT_EQ("Running", state_of(system));
    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system).hr);
    // Stopped = cleaned up (Overview.md): every call on the handle finds no system; hcsshim
    // (internal/hcs/v2/system.go Shutdown/Terminate) takes ErrComputeSystemDoesNotExist as
    // "already gone". Only the exit status stays.
    for (auto* entry : {HcsShutDownComputeSystem, HcsTerminateComputeSystem, HcsCrashComputeSystem,
                        HcsStartComputeSystem, HcsPauseComputeSystem, HcsResumeComputeSystem,
                        HcsSaveComputeSystem}) {
        const Result r = run(entry, system);
        EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, r.hr);
        EXPECT_EQ(static_cast<int32_t>(HCS_E_SYSTEM_NOT_FOUND), parse(r.document)["Error"].GetInt());
    }
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(system).hr);
    EXPECT_STREQ("GracefulExit", parse(exit_status(system))["ExitType"].GetString());
}

TEST_F(Systems, TerminateFromCreatedAndPaused) {
    Sys a;
    ASSERT_EQ(S_OK, create_system("terminate-created", container_config(), a).hr);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, a).hr);
    EXPECT_STREQ("ForcedExit", parse(exit_status(a))["ExitType"].GetString());
    Sys b;
    ASSERT_EQ(S_OK, create_system("terminate-paused", vm_config(), b).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, b).hr);
    ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, b).hr);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, b).hr);
    EXPECT_STREQ("ForcedExit", parse(exit_status(b))["ExitType"].GetString());
}

TEST_F(Systems, SaveNeedsAPausedSystem) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("save", vm_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsSaveComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, run(HcsSaveComputeSystem, system, R"({"SaveType":"Sideways"})").hr);
    EXPECT_EQ(S_OK, run(HcsSaveComputeSystem, system, R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\s.vmrs"})").hr);
    EXPECT_EQ("Paused", state_of(system));
    EXPECT_EQ(S_OK, run(HcsSaveComputeSystem, system, R"({"SaveType":"AsTemplate"})").hr);
    EXPECT_EQ("SavedAsTemplate", state_of(system));
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsStartComputeSystem, system).hr);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// Pause, resume and save are VM operations (Overview.md); a process-isolated container refuses
// them (docker: pause on Windows needs Hyper-V isolation) with ERROR_NOT_SUPPORTED, the code
// hcsshim reads as "HCS doesn't support the request" (internal/hcs/errors.go ErrNotSupported,
// IsNotSupported). Crash sends an NMI to a guest (HcsCrashComputeSystem.md): a container has
// none (assumption: refused alike). Refused in any state, and nothing changes.
TEST_F(Systems, ContainersRefuseVmOnlyOperations) {
    EventLog log;  // outlives the handle: the terminate's exit event may still be on its way
    Sys system;
    ASSERT_EQ(S_OK, create_system("no-pause", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log, EventLog::callback));
    for (bool running : {false, true}) {
        if (running) {
            ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        }
        for (auto* entry : {HcsPauseComputeSystem, HcsResumeComputeSystem, HcsSaveComputeSystem,
                            HcsCrashComputeSystem}) {
            const Result r = run(entry, system);
            EXPECT_HR(not_supported, r.hr);
            EXPECT_EQ(static_cast<int32_t>(not_supported), parse(r.document)["Error"].GetInt());
        }
        EXPECT_EQ(running ? "Running" : "Created", state_of(system));
    }
    wait_idle();
    EXPECT_TRUE(log.snapshot().empty());
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// Overview.md: a stopped compute system is cleaned up; handles still open can only query its
// exit status. So: not openable by id (HCS_E_SYSTEM_NOT_FOUND), not enumerated, its id free
// for a new system, and every other call on the old handle finds no system.
TEST_F(Systems, AStoppedSystemIsCleanedUpAtOnce) {
    Sys first;
    ASSERT_EQ(S_OK, create_system("cleaned", container_config(), first).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, first).hr);
    Sys second;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("cleaned").c_str(), GENERIC_ALL, second.out()));
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, first).hr);
    EXPECT_EQ(0u, live().systems);  // although two handles are open
    Sys reopened;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsOpenComputeSystem(W("cleaned").c_str(), GENERIC_ALL, reopened.out()));
    EXPECT_EQ("[]", enumerate().document);
    for (HCS_SYSTEM handle : {first.get(), second.get()}) {
        const auto status = parse(exit_status(handle));
        EXPECT_STREQ("ForcedExit", status["ExitType"].GetString());
        EXPECT_EQ(0, status["Status"].GetInt());
        EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(handle).hr);
        EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, modify(handle, R"({"ResourcePath":"Container/Memory/SizeInMB",
                                                            "RequestType":"Update","Settings":1})").hr);
    }
    EventLog log;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND,
              HcsSetComputeSystemCallback(second, HcsEventOptionNone, &log, EventLog::callback));
    {
        Op op;
        HCS_PROCESS process = nullptr;
        ASSERT_EQ(S_OK, HcsCreateProcess(first, W(R"({"CommandLine":"echo hi"})").c_str(), op, nullptr, &process));
        EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, op.wait());
        HcsCloseProcess(process);
    }
    // The id is free: a new system with it is a different system.
    Sys replacement;
    ASSERT_EQ(S_OK, create_system("cleaned", container_config(), replacement).hr);
    EXPECT_EQ("Created", state_of(replacement));
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(first).hr);  // the old handle stays with the old one
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForComputeSystemExit(replacement, 0, nullptr));
    EXPECT_EQ(1u, live().systems);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, replacement).hr);
}

// hcsshim's Shutdown/Terminate treat ErrComputeSystemDoesNotExist like "already stopped": two
// terminates racing on one system give S_OK to one and HCS_E_SYSTEM_NOT_FOUND to the other.
TEST_F(Systems, SecondTerminateFindsNoSystem) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("twice-terminated", vm_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    Op a;
    Op b;
    ASSERT_EQ(S_OK, HcsTerminateComputeSystem(system, a, nullptr));
    ASSERT_EQ(S_OK, HcsTerminateComputeSystem(system, b, nullptr));
    EXPECT_EQ(S_OK, a.wait());
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, b.wait());
}

TEST_F(Systems, DuplicateIdFailsTheOperation) {
    Sys first;
    ASSERT_EQ(S_OK, create_system("Dup-System", container_config(), first).hr);
    Sys second;
    const Result r = create_system("dup-system", container_config(), second);  // ids ignore case
    EXPECT_HR(HCS_E_SYSTEM_ALREADY_EXISTS, r.hr);
    ASSERT_NE(nullptr, second.get());  // the handle was returned at once
    const auto error = parse(r.document);
    EXPECT_EQ(static_cast<int32_t>(HCS_E_SYSTEM_ALREADY_EXISTS), error["Error"].GetInt());
    EXPECT_TRUE(error["ErrorMessage"].IsString());
    ASSERT_TRUE(error["ErrorEvents"].IsArray());
    EXPECT_STREQ("HcsCreateComputeSystem", error["ErrorEvents"][0]["Source"].GetString());
    // The failed create's handle refers to no system.
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, run(HcsStartComputeSystem, second).hr);
    EXPECT_EQ(1u, live().systems);
}

TEST_F(Systems, NullIdGeneratesAGuid) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("", container_config(), system).hr);
    const auto props = parse(properties(system).document);
    const std::string id = props["Id"].GetString();
    ASSERT_EQ(36u, id.size());
    EXPECT_EQ('-', id[8]);
    EXPECT_EQ('4', id[14]);
    EXPECT_STREQ("Container", props["SystemType"].GetString());
}

TEST_F(Systems, OpenFindsSystemsByIdIgnoringCase) {
    Sys created;
    ASSERT_EQ(S_OK, create_system("Open-Me", container_config(), created).hr);
    Sys opened;
    EXPECT_EQ(S_OK, HcsOpenComputeSystem(W("OPEN-ME").c_str(), GENERIC_ALL, opened.out()));
    ASSERT_NE(nullptr, opened.get());
    EXPECT_NE(created.get(), opened.get());
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, opened).hr);
    EXPECT_EQ("Running", state_of(created));
    HCS_SYSTEM missing = reinterpret_cast<HCS_SYSTEM>(static_cast<uintptr_t>(1));
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsOpenComputeSystem(W("nope").c_str(), GENERIC_ALL, &missing));
    EXPECT_EQ(nullptr, missing);
    EXPECT_HR(E_INVALIDARG, HcsOpenComputeSystem(nullptr, GENERIC_ALL, &missing));
    EXPECT_HR(E_POINTER, HcsOpenComputeSystem(W("Open-Me").c_str(), GENERIC_ALL, nullptr));
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, created).hr);
}

TEST_F(Systems, MalformedConfigurationsFailWithAnErrorDocument) {
    const std::vector<std::string> bad = {
        "{not json",
        "[]",
        R"({"Container":{}})",                                                  // no SchemaVersion
        R"({"SchemaVersion":{"Major":1,"Minor":0},"Container":{}})",            // schema 1.x
        R"({"SchemaVersion":{"Major":2,"Minor":1}})",                           // neither kind
        R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"VirtualMachine":{}})",
        R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"Owner":5})",
        R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"ShouldTerminateOnLastHandleClosed":"yes"})",
        R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{"x":"\udc00"}})",  // lone surrogate escape
        std::string(100000, '[') + std::string(100000, ']'),                    // absurd nesting
    };
    for (const auto& config : bad) {
        Sys system;
        const Result r = create_system("", config, system);
        EXPECT_HR(HCS_E_INVALID_JSON, r.hr) << config.substr(0, 80);
        const auto error = parse(r.document);
        EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), error["Error"].GetInt());
        EXPECT_TRUE(error["ErrorMessage"].IsString());
    }
    // Invalid UTF-16 (an unpaired surrogate) in the configuration.
    u16string config = W(container_config());
    config[config.size() - 3] = static_cast<zlhcs::common::utf16_char>(0xD800);
    Op op;
    Sys system;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(nullptr, config.c_str(), op, nullptr, system.out()));
    EXPECT_HR(HCS_E_INVALID_JSON, op.wait());
    EXPECT_EQ(0u, live().systems);
}

TEST_F(Systems, ArgumentErrorsReturnAtOnce) {
    const u16string config = W(container_config());
    HCS_SYSTEM out = reinterpret_cast<HCS_SYSTEM>(static_cast<uintptr_t>(1));
    Op op;
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(nullptr, config.c_str(), nullptr, nullptr, &out));
    EXPECT_EQ(nullptr, out);
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(nullptr, nullptr, op, nullptr, &out));
    EXPECT_HR(E_POINTER, HcsCreateComputeSystem(nullptr, config.c_str(), op, nullptr, nullptr));
    const zlhcs::common::utf16_char bad_id[] = {u'a', static_cast<zlhcs::common::utf16_char>(0xDC00), 0};
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(bad_id, config.c_str(), op, nullptr, &out));
    const zlhcs::common::utf16_char empty_id[] = {0};
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(empty_id, config.c_str(), op, nullptr, &out));
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));  // op still unused

    const auto garbage = reinterpret_cast<HCS_SYSTEM>(static_cast<uintptr_t>(0xBAD0));
    EXPECT_HR(E_INVALIDARG, HcsStartComputeSystem(nullptr, op, nullptr));
    EXPECT_HR(E_HANDLE, HcsStartComputeSystem(garbage, op, nullptr));
    EXPECT_HR(E_HANDLE, HcsGetComputeSystemProperties(garbage, op, nullptr));
    EXPECT_HR(E_HANDLE, HcsModifyComputeSystem(garbage, op, W("{}").c_str(), nullptr));
    EXPECT_HR(E_HANDLE, HcsWaitForComputeSystemExit(garbage, 0, nullptr));
    EXPECT_HR(E_HANDLE, HcsSetComputeSystemCallback(garbage, HcsEventOptionNone, nullptr, EventLog::callback));
    HcsCloseComputeSystem(garbage);
    HcsCloseComputeSystem(nullptr);

    Sys system;
    ASSERT_EQ(S_OK, create_system("args", container_config(), system).hr);
    EXPECT_HR(E_INVALIDARG, HcsStartComputeSystem(system, nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsModifyComputeSystem(system, op, nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsSetComputeSystemCallback(system, HcsEventOptionNone, nullptr, nullptr));
    const HCS_SYSTEM stale = system.get();
    system.close();
    EXPECT_HR(E_HANDLE, HcsStartComputeSystem(stale, op, nullptr));
    HcsCloseComputeSystem(stale);  // double close: no effect
}

TEST_F(Systems, InvalidOptionsFailTheOperationAndChangeNothing) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("bad-options", container_config(), system).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, run(HcsStartComputeSystem, system, "{oops").hr);
    EXPECT_HR(HCS_E_INVALID_JSON, run(HcsStartComputeSystem, system, "42").hr);
    EXPECT_EQ("Created", state_of(system));
    EXPECT_EQ(S_OK, run(HcsStartComputeSystem, system, "  ").hr);  // blank = no options
}

TEST_F(Systems, EventsReachEveryRegisteredHandleOnWorkerThreads) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("events", container_config(), system).hr);
    Sys second;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("events").c_str(), GENERIC_ALL, second.out()));
    EventLog log1;
    EventLog log2;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log1, EventLog::callback));
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
              HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log1, EventLog::callback));
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(second, HcsEventOptionNone, &log2, EventLog::callback));
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    for (EventLog* log : {&log1, &log2}) {
        const auto events = log->wait_for(1);
        ASSERT_EQ(1u, events.size());
        EXPECT_EQ(HcsEventSystemExited, events[0].type);
        EXPECT_NE(std::this_thread::get_id(), events[0].thread);
        EXPECT_EQ(nullptr, events[0].operation);
        const auto data = parse(events[0].data);
        EXPECT_STREQ("ForcedExit", data["ExitType"].GetString());
        EXPECT_EQ(0, data["Status"].GetInt());
    }
    wait_idle();
    EXPECT_EQ(1u, log1.snapshot().size());
}

// HCS_EVENT.md: HcsEventSystemCrashInitiated and HcsEventSystemCrashReport carry a CrashReport
// (SchemaReference.md: SystemId, ActivityId, CrashParameters; Status from 2.4; WindowsCrashInfo
// only in the report and only with a GuestCrashReporting device). Then the system exits
// unexpectedly (SystemExitStatus, NotificationType UnexpectedExit).
TEST_F(Systems, CrashSendsCrashReportsThenExited) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("crash", vm_config(), system).hr);
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log, EventLog::callback));
    EXPECT_HR(HCS_E_INVALID_STATE, run(HcsCrashComputeSystem, system).hr);  // not running yet
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    EXPECT_HR(HCS_E_INVALID_JSON, run(HcsCrashComputeSystem, system, R"({"Type":"CrashHost"})").hr);
    ASSERT_EQ(S_OK, run(HcsCrashComputeSystem, system, R"({"Type":"CrashGuest"})").hr);
    const auto events = log.wait_for(3);
    ASSERT_EQ(3u, events.size());
    EXPECT_EQ(HcsEventSystemCrashInitiated, events[0].type);
    EXPECT_EQ(HcsEventSystemCrashReport, events[1].type);
    const auto initiated = parse(events[0].data);
    const auto report = parse(events[1].data);
    for (const auto* doc : {&initiated, &report}) {
        EXPECT_STREQ("crash", (*doc)["SystemId"].GetString());
        EXPECT_EQ(36u, (*doc)["ActivityId"].GetStringLength());
        ASSERT_TRUE((*doc)["CrashParameters"].IsArray());
        EXPECT_EQ(5u, (*doc)["CrashParameters"].Size());  // bug check code + 4 parameters
        EXPECT_FALSE(doc->HasMember("WindowsCrashInfo"));  // no GuestCrashReporting device
    }
    EXPECT_STREQ(initiated["ActivityId"].GetString(), report["ActivityId"].GetString());
    EXPECT_EQ(0, report["Status"].GetInt());
    EXPECT_EQ(HcsEventSystemExited, events[2].type);
    const auto data = parse(events[2].data);
    EXPECT_STREQ("UnexpectedExit", data["ExitType"].GetString());
    EXPECT_EQ(static_cast<int32_t>(HCS_E_UNEXPECTED_EXIT), data["Status"].GetInt());
}

TEST_F(Systems, CrashReportCarriesWindowsCrashInfoWithAGuestCrashReportingDevice) {
    const std::string config =
        R"({"SchemaVersion":{"Major":2,"Minor":1},"VirtualMachine":{"Devices":{"GuestCrashReporting":)"
        R"({"WindowsCrashSettings":{"DumpFileName":"C:\\dumps\\vm.dmp","MaxDumpSize":1048576}}}}})";
    Sys system;
    ASSERT_EQ(S_OK, create_system("crash-dump", config, system).hr);
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log, EventLog::callback));
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, run(HcsCrashComputeSystem, system).hr);
    const auto events = log.wait_for(3);
    ASSERT_EQ(3u, events.size());
    EXPECT_FALSE(parse(events[0].data).HasMember("WindowsCrashInfo"));
    const auto report = parse(events[1].data);
    ASSERT_TRUE(report.HasMember("WindowsCrashInfo"));
    EXPECT_STREQ("C:\\dumps\\vm.dmp", report["WindowsCrashInfo"]["DumpFile"].GetString());
    EXPECT_STREQ("Complete", report["WindowsCrashInfo"]["FinalPhase"].GetString());
}

TEST_F(Systems, WaitForExit) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("wait-exit", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    PWSTR result = nullptr;
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForComputeSystemExit(system, 0, &result));
    EXPECT_EQ(nullptr, result);
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForComputeSystemExit(system, 20, nullptr));
    HRESULT waited = E_FAIL;
    std::string document;
    std::thread waiter([&] {
        PWSTR doc = nullptr;
        waited = HcsWaitForComputeSystemExit(system, INFINITE, &doc);
        document = take(doc);
    });
    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system).hr);
    waiter.join();
    EXPECT_EQ(S_OK, waited);
    EXPECT_STREQ("GracefulExit", parse(document)["ExitType"].GetString());
    // Once stopped, it returns at once.
    EXPECT_EQ(S_OK, HcsWaitForComputeSystemExit(system, 0, &result));
    EXPECT_NE(std::string::npos, take(result).find("GracefulExit"));
}

TEST_F(Systems, TerminateOnLastHandleClosed) {
    Sys first;
    ASSERT_EQ(S_OK, create_system("tolhc", container_config(R"(,"ShouldTerminateOnLastHandleClosed":true)"), first).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, first).hr);
    Sys second;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("tolhc").c_str(), GENERIC_ALL, second.out()));
    first.close();
    EXPECT_EQ("Running", state_of(second));
    const auto props = parse(properties(second, R"({"PropertyTypes":["TerminateOnLastHandleClosed"]})").document);
    EXPECT_TRUE(props["TerminateOnLastHandleClosed"].GetBool());
    second.close();
    Sys again;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsOpenComputeSystem(W("tolhc").c_str(), GENERIC_ALL, again.out()));
    EXPECT_EQ(0u, live().systems);
}

TEST_F(Systems, WithoutTheFlagASystemOutlivesItsHandles) {
    Sys first;
    ASSERT_EQ(S_OK, create_system("outlives", container_config(), first).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, first).hr);
    first.close();
    EXPECT_EQ(1u, live().systems);
    Sys again;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("outlives").c_str(), GENERIC_ALL, again.out()));
    EXPECT_EQ("Running", state_of(again));
    // A stopped system leaves the registry at once, with its handle still open (Overview.md).
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, again).hr);
    EXPECT_EQ(0u, live().systems);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsOpenComputeSystem(W("outlives").c_str(), GENERIC_ALL, first.out()));
    again.close();
    EXPECT_EQ(0u, live().systems);
}

// Events go to the handles of the system that changed, only (each system keeps its own
// handles: the cost of a state change does not depend on other systems' handles).
TEST_F(Systems, EventsReachOnlyTheHandlesOfTheirSystem) {
    Sys a;
    Sys b;
    ASSERT_EQ(S_OK, create_system("events-a", container_config(), a).hr);
    ASSERT_EQ(S_OK, create_system("events-b", container_config(), b).hr);
    std::vector<Sys> more_a(3);
    std::vector<EventLog> logs_a(3);
    for (std::size_t i = 0; i < more_a.size(); ++i) {
        ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("events-a").c_str(), GENERIC_ALL, more_a[i].out()));
        ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(more_a[i], HcsEventOptionNone, &logs_a[i], EventLog::callback));
    }
    more_a[1].close();  // a closed handle receives nothing
    EventLog log_b;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(b, HcsEventOptionNone, &log_b, EventLog::callback));
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, a).hr);
    EXPECT_EQ(1u, logs_a[0].wait_for(1).size());
    EXPECT_EQ(1u, logs_a[2].wait_for(1).size());
    wait_idle();
    EXPECT_TRUE(logs_a[1].snapshot().empty());
    EXPECT_TRUE(log_b.snapshot().empty());
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, b).hr);
    EXPECT_EQ(1u, log_b.wait_for(1).size());
}

TEST_F(Systems, OperationCompletionsAsEvents) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("op-events", container_config(), system).hr);
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionEnableOperationCallbacks, &log,
                                                EventLog::callback));
    // An operation with its own callback is refused on such a handle.
    Op with_callback([](HCS_OPERATION, void*) {}, nullptr);
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, HcsStartComputeSystem(system, with_callback, nullptr));
    Op op;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_EQ(S_OK, op.wait());
    const auto events = log.wait_for(1);
    ASSERT_EQ(1u, events.size());
    EXPECT_EQ(HcsEventOperationCallback, events[0].type);
    EXPECT_EQ(op.get(), events[0].operation);
}

struct CloseFromCallback {
    HCS_SYSTEM system = nullptr;
    std::atomic<int> calls{0};
};

void CALLBACK close_in_event(HCS_EVENT*, void* context) {
    auto* state = static_cast<CloseFromCallback*>(context);
    HcsCloseComputeSystem(state->system);  // allowed inside the callback
    ++state->calls;
}

TEST_F(Systems, EventCallbackMayCloseItsHandle) {
    Sys owner;
    ASSERT_EQ(S_OK, create_system("close-in-callback", container_config(), owner).hr);
    CloseFromCallback state;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("close-in-callback").c_str(), GENERIC_ALL, &state.system));
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(state.system, HcsEventOptionNone, &state, close_in_event));
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, owner).hr);
    wait_idle();
    EXPECT_EQ(1, state.calls.load());
    EXPECT_EQ(1u, live().system_handles);  // only `owner` is left
}

}  // namespace
}  // namespace hcsim_test
