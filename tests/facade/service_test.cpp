// Library-wide functions: version, initialisation, enumeration, service properties.
#include "facade_test_support.hpp"

#include <future>
#include <set>
#include <string>

namespace {

using namespace facade_test;

TEST(FacadeLibrary, VersionMatchesTheHeader) {
    const zlhcs::version_info version = zlhcs::library_version();
    EXPECT_EQ(version.abi_version, ZLHCS_ABI_VERSION);
    EXPECT_EQ(version.major, ZLHCS_VERSION_MAJOR);
    EXPECT_EQ(version.minor, ZLHCS_VERSION_MINOR);
    EXPECT_EQ(version.text, std::to_string(version.major) + "." + std::to_string(version.minor) + "." +
                                std::to_string(version.patch));
}

TEST(FacadeLibrary, InitializeTheDefaultBackendAgainIsANoOp) {
    (void)zlhcs::backend_path();  // initialised by now, whatever ran first
    EXPECT_FALSE(zlhcs::initialize());
    EXPECT_FALSE(zlhcs::initialize(zlhcs::init_options{}));
    EXPECT_FALSE(zlhcs::backend_path().empty());
}

TEST(FacadeLibrary, InitializeWithOtherOptionsFails) {
    zlhcs::init_options options;
    options.backend = zlhcs::backend_kind::path;
    options.backend_path = "relative/libhcsim.so";
    try {
        (void)zlhcs::initialize(options);
        ADD_FAILURE() << "re-initialisation with a relative path succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_TRUE(e.code() == zlhcs::errc::invalid_argument || e.code() == zlhcs::errc::invalid_state) << e.what();
        EXPECT_EQ(e.call(), "zlhcs_init");
    }
}

TEST(FacadeService, PropertiesListSchemaVersions) {
    const std::string json = zlhcs::service_properties();
    const rapidjson::Document properties = parse(json);
    ASSERT_TRUE(properties.IsObject()) << json;
    // ServiceProperties: {"Properties":[<one entry per requested type>]}; by default Basic.
    ASSERT_TRUE(properties.HasMember("Properties")) << json;
    ASSERT_TRUE(properties["Properties"].IsArray()) << json;
    ASSERT_EQ(properties["Properties"].Size(), 1u) << json;
    const rapidjson::Value& basic = properties["Properties"][0];
    ASSERT_TRUE(basic.IsObject()) << json;
    ASSERT_TRUE(basic.HasMember("SupportedSchemaVersions")) << json;
    ASSERT_TRUE(basic["SupportedSchemaVersions"].IsArray()) << json;
    EXPECT_GE(basic["SupportedSchemaVersions"].Size(), 1u) << json;
    EXPECT_NO_THROW((void)zlhcs::service_properties(R"({"PropertyTypes":["Basic"]})"));
}

TEST(FacadeService, UnknownServicePropertyFails) {
    try {
        (void)zlhcs::service_properties(R"({"PropertyTypes":["NoSuchProperty"]})");
        ADD_FAILURE() << "unknown service property accepted";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument) << e.what();
    }
}

std::set<std::string> ids_in(const std::string& json) {
    std::set<std::string> ids;
    const rapidjson::Document systems = parse(json);
    EXPECT_TRUE(systems.IsArray()) << json;
    if (!systems.IsArray()) return ids;
    for (const auto& system : systems.GetArray()) ids.insert(string_member(system, "Id"));
    return ids;
}

TEST(FacadeService, EnumerateFiltersByOwnerAndId) {
    const std::string owner = unique_id("-owner");
    const std::string first_id = unique_id();
    const std::string second_id = unique_id();
    const zlhcs::compute_system first = zlhcs::compute_system::create(first_id, container_document(owner), kTimeout);
    const zlhcs::compute_system second = zlhcs::compute_system::create(second_id, vm_document(owner), kTimeout);
    first.start(kTimeout);

    const std::string by_owner = zlhcs::enumerate_systems(R"({"Owners":[")" + owner + R"("]})", kTimeout);
    EXPECT_EQ(ids_in(by_owner), (std::set<std::string>{first_id, second_id})) << by_owner;
    const rapidjson::Document systems = parse(by_owner);
    ASSERT_TRUE(systems.IsArray());
    for (const auto& system : systems.GetArray()) {
        EXPECT_EQ(string_member(system, "Owner"), owner);
        const std::string id = string_member(system, "Id");
        EXPECT_EQ(string_member(system, "State"), id == first_id ? "Running" : "Created");
        EXPECT_EQ(string_member(system, "SystemType"), id == first_id ? "Container" : "VirtualMachine");
    }

    const std::string by_id = zlhcs::enumerate_systems(R"({"Ids":[")" + second_id + R"("]})");
    EXPECT_EQ(ids_in(by_id), (std::set<std::string>{second_id})) << by_id;

    EXPECT_GE(ids_in(zlhcs::enumerate_systems()).count(first_id), 1u);

    std::future<std::string> future =
        zlhcs::enumerate_systems_async(R"({"Owners":[")" + owner + R"("]})").get_future();
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(ids_in(future.get()), (std::set<std::string>{first_id, second_id}));

    // A stopped system is cleaned up at once: no longer listed.
    EXPECT_TRUE(first.terminate(kTimeout));
    EXPECT_EQ(ids_in(zlhcs::enumerate_systems(R"({"Owners":[")" + owner + R"("]})", kTimeout)),
              (std::set<std::string>{second_id}));
    EXPECT_EQ(ids_in(zlhcs::enumerate_systems(R"({"Ids":[")" + first_id + R"("]})", kTimeout)),
              std::set<std::string>{});
}

TEST(FacadeService, EnumerateWithMalformedQueryIsInvalidJson) {
    try {
        (void)zlhcs::enumerate_systems(R"({"Owners":[)", kTimeout);
        ADD_FAILURE() << "malformed query accepted";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_json) << e.what();
    }
}

}  // namespace
