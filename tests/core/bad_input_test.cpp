// Bad input to every function: NULL required arguments and out-parameters, invalid UTF-8,
// malformed JSON (with the offset in the message), deeply nested JSON, huge documents.
// Nothing starts, no callback runs, nothing leaks, and the last error says what was wrong.
#include "fixture.hpp"

#include <rapidjson/reader.h>

#include <functional>
#include <string>
#include <vector>

namespace zlhcs_core_test {
namespace {

// A function under test that takes one string argument (id, JSON document).
struct string_input {
    const char* name;
    bool json;  // the argument is JSON (checked for well-formedness)
    std::function<zlhcs_hresult(const char* text, callback_probe& probe)> call;
    bool optional = false;  // a JSON document the call may go without: "" and whitespace are absent
};

class bad_input : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        id_ = unique_id();
        system_.handle = create_system(id_, vm_config);
        ASSERT_NE(system_.handle, 0u);
    }
    void TearDown() override {
        system_.reset();
        core_test::TearDown();
    }

    template <typename AsyncFn, typename SyncFn>
    void add_verb(std::vector<string_input>& v, const char* async_name, AsyncFn async_fn,
                  const char* sync_name, SyncFn sync_fn, bool optional = true) {
        const zlhcs_system s = system_.handle;
        v.push_back({async_name, true, [s, async_fn](const char* t, callback_probe& p) {
                         zlhcs_operation op = 0xBAD;
                         const zlhcs_hresult hr = async_fn(s, t, &callback_probe::callback, &p, nullptr, &op);
                         EXPECT_EQ(op, 0u) << "operation handle on failure";
                         if (hr >= 0 && op != 0 && op != 0xBAD) (void)zlhcs_operation_close(op);
                         return hr;
                     }, optional});
        v.push_back({sync_name, true, [s, sync_fn](const char* t, callback_probe&) {
                         return sync_fn(s, t, ZLHCS_INFINITE, nullptr);
                     }, optional});
    }

    // Every (function, string parameter) pair of the ABI.
    std::vector<string_input> string_inputs() {
        std::vector<string_input> v;
        v.push_back({"zlhcs_system_create(id)", false, [](const char* t, callback_probe&) {
                         zlhcs_system s = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_create(t, container_config, nullptr, ZLHCS_INFINITE, &s, nullptr);
                         EXPECT_EQ(s, 0u);
                         if (hr >= 0) (void)zlhcs_system_close(s);
                         return hr;
                     }});
        v.push_back({"zlhcs_system_create(configuration)", true, [](const char* t, callback_probe&) {
                         zlhcs_system s = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_create(unique_id().c_str(), t, nullptr, ZLHCS_INFINITE, &s, nullptr);
                         EXPECT_EQ(s, 0u);
                         if (hr >= 0) (void)zlhcs_system_close(s);
                         return hr;
                     }});
        v.push_back({"zlhcs_system_create_async(id)", false, [](const char* t, callback_probe& p) {
                         zlhcs_system s = 0xBAD;
                         zlhcs_operation op = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_create_async(
                             t, container_config, nullptr, &callback_probe::callback, &p, nullptr, &s, &op);
                         EXPECT_EQ(s, 0u);
                         EXPECT_EQ(op, 0u);
                         return hr;
                     }});
        v.push_back({"zlhcs_system_create_async(configuration)", true,
                     [](const char* t, callback_probe& p) {
                         zlhcs_system s = 0xBAD;
                         zlhcs_operation op = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_create_async(
                             unique_id().c_str(), t, nullptr, &callback_probe::callback, &p, nullptr, &s, &op);
                         EXPECT_EQ(s, 0u);
                         EXPECT_EQ(op, 0u);
                         return hr;
                     }});
        v.push_back({"zlhcs_system_open(id)", false, [](const char* t, callback_probe&) {
                         zlhcs_system s = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_open(t, nullptr, &s);
                         EXPECT_EQ(s, 0u);
                         if (hr >= 0) (void)zlhcs_system_close(s);
                         return hr;
                     }});
        add_verb(v, "zlhcs_system_start_async", zlhcs_system_start_async, "zlhcs_system_start", zlhcs_system_start);
        add_verb(v, "zlhcs_system_shutdown_async", zlhcs_system_shutdown_async, "zlhcs_system_shutdown", zlhcs_system_shutdown);
        add_verb(v, "zlhcs_system_terminate_async", zlhcs_system_terminate_async, "zlhcs_system_terminate", zlhcs_system_terminate);
        add_verb(v, "zlhcs_system_crash_async", zlhcs_system_crash_async, "zlhcs_system_crash", zlhcs_system_crash);
        add_verb(v, "zlhcs_system_pause_async", zlhcs_system_pause_async, "zlhcs_system_pause", zlhcs_system_pause);
        add_verb(v, "zlhcs_system_resume_async", zlhcs_system_resume_async, "zlhcs_system_resume", zlhcs_system_resume);
        add_verb(v, "zlhcs_system_save_async", zlhcs_system_save_async, "zlhcs_system_save", zlhcs_system_save);
        add_verb(
            v, "zlhcs_system_modify_async",
            [](zlhcs_system sys, const char* t, zlhcs_operation_callback cb, void* c, zlhcs_release_callback r,
               zlhcs_operation* o) {
                return zlhcs_system_modify_async(sys, t, nullptr, cb, c, r, o);
            },
            "zlhcs_system_modify", [](zlhcs_system sys, const char* t, uint32_t ms, char** d) {
                return zlhcs_system_modify(sys, t, nullptr, ms, d);
            }, false);
        const zlhcs_system s = system_.handle;
        v.push_back({"zlhcs_system_properties_async", true, [s](const char* t, callback_probe& p) {
                         zlhcs_operation op = 0xBAD;
                         const zlhcs_hresult hr =
                             zlhcs_system_properties_async(s, t, &callback_probe::callback, &p, nullptr, &op);
                         EXPECT_EQ(op, 0u);
                         return hr;
                     }, true});
        v.push_back({"zlhcs_system_properties", true, [s](const char* t, callback_probe&) {
                         char* out = out_sentinel();
                         const zlhcs_hresult hr = zlhcs_system_properties(s, t, ZLHCS_INFINITE, &out);
                         EXPECT_TRUE(out == nullptr || out == out_sentinel());
                         return hr;
                     }, true});
        v.push_back({"zlhcs_enumerate_async", true, [](const char* t, callback_probe& p) {
                         zlhcs_operation op = 0xBAD;
                         const zlhcs_hresult hr = zlhcs_system_enumerate_async(t, nullptr, &callback_probe::callback, &p, nullptr, &op);
                         EXPECT_EQ(op, 0u);
                         return hr;
                     }, true});
        v.push_back({"zlhcs_enumerate", true, [](const char* t, callback_probe&) {
                         char* out = out_sentinel();
                         const zlhcs_hresult hr = zlhcs_system_enumerate(t, nullptr, ZLHCS_INFINITE, &out);
                         EXPECT_TRUE(out == nullptr || out == out_sentinel());
                         return hr;
                     }, true});
        v.push_back({"zlhcs_service_properties", true, [](const char* t, callback_probe&) {
                         char* out = out_sentinel();
                         const zlhcs_hresult hr = zlhcs_service_properties(t, &out);
                         EXPECT_TRUE(out == nullptr || out == out_sentinel());
                         return hr;
                     }, true});
        return v;
    }

    // Calls every input with `text` and expects `expected` without anything starting.
    void expect_all_fail(const std::string& text, zlhcs_hresult expected, bool json_only,
                         const char* message_must_contain = nullptr, bool required_only = false) {
        for (const auto& input : string_inputs()) {
            if (json_only && !input.json) continue;
            if (required_only && input.optional) continue;
            SCOPED_TRACE(input.name);
            callback_probe probe;
            (void)zlhcs_clear_error();
            const zlhcs_hresult hr = input.call(text.c_str(), probe);
            EXPECT_EQ(hr, expected) << hex(hr);
            const error_copy e = last_error();
            EXPECT_EQ(e.code, expected);
            EXPECT_EQ(e.category, category_of(expected));
            EXPECT_FALSE(e.message.empty());
            if (message_must_contain != nullptr) {
                EXPECT_NE(e.message.find(message_must_contain), std::string::npos) << e.message;
            }
            EXPECT_EQ(probe.calls.load(), 0);
        }
        ASSERT_TRUE(settled());
        EXPECT_EQ(state_of(system_), "Created") << "a rejected call changed the system";
    }

    std::string id_;
    system_guard system_;
};

TEST_F(bad_input, invalid_utf8_is_rejected_everywhere) {
    const char* sequences[] = {
        "\xC3\x28",          // bad continuation byte
        "\xC0\xAF",          // overlong '/'
        "\xED\xA0\x80",      // UTF-16 surrogate D800 encoded in UTF-8
        "\xF4\x90\x80\x80",  // above U+10FFFF
        "\xFF",              // never valid
        "abc\xE2\x82",       // truncated sequence at the end
    };
    for (const char* bad : sequences) {
        SCOPED_TRACE(hex(static_cast<zlhcs_hresult>(static_cast<unsigned char>(bad[0]))));
        // In a JSON string, so that the only fault is the encoding.
        expect_all_fail(std::string("{\"k\":\"") + bad + "\"}", ZLHCS_E_INVALID_UTF8, true);
        expect_all_fail(std::string("id-") + bad, ZLHCS_E_INVALID_UTF8, false);
    }
}

TEST_F(bad_input, malformed_json_fails_with_invalid_json_and_the_offset) {
    const char* documents[] = {"{", "{\"a\":}", "[1,2", "{\"a\":1,}", "nul", "{\"a\" 1}",
                               "{}}", "\"unterminated", "", "   ", "\t\r\n ", "{'single':1}"};
    for (const char* doc : documents) {
        SCOPED_TRACE(std::string("document: ") + doc);
        rapidjson::Reader reader;
        rapidjson::StringStream stream(doc);
        rapidjson::BaseReaderHandler<> ignore;
        const rapidjson::ParseResult parsed = reader.Parse<rapidjson::kParseIterativeFlag>(stream, ignore);
        ASSERT_TRUE(parsed.IsError());
        // "" and whitespace only are no document: malformed where one is required, absent where
        // it is optional (issue 15, point 6; tested in empty_optional_documents_are_absent).
        const bool blank = std::string(doc).find_first_not_of(" \t\r\n") == std::string::npos;
        expect_all_fail(doc, ZLHCS_HCS_E_INVALID_JSON, true, std::to_string(parsed.Offset()).c_str(), blank);
    }
}

// Issue 15, point 6: hcsshim passes "" to HCS for "no options" (start, shutdown, terminate,
// properties, process terminate), and HCS takes it. Every optional document given as "" or
// whitespace only is the same as NULL; required ones stay required.
TEST_F(bad_input, empty_optional_documents_are_absent) {
    for (const char* blank : {"", " ", "\t\r\n "}) {
        SCOPED_TRACE(std::string("document: '") + blank + "'");
        // Queries: the same answer as with NULL.
        char* with_null = nullptr;
        char* with_blank = nullptr;
        ASSERT_EQ(zlhcs_system_properties(system_, nullptr, ZLHCS_INFINITE, &with_null), ZLHCS_S_OK);
        ASSERT_EQ(zlhcs_system_properties(system_, blank, ZLHCS_INFINITE, &with_blank), ZLHCS_S_OK)
            << last_error().message;
        EXPECT_EQ(parse(take(with_null))["State"], parse(take(with_blank))["State"]);
        char* systems = nullptr;
        EXPECT_EQ(zlhcs_system_enumerate(blank, nullptr, ZLHCS_INFINITE, &systems), ZLHCS_S_OK);
        EXPECT_TRUE(parse(take(systems)).IsArray());
        char* service = nullptr;
        EXPECT_EQ(zlhcs_service_properties(blank, &service), ZLHCS_S_OK);
        EXPECT_FALSE(take(service).empty());
        operation_guard op;
        ASSERT_EQ(zlhcs_system_properties_async(system_, blank, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        // Required documents: "" is no document.
        zlhcs_system created = 0;
        EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), blank, nullptr, ZLHCS_INFINITE, &created, nullptr),
                  ZLHCS_HCS_E_INVALID_JSON);
        EXPECT_EQ(created, 0u);
        EXPECT_EQ(zlhcs_system_modify(system_, blank, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_JSON);
    }
    // State changes with "" options, as hcsshim sends them: start, then terminate.
    EXPECT_EQ(zlhcs_system_start(system_, "", ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(state_of(system_), "Running");
    EXPECT_EQ(zlhcs_system_pause(system_, " ", ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_system_resume(system_, "", ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_system_terminate(system_, "", ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
    char* exit_document = nullptr;
    EXPECT_EQ(zlhcs_system_wait_exit(system_, ZLHCS_INFINITE, &exit_document), ZLHCS_S_OK);
    EXPECT_NE(take(exit_document).find("ForcedExit"), std::string::npos);
}

TEST_F(bad_input, null_where_a_document_is_optional_or_required) {
    // Required: configuration of create, settings of modify.
    zlhcs_system s = 0xBAD;
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), nullptr, nullptr, ZLHCS_INFINITE, &s, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(s, 0u);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_INVALID_ARGUMENT);
    zlhcs_operation op = 0xBAD;
    EXPECT_EQ(zlhcs_system_create_async(unique_id().c_str(), nullptr, nullptr, nullptr, nullptr, nullptr, &s, &op),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(op, 0u);
    EXPECT_EQ(zlhcs_system_modify(system_, nullptr, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_modify_async(system_, nullptr, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(op, 0u);
    // Required: the id of open.
    EXPECT_EQ(zlhcs_system_open(nullptr, nullptr, &s), ZLHCS_E_INVALID_ARGUMENT);
    // Optional: options/query NULL are fine.
    char* out = nullptr;
    EXPECT_EQ(zlhcs_system_properties(system_, nullptr, ZLHCS_INFINITE, &out), ZLHCS_S_OK);
    zlhcs_free(out);
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &out), ZLHCS_S_OK);
    zlhcs_free(out);
    EXPECT_EQ(zlhcs_system_start(system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(bad_input, null_out_parameters_are_rejected) {
    callback_probe probe;
    auto cb = &callback_probe::callback;
    auto expect_arg = [&](const char* what, zlhcs_hresult hr) {
        SCOPED_TRACE(what);
        EXPECT_EQ(hr, ZLHCS_E_INVALID_ARGUMENT) << hex(hr);
        EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
        EXPECT_FALSE(last_error().message.empty());
        (void)zlhcs_clear_error();
    };
    const std::string new_id = unique_id("never");
    zlhcs_system s = 0;
    zlhcs_operation op = 0;
    expect_arg("create out_system", zlhcs_system_create(new_id.c_str(), container_config, nullptr, ZLHCS_INFINITE, nullptr, nullptr));
    expect_arg("create_async out_system", zlhcs_system_create_async(new_id.c_str(), container_config, nullptr, cb, &probe, nullptr, nullptr, &op));
    expect_arg("create_async out_operation", zlhcs_system_create_async(new_id.c_str(), container_config, nullptr, cb, &probe, nullptr, &s, nullptr));
    EXPECT_EQ(s, 0u);
    expect_arg("open out_system", zlhcs_system_open(id_.c_str(), nullptr, nullptr));
    expect_arg("id out_id", zlhcs_system_id(system_, nullptr));
    expect_arg("start_async", zlhcs_system_start_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("shutdown_async", zlhcs_system_shutdown_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("terminate_async", zlhcs_system_terminate_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("crash_async", zlhcs_system_crash_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("pause_async", zlhcs_system_pause_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("resume_async", zlhcs_system_resume_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("save_async", zlhcs_system_save_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("properties_async", zlhcs_system_properties_async(system_, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("modify_async", zlhcs_system_modify_async(system_, R"({"ResourcePath":"a","RequestType":"Update"})", nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("enumerate_async", zlhcs_system_enumerate_async(nullptr, nullptr, cb, &probe, nullptr, nullptr));
    expect_arg("version", zlhcs_version(nullptr));
    expect_arg("backend_path", zlhcs_backend_path(nullptr));
    expect_arg("get_api", zlhcs_get_api(1, nullptr));
    expect_arg("error_category_of", zlhcs_error_category_of(0, nullptr));
    expect_arg("error_describe", zlhcs_error_describe(0, nullptr));
    EXPECT_EQ(zlhcs_last_error(nullptr), ZLHCS_E_INVALID_ARGUMENT);

    // Nothing was created or started.
    ASSERT_TRUE(settled());
    EXPECT_EQ(probe.calls.load(), 0);
    zlhcs_system never = 0;
    EXPECT_EQ(zlhcs_system_open(new_id.c_str(), nullptr, &never), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(state_of(system_), "Created");
}

TEST_F(bad_input, every_out_document_is_optional) {
    // One rule for documents: optional everywhere (the result is the HRESULT).
    EXPECT_EQ(zlhcs_system_properties(system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_service_properties(nullptr, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_properties(system_, "{", ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_JSON);
}

TEST_F(bad_input, optional_out_parameters_may_be_null) {
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_properties_async(system_, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_result(op, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE);  // no callback: S_FALSE
    ASSERT_EQ(zlhcs_system_terminate(system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_wait_exit(system_, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(bad_input, deeply_nested_json_does_not_crash) {
    constexpr int depth = 100000;
    const std::string balanced = std::string(depth, '[') + std::string(depth, ']');
    const std::string unbalanced = std::string(depth, '[');
    const std::string objects = [] {
        std::string s;
        for (int i = 0; i < depth; ++i) s += "{\"a\":";
        s += "1";
        s += std::string(depth, '}');
        return s;
    }();

    // Malformed (unclosed): rejected by zlhcs before HCS sees it, with an offset.
    expect_all_fail(unbalanced, ZLHCS_HCS_E_INVALID_JSON, true, std::to_string(depth).c_str());

    // Well-formed but absurd: reaches HCS (hcsim); must come back, never crash.
    zlhcs_system s = 0;
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), balanced.c_str(), nullptr, ZLHCS_INFINITE, &s, nullptr),
              ZLHCS_HCS_E_INVALID_JSON) << "a configuration that is not an object";
    EXPECT_EQ(s, 0u);
    EXPECT_EQ(zlhcs_system_create(unique_id().c_str(), objects.c_str(), nullptr, ZLHCS_INFINITE, &s, nullptr),
              ZLHCS_HCS_E_INVALID_JSON) << "an object without SchemaVersion";
    EXPECT_EQ(s, 0u);
    char* out = nullptr;
    const zlhcs_hresult properties = zlhcs_system_properties(system_, objects.c_str(), ZLHCS_INFINITE, &out);
    zlhcs_free(out);
    EXPECT_NE(properties, ZLHCS_E_INTERNAL) << last_error().message;
    const zlhcs_hresult enumerated = zlhcs_system_enumerate(balanced.c_str(), nullptr, ZLHCS_INFINITE, &out);
    zlhcs_free(out);
    EXPECT_NE(enumerated, ZLHCS_E_INTERNAL) << last_error().message;
    const zlhcs_hresult modified = zlhcs_system_modify(system_, objects.c_str(), nullptr, ZLHCS_INFINITE, nullptr);
    EXPECT_EQ(modified, ZLHCS_HCS_E_INVALID_JSON) << "not a ModifySettingRequest";
    EXPECT_EQ(state_of(system_), "Created");
}

TEST_F(bad_input, documents_over_the_size_limit_are_too_large) {
    // 64 MiB + 1 of valid JSON (a string).
    std::string huge;
    huge.reserve(64u * 1024u * 1024u + 8u);
    huge += '"';
    huge.append(64u * 1024u * 1024u, 'x');
    huge += '"';
    for (const auto& input : string_inputs()) {
        SCOPED_TRACE(input.name);
        callback_probe probe;
        const zlhcs_hresult hr = input.call(huge.c_str(), probe);
        EXPECT_EQ(hr, ZLHCS_E_TOO_LARGE) << hex(hr);
        EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_INVALID_ARGUMENT);
        EXPECT_EQ(probe.calls.load(), 0);
    }
}

TEST_F(bad_input, large_documents_round_trip) {
    // A 1 MiB owner goes in with the configuration and comes back in the properties.
    const std::string owner(1024u * 1024u, 'o');
    const std::string config = R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":")" + owner +
                               R"(","Container":{}})";
    system_guard big(create_system(unique_id("big"), config.c_str()));
    ASSERT_NE(big.handle, 0u);
    char* raw = nullptr;
    // Owner comes back with Statistics (hcsshim internal/hcs/v2/system.go).
    ASSERT_EQ(zlhcs_system_properties(big, R"({"PropertyTypes":["Statistics"]})", ZLHCS_INFINITE, &raw),
              ZLHCS_S_OK);
    const rapidjson::Document d = parse(take(raw));
    ASSERT_TRUE(d.IsObject() && d.HasMember("Owner"));
    EXPECT_EQ(std::string(d["Owner"].GetString()), owner);

    // A query listing 50000 ids.
    std::string query = R"({"Ids":[)";
    for (int i = 0; i < 50000; ++i) query += (i ? ",\"" : "\"") + std::string("no-such-id-") + std::to_string(i) + "\"";
    query += "]}";
    ASSERT_EQ(zlhcs_system_enumerate(query.c_str(), nullptr, ZLHCS_INFINITE, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document list = parse(take(raw));
    ASSERT_TRUE(list.IsArray());
    EXPECT_EQ(list.Size(), 0u);
}

TEST_F(bad_input, embedded_nul_ends_the_string) {
    // C strings end at the first NUL: what follows is never read.
    const char with_nul[] = "{}\0garbage{{{";
    char* out = nullptr;
    EXPECT_EQ(zlhcs_system_properties(system_, with_nul, ZLHCS_INFINITE, &out), ZLHCS_S_OK);
    zlhcs_free(out);
}

TEST_F(bad_input, wrong_state_verbs_fail_in_the_operation_not_at_start) {
    // A forbidden transition is HCS's verdict, delivered by the operation.
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_resume_async(system_, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().function, "HcsResumeComputeSystem");
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_INVALID_STATE);
}

}  // namespace
}  // namespace zlhcs_core_test
