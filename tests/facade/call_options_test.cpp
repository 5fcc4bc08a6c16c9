// zlhcs::call_options: the facade passes what HCS takes besides the document (hcsim records
// it), and a member a call does not take is an error, not silently dropped.
#include "facade_test_support.hpp"

#include <zlhcs/core.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace {

using namespace facade_test;

struct fake_security_descriptor {  // a SECURITY_DESCRIPTOR header: Revision 1, nothing else
    unsigned char bytes[20] = {1, 0, 0x04, 0x80};
};

hcsim_security_record security_of(const char* id_namespace, const std::string& id) {
    hcsim_security_record record{};
    record.struct_size = sizeof record;
    EXPECT_EQ(sim().get_system_security(id_namespace, id.c_str(), &record), 0) << id;
    return record;
}

TEST(FacadeCallOptions, CreateAndProcessCreatePassTheSecurityDescriptor) {
    const fake_security_descriptor descriptor;
    zlhcs::call_options options;
    options.security_descriptor = &descriptor;
    const std::string id = unique_id();
    zlhcs::compute_system system = zlhcs::compute_system::create(id, container_document(), options, kTimeout);
    hcsim_security_record record = security_of(nullptr, id);
    EXPECT_EQ(record.security_descriptor_given, 1u);
    EXPECT_EQ(record.security_descriptor_address, reinterpret_cast<std::uintptr_t>(&descriptor));

    system.start(kTimeout);
    zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"sleep 600000"})", options, kTimeout);
    hcsim_security_record process_record{};
    process_record.struct_size = sizeof process_record;
    ASSERT_EQ(sim().get_process_security(nullptr, id.c_str(), child.id(), &process_record), 0);
    EXPECT_EQ(process_record.security_descriptor_given, 1u);
    EXPECT_TRUE(child.terminate(kTimeout));
    system.terminate(kTimeout);
}

TEST(FacadeCallOptions, ModifyPassesTheIdentityToken) {
    const std::string id = unique_id();
    zlhcs::compute_system system = zlhcs::compute_system::create(id, vm_document(), kTimeout);
    system.start(kTimeout);
    zlhcs::call_options options;
    options.identity_token = 0xBEEF;
    system.modify(R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update",)"
                  R"("Settings":2048})",
                  options, kTimeout);
    const hcsim_security_record record = security_of(nullptr, id);
    EXPECT_EQ(record.identity_given, 1u);
    EXPECT_EQ(record.last_identity, 0xBEEFu);
    system.terminate(kTimeout);
}

TEST(FacadeCallOptions, ANamespaceScopesCreateAndOpen) {
    const std::string id = unique_id();
    zlhcs::call_options options;
    options.namespace_id = unique_id("-namespace");
    zlhcs::compute_system scoped = zlhcs::compute_system::create(id, container_document(), options, kTimeout);
    EXPECT_EQ(state_of(zlhcs::compute_system::open(id, options)), "Created");
    try {
        (void)zlhcs::compute_system::open(id);  // the default namespace has no such system
        ADD_FAILURE() << "opened a namespaced system without its namespace";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::not_found);
    }
    scoped.terminate(kTimeout);
}

TEST(FacadeCallOptions, AMemberTheCallDoesNotTakeIsRefused) {
    zlhcs::call_options options;
    options.identity_token = 1;  // modify only
    try {
        (void)zlhcs::compute_system::create(unique_id(), container_document(), options, kTimeout);
        ADD_FAILURE() << "create took an identity token";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_argument);
        EXPECT_NE(std::string(e.what()).find("identity_token"), std::string::npos) << e.what();
    }
}

}  // namespace
