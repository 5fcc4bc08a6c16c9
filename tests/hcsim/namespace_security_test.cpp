// Id namespaces (HcsCreateComputeSystemInNamespace, HcsOpenComputeSystemInNamespace,
// HcsEnumerateComputeSystemsInNamespace), HCS_CREATE_OPTIONS_1, and the security inputs hcsim
// records: security descriptors of the create calls, the identity token of modify
// (HcsimGetSystemSecurity, HcsimGetProcessSecurity). docs/hcsim.md, "Id namespaces" and
// "Security inputs".
#include "hcsim_test_support.h"

#include <cstddef>
#include <cstring>

namespace hcsim_test {
namespace {

constexpr HRESULT not_found = HCSIM_HR(0x80070490u);      // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
constexpr HRESULT access_denied = HCSIM_HR(0x80070005u);  // E_ACCESSDENIED
constexpr std::size_t prefix_bytes = HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES;

class Namespaces : public HcsimTest {};
class CreateOptions : public HcsimTest {};
class Security : public HcsimTest {};

// Layout of the SDK structs as computedefs.h defines them (natively: hcs_types.h's copy; on
// Windows: mingw-w64's computedefs.h): a wrong native copy would misread a real caller's.
static_assert(sizeof(HCS_CREATE_OPTIONS) == 4);
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
static_assert(sizeof(HCS_CREATE_OPTIONS_1) == 48);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, Version) == 0);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, UserToken) == 8);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, SecurityDescriptor) == 16);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, CallbackOptions) == 24);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, CallbackContext) == 32);
static_assert(offsetof(HCS_CREATE_OPTIONS_1, Callback) == 40);
#endif
static_assert(HcsCreateOptions_1 == 0x00010000);
// hcsim_security_record has no implicit padding (the same layout for C and C++ callers).
static_assert(sizeof(hcsim_security_record) == 64);
static_assert(offsetof(hcsim_security_record, security_descriptor_address) == 8);
static_assert(offsetof(hcsim_security_record, security_descriptor_prefix) == 16);
static_assert(offsetof(hcsim_security_record, create_options_given) == 36);
static_assert(offsetof(hcsim_security_record, user_token) == 40);
static_assert(offsetof(hcsim_security_record, last_identity) == 56);

Result create_in(const char* id_namespace, const std::string& id, const std::string& config, Sys& out,
                 const HCS_CREATE_OPTIONS* options = nullptr) {
    Op op;
    Result result;
    const u16string wnamespace = id_namespace != nullptr ? W(id_namespace) : u16string();
    const u16string wid = W(id);
    const u16string wconfig = W(config);
    result.hr = HcsCreateComputeSystemInNamespace(id_namespace != nullptr ? wnamespace.c_str() : nullptr,
                                                  wid.c_str(), wconfig.c_str(), op, options, out.out());
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

HRESULT open_in(const char* id_namespace, const std::string& id, Sys& out) {
    const u16string wnamespace = W(id_namespace);
    const u16string wid = W(id);
    return HcsOpenComputeSystemInNamespace(wnamespace.c_str(), wid.c_str(), GENERIC_ALL, out.out());
}

HRESULT open_plain(const std::string& id, Sys& out) {
    return HcsOpenComputeSystem(W(id).c_str(), GENERIC_ALL, out.out());
}

Result enumerate_in(const char* id_namespace, const char* query = nullptr) {
    Op op;
    Result result;
    const u16string wnamespace = W(id_namespace);
    const u16string wquery = query != nullptr ? W(query) : u16string();
    result.hr = HcsEnumerateComputeSystemsInNamespace(wnamespace.c_str(), query != nullptr ? wquery.c_str() : nullptr, op);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

// The ids of an enumeration result, in order.
std::vector<std::string> ids_of(const Result& result) {
    std::vector<std::string> ids;
    const auto doc = parse(result.document);
    if (!doc.IsArray()) return {"<not an array: " + result.document + ">"};
    for (const auto& entry : doc.GetArray()) ids.emplace_back(entry["Id"].GetString());
    return ids;
}

std::string id_of(HCS_SYSTEM system) {
    const Result r = properties(system);
    if (FAILED(r.hr)) return "<properties failed>";
    return parse(r.document)["Id"].GetString();
}

// A security descriptor's first bytes as a caller lays them out (self-relative header:
// Revision 1, Sbz1, Control = SE_SELF_RELATIVE | SE_DACL_PRESENT, then four offsets), and a
// distinct pattern after, so that every recorded byte is checked.
struct Descriptor {
    alignas(8) unsigned char bytes[64];
    explicit Descriptor(unsigned char seed, unsigned char revision = 1) {
        for (std::size_t i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<unsigned char>(seed + 7 * i);
        bytes[0] = revision;
        bytes[1] = 0;
        bytes[2] = 0x04;
        bytes[3] = 0x80;
    }
    const SECURITY_DESCRIPTOR* get() const { return reinterpret_cast<const SECURITY_DESCRIPTOR*>(bytes); }
    SECURITY_DESCRIPTOR* get() { return reinterpret_cast<SECURITY_DESCRIPTOR*>(bytes); }
};

hcsim_security_record record_of(const char* id_namespace, const char* id, HRESULT expected = S_OK) {
    hcsim_security_record record{};
    record.struct_size = sizeof record;
    EXPECT_HR(expected, HcsimGetSystemSecurity(id_namespace, id, &record)) << (id_namespace ? id_namespace : "(default)")
                                                                         << "/" << id;
    return record;
}

void expect_descriptor(const hcsim_security_record& record, const Descriptor& descriptor) {
    EXPECT_EQ(1u, record.security_descriptor_given);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(descriptor.bytes), record.security_descriptor_address);
    EXPECT_EQ(0, std::memcmp(descriptor.bytes, record.security_descriptor_prefix, prefix_bytes));
    EXPECT_NE(descriptor.bytes[prefix_bytes - 1], 0) << "the pattern reaches the last recorded byte";
}

void expect_no_descriptor(const hcsim_security_record& record) {
    EXPECT_EQ(0u, record.security_descriptor_given);
    EXPECT_EQ(0u, record.security_descriptor_address);
    const unsigned char zeros[prefix_bytes] = {};
    EXPECT_EQ(0, std::memcmp(zeros, record.security_descriptor_prefix, prefix_bytes));
}

void CALLBACK ignore_completion(HCS_OPERATION, void*) {}

// ---------------------------------------------------------------------------------------
// Id namespaces

TEST_F(Namespaces, AnIdIsUniquePerNamespace) {
    Sys plain;
    Sys in_a;
    Sys in_b;
    ASSERT_EQ(S_OK, create_system("shared", container_config(), plain).hr);
    ASSERT_EQ(S_OK, create_in("ns-a", "shared", container_config(), in_a).hr);
    ASSERT_EQ(S_OK, create_in("ns-b", "shared", vm_config(), in_b).hr);
    // Three systems: each handle works on its own.
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, in_a).hr);
    EXPECT_EQ("Created", state_of(plain));
    EXPECT_EQ("Running", state_of(in_a));
    EXPECT_EQ("Created", state_of(in_b));
    EXPECT_EQ(3u, live().systems);
    // Within a namespace an id is taken, ids and namespace ids ignoring (ASCII) case.
    Sys duplicate;
    const Result again = create_in("NS-A", "SHARED", container_config(), duplicate);
    EXPECT_HR(HCS_E_SYSTEM_ALREADY_EXISTS, again.hr);
    EXPECT_EQ(static_cast<int32_t>(HCS_E_SYSTEM_ALREADY_EXISTS), parse(again.document)["Error"].GetInt());
    Sys plain_duplicate;
    EXPECT_HR(HCS_E_SYSTEM_ALREADY_EXISTS, create_system("Shared", container_config(), plain_duplicate).hr);
    EXPECT_EQ(3u, live().systems);
}

TEST_F(Namespaces, OpenSeesOnlyItsNamespace) {
    Sys in_a;
    Sys plain;
    ASSERT_EQ(S_OK, create_in("ns-a", "only-in-a", container_config(), in_a).hr);
    ASSERT_EQ(S_OK, create_system("only-plain", container_config(), plain).hr);

    Sys opened;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, open_plain("only-in-a", opened));
    EXPECT_EQ(nullptr, opened.get());
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, open_in("ns-b", "only-in-a", opened));
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, open_in("ns-a", "only-plain", opened));
    EXPECT_EQ(nullptr, opened.get());

    ASSERT_EQ(S_OK, open_in("NS-A", "ONLY-IN-A", opened));
    EXPECT_EQ("only-in-a", id_of(opened));
    // The opened handle is one more handle to the same system.
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, opened).hr);
    EXPECT_EQ("Running", state_of(in_a));
    Sys opened_plain;
    ASSERT_EQ(S_OK, open_plain("only-plain", opened_plain));
    EXPECT_EQ("only-plain", id_of(opened_plain));
}

TEST_F(Namespaces, EnumerateSeesOnlyItsNamespace) {
    Sys a1, a2, b1, d1;
    ASSERT_EQ(S_OK, create_in("ns-a", "a1", container_config(), a1).hr);
    ASSERT_EQ(S_OK, create_in("ns-b", "b1", container_config(), b1).hr);
    ASSERT_EQ(S_OK, create_system("d1", container_config(), d1).hr);
    ASSERT_EQ(S_OK, create_in("ns-a", "a2", vm_config(), a2).hr);

    const Result plain = enumerate();
    ASSERT_EQ(S_OK, plain.hr);
    EXPECT_EQ(std::vector<std::string>{"d1"}, ids_of(plain)) << "the plain call sees the default namespace only";
    const Result in_a = enumerate_in("ns-a");
    ASSERT_EQ(S_OK, in_a.hr);
    EXPECT_EQ((std::vector<std::string>{"a1", "a2"}), ids_of(in_a)) << "creation order";
    EXPECT_EQ(std::vector<std::string>{"b1"}, ids_of(enumerate_in("NS-B")));
    // Queries apply within the namespace: Ids of another namespace's system match nothing.
    EXPECT_EQ(std::vector<std::string>{"a2"}, ids_of(enumerate_in("ns-a", R"({"Ids":["b1","A2","d1"]})")));
    EXPECT_EQ(std::vector<std::string>{"a2"}, ids_of(enumerate_in("ns-a", R"({"Types":["VirtualMachine"]})")));
    EXPECT_EQ(std::vector<std::string>{}, ids_of(enumerate_in("ns-a", R"({"Ids":["b1"]})")));
    EXPECT_EQ(std::vector<std::string>{"d1"}, ids_of(enumerate(R"({"Ids":["a1","d1"]})")));
    EXPECT_HR(HCS_E_INVALID_JSON, enumerate_in("ns-a", "[1]").hr);
}

TEST_F(Namespaces, ANamespaceWithoutSystemsIsUnknown) {
    // Assumption: a namespace exists while it holds a system (computecore has no call to
    // create or delete one); enumerating an unknown one fails, with an error document.
    const Result unknown = enumerate_in("never-used");
    EXPECT_HR(not_found, unknown.hr);
    const auto error = parse(unknown.document);
    EXPECT_EQ(static_cast<int32_t>(not_found), error["Error"].GetInt());
    EXPECT_NE(std::string(error["ErrorMessage"].GetString()).find("never-used"), std::string::npos);
    Sys none;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, open_in("never-used", "x", none));

    Sys a;
    ASSERT_EQ(S_OK, create_in("ns-a", "x", container_config(), a).hr);
    EXPECT_EQ(std::vector<std::string>{"x"}, ids_of(enumerate_in("ns-a")));
    // Stopped = cleaned up (Overview.md): the id is free again, and the namespace is empty.
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, a).hr);
    EXPECT_HR(not_found, enumerate_in("ns-a").hr);
    Sys reopened;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, open_in("ns-a", "x", reopened));
    Sys again;
    ASSERT_EQ(S_OK, create_in("ns-a", "x", container_config(), again).hr);
    EXPECT_EQ("Created", state_of(again));
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(a).hr) << "the old handle stays with the old system";
    // The default namespace always exists: an empty plain enumeration succeeds.
    EXPECT_EQ(std::vector<std::string>{}, ids_of(enumerate()));
}

TEST_F(Namespaces, InvalidNamespaceIdsAreRefusedAtOnce) {
    u16string lone_surrogate = W("ns");
    lone_surrogate.push_back(static_cast<zlhcs::common::utf16_char>(0xD800));
    const u16string empty;
    const u16string config = W(container_config());
    const u16string id = W("id");
    for (const PCWSTR bad : {static_cast<PCWSTR>(nullptr), empty.c_str(), static_cast<PCWSTR>(lone_surrogate.c_str())}) {
        Op op;
        Sys system;
        EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystemInNamespace(bad, id.c_str(), config.c_str(), op, nullptr, system.out()));
        EXPECT_EQ(nullptr, system.get());
        EXPECT_HR(E_INVALIDARG, HcsOpenComputeSystemInNamespace(bad, id.c_str(), GENERIC_ALL, system.out()));
        EXPECT_EQ(nullptr, system.get());
        EXPECT_HR(E_INVALIDARG, HcsEnumerateComputeSystemsInNamespace(bad, nullptr, op));
        // The operation was not used.
        EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));
    }
    // The other arguments, as for the plain calls.
    const u16string ns = W("ns-a");
    Op op;
    Sys system;
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystemInNamespace(ns.c_str(), id.c_str(), nullptr, op, nullptr, system.out()));
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystemInNamespace(ns.c_str(), id.c_str(), config.c_str(), nullptr, nullptr, system.out()));
    EXPECT_HR(E_POINTER, HcsCreateComputeSystemInNamespace(ns.c_str(), id.c_str(), config.c_str(), op, nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystemInNamespace(ns.c_str(), empty.c_str(), config.c_str(), op, nullptr, system.out()));
    EXPECT_HR(E_INVALIDARG, HcsOpenComputeSystemInNamespace(ns.c_str(), nullptr, GENERIC_ALL, system.out()));
    EXPECT_HR(E_POINTER, HcsOpenComputeSystemInNamespace(ns.c_str(), id.c_str(), GENERIC_ALL, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsEnumerateComputeSystemsInNamespace(ns.c_str(), nullptr, nullptr));
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));
    EXPECT_EQ(0u, live().systems);
}

TEST_F(Namespaces, ANullIdGetsAGuidAndBadConfigurationsFailTheOperation) {
    Sys generated;
    Op op;
    const u16string ns = W("ns-a");
    ASSERT_EQ(S_OK, HcsCreateComputeSystemInNamespace(ns.c_str(), nullptr, W(container_config()).c_str(), op,
                                                      nullptr, generated.out()));
    ASSERT_EQ(S_OK, op.wait());
    const std::string id = id_of(generated);
    EXPECT_EQ(36u, id.size()) << id;
    EXPECT_EQ(std::vector<std::string>{id}, ids_of(enumerate_in("ns-a")));
    Sys bad;
    const Result r = create_in("ns-a", "bad", R"({"SchemaVersion":{"Major":2,"Minor":1}})", bad);
    EXPECT_HR(HCS_E_INVALID_JSON, r.hr);
    EXPECT_FALSE(parse(r.document)["ErrorMessage"].IsNull());
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(bad).hr) << "a failed create's handle has no system";
}

TEST_F(Namespaces, FaultsLatencyAndDisconnectReachTheNamespaceCalls) {
    for (const char* name : {"HcsCreateComputeSystemInNamespace", "HcsOpenComputeSystemInNamespace",
                             "HcsEnumerateComputeSystemsInNamespace"}) {
        EXPECT_EQ(S_OK, HcsimFailNextCalls(name, 1, E_FAIL, HCSIM_FAULT_IMMEDIATE)) << name;
    }
    Sys system;
    EXPECT_HR(E_FAIL, create_in("ns-a", "faulty", container_config(), system).hr);
    ASSERT_EQ(S_OK, create_in("ns-a", "faulty", container_config(), system).hr) << "one call only";
    Sys opened;
    EXPECT_HR(E_FAIL, open_in("ns-a", "faulty", opened));
    EXPECT_HR(E_FAIL, enumerate_in("ns-a").hr);
    EXPECT_EQ(S_OK, open_in("ns-a", "faulty", opened));

    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsEnumerateComputeSystemsInNamespace", 1, access_denied, HCSIM_FAULT_ASYNC));
    EXPECT_HR(access_denied, enumerate_in("ns-a").hr);

    ASSERT_EQ(S_OK, HcsimSetLatency("HcsEnumerateComputeSystemsInNamespace", 60));
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(S_OK, enumerate_in("ns-a").hr);
    EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(55));
    ASSERT_EQ(S_OK, HcsimSetLatency(nullptr, 0));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsEnumerateComputeSystemsInNamespace", 0));

    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(1));
    Sys other;
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, create_in("ns-a", "other", container_config(), other).hr);
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, open_in("ns-a", "faulty", other));
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, enumerate_in("ns-a").hr);
    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(0));
}

// ---------------------------------------------------------------------------------------
// HCS_CREATE_OPTIONS_1

HCS_CREATE_OPTIONS_1 options_v1() {
    HCS_CREATE_OPTIONS_1 options;
    std::memset(&options, 0, sizeof options);
    options.Version = HcsCreateOptions_1;
    return options;
}

const HCS_CREATE_OPTIONS* as_options(const HCS_CREATE_OPTIONS_1& options) { return &options.Version; }

TEST_F(CreateOptions, OnlyVersionOneIsAccepted) {
    HCS_CREATE_OPTIONS_1 options = options_v1();
    Sys system;
    ASSERT_EQ(S_OK, create_in("ns-a", "v1", container_config(), system, as_options(options)).hr);
    // Another version: the caller's struct is not one HCS knows. Written as raw bits (it is
    // not an enumerator).
    for (const uint32_t version : {0u, 0x00020000u, 0x00010001u}) {
        std::memcpy(&options.Version, &version, sizeof version);
        Sys other;
        EXPECT_HR(E_INVALIDARG, create_in("ns-a", "other", container_config(), other, as_options(options)).hr) << version;
        EXPECT_EQ(nullptr, other.get());
    }
    EXPECT_EQ(1u, live().systems);
}

TEST_F(CreateOptions, TheOptionsCallbackIsTheHandlesEventCallbackFromTheStart) {
    EventLog log;  // outlives the handle
    HCS_CREATE_OPTIONS_1 options = options_v1();
    options.Callback = &EventLog::callback;
    options.CallbackContext = &log;
    options.CallbackOptions = HcsEventOptionEnableOperationCallbacks;
    Sys system;
    Op create;
    const u16string ns = W("ns-a");
    ASSERT_EQ(S_OK, HcsCreateComputeSystemInNamespace(ns.c_str(), W("with-callback").c_str(),
                                                      W(container_config()).c_str(), create,
                                                      as_options(options), system.out()));
    // The create's own completion reaches it (OperationCompletionSample.md's binding).
    auto events = log.wait_for(1);
    ASSERT_EQ(1u, events.size());
    EXPECT_EQ(HcsEventOperationCallback, events[0].type);
    EXPECT_EQ(create.get(), events[0].operation);
    EXPECT_EQ(S_OK, create.wait());
    // One callback per handle: it is set already.
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
              HcsSetComputeSystemCallback(system, HcsEventOptionNone, nullptr, &EventLog::callback));
    // Events of the system reach it too.
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    events = log.wait_for(3);
    ASSERT_EQ(3u, events.size());
    EXPECT_EQ(HcsEventSystemExited, events[1].type);
    EXPECT_EQ("ForcedExit", std::string(parse(events[1].data)["ExitType"].GetString()));
    EXPECT_EQ(HcsEventOperationCallback, events[2].type);
}

TEST_F(CreateOptions, AnOperationWithItsOwnCallbackConflictsWithAnOperationCallbackInTheOptions) {
    EventLog log;
    HCS_CREATE_OPTIONS_1 options = options_v1();
    options.Callback = &EventLog::callback;
    options.CallbackContext = &log;
    options.CallbackOptions = HcsEventOptionEnableOperationCallbacks;
    Op with_callback(&ignore_completion);
    Sys system;
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
              HcsCreateComputeSystemInNamespace(W("ns-a").c_str(), W("conflict").c_str(), W(container_config()).c_str(),
                                                with_callback, as_options(options), system.out()));
    EXPECT_EQ(nullptr, system.get());
    // Without operation callbacks in the options there is no conflict; only events arrive.
    options.CallbackOptions = HcsEventOptionNone;
    ASSERT_EQ(S_OK, HcsCreateComputeSystemInNamespace(W("ns-a").c_str(), W("conflict").c_str(),
                                                      W(container_config()).c_str(), with_callback,
                                                      as_options(options), system.out()));
    EXPECT_EQ(S_OK, with_callback.wait());
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    const auto events = log.wait_for(1);
    ASSERT_EQ(1u, events.size());
    EXPECT_EQ(HcsEventSystemExited, events[0].type);
    wait_idle();
    EXPECT_EQ(1u, log.snapshot().size()) << "no operation completions without the option";
}

TEST_F(CreateOptions, CallbackOptionsNeedACallbackAndKnownBits) {
    EventLog log;
    HCS_CREATE_OPTIONS_1 options = options_v1();
    options.CallbackOptions = HcsEventOptionEnableOperationCallbacks;  // no callback
    Sys system;
    EXPECT_HR(E_INVALIDARG, create_in("ns-a", "x", container_config(), system, as_options(options)).hr);
    options.Callback = &EventLog::callback;
    options.CallbackContext = &log;
    const uint32_t unknown_bit = 0x100;
    std::memcpy(&options.CallbackOptions, &unknown_bit, sizeof unknown_bit);
    EXPECT_HR(E_INVALIDARG, create_in("ns-a", "x", container_config(), system, as_options(options)).hr);
    EXPECT_EQ(nullptr, system.get());
    // The live-migration bit hcsshim registers with is accepted, as by HcsSetComputeSystemCallback.
    const uint32_t live_migration = 0x4;
    std::memcpy(&options.CallbackOptions, &live_migration, sizeof live_migration);
    EXPECT_EQ(S_OK, create_in("ns-a", "x", container_config(), system, as_options(options)).hr);
    // A context without a callback is ignored.
    HCS_CREATE_OPTIONS_1 context_only = options_v1();
    context_only.CallbackContext = &log;
    Sys other;
    EXPECT_EQ(S_OK, create_in("ns-a", "y", container_config(), other, as_options(context_only)).hr);
    EXPECT_EQ(S_OK, HcsSetComputeSystemCallback(other, HcsEventOptionNone, &log, &EventLog::callback))
        << "no callback was registered from the options";
}

// ---------------------------------------------------------------------------------------
// Security inputs

TEST_F(Security, CreateRecordsItsSecurityDescriptor) {
    const Descriptor descriptor(0x21);
    Sys with;
    Op op;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(W("with-sd").c_str(), W(container_config()).c_str(), op,
                                           descriptor.get(), with.out()));
    ASSERT_EQ(S_OK, op.wait());
    const auto record = record_of(nullptr, "WITH-SD");
    EXPECT_EQ(sizeof(hcsim_security_record), record.struct_size);
    expect_descriptor(record, descriptor);
    EXPECT_EQ(0u, record.create_options_given);
    EXPECT_EQ(0u, record.user_token);
    EXPECT_EQ(0u, record.modify_calls);

    Sys without;
    ASSERT_EQ(S_OK, create_system("without-sd", container_config(), without).hr);
    expect_no_descriptor(record_of(nullptr, "without-sd"));
    // The record belongs to the system, in its namespace.
    record_of("ns-a", "with-sd", HCS_E_SYSTEM_NOT_FOUND);
    record_of(nullptr, "no-such-system", HCS_E_SYSTEM_NOT_FOUND);
    // Gone with the system (stopped = cleaned up).
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, with).hr);
    record_of(nullptr, "with-sd", HCS_E_SYSTEM_NOT_FOUND);
}

TEST_F(Security, CreateInNamespaceRecordsTheOptions) {
    const Descriptor descriptor(0x5C);
    HCS_CREATE_OPTIONS_1 options = options_v1();
    options.UserToken = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x1234));
    options.SecurityDescriptor = const_cast<SECURITY_DESCRIPTOR*>(descriptor.get());
    Sys system;
    ASSERT_EQ(S_OK, create_in("ns-a", "with-options", container_config(), system, as_options(options)).hr);
    const auto record = record_of("NS-A", "with-options");
    EXPECT_EQ(1u, record.create_options_given);
    EXPECT_EQ(0x1234u, record.user_token);
    expect_descriptor(record, descriptor);
    record_of(nullptr, "with-options", HCS_E_SYSTEM_NOT_FOUND);

    // Options without a descriptor or token, and no options at all.
    HCS_CREATE_OPTIONS_1 bare = options_v1();
    Sys second;
    ASSERT_EQ(S_OK, create_in("ns-a", "bare-options", container_config(), second, as_options(bare)).hr);
    const auto bare_record = record_of("ns-a", "bare-options");
    EXPECT_EQ(1u, bare_record.create_options_given);
    EXPECT_EQ(0u, bare_record.user_token);
    expect_no_descriptor(bare_record);
    Sys third;
    ASSERT_EQ(S_OK, create_in("ns-a", "no-options", container_config(), third).hr);
    const auto none = record_of("ns-a", "no-options");
    EXPECT_EQ(0u, none.create_options_given);
    expect_no_descriptor(none);
}

TEST_F(Security, ADescriptorWithoutRevisionOneIsRefused) {
    const Descriptor bad(0x33, 2);
    Op op;
    Sys system;
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(W("bad-sd").c_str(), W(container_config()).c_str(), op,
                                                   bad.get(), system.out()));
    HCS_CREATE_OPTIONS_1 options = options_v1();
    options.SecurityDescriptor = const_cast<SECURITY_DESCRIPTOR*>(bad.get());
    EXPECT_HR(E_INVALIDARG, create_in("ns-a", "bad-sd", container_config(), system, as_options(options)).hr);
    EXPECT_EQ(nullptr, system.get());
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));

    Sys running;
    ASSERT_EQ(S_OK, create_system("running", container_config(), running).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, running).hr);
    HCS_PROCESS process = nullptr;
    EXPECT_HR(E_INVALIDARG, HcsCreateProcess(running, W(R"({"CommandLine":"echo"})").c_str(), op, bad.get(), &process));
    EXPECT_EQ(nullptr, process);
    EXPECT_EQ(0u, live().process_handles);
}

TEST_F(Security, ModifyRecordsTheLastIdentityToken) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("modified", vm_config(), system).hr);
    const std::string update = R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":4096})";
    const auto modify_with = [&](const std::string& request, HANDLE identity) {
        Op op;
        const HRESULT hr = HcsModifyComputeSystem(system, op, W(request).c_str(), identity);
        return FAILED(hr) ? hr : op.wait();
    };
    EXPECT_EQ(0u, record_of(nullptr, "modified").modify_calls);
    ASSERT_EQ(S_OK, modify_with(update, reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0xABC))));
    auto record = record_of(nullptr, "modified");
    EXPECT_EQ(1u, record.modify_calls);
    EXPECT_EQ(1u, record.identity_given);
    EXPECT_EQ(0xABCu, record.last_identity);
    ASSERT_EQ(S_OK, modify_with(update, nullptr));
    record = record_of(nullptr, "modified");
    EXPECT_EQ(2u, record.modify_calls);
    EXPECT_EQ(0u, record.identity_given);
    EXPECT_EQ(0u, record.last_identity);
    // A call refused at once is not counted; an accepted one whose operation fails is.
    Op op;
    EXPECT_HR(E_INVALIDARG, HcsModifyComputeSystem(system, op, nullptr, reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x77))));
    EXPECT_EQ(2u, record_of(nullptr, "modified").modify_calls);
    EXPECT_HR(HCS_E_INVALID_JSON, modify_with("[]", reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x78))));
    record = record_of(nullptr, "modified");
    EXPECT_EQ(3u, record.modify_calls);
    EXPECT_EQ(0x78u, record.last_identity);
    // Through another handle of the same system: the same record.
    Sys opened;
    ASSERT_EQ(S_OK, open_plain("modified", opened));
    Op op2;
    ASSERT_EQ(S_OK, HcsModifyComputeSystem(opened, op2, W(update).c_str(), reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x99))));
    ASSERT_EQ(S_OK, op2.wait());
    EXPECT_EQ(0x99u, record_of(nullptr, "modified").last_identity);
    // In a namespace too.
    Sys in_a;
    ASSERT_EQ(S_OK, create_in("ns-a", "modified", vm_config(), in_a).hr);
    Op op3;
    ASSERT_EQ(S_OK, HcsModifyComputeSystem(in_a, op3, W(update).c_str(), reinterpret_cast<HANDLE>(static_cast<uintptr_t>(0x5))));
    ASSERT_EQ(S_OK, op3.wait());
    EXPECT_EQ(0x5u, record_of("ns-a", "modified").last_identity);
    EXPECT_EQ(1u, record_of("ns-a", "modified").modify_calls);
    EXPECT_EQ(0x99u, record_of(nullptr, "modified").last_identity);
}

// Starts `command` in `system` with `descriptor`; returns its pid (0 on failure).
DWORD start_process(HCS_SYSTEM system, const char* command, const SECURITY_DESCRIPTOR* descriptor, HCS_PROCESS* process) {
    Op op;
    const std::string parameters = std::string(R"({"CommandLine":")") + command + "\"}";
    if (FAILED(HcsCreateProcess(system, W(parameters).c_str(), op, descriptor, process))) return 0;
    HCS_PROCESS_INFORMATION info{};
    PWSTR document = nullptr;
    const HRESULT hr = HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, &document);
    free_string(document);
    return FAILED(hr) ? 0 : info.ProcessId;
}

void end_process(HCS_PROCESS process) {
    Op op;
    if (SUCCEEDED(HcsTerminateProcess(process, op, nullptr))) op.wait();
    HcsWaitForProcessExit(process, INFINITE, nullptr);
    HcsCloseProcess(process);
}

TEST_F(Security, CreateProcessRecordsItsSecurityDescriptor) {
    Sys system;
    ASSERT_EQ(S_OK, create_in("ns-a", "with-processes", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const Descriptor descriptor(0x42);
    HCS_PROCESS with = nullptr;
    HCS_PROCESS without = nullptr;
    const DWORD with_pid = start_process(system, "sleep 60000", descriptor.get(), &with);
    const DWORD without_pid = start_process(system, "sleep 60000", nullptr, &without);
    ASSERT_NE(0u, with_pid);
    ASSERT_NE(0u, without_pid);

    hcsim_security_record record{};
    record.struct_size = sizeof record;
    ASSERT_EQ(S_OK, HcsimGetProcessSecurity("ns-a", "with-processes", with_pid, &record));
    expect_descriptor(record, descriptor);
    EXPECT_EQ(0u, record.create_options_given);
    EXPECT_EQ(0u, record.modify_calls);
    ASSERT_EQ(S_OK, HcsimGetProcessSecurity("ns-a", "with-processes", without_pid, &record));
    expect_no_descriptor(record);
    EXPECT_HR(not_found, HcsimGetProcessSecurity("ns-a", "with-processes", 4242, &record));
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsimGetProcessSecurity(nullptr, "with-processes", with_pid, &record));
    // The system's own record knows nothing of its processes' descriptors.
    expect_no_descriptor(record_of("ns-a", "with-processes"));

    end_process(with);
    end_process(without);
    // An exited process whose handles are closed is forgotten.
    EXPECT_HR(not_found, HcsimGetProcessSecurity("ns-a", "with-processes", with_pid, &record));
}

TEST_F(Security, TheReservedSwitchRefusesDescriptorsAndOptions) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_SECURITY_RESERVED));
    EXPECT_EQ(HCSIM_BEHAVIOR_SECURITY_RESERVED, HcsimGetBehavior());
    const Descriptor descriptor(0x10);
    Op op;
    Sys system;
    EXPECT_HR(E_INVALIDARG, HcsCreateComputeSystem(W("reserved").c_str(), W(container_config()).c_str(), op,
                                                   descriptor.get(), system.out()));
    EXPECT_EQ(nullptr, system.get());
    const HCS_CREATE_OPTIONS_1 options = options_v1();
    EXPECT_HR(E_INVALIDARG, create_in("ns-a", "reserved", container_config(), system, as_options(options)).hr);
    EXPECT_EQ(nullptr, system.get());
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));
    // NULL is fine.
    ASSERT_EQ(S_OK, create_in("ns-a", "reserved", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    HCS_PROCESS process = nullptr;
    EXPECT_HR(E_INVALIDARG, HcsCreateProcess(system, W(R"({"CommandLine":"echo"})").c_str(), op, descriptor.get(), &process));
    EXPECT_EQ(nullptr, process);
    ASSERT_NE(0u, start_process(system, "echo", nullptr, &process));
    end_process(process);
}

TEST_F(Security, ControlCallArguments) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("args", container_config(), system).hr);
    hcsim_security_record record{};
    record.struct_size = sizeof record;
    EXPECT_HR(E_INVALIDARG, HcsimGetSystemSecurity(nullptr, nullptr, &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetSystemSecurity(nullptr, "", &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetSystemSecurity("", "args", &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetSystemSecurity(nullptr, "args", nullptr));
    EXPECT_HR(E_INVALIDARG, HcsimGetProcessSecurity(nullptr, nullptr, 1000, &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetProcessSecurity("", "args", 1000, &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetProcessSecurity(nullptr, "args", 1000, nullptr));
    record.struct_size = sizeof record - 1;
    EXPECT_HR(E_INVALIDARG, HcsimGetSystemSecurity(nullptr, "args", &record));
    EXPECT_HR(E_INVALIDARG, HcsimGetProcessSecurity(nullptr, "args", 1000, &record));
    // A larger struct (a later header's) is accepted; only the known part is written.
    struct {
        hcsim_security_record base;
        uint64_t future;
    } bigger;
    std::memset(&bigger, 0xEE, sizeof bigger);
    bigger.base.struct_size = sizeof bigger;
    ASSERT_EQ(S_OK, HcsimGetSystemSecurity(nullptr, "args", &bigger.base));
    EXPECT_EQ(sizeof bigger, bigger.base.struct_size);
    EXPECT_EQ(0u, bigger.base.security_descriptor_given);
    EXPECT_EQ(0u, bigger.base.modify_calls);
    EXPECT_EQ(0xEEEEEEEEEEEEEEEEull, bigger.future);
}

}  // namespace
}  // namespace hcsim_test
