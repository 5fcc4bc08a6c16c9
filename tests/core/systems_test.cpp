// Compute systems end to end: create (sync, async, id NULL), open, id, the state machine with
// every verb in both forms, wrong-state / already-exists / not-found / already-stopped,
// properties (basic and extended), modify, wait_exit, terminate-on-last-close.
#include "fixture.hpp"

#include <string>
#include <thread>

namespace zlhcs_core_test {
namespace {

using systems = core_test;

std::string id_of(zlhcs_system system) {
    char* raw = nullptr;
    const zlhcs_hresult hr = zlhcs_system_id(system, &raw);
    EXPECT_EQ(hr, ZLHCS_S_OK) << last_error().message;
    return take(raw);
}

std::string properties(zlhcs_system system, const char* query) {
    char* raw = nullptr;
    const zlhcs_hresult hr = zlhcs_system_properties(system, query, ZLHCS_INFINITE, &raw);
    EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
    return take(raw);
}

std::string exit_type(zlhcs_system system) {
    char* raw = nullptr;
    // Bounded, so that a system that never stops fails the test instead of hanging it.
    EXPECT_EQ(zlhcs_system_wait_exit(system, 10000, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document d = parse(take(raw));
    if (!d.IsObject() || !d.HasMember("ExitType") || !d["ExitType"].IsString()) return "";
    return d["ExitType"].GetString();
}

TEST_F(systems, create_sync_open_id_close) {
    const std::string id = unique_id();
    zlhcs_system system = 0;
    ASSERT_EQ(zlhcs_system_create(id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &system, nullptr), ZLHCS_S_OK);
    system_guard guard(system);
    ASSERT_NE(system, 0u);
    EXPECT_EQ(id_of(system), id);
    EXPECT_EQ(state_of(system), "Created");

    zlhcs_system opened = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_S_OK);
    system_guard opened_guard(opened);
    EXPECT_NE(opened, system) << "each open is its own handle";
    EXPECT_EQ(id_of(opened), id);
    EXPECT_EQ(state_of(opened), "Created");
    // Both handles see the same system.
    ASSERT_EQ(zlhcs_system_start(opened, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(system), "Running");
    EXPECT_EQ(zlhcs_system_close(opened_guard.release()), ZLHCS_S_OK);
    EXPECT_EQ(state_of(system), "Running") << "closing a handle does not stop the system";
}

TEST_F(systems, create_async_hands_out_the_system_at_once) {
    const std::string id = unique_id();
    ASSERT_EQ(sim().set_latency("HcsCreateComputeSystem", 30), 0);
    callback_probe probe;
    zlhcs_system system = 0;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_create_async(id.c_str(), vm_config, nullptr, &callback_probe::callback, &probe,
                                        nullptr,
                                        &system, &op),
              ZLHCS_S_OK);
    system_guard guard(system);
    operation_guard op_guard(op);
    ASSERT_NE(system, 0u);
    ASSERT_NE(op, 0u);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_EQ(probe.operation.load(), op);
    op_guard.reset();
    EXPECT_EQ(probe.calls.load(), 1);
    EXPECT_EQ(state_of(system), "Created");
    const rapidjson::Document d = parse(properties(system, nullptr));
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["SystemType"].GetString(), "VirtualMachine");
}

TEST_F(systems, create_with_null_id_gets_an_id_from_hcs) {
    zlhcs_system system = 0;
    ASSERT_EQ(zlhcs_system_create(nullptr, container_config, nullptr, ZLHCS_INFINITE, &system, nullptr), ZLHCS_S_OK);
    system_guard guard(system);
    const std::string id = id_of(system);
    EXPECT_EQ(id.size(), 36u) << "a GUID: " << id;
    zlhcs_system opened = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_S_OK);
    system_guard opened_guard(opened);
    EXPECT_EQ(id_of(opened), id);

    // The async form too; two NULL-id systems get different ids.
    zlhcs_system second = 0;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_create_async(nullptr, container_config, nullptr, nullptr, nullptr, nullptr, &second, &op.handle),
              ZLHCS_S_OK);
    system_guard second_guard(second);
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    const std::string second_id = id_of(second);
    EXPECT_EQ(second_id.size(), 36u);
    EXPECT_NE(second_id, id);
}

TEST_F(systems, create_existing_id_fails_with_already_exists) {
    const std::string id = unique_id();
    system_guard first(create_system(id));
    zlhcs_system system = 0xBAD;
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS);
    EXPECT_EQ(system, 0u) << "no handle on failure";
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_ALREADY_EXISTS);
    EXPECT_EQ(e.function, "HcsCreateComputeSystem");

    // Async: the handle comes at once, the operation fails.
    callback_probe probe;
    zlhcs_system second = 0;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_create_async(id.c_str(), container_config, nullptr, &callback_probe::callback,
                                        &probe, nullptr, &second, &op),
              ZLHCS_S_OK);
    system_guard second_guard(second);
    operation_guard op_guard(op);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS);
    // The original is unharmed.
    EXPECT_EQ(state_of(first), "Created");
}

TEST_F(systems, create_with_a_config_hcs_rejects_carries_the_error_document) {
    // Well-formed JSON (passes zlhcs's check) that HCS rejects: neither Container nor VM.
    zlhcs_system system = 0;
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), R"({"SchemaVersion":{"Major":2,"Minor":1}})", nullptr,
                                  ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(system, 0u);
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_JSON);
    EXPECT_EQ(e.function, "HcsCreateComputeSystem");
    if (error_documents_omitted()) {
        expect_explained_without_document("HcsCreateComputeSystem");
    } else {
        const rapidjson::Document d = parse(e.document);
        ASSERT_TRUE(d.IsObject()) << "the HCS error document reaches last error: " << e.document;
        ASSERT_TRUE(d.HasMember("ErrorMessage"));
        EXPECT_TRUE(d["ErrorMessage"].IsString());
        EXPECT_EQ(d["Error"].GetInt(), ZLHCS_HCS_E_INVALID_JSON);
    }
    // Not an object at all.
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), "[1,2,3]", nullptr, ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), "42", nullptr, ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_HCS_E_INVALID_JSON);
}

TEST_F(systems, open_unknown_id_is_not_found) {
    zlhcs_system system = 0xBAD;
    EXPECT_EQ(zlhcs_system_open("no-such-system", nullptr, &system), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(system, 0u);
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_FOUND);
    EXPECT_EQ(e.function, "HcsOpenComputeSystem");
    EXPECT_NE(e.message.find("HcsOpenComputeSystem"), std::string::npos) << e.message;
    EXPECT_LT(zlhcs_system_open("", nullptr, &system), 0) << "an empty id opens nothing";
    EXPECT_EQ(system, 0u);
}

TEST_F(systems, state_machine_sync) {
    system_guard s(create_system(unique_id(), vm_config));
    EXPECT_EQ(zlhcs_system_pause(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "pause Created";
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_INVALID_STATE);
    EXPECT_EQ(last_error().function, "HcsPauseComputeSystem");
    EXPECT_EQ(zlhcs_system_resume(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "resume Created";
    EXPECT_EQ(zlhcs_system_save(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "save Created";

    ASSERT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Running");
    EXPECT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "start Running";
    EXPECT_EQ(zlhcs_system_resume(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "resume Running";
    EXPECT_EQ(zlhcs_system_save(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "save Running";

    ASSERT_EQ(zlhcs_system_pause(s, R"({"SuspensionLevel":"Suspend"})", ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Paused");
    EXPECT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "start Paused";
    EXPECT_EQ(last_error().code, ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().function, "HcsStartComputeSystem");
    EXPECT_EQ(zlhcs_system_pause(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE) << "pause Paused";
    ASSERT_EQ(zlhcs_system_save(s, R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\save\\vm.vmrs"})",
                                ZLHCS_INFINITE, nullptr),
              ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Paused") << "save keeps the system paused";

    ASSERT_EQ(zlhcs_system_resume(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Running");
    ASSERT_EQ(zlhcs_system_shutdown(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(exit_type(s), "GracefulExit");

    // A stopped system is cleaned up (Overview.md): only its exit status stays readable, and
    // stopping it again is done already (hcsshim treats NOT_FOUND from shutdown/terminate so).
    (void)zlhcs_clear_error();
    EXPECT_EQ(zlhcs_system_shutdown(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_FALSE) << "shutdown Stopped";
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE) << "S_FALSE is success: no last error";
    EXPECT_EQ(zlhcs_system_terminate(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_FALSE) << "terminate Stopped";
    // A success code never hands out an error document (issue 15, point 7): HCS's
    // SYSTEM_NOT_FOUND document is not the result of an S_FALSE.
    for (const auto stop : {&zlhcs_system_shutdown, &zlhcs_system_terminate}) {
        char* document = out_sentinel();
        EXPECT_EQ(stop(s, "", ZLHCS_INFINITE, &document), ZLHCS_S_FALSE);
        EXPECT_EQ(document, nullptr) << "an error document came with S_FALSE: " << document;
        if (document != out_sentinel()) zlhcs_free(document);
    }
    EXPECT_EQ(zlhcs_system_crash(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_NOT_FOUND);
    EXPECT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_NOT_FOUND) << "start Stopped";
    EXPECT_EQ(zlhcs_system_pause(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_NOT_FOUND) << "pause Stopped";
    EXPECT_EQ(state_of(s), "") << "properties of a stopped system are gone";
    EXPECT_EQ(exit_type(s), "GracefulExit") << "the exit status stays readable";
}

// Runs an async verb with a callback and returns the operation's result (checking the callback).
template <typename AsyncFn>
zlhcs_hresult run_async_verb(AsyncFn fn, zlhcs_system system, const char* options = nullptr) {
    callback_probe probe;
    zlhcs_operation op = 0;
    const zlhcs_hresult started = fn(system, options, &callback_probe::callback, &probe, nullptr, &op);
    EXPECT_EQ(started, ZLHCS_S_OK) << last_error().message;
    if (started < 0) return started;
    EXPECT_NE(op, 0u);
    const zlhcs_hresult result = zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr);
    EXPECT_TRUE(probe.wait_called());
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_OK);
    EXPECT_EQ(probe.calls.load(), 1);
    EXPECT_EQ(probe.result.load(), result);
    EXPECT_EQ(probe.operation.load(), op);
    return result;
}

TEST_F(systems, state_machine_async) {
    system_guard s(create_system(unique_id(), vm_config));
    EXPECT_EQ(run_async_verb(zlhcs_system_pause_async, s), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(run_async_verb(zlhcs_system_start_async, s), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Running");
    EXPECT_EQ(run_async_verb(zlhcs_system_pause_async, s), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Paused");
    // Start on a paused system: the operation fails with HCS_E_INVALID_STATE.
    EXPECT_EQ(run_async_verb(zlhcs_system_start_async, s), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().code, ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(run_async_verb(zlhcs_system_save_async, s, R"({"SaveType":"ToFile","SaveStateFilePath":"C:\\s.vmrs"})"), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Paused");
    EXPECT_EQ(run_async_verb(zlhcs_system_resume_async, s), ZLHCS_S_OK);
    EXPECT_EQ(state_of(s), "Running");
    EXPECT_EQ(run_async_verb(zlhcs_system_crash_async, s), ZLHCS_S_OK);
    EXPECT_EQ(exit_type(s), "UnexpectedExit");
    // The async forms report what HCS said of the cleaned-up system.
    EXPECT_EQ(run_async_verb(zlhcs_system_terminate_async, s), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(run_async_verb(zlhcs_system_shutdown_async, s), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(run_async_verb(zlhcs_system_crash_async, s), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
}

TEST_F(systems, terminate_from_created_running_and_paused) {
    system_guard created(create_system(unique_id()));
    EXPECT_EQ(zlhcs_system_terminate(created, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(exit_type(created), "ForcedExit");

    system_guard running(running_system(unique_id()));
    EXPECT_EQ(run_async_verb(zlhcs_system_terminate_async, running), ZLHCS_S_OK);
    EXPECT_EQ(exit_type(running), "ForcedExit");

    system_guard paused(running_system(unique_id(), vm_config));  // pause is for VMs
    ASSERT_EQ(zlhcs_system_pause(paused, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_shutdown(paused, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << "shutdown Paused";
    EXPECT_EQ(exit_type(paused), "GracefulExit");
}

// Pause, resume, save and crash are VM operations (Overview.md): a process-isolated
// container refuses them with HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED).
TEST_F(systems, containers_refuse_vm_only_operations) {
    system_guard s(running_system(unique_id()));
    constexpr zlhcs_hresult not_supported = ZLHCS_HR(0x80070032u);
    EXPECT_EQ(zlhcs_system_pause(s, nullptr, ZLHCS_INFINITE, nullptr), not_supported);
    EXPECT_EQ(last_error().function, "HcsPauseComputeSystem");
    EXPECT_EQ(zlhcs_system_resume(s, nullptr, ZLHCS_INFINITE, nullptr), not_supported);
    EXPECT_EQ(zlhcs_system_save(s, nullptr, ZLHCS_INFINITE, nullptr), not_supported);
    EXPECT_EQ(zlhcs_system_crash(s, nullptr, ZLHCS_INFINITE, nullptr), not_supported);
    EXPECT_EQ(state_of(s), "Running");
}

TEST_F(systems, crash_of_a_created_system_is_invalid_state) {
    system_guard s(create_system(unique_id(), vm_config));
    EXPECT_EQ(zlhcs_system_crash(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(zlhcs_system_shutdown(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(state_of(s), "Created");
}

TEST_F(systems, basic_properties) {
    const std::string id = unique_id();
    system_guard s(create_system(id));
    // NULL and an empty query object both ask for the basic properties.
    for (const char* query : {static_cast<const char*>(nullptr), "{}"}) {
        SCOPED_TRACE(query == nullptr ? "NULL" : query);
        const rapidjson::Document d = parse(properties(s, query));
        ASSERT_TRUE(d.IsObject());
        EXPECT_STREQ(d["Id"].GetString(), id.c_str());
        EXPECT_STREQ(d["SystemType"].GetString(), "Container");
        EXPECT_STREQ(d["State"].GetString(), "Created");
        EXPECT_TRUE(d.HasMember("RuntimeId"));
        EXPECT_TRUE(d.HasMember("RuntimeOsType"));
        EXPECT_FALSE(d.HasMember("Owner")) << "Owner comes with Statistics (hcsshim v2 system.go)";
    }
}

TEST_F(systems, extended_properties_statistics_memory_processlist) {
    system_guard s(running_system(unique_id(), vm_config));
    const char* query = R"({"PropertyTypes":["Statistics","Memory","ProcessList"]})";
    const rapidjson::Document first = parse(properties(s, query));
    ASSERT_TRUE(first.IsObject());
    EXPECT_STREQ(first["State"].GetString(), "Running");
    ASSERT_TRUE(first.HasMember("Statistics") && first["Statistics"].IsObject());
    ASSERT_TRUE(first["Statistics"].HasMember("Uptime100ns"));
    ASSERT_TRUE(first["Statistics"]["Uptime100ns"].IsNumber());
    const uint64_t uptime1 = first["Statistics"]["Uptime100ns"].GetUint64();
    ASSERT_TRUE(first.HasMember("Memory") && first["Memory"].IsObject());
    EXPECT_TRUE(first["Memory"].HasMember("VirtualMachineMemory"));
    ASSERT_TRUE(first.HasMember("ProcessList") && first["ProcessList"].IsArray());
    EXPECT_EQ(first["ProcessList"].Size(), 0u) << "no process was created";
    ASSERT_TRUE(first.HasMember("Owner"));
    EXPECT_STREQ(first["Owner"].GetString(), "zlhcs-core-tests") << "Owner comes with Statistics";

    // Uptime advances while Running (values compared; the poll only bounds the wait).
    uint64_t uptime2 = uptime1;
    EXPECT_TRUE(eventually([&] {
        const rapidjson::Document next = parse(properties(s, R"({"PropertyTypes":["Statistics"]})"));
        uptime2 = next["Statistics"]["Uptime100ns"].GetUint64();
        return uptime2 > uptime1;
    })) << "Uptime100ns did not advance: " << uptime1 << " -> " << uptime2;

    // While Paused, processor runtime is frozen (hcsim's time moves by advance() alone).
    ASSERT_EQ(zlhcs_system_pause(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    const zlhcs_test::manual_clock clock;
    const rapidjson::Document p1 = parse(properties(s, R"({"PropertyTypes":["Statistics"]})"));
    clock.advance(std::chrono::milliseconds(20));
    const rapidjson::Document p2 = parse(properties(s, R"({"PropertyTypes":["Statistics"]})"));
    ASSERT_TRUE(p1["Statistics"].HasMember("Processor"));
    EXPECT_EQ(p1["Statistics"]["Processor"]["TotalRuntime100ns"].GetUint64(),
              p2["Statistics"]["Processor"]["TotalRuntime100ns"].GetUint64());
}

TEST_F(systems, unknown_property_type_fails_with_a_document_naming_it) {
    system_guard s(create_system(unique_id()));
    char* out = nullptr;
    EXPECT_EQ(zlhcs_system_properties(s, R"({"PropertyTypes":["NoSuchType"]})", ZLHCS_INFINITE, &out),
              ZLHCS_HR(0x80070057u));
    zlhcs_free(out);
    const error_copy e = last_error();
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_ARGUMENT);
    EXPECT_EQ(e.function, "HcsGetComputeSystemProperties");
    if (error_documents_omitted()) return expect_explained_without_document("HcsGetComputeSystemProperties");
    EXPECT_NE(e.document.find("NoSuchType"), std::string::npos) << e.document;
}

uint64_t assigned_memory(zlhcs_system system) {
    const rapidjson::Document d = parse(properties(system, R"({"PropertyTypes":["Memory"]})"));
    if (!d.IsObject() || !d.HasMember("Memory") || !d["Memory"].HasMember("VirtualMachineMemory")) {
        ADD_FAILURE() << "no Memory/VirtualMachineMemory in the properties";
        return 0;
    }
    const auto& vm = d["Memory"]["VirtualMachineMemory"];
    if (!vm.HasMember("AssignedMemory") || !vm["AssignedMemory"].IsNumber()) {
        ADD_FAILURE() << "no numeric AssignedMemory";
        return 0;
    }
    return vm["AssignedMemory"].GetUint64();
}

TEST_F(systems, modify_memory_size_shows_in_memory_properties) {
    // Configured with SizeInMB 1024.
    system_guard s(running_system(unique_id(), vm_config));
    const uint64_t before = assigned_memory(s);
    ASSERT_GT(before, 0u);
    const char* update =
        R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":2048})";
    ASSERT_EQ(zlhcs_system_modify(s, update, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(assigned_memory(s), 2 * before) << "1024 MB -> 2048 MB doubles the assigned memory";
    // Async form, back to 1024.
    const char* back =
        R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":1024})";
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_modify_async(s, back, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(assigned_memory(s), before);
}

TEST_F(systems, modify_errors) {
    system_guard s(running_system(unique_id(), vm_config));
    // Well-formed JSON that is not a ModifySettingRequest.
    EXPECT_EQ(zlhcs_system_modify(s, R"({"Nonsense":true})", nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(last_error().function, "HcsModifyComputeSystem");
    ASSERT_EQ(zlhcs_system_terminate(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    const char* update =
        R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":2048})";
    EXPECT_EQ(zlhcs_system_modify(s, update, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_NOT_FOUND) << "modify Stopped";
}

TEST_F(systems, wait_exit_times_out_while_running_and_returns_after_terminate) {
    system_guard s(running_system(unique_id()));
    char* out = out_sentinel();
    EXPECT_EQ(zlhcs_system_wait_exit(s, 10, &out), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_TRUE(out == nullptr || out == out_sentinel());
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_TIMEOUT);
    // Where HCS has no HcsWaitForComputeSystemExit (Server 2019), the wait is on the exit event.
    EXPECT_EQ(last_error().function, sim().exports("HcsWaitForComputeSystemExit") ? "HcsWaitForComputeSystemExit"
                                                                                  : "HcsSetComputeSystemCallback");
    EXPECT_EQ(zlhcs_system_wait_exit(s, 0, nullptr), ZLHCS_HCS_E_OPERATION_TIMEOUT);

    std::atomic<zlhcs_hresult> waited{1};
    std::string document;
    std::thread waiter([&] {
        char* raw = nullptr;
        waited.store(zlhcs_system_wait_exit(s.get(), ZLHCS_INFINITE, &raw));
        document = take(raw);
    });
    EXPECT_TRUE(await_waiting_calls(1));  // the exit comes to a blocked wait
    ASSERT_EQ(zlhcs_system_terminate(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    waiter.join();
    EXPECT_EQ(waited.load(), ZLHCS_S_OK);
    const rapidjson::Document d = parse(document);
    ASSERT_TRUE(d.IsObject()) << document;
    EXPECT_STREQ(d["ExitType"].GetString(), "ForcedExit");
    // Already stopped: returns at once, also with a timeout of 0.
    EXPECT_EQ(zlhcs_system_wait_exit(s, 0, nullptr), ZLHCS_S_OK);
}

TEST_F(systems, terminate_on_last_handle_close) {
    const std::string id = unique_id();
    const char* config =
        R"({"SchemaVersion":{"Major":2,"Minor":1},"ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
    zlhcs_system first = running_system(id, config);
    zlhcs_system second = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &second), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_close(first), ZLHCS_S_OK);
    EXPECT_EQ(state_of(second), "Running") << "another handle is still open";
    ASSERT_EQ(zlhcs_system_close(second), ZLHCS_S_OK);
    // Terminated and, with no handle left, gone from the registry.
    zlhcs_system again = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &again), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    if (again != 0) (void)zlhcs_system_close(again);

    // Without the setting, the system outlives its handles.
    const std::string keep = unique_id();
    ASSERT_EQ(zlhcs_system_close(running_system(keep)), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_open(keep.c_str(), nullptr, &again), ZLHCS_S_OK);
    system_guard guard(again);
    EXPECT_EQ(state_of(again), "Running");
}

TEST_F(systems, closing_the_last_handle_right_after_a_sync_call_terminates_at_once) {
    // No operation is in flight once a synchronous call has returned, so closing the last
    // handle must close the HCS handle before zlhcs_system_close returns: the system is
    // terminated and gone, and hcsim holds no handle of it.
    const char* config =
        R"({"SchemaVersion":{"Major":2,"Minor":1},"ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
    int still_open = 0;
    int still_found = 0;
    for (int i = 0; i < 300; ++i) {
        const std::string id = unique_id("last-close");
        const zlhcs_system s = running_system(id, config);
        ASSERT_NE(s, 0u);
        ASSERT_EQ(state_of(s), "Running");  // a synchronous call on the handle
        ASSERT_EQ(zlhcs_system_close(s), ZLHCS_S_OK);
        if (sim().live_objects().system_handles != baseline_.system_handles) ++still_open;
        zlhcs_system again = 0;
        if (zlhcs_system_open(id.c_str(), nullptr, &again) == ZLHCS_S_OK) {
            ++still_found;
            (void)zlhcs_system_close(again);
        }
    }
    EXPECT_EQ(still_open, 0) << "zlhcs_system_close returned with the HCS handle still open";
    EXPECT_EQ(still_found, 0) << "the system was not terminated when its last handle closed";
}

TEST_F(systems, operations_on_a_system_removed_by_reset_fail_cleanly) {
    system_guard s(create_system(unique_id()));
    ASSERT_EQ(sim().reset(), 0);
    EXPECT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_NOT_FOUND);
}

TEST_F(systems, unicode_ids_round_trip) {
    const std::string id = unique_id() + "-\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80";  // é € 😀
    system_guard s(create_system(id));
    EXPECT_EQ(id_of(s), id);
    const rapidjson::Document d = parse(properties(s, nullptr));
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["Id"].GetString(), id.c_str()) << "UTF-8 -> UTF-16 -> UTF-8 round trip";
    zlhcs_system opened = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_S_OK);
    (void)zlhcs_system_close(opened);
}

}  // namespace
}  // namespace zlhcs_core_test
