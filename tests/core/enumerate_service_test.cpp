// Host-wide queries: enumerate (sync, async, queries on Ids/Owners/Types), service properties,
// and the service going away (HCS_E_SERVICE_DISCONNECT, category SERVICE_UNAVAILABLE).
#include "fixture.hpp"

#include <set>
#include <string>

namespace zlhcs_core_test {
namespace {

using enumerate_service = core_test;

std::set<std::string> enumerate_ids(const char* query) {
    char* raw = nullptr;
    const zlhcs_hresult hr = zlhcs_system_enumerate(query, nullptr, ZLHCS_INFINITE, &raw);
    EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
    const std::string text = take(raw);
    const rapidjson::Document d = parse(text);
    std::set<std::string> ids;
    EXPECT_TRUE(d.IsArray()) << text;
    if (!d.IsArray()) return ids;
    for (const auto& entry : d.GetArray()) {
        EXPECT_TRUE(entry.IsObject());
        EXPECT_TRUE(entry.HasMember("State"));
        EXPECT_TRUE(entry.HasMember("SystemType"));
        if (entry.HasMember("Id") && entry["Id"].IsString()) ids.insert(entry["Id"].GetString());
    }
    return ids;
}

std::string config_with_owner(const std::string& owner, bool vm) {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":")" + owner + "\"," +
           (vm ? R"("VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":512}}}})"
               : R"("Container":{}})");
}

TEST_F(enumerate_service, enumerate_empty_and_populated) {
    EXPECT_TRUE(enumerate_ids(nullptr).empty());
    const std::string a = unique_id("a");
    const std::string b = unique_id("b");
    const std::string c = unique_id("c");
    const std::string owner_a = config_with_owner("owner-a", false);
    const std::string owner_b = config_with_owner("owner-b", true);
    system_guard sa(create_system(a, owner_a.c_str()));
    system_guard sb(create_system(b, owner_a.c_str()));
    system_guard sc(create_system(c, owner_b.c_str()));

    EXPECT_EQ(enumerate_ids(nullptr), (std::set<std::string>{a, b, c}));
    EXPECT_EQ(enumerate_ids("{}"), (std::set<std::string>{a, b, c}));
    EXPECT_EQ(enumerate_ids((R"({"Ids":[")" + b + R"("]})").c_str()), (std::set<std::string>{b}));
    EXPECT_EQ(enumerate_ids((R"({"Ids":[")" + a + R"(",")" + c + R"("]})").c_str()),
              (std::set<std::string>{a, c}));
    EXPECT_EQ(enumerate_ids(R"({"Owners":["owner-a"]})"), (std::set<std::string>{a, b}));
    EXPECT_EQ(enumerate_ids(R"({"Owners":["owner-b"]})"), (std::set<std::string>{c}));
    EXPECT_EQ(enumerate_ids(R"({"Types":["VirtualMachine"]})"), (std::set<std::string>{c}));
    // Every present list must match.
    EXPECT_TRUE(enumerate_ids((R"({"Ids":[")" + a + R"("],"Owners":["owner-b"]})").c_str()).empty());
    EXPECT_EQ(enumerate_ids((R"({"Ids":[")" + c + R"("],"Owners":["owner-b"]})").c_str()),
              (std::set<std::string>{c}));
    EXPECT_TRUE(enumerate_ids(R"({"Ids":["nobody"]})").empty());
}

TEST_F(enumerate_service, enumerate_reports_states) {
    const std::string id = unique_id();
    system_guard s(running_system(id));
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_system_enumerate((R"({"Ids":[")" + id + R"("]})").c_str(), nullptr, ZLHCS_INFINITE, &raw), ZLHCS_S_OK);
    const rapidjson::Document d = parse(take(raw));
    ASSERT_TRUE(d.IsArray());
    ASSERT_EQ(d.Size(), 1u);
    EXPECT_STREQ(d[0]["State"].GetString(), "Running");
    EXPECT_STREQ(d[0]["SystemType"].GetString(), "Container");
}

TEST_F(enumerate_service, enumerate_async_with_callback) {
    const std::string id = unique_id();
    system_guard s(create_system(id));
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_NE(op.handle, 0u);
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &raw), ZLHCS_S_OK);
    const rapidjson::Document d = parse(take(raw));
    ASSERT_TRUE(d.IsArray());
    ASSERT_EQ(d.Size(), 1u);
    EXPECT_STREQ(d[0]["Id"].GetString(), id.c_str());
    ASSERT_TRUE(probe.wait_called());
    const zlhcs_operation handle = op.handle;
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
    EXPECT_EQ(probe.operation.load(), handle);
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
}

TEST_F(enumerate_service, enumerate_sync_timeout) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 1000), 0);
    char* raw = out_sentinel();
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, nullptr, 10, &raw), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(raw, nullptr);
    EXPECT_EQ(last_error().function, "HcsEnumerateComputeSystems");
    ASSERT_TRUE(settled());
}

TEST_F(enumerate_service, service_properties_basic) {
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_service_properties(nullptr, &raw), ZLHCS_S_OK) << last_error().message;
    const std::string text = take(raw);
    const rapidjson::Document d = parse(text);
    ASSERT_TRUE(d.IsObject()) << text;
    // ServiceProperties (schema): {"Properties":[{...one object per property type...}]}; the
    // basic query answers SupportedSchemaVersions. A flat object is accepted as well.
    const rapidjson::Value* versions_array = nullptr;
    if (d.HasMember("SupportedSchemaVersions")) versions_array = &d["SupportedSchemaVersions"];
    if (d.HasMember("Properties") && d["Properties"].IsArray()) {
        for (const auto& p : d["Properties"].GetArray()) {
            if (p.IsObject() && p.HasMember("SupportedSchemaVersions")) versions_array = &p["SupportedSchemaVersions"];
        }
    }
    ASSERT_NE(versions_array, nullptr) << text;
    ASSERT_TRUE(versions_array->IsArray()) << text;
    std::set<std::pair<int, int>> versions;
    for (const auto& v : versions_array->GetArray()) {
        versions.insert({v["Major"].GetInt(), v["Minor"].GetInt()});
    }
    EXPECT_TRUE(versions.count({2, 0}) == 1) << text;
    EXPECT_TRUE(versions.count({2, 1}) == 1) << text;

    ASSERT_EQ(zlhcs_service_properties(R"({"PropertyTypes":["Basic"]})", &raw), ZLHCS_S_OK)
        << last_error().message;
    EXPECT_TRUE(parse(take(raw)).IsObject());
}

TEST_F(enumerate_service, service_properties_errors) {
    char* raw = out_sentinel();
    EXPECT_EQ(zlhcs_service_properties(R"({"PropertyTypes":["Bogus"]})", &raw), ZLHCS_HR(0x80070057u));
    ASSERT_NE(raw, out_sentinel()) << "documents are written on failure too";
    // HCS's error document (if it sent one) is the caller's, on this thread or any other.
    EXPECT_EQ(take(raw), last_error().document);
    EXPECT_EQ(last_error().function, "HcsGetServiceProperties");
    raw = out_sentinel();
    EXPECT_EQ(zlhcs_service_properties("{", &raw), ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(zlhcs_service_properties("\xED\xA0\x80", &raw), ZLHCS_E_INVALID_UTF8);
    ASSERT_EQ(sim().fail_next_calls("HcsGetServiceProperties", 1, ZLHCS_HCS_E_ACCESS_DENIED,
                                    fault_immediate),
              0);
    EXPECT_EQ(zlhcs_service_properties(nullptr, &raw), ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_ACCESS_DENIED);
    EXPECT_EQ(take(raw), last_error().document) << "the error document is the caller's to free";
    ASSERT_EQ(zlhcs_service_properties(nullptr, &raw), ZLHCS_S_OK);
    zlhcs_free(raw);
}

TEST_F(enumerate_service, service_disconnect) {
    const std::string id = unique_id();
    system_guard s(create_system(id));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 5000), 0);
    operation_guard pending;
    callback_probe probe;
    ASSERT_EQ(zlhcs_system_start_async(s, nullptr, &callback_probe::callback, &probe, nullptr, &pending.handle),
              ZLHCS_S_OK);

    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    // A pending operation completes with the disconnect.
    EXPECT_EQ(zlhcs_operation_wait(pending, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT);

    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_SERVICE_DISCONNECT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_SERVICE_UNAVAILABLE);
    EXPECT_EQ(e.function, "HcsOpenComputeSystem");

    char* raw = nullptr;
    EXPECT_EQ(zlhcs_service_properties(nullptr, &raw), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    EXPECT_EQ(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &raw), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_SERVICE_UNAVAILABLE);
    EXPECT_EQ(zlhcs_system_start(s, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    zlhcs_operation op = 0xBAD;
    const zlhcs_hresult async_hr = zlhcs_system_properties_async(s, nullptr, nullptr, nullptr, nullptr, &op);
    if (async_hr >= 0) {
        // Started: it must complete with the disconnect.
        EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SERVICE_DISCONNECT);
        (void)zlhcs_operation_close(op);
    } else {
        EXPECT_EQ(async_hr, ZLHCS_HCS_E_SERVICE_DISCONNECT);
        EXPECT_EQ(op, 0u);
    }

    // The service comes back.
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 0), 0);
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_S_OK);
    system_guard opened_guard(opened);
    ASSERT_EQ(zlhcs_service_properties(nullptr, &raw), ZLHCS_S_OK);
    zlhcs_free(raw);
}

}  // namespace
}  // namespace zlhcs_core_test
