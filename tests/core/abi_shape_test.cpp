// The ABI's final-shape rules that are not about one object: documents reachable without the
// thread-local error, call options, categories a runtime acts on, closing a system releases
// its waiters, and one rule for out-parameters on failure (run under LeakSanitizer).
#include "fixture.hpp"

#include <cstring>
#include <future>
#include <thread>

namespace zlhcs_core_test {
namespace {

using abi_shape = core_test;

constexpr const char* hcs_error_marker = "\"ErrorEvents\"";
// A watchdog for waits that must end: far beyond any honest latency, only a hang reaches it.
constexpr uint32_t hang_bound_ms = 60000;

TEST_F(abi_shape, a_sync_failure_hands_its_error_document_to_any_thread) {
    // The failure happens on one thread; its document is read on another, which never saw
    // the thread-local last error (Go and async .NET/Rust callers work like that).
    if (sim().get_behavior() & HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS) {
        GTEST_SKIP() << "reason: this run's hcsim sends no error documents (no_error_documents variant)";
    }
    system_guard system(create_system(unique_id("doc")));
    char* document = out_sentinel();
    zlhcs_hresult hr = 0;
    std::thread([&] { hr = zlhcs_system_pause(system.handle, nullptr, ZLHCS_INFINITE, &document); }).join();
    EXPECT_EQ(hr, ZLHCS_WIN32_E_NOT_SUPPORTED) << "pause is VM-only";
    ASSERT_NE(document, out_sentinel());
    ASSERT_NE(document, nullptr) << "HCS sent an error document; the caller must get it";
    const std::string text = take(document);
    EXPECT_NE(text.find(hcs_error_marker), std::string::npos) << text;
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE) << "this thread never failed";
    const rapidjson::Document parsed = parse(text);
    ASSERT_TRUE(parsed.IsObject());
    EXPECT_TRUE(parsed.HasMember("Error"));
}

TEST_F(abi_shape, without_an_error_document_the_out_document_is_null) {
    char* document = out_sentinel();
    EXPECT_EQ(zlhcs_system_start(0x7777, nullptr, 0, &document), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(document, nullptr) << "documents are written on failure too: NULL when none came";
}

TEST_F(abi_shape, call_options_members_a_call_does_not_take_are_refused) {
    zlhcs_call_options options{};
    options.struct_size = sizeof options;
    zlhcs_system s = 0x55;
    const std::string id = unique_id("opt");

    options.identity_token = 4;  // only modify takes it
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, &options, ZLHCS_INFINITE, &s, nullptr),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(s, 0u);
    EXPECT_NE(last_error().message.find("identity_token"), std::string::npos) << last_error().message;
    options.identity_token = 0;

    options.requested_access = 1;  // only open takes it
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, &options, ZLHCS_INFINITE, &s, nullptr),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_NE(last_error().message.find("requested_access"), std::string::npos);
    options.requested_access = 0;

    int descriptor = 0;
    options.security_descriptor = &descriptor;  // create and process create only
    system_guard system(create_system(id));
    EXPECT_EQ(zlhcs_system_modify(system.handle, R"({"ResourcePath":"a","RequestType":"Update"})", &options,
                                  ZLHCS_INFINITE, nullptr),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_open(id.c_str(), &options, &s), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, &options, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    options.security_descriptor = nullptr;

    // All defaults: the same as NULL.
    EXPECT_EQ(zlhcs_system_open(id.c_str(), &options, &s), ZLHCS_S_OK);
    system_guard opened(s);
    options.namespace_id = "\xC0\x80";
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, &options, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_UTF8);
}

TEST_F(abi_shape, open_takes_a_requested_access_mask) {
    system_guard system(create_system(unique_id("access")));
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_system_id(system.handle, &raw), ZLHCS_S_OK);
    const std::string id = take(raw);
    zlhcs_call_options options{};
    options.struct_size = sizeof options;
    options.requested_access = 0x80000000u;  // GENERIC_READ
    zlhcs_system opened = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), &options, &opened), ZLHCS_S_OK) << last_error().message;
    system_guard guard(opened);
    EXPECT_EQ(state_of(opened), "Created");
}

TEST_F(abi_shape, the_container_died_is_one_category) {
    for (const zlhcs_hresult code : {ZLHCS_HCS_E_TERMINATED_DURING_START, ZLHCS_HCS_E_UNEXPECTED_EXIT,
                                     ZLHCS_HCS_E_TERMINATED, ZLHCS_HCS_E_GUEST_CRITICAL_ERROR}) {
        SCOPED_TRACE(hex(code));
        EXPECT_EQ(category_of(code), static_cast<uint32_t>(ZLHCS_CATEGORY_TERMINATED));
        EXPECT_EQ(category_of(static_cast<zlhcs_hresult>(static_cast<uint32_t>(code) | 0x40000000u)),
                  static_cast<uint32_t>(ZLHCS_CATEGORY_TERMINATED))
            << "the 0xC037 form too";
        EXPECT_EQ(zlhcs_error_matches(code, ZLHCS_CATEGORY_TERMINATED), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_error_matches(code, ZLHCS_CATEGORY_OTHER), ZLHCS_S_FALSE);
    }
}

TEST_F(abi_shape, error_matches_follows_hcsshims_predicates) {
    // IsNotExist / IsAlreadyStopped: ERROR_NOT_FOUND is both.
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_WIN32_E_NOT_FOUND, ZLHCS_CATEGORY_NOT_FOUND), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_WIN32_E_NOT_FOUND, ZLHCS_CATEGORY_ALREADY_STOPPED), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_HCS_E_SYSTEM_NOT_FOUND, ZLHCS_CATEGORY_NOT_FOUND), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_HCS_E_SYSTEM_NOT_FOUND, ZLHCS_CATEGORY_ALREADY_STOPPED), ZLHCS_S_FALSE);
    for (const zlhcs_hresult stopped : {ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED, ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED}) {
        EXPECT_EQ(zlhcs_error_matches(stopped, ZLHCS_CATEGORY_ALREADY_STOPPED), ZLHCS_S_OK) << hex(stopped);
    }
    // IsNotSupported: what a host answers to a request it does not know.
    for (const zlhcs_hresult unsupported : {ZLHCS_HCS_E_INVALID_JSON, ZLHCS_HR(0x8007000Du),
                                            ZLHCS_WIN32_E_NOT_SUPPORTED, ZLHCS_HCS_E_UNKNOWN_MESSAGE}) {
        EXPECT_EQ(zlhcs_error_matches(unsupported, ZLHCS_CATEGORY_NOT_SUPPORTED), ZLHCS_S_OK) << hex(unsupported);
    }
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_HCS_E_INVALID_JSON, ZLHCS_CATEGORY_INVALID_JSON), ZLHCS_S_OK)
        << "and its primary category still";
    // Success is NONE only; unknown categories match nothing.
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_S_OK, ZLHCS_CATEGORY_NONE), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_S_FALSE, ZLHCS_CATEGORY_OTHER), ZLHCS_S_FALSE);
    EXPECT_EQ(zlhcs_error_matches(ZLHCS_E_INTERNAL, 1000u), ZLHCS_S_FALSE);
}

TEST_F(abi_shape, closing_a_system_releases_its_exit_waiter) {
    system_guard system(running_system(unique_id("waiter")));
    const zlhcs_system handle = system.handle;
    std::promise<zlhcs_hresult> waited;
    auto result = waited.get_future();
    std::thread waiter([&] { waited.set_value(zlhcs_system_wait_exit(handle, ZLHCS_INFINITE, nullptr)); });
    // The system runs for ever: only the close can end the wait.
    EXPECT_EQ(result.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
    ASSERT_EQ(zlhcs_system_close(handle), ZLHCS_S_OK);
    system.handle = 0;
    ASSERT_EQ(result.wait_for(std::chrono::milliseconds(hang_bound_ms)), std::future_status::ready)
        << "the waiter is still blocked after the close";
    EXPECT_EQ(result.get(), ZLHCS_E_INVALID_HANDLE);
    waiter.join();
}

TEST_F(abi_shape, a_wait_exit_timeout_longer_than_a_slice_still_times_out) {
    system_guard system(running_system(unique_id("slices")));
    char* document = out_sentinel();
    EXPECT_EQ(zlhcs_system_wait_exit(system.handle, 120, &document), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_NE(document, out_sentinel());
    zlhcs_free(document == out_sentinel() ? nullptr : document);
}

// A self-relative SECURITY_DESCRIPTOR's header (Revision 1, no owner/group/ACLs): opaque to
// zlhcs, which passes the pointer on; hcsim records its address and first bytes.
struct fake_security_descriptor {
    unsigned char bytes[20] = {1, 0, 0x04, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
};

hcsim_security_record system_security(const char* id_namespace, const std::string& id) {
    hcsim_security_record record{};
    record.struct_size = sizeof record;
    EXPECT_EQ(sim().get_system_security(id_namespace, id.c_str(), &record), 0) << id;
    return record;
}

TEST_F(abi_shape, a_security_descriptor_reaches_hcs_for_systems_and_processes) {
    const fake_security_descriptor descriptor;
    zlhcs_call_options options{};
    options.struct_size = sizeof options;
    options.security_descriptor = &descriptor;
    const std::string id = unique_id("sd");
    zlhcs_system s = 0;
    ASSERT_EQ(zlhcs_system_create(id.c_str(), container_config, &options, ZLHCS_INFINITE, &s, nullptr), ZLHCS_S_OK)
        << last_error().message;
    system_guard system(s);
    hcsim_security_record record = system_security(nullptr, id);
    EXPECT_EQ(record.security_descriptor_given, 1u);
    EXPECT_EQ(record.security_descriptor_address, reinterpret_cast<uintptr_t>(&descriptor));
    EXPECT_EQ(std::memcmp(record.security_descriptor_prefix, descriptor.bytes, sizeof descriptor.bytes), 0);
    // Without one, none reaches HCS.
    system_guard plain(create_system(unique_id("nosd")));
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_system_id(plain.handle, &raw), ZLHCS_S_OK);
    EXPECT_EQ(system_security(nullptr, take(raw)).security_descriptor_given, 0u);

    // A process created with one.
    ASSERT_EQ(zlhcs_system_start(system.handle, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    zlhcs_process p = 0;
    ASSERT_EQ(zlhcs_process_create(system.handle, R"({"CommandLine":"sleep 600000"})", &options, ZLHCS_INFINITE,
                                   &p, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    uint32_t pid = 0;
    ASSERT_EQ(zlhcs_process_id(p, &pid), ZLHCS_S_OK);
    hcsim_security_record process_record{};
    process_record.struct_size = sizeof process_record;
    ASSERT_EQ(sim().get_process_security(nullptr, id.c_str(), pid, &process_record), 0);
    EXPECT_EQ(process_record.security_descriptor_given, 1u);
    EXPECT_EQ(process_record.security_descriptor_address, reinterpret_cast<uintptr_t>(&descriptor));
    EXPECT_GE(zlhcs_process_terminate(p, nullptr, ZLHCS_INFINITE, nullptr), 0);
    EXPECT_EQ(zlhcs_process_close(p), ZLHCS_S_OK);
}

TEST_F(abi_shape, an_identity_token_reaches_modify) {
    const std::string id = unique_id("token");
    system_guard system(running_system(id, vm_config));
    zlhcs_call_options options{};
    options.struct_size = sizeof options;
    options.identity_token = 0x1234;
    const char* update =
        R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":2048})";
    ASSERT_EQ(zlhcs_system_modify(system.handle, update, &options, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK)
        << last_error().message;
    hcsim_security_record record = system_security(nullptr, id);
    EXPECT_EQ(record.modify_calls, 1u);
    EXPECT_EQ(record.identity_given, 1u);
    EXPECT_EQ(record.last_identity, 0x1234u);
    // The async form and no token.
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_modify_async(system.handle, update, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_GE(zlhcs_operation_close(op), 0);
    record = system_security(nullptr, id);
    EXPECT_EQ(record.modify_calls, 2u);
    EXPECT_EQ(record.identity_given, 0u);
}

TEST_F(abi_shape, a_namespace_scopes_create_open_and_enumerate) {
    const std::string id = unique_id("ns");
    const std::string ns = unique_id("namespace");
    zlhcs_call_options in_namespace{};
    in_namespace.struct_size = sizeof in_namespace;
    in_namespace.namespace_id = ns.c_str();
    zlhcs_system scoped = 0;
    if (!sim().exports("HcsCreateComputeSystemInNamespace")) {
        // Server 2019's HCS has no namespaces: the call says which entry point it would need.
        EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, &in_namespace, ZLHCS_INFINITE, &scoped, nullptr),
                  ZLHCS_E_NOT_SUPPORTED);
        EXPECT_EQ(scoped, 0u);
        EXPECT_NE(last_error().message.find("HcsCreateComputeSystemInNamespace"), std::string::npos)
            << last_error().message;
        return;
    }
    ASSERT_EQ(zlhcs_system_create(id.c_str(), container_config, &in_namespace, ZLHCS_INFINITE, &scoped, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    system_guard scoped_guard(scoped);
    // The same id in the default namespace is another system.
    system_guard unscoped(create_system(id));
    ASSERT_EQ(zlhcs_system_start(scoped, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(scoped), "Running");
    EXPECT_EQ(state_of(unscoped.handle), "Created");

    zlhcs_system opened = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), &in_namespace, &opened), ZLHCS_S_OK) << last_error().message;
    system_guard opened_guard(opened);
    EXPECT_EQ(state_of(opened), "Running") << "open in the namespace finds the namespace's system";

    char* listed = nullptr;
    ASSERT_EQ(zlhcs_system_enumerate(nullptr, &in_namespace, ZLHCS_INFINITE, &listed), ZLHCS_S_OK)
        << last_error().message;
    const rapidjson::Document systems = parse(take(listed));
    ASSERT_TRUE(systems.IsArray());
    EXPECT_EQ(systems.Size(), 1u) << "only the namespace's system";

    // An unknown namespace: HCS's answer, with the InNamespace function named.
    zlhcs_call_options elsewhere = in_namespace;
    const std::string other = unique_id("empty-namespace");
    elsewhere.namespace_id = other.c_str();
    zlhcs_system none = 0x1;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), &elsewhere, &none), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(none, 0u);
    EXPECT_EQ(last_error().function, "HcsOpenComputeSystemInNamespace");
    EXPECT_EQ(zlhcs_system_terminate(scoped, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

// Point 11: every failure path of the system, host and operation exports, with what the rule
// says the caller owns freed. Under LeakSanitizer a document written but not owned leaks.
TEST_F(abi_shape, failure_paths_leave_nothing_unowned) {
    system_guard system(create_system(unique_id("fail")));
    const std::vector<zlhcs_hresult> injected{ZLHCS_HCS_E_ACCESS_DENIED, ZLHCS_HCS_E_INVALID_JSON};
    using sync_verb = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_system, const char*, uint32_t, char**);
    const std::vector<std::pair<const char*, sync_verb>> verbs{
        {"HcsStartComputeSystem", zlhcs_system_start},   {"HcsShutDownComputeSystem", zlhcs_system_shutdown},
        {"HcsTerminateComputeSystem", zlhcs_system_terminate}, {"HcsCrashComputeSystem", zlhcs_system_crash},
        {"HcsPauseComputeSystem", zlhcs_system_pause},   {"HcsResumeComputeSystem", zlhcs_system_resume},
        {"HcsSaveComputeSystem", zlhcs_system_save},     {"HcsGetComputeSystemProperties", zlhcs_system_properties},
    };
    for (const zlhcs_hresult failure : injected) {
        for (const auto& [function, verb] : verbs) {
            SCOPED_TRACE(function);
            for (const uint32_t mode : {fault_immediate, fault_async}) {
                ASSERT_EQ(sim().fail_next_calls(function, 1, failure, mode), 0);
                char* document = out_sentinel();
                const zlhcs_hresult hr = verb(system.handle, nullptr, ZLHCS_INFINITE, &document);
                EXPECT_LT(hr, 0);
                EXPECT_NE(document, out_sentinel());
                zlhcs_free(document);  // the caller owns whatever came, NULL included
                ASSERT_EQ(sim().fail_next_calls(function, 0, 0, fault_immediate), 0);
            }
        }
        // Creating, modifying, enumerating, the service.
        for (const uint32_t mode : {fault_immediate, fault_async}) {
            ASSERT_EQ(sim().fail_next_calls("HcsCreateComputeSystem", 1, failure, mode), 0);
            zlhcs_system s = 0x66;
            char* document = out_sentinel();
            EXPECT_LT(zlhcs_system_create(unique_id("f").c_str(), container_config, nullptr, ZLHCS_INFINITE, &s,
                                          &document),
                      0);
            EXPECT_EQ(s, 0u) << "handles are zero on failure";
            EXPECT_NE(document, out_sentinel());
            zlhcs_free(document);
            ASSERT_EQ(sim().fail_next_calls("HcsModifyComputeSystem", 1, failure, mode), 0);
            document = out_sentinel();
            EXPECT_LT(zlhcs_system_modify(system.handle, R"({"ResourcePath":"a","RequestType":"Update"})",
                                          nullptr, ZLHCS_INFINITE, &document),
                      0);
            zlhcs_free(document);
            ASSERT_EQ(sim().fail_next_calls("HcsEnumerateComputeSystems", 1, failure, mode), 0);
            document = out_sentinel();
            EXPECT_LT(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &document), 0);
            EXPECT_NE(document, out_sentinel());
            zlhcs_free(document);
            for (const char* f : {"HcsCreateComputeSystem", "HcsModifyComputeSystem", "HcsEnumerateComputeSystems"}) {
                ASSERT_EQ(sim().fail_next_calls(f, 0, 0, fault_immediate), 0);
            }
        }
        ASSERT_EQ(sim().fail_next_calls("HcsGetServiceProperties", 1, failure, fault_immediate), 0);
        char* document = out_sentinel();
        EXPECT_LT(zlhcs_service_properties(nullptr, &document), 0);
        zlhcs_free(document);
        ASSERT_EQ(sim().fail_next_calls("HcsGetServiceProperties", 0, 0, fault_immediate), 0);
    }
    // Operations: a failed one hands its document to wait and result, each a copy to free.
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_ACCESS_DENIED, fault_async), 0);
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_start_async(system.handle, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_S_OK);
    char* document = out_sentinel();
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &document), ZLHCS_HCS_E_ACCESS_DENIED);
    zlhcs_free(document);
    document = out_sentinel();
    EXPECT_EQ(zlhcs_operation_result(op, &document), ZLHCS_HCS_E_ACCESS_DENIED);
    zlhcs_free(document);
    EXPECT_GE(zlhcs_operation_close(op), 0);
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 0, 0, fault_immediate), 0);
    // Everything else is zeroed on failure.
    char* id = out_sentinel();
    EXPECT_EQ(zlhcs_system_id(0x1234, &id), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(id, nullptr);
    char* path = out_sentinel();
    uint32_t category = 77;
    EXPECT_EQ(zlhcs_error_category_of(ZLHCS_E_INTERNAL, &category), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_backend_path(&path), ZLHCS_S_OK);
    zlhcs_free(path);
}

}  // namespace
}  // namespace zlhcs_core_test
