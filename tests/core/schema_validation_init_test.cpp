// Document validation before HCS (zlhcs_init_options.validation), in a process of its own:
// initialisation is once per process, so main() calls zlhcs_init with validation on before
// any test runs. Run twice by ctest: with ZLHCS_VALIDATE_DOCUMENTS, and with "--strict"
// (ZLHCS_VALIDATE_STRICT, which also refuses documents with warnings only).
//
// "Nothing reaches HCS" is shown two ways: hcsim never lists a refused system, and a fault
// injected into the next call of the entry point is still pending after the refusal (the next
// good document meets it).
#include "process_support.hpp"
#include "schema_support.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace zlhcs_core_test {
namespace {

bool strict_run = false;

constexpr zlhcs_hresult injected = ZLHCS_HR(0x80370105u);  // HCS_E_INVALID_STATE, from hcsim

// Errors: Count is not a uint32, the layer has no Path.
constexpr const char* bad_container =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{"Processor":{"Count":"two"},)"
    R"("Storage":{"Layers":[{"Id":"8a4f7c0e-2b1d-5e3f-9a6b-0c1d2e3f4a5b"}]}}})";
// Warnings only: a misspelt field.
constexpr const char* warned_container =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{},"ShouldTerminateOnLastHandleClose":true})";

class validation_on : public core_test {};

rapidjson::Document parse_report(const std::string& text) {
    rapidjson::Document report;
    report.Parse(text.c_str(), text.size());
    EXPECT_TRUE(report.IsObject()) << text;
    return report;
}

bool lists_problem(const rapidjson::Document& report, const char* path, const char* rule) {
    if (!report.IsObject() || !report.HasMember("Problems")) return false;
    for (const auto& p : report["Problems"].GetArray()) {
        if (std::strcmp(p["Path"].GetString(), path) == 0 && std::strcmp(p["Rule"].GetString(), rule) == 0) return true;
    }
    return false;
}

bool system_listed(const std::string& id) {
    char* raw = nullptr;
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &raw), ZLHCS_S_OK);
    return take(raw).find("\"" + id + "\"") != std::string::npos;
}

/// The refusal's last error: the code, the summary naming `path`, the report as document.
void expect_refusal_error(const char* path, const std::string& out_document) {
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_JSON);
    EXPECT_NE(e.message.find(path), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("not passed to HCS"), std::string::npos) << e.message;
    EXPECT_FALSE(e.document.empty());
    if (!out_document.empty()) {
        EXPECT_EQ(e.document, out_document);
    }
    const rapidjson::Document report = parse_report(e.document);
    bool listed = false;
    if (report.IsObject() && report.HasMember("Problems")) {
        for (const auto& p : report["Problems"].GetArray()) listed = listed || std::strcmp(p["Path"].GetString(), path) == 0;
    }
    EXPECT_TRUE(listed) << e.document;
}

TEST_F(validation_on, init_options_stay_as_chosen) {
    zlhcs_init_options same{};
    same.struct_size = sizeof same;
    same.validation = strict_run ? ZLHCS_VALIDATE_STRICT : ZLHCS_VALIDATE_DOCUMENTS;
    EXPECT_EQ(zlhcs_init(&same), ZLHCS_S_FALSE);
    same.validation = 0;
    EXPECT_EQ(zlhcs_init(&same), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(zlhcs_init(nullptr), ZLHCS_E_INVALID_STATE) << "NULL means no validation";
}

TEST_F(validation_on, a_bad_configuration_never_reaches_hcs) {
    const std::string id = unique_id("bad");
    ASSERT_EQ(sim().fail_next_calls("HcsCreateComputeSystem", 1, injected, fault_immediate), 0);
    zlhcs_system system = 12345;
    char* raw = out_sentinel();
    EXPECT_EQ(zlhcs_system_create(id.c_str(), bad_container, nullptr, ZLHCS_INFINITE, &system, &raw),
              ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(system, 0u);
    ASSERT_NE(raw, out_sentinel());
    const std::string document = take(raw);
    const rapidjson::Document report = parse_report(document);
    EXPECT_TRUE(lists_problem(report, "/Container/Processor/Count", "type")) << document;
    EXPECT_TRUE(lists_problem(report, "/Container/Storage/Layers/0/Path", "required")) << document;
    expect_refusal_error("/Container/Processor/Count", document);
    EXPECT_NE(last_error().message.find("2 errors"), std::string::npos) << last_error().message;

    // hcsim never saw it: no system, and the injected fault is still waiting for a create.
    EXPECT_EQ(sim().live_objects().systems, 0u);
    EXPECT_FALSE(system_listed(id));
    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(zlhcs_system_create(id.c_str(), process_isolated_container, nullptr, ZLHCS_INFINITE, &system, nullptr),
              injected);
}

TEST_F(validation_on, a_bad_configuration_is_refused_by_the_async_form_too) {
    const std::string id = unique_id("bad-async");
    callback_probe probe;
    zlhcs_system system = 12345;
    zlhcs_operation operation = 6789;
    EXPECT_EQ(zlhcs_system_create_async(id.c_str(), bad_container, nullptr, &callback_probe::callback, &probe,
                                        nullptr,
                                        &system, &operation),
              ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(system, 0u);
    EXPECT_EQ(operation, 0u);
    expect_refusal_error("/Container/Processor/Count", "");
    EXPECT_EQ(sim().live_objects().systems, 0u);
    EXPECT_FALSE(system_listed(id));
    EXPECT_EQ(probe.calls.load(), 0);
}

TEST_F(validation_on, good_configurations_are_created) {
    for (const char* config : {process_isolated_container, utility_vm}) {
        const std::string id = unique_id("good");
        system_guard system(create_system(id, config));
        ASSERT_NE(system.get(), 0u);
        EXPECT_TRUE(system_listed(id));
        EXPECT_EQ(state_of(system), "Created");
    }
    // The async form too.
    const std::string id = unique_id("good-async");
    callback_probe probe;
    zlhcs_system raw_system = 0;
    zlhcs_operation raw_operation = 0;
    ASSERT_EQ(zlhcs_system_create_async(id.c_str(), process_isolated_container, nullptr, &callback_probe::callback,
                                        &probe, nullptr, &raw_system, &raw_operation),
              ZLHCS_S_OK)
        << last_error().message;
    system_guard system(raw_system);
    operation_guard operation(raw_operation);
    EXPECT_EQ(zlhcs_operation_wait(operation, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_TRUE(probe.wait_called());
    EXPECT_TRUE(system_listed(id));
}

TEST_F(validation_on, microsofts_tutorial_vm_is_created_even_strictly) {
    // Issue 16, finding 7: strict validation refused the HCS tutorial's own VM (its
    // Memory.Backing was an unknown field, a warning). Now it reaches hcsim and is created.
    const std::string id = unique_id("tutorial");
    zlhcs_system system = 0;
    ASSERT_EQ(zlhcs_system_create(id.c_str(), msdocs_tutorial_vm, nullptr, ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    system_guard guard(system);
    EXPECT_TRUE(system_listed(id));
    EXPECT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
}

TEST_F(validation_on, malformed_json_is_still_invalid_json) {
    zlhcs_system system = 0;
    EXPECT_EQ(zlhcs_system_create(unique_id("malformed").c_str(), "{\"SchemaVersion\":", nullptr, ZLHCS_INFINITE,
                                  &system, nullptr),
              ZLHCS_HCS_E_INVALID_JSON);
}

TEST_F(validation_on, warnings_pass_and_strict_refuses_them) {
    const std::string id = unique_id("warned");
    zlhcs_system raw = 0;
    char* document = out_sentinel();
    const zlhcs_hresult hr = zlhcs_system_create(id.c_str(), warned_container, nullptr, ZLHCS_INFINITE, &raw, &document);
    system_guard system(raw);
    ASSERT_NE(document, out_sentinel());
    const std::string text = take(document);
    if (strict_run) {
        EXPECT_EQ(hr, ZLHCS_E_SCHEMA_INVALID);
        EXPECT_EQ(raw, 0u);
        EXPECT_TRUE(lists_problem(parse_report(text), "/ShouldTerminateOnLastHandleClose", "unknown-field")) << text;
        expect_refusal_error("/ShouldTerminateOnLastHandleClose", text);
        EXPECT_NE(last_error().message.find("strict"), std::string::npos) << last_error().message;
        EXPECT_FALSE(system_listed(id));
    } else {
        EXPECT_EQ(hr, ZLHCS_S_OK) << last_error().message;
        EXPECT_NE(raw, 0u);
        EXPECT_TRUE(system_listed(id));
    }
}

TEST_F(validation_on, a_bad_modify_never_reaches_hcs) {
    system_guard system(create_system(unique_id("modify"), process_isolated_container));
    ASSERT_NE(system.get(), 0u);
    const char* good = R"({"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Update","Settings":4096})";
    const char* bad = R"({"ResourcePath":"Container/Memory/SizeInMB","RequestType":"Change","Settings":4096})";
    ASSERT_EQ(sim().fail_next_calls("HcsModifyComputeSystem", 1, injected, fault_immediate), 0);
    char* raw = out_sentinel();
    EXPECT_EQ(zlhcs_system_modify(system, bad, nullptr, ZLHCS_INFINITE, &raw), ZLHCS_E_SCHEMA_INVALID);
    ASSERT_NE(raw, out_sentinel());
    const std::string document = take(raw);
    EXPECT_TRUE(lists_problem(parse_report(document), "/RequestType", "enum")) << document;
    expect_refusal_error("/RequestType", document);
    zlhcs_operation raw_operation = 99;
    EXPECT_EQ(zlhcs_system_modify_async(system, bad, nullptr, nullptr, nullptr, nullptr, &raw_operation), ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(raw_operation, 0u);
    // The fault is still pending: neither refused modify reached HCS.
    EXPECT_EQ(zlhcs_system_modify(system, good, nullptr, ZLHCS_INFINITE, nullptr), injected);
    EXPECT_EQ(zlhcs_system_modify(system, good, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
}

TEST_F(validation_on, bad_process_documents_never_reach_hcs) {
    system_guard system(running_system(unique_id("process")));
    ASSERT_NE(system.get(), 0u);
    const std::string bad = parameters("echo hello", out_pipe, R"(,"ConsoleSize":[25,80,1])");
    const std::string good = parameters(long_sleep);

    ASSERT_EQ(sim().fail_next_calls("HcsCreateProcess", 1, injected, fault_immediate), 0);
    zlhcs_process raw_process = 777;
    char* raw = out_sentinel();
    EXPECT_EQ(zlhcs_process_create(system, bad.c_str(), nullptr, ZLHCS_INFINITE, &raw_process, &raw),
              ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(raw_process, 0u);
    ASSERT_NE(raw, out_sentinel());
    const std::string document = take(raw);
    EXPECT_TRUE(lists_problem(parse_report(document), "/ConsoleSize", "length")) << document;
    expect_refusal_error("/ConsoleSize", document);
    zlhcs_operation raw_operation = 99;
    callback_probe probe;
    EXPECT_EQ(zlhcs_process_create_async(system, bad.c_str(), nullptr, &callback_probe::callback, &probe,
                                         nullptr,
                                         &raw_process, &raw_operation),
              ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(raw_operation, 0u);
    EXPECT_EQ(probe.calls.load(), 0);
    EXPECT_EQ(zlhcs_process_create(system, good.c_str(), nullptr, ZLHCS_INFINITE, &raw_process, nullptr), injected);

    ASSERT_EQ(zlhcs_process_create(system, good.c_str(), nullptr, ZLHCS_INFINITE, &raw_process, nullptr), ZLHCS_S_OK)
        << last_error().message;
    process_guard process(raw_process);
    const char* bad_modify = R"({"Operation":"Resize","ConsoleSize":{"Height":25,"Width":80}})";
    const char* good_modify = R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})";
    ASSERT_EQ(sim().fail_next_calls("HcsModifyProcess", 1, injected, fault_immediate), 0);
    raw = out_sentinel();
    EXPECT_EQ(zlhcs_process_modify(process, bad_modify, ZLHCS_INFINITE, &raw), ZLHCS_E_SCHEMA_INVALID);
    ASSERT_NE(raw, out_sentinel());
    const std::string modify_report = take(raw);
    EXPECT_TRUE(lists_problem(parse_report(modify_report), "/Operation", "enum")) << modify_report;
    EXPECT_EQ(zlhcs_process_modify_async(process, bad_modify, nullptr, nullptr, nullptr, &raw_operation), ZLHCS_E_SCHEMA_INVALID);
    EXPECT_EQ(zlhcs_process_modify(process, good_modify, ZLHCS_INFINITE, nullptr), injected);
    EXPECT_EQ(zlhcs_process_modify(process, good_modify, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    // zlhcs's own request (resize_console) is valid and passes, strict or not.
    EXPECT_EQ(zlhcs_process_resize_console(process, 120, 30, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK)
        << last_error().message;
    EXPECT_EQ(zlhcs_process_terminate(process, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    uint32_t exit_code = 0;
    EXPECT_EQ(zlhcs_process_wait_exit(process, hang_bound_ms, &exit_code), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(validation_on, a_realistic_process_validates_and_runs) {
    system_guard system(running_system(unique_id("run")));
    ASSERT_NE(system.get(), 0u);
    const std::string doc = parameters("echo hello", out_pipe,
                                       R"(,"WorkingDirectory":"C:\\","Environment":{"A":"1"},"ConsoleSize":[25,80])");
    ASSERT_EQ(zlhcs_schema_validate("ProcessParameters", doc.c_str(), nullptr, nullptr), ZLHCS_S_OK);
    zlhcs_process raw = 0;
    ASSERT_EQ(zlhcs_process_create(system, doc.c_str(), nullptr, ZLHCS_INFINITE, &raw, nullptr), ZLHCS_S_OK)
        << last_error().message;
    process_guard process(raw);
    std::string out;
    EXPECT_EQ(read_to_end(process, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
    EXPECT_NE(out.find("hello"), std::string::npos) << out;
    uint32_t exit_code = 1;
    EXPECT_EQ(zlhcs_process_wait_exit(process, hang_bound_ms, &exit_code), ZLHCS_S_OK);
    EXPECT_EQ(exit_code, 0u);
    EXPECT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

}  // namespace
}  // namespace zlhcs_core_test

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--strict") == 0) zlhcs_core_test::strict_run = true;
    }
    zlhcs_init_options options{};
    options.struct_size = sizeof options;
    options.validation = zlhcs_core_test::strict_run ? ZLHCS_VALIDATE_STRICT : ZLHCS_VALIDATE_DOCUMENTS;
    const zlhcs_hresult hr = zlhcs_init(&options);
    if (hr != ZLHCS_S_OK) {
        zlhcs_error error{};
        error.struct_size = sizeof error;
        (void)zlhcs_last_error(&error);
        std::fprintf(stderr, "zlhcs_init with validation failed: 0x%08X %s\n", static_cast<unsigned>(hr),
                     error.message != nullptr ? error.message : "");
        return 1;
    }
    return RUN_ALL_TESTS();
}
