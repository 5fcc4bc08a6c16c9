// zlhcs::error, zlhcs::errc, the error categories, check().
#include "facade_test_support.hpp"

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>

namespace {

using namespace facade_test;

static_assert(std::is_base_of_v<std::system_error, zlhcs::error>);
static_assert(std::is_error_condition_enum<zlhcs::errc>::value);
static_assert(std::is_nothrow_copy_constructible_v<zlhcs::error>);

TEST(FacadeErrorCategory, ClassifiesHcsCodesInBothSeverityForms) {
    const std::error_code plain = zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    const std::error_code severe = zlhcs::make_error_code(ZLHCS_HR(0xC037010Eu));
    EXPECT_EQ(plain, zlhcs::errc::not_found);
    EXPECT_EQ(severe, zlhcs::errc::not_found);
    EXPECT_NE(plain, zlhcs::errc::invalid_state);
    EXPECT_EQ(plain.default_error_condition(), zlhcs::errc::not_found);
    EXPECT_EQ(&plain.default_error_condition().category(), &zlhcs::condition_category());
    EXPECT_STREQ(plain.category().name(), "zlhcs");
    EXPECT_FALSE(plain.message().empty());
}

TEST(FacadeErrorCategory, MapsEveryCondition) {
    struct row {
        zlhcs_hresult code;
        zlhcs::errc condition;
    };
    const row rows[] = {
        {ZLHCS_HCS_E_SYSTEM_NOT_FOUND, zlhcs::errc::not_found},
        {ZLHCS_HCS_E_ACCESS_DENIED, zlhcs::errc::access_denied},
        {ZLHCS_HCS_E_INVALID_JSON, zlhcs::errc::invalid_json},
        {ZLHCS_HCS_E_INVALID_STATE, zlhcs::errc::invalid_state},
        {ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS, zlhcs::errc::already_exists},
        {ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED, zlhcs::errc::already_stopped},
        {ZLHCS_HCS_E_OPERATION_TIMEOUT, zlhcs::errc::timeout},
        {ZLHCS_HCS_E_OPERATION_PENDING, zlhcs::errc::pending},
        {ZLHCS_WIN32_E_CANCELLED, zlhcs::errc::cancelled},
        {ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE, zlhcs::errc::service_unavailable},
        {ZLHCS_E_NOT_SUPPORTED, zlhcs::errc::not_supported},
        {ZLHCS_E_INVALID_ARGUMENT, zlhcs::errc::invalid_argument},
        {ZLHCS_E_INVALID_HANDLE, zlhcs::errc::invalid_handle},
        {ZLHCS_E_INTERNAL, zlhcs::errc::other},
    };
    for (const row& r : rows) {
        EXPECT_EQ(zlhcs::make_error_code(r.code), r.condition) << zlhcs::make_error_code(r.code).message();
        EXPECT_EQ(zlhcs::condition_of(r.code), r.condition);
        EXPECT_FALSE(zlhcs::make_error_condition(r.condition).message().empty());
    }
    EXPECT_EQ(zlhcs::condition_of(ZLHCS_S_OK), zlhcs::errc{});
}

TEST(FacadeErrorCategory, MatchesStandardConditions) {
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_HCS_E_OPERATION_TIMEOUT), std::errc::timed_out);
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_WIN32_E_CANCELLED), std::errc::operation_canceled);
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_HCS_E_ACCESS_DENIED), std::errc::permission_denied);
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_E_INVALID_ARGUMENT), std::errc::invalid_argument);
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_E_NOT_SUPPORTED), std::errc::not_supported);
    EXPECT_NE(zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND), std::errc::timed_out);
}

TEST(FacadeErrorCategory, MessageNamesUnknownCodes) {
    const std::string text = zlhcs::category().message(static_cast<int>(0x80041234u));
    EXPECT_FALSE(text.empty());
    EXPECT_NE(text.find("80041234"), std::string::npos) << text;
}

// The std::system_error base is built from the composed what() text (no second describe): its
// own what() - reached by a qualified call or through a sliced copy - says the same.
TEST(FacadeErrorMessage, SystemErrorBaseIsBuiltFromTheReadyMessage) {
    const zlhcs::error e(ZLHCS_HCS_E_INVALID_STATE, "zlhcs_system_start", "a message of our own", "", "");
    EXPECT_STREQ(e.what(), "zlhcs_system_start: a message of our own (0x80370105)") << e.what();
    const std::system_error& base = e;
    EXPECT_STREQ(base.std::system_error::what(), e.what());
    const std::system_error sliced = e;  // NOLINT(cppcoreguidelines-slicing): on purpose
    EXPECT_STREQ(sliced.what(), e.what());
    // Outside the construction the category describes the code as usual.
    const std::string described = zlhcs::category().message(ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_NE(described, e.what());
    EXPECT_NE(described.find("0x80370105"), std::string::npos) << described;
    // The same for an error made from the last error of a failing call.
    const zlhcs::error opened = expect_error([] { (void)zlhcs::compute_system::open(unique_id("-missing")); },
                                             zlhcs::errc::not_found);
    EXPECT_STREQ(static_cast<const std::system_error&>(opened).std::system_error::what(), opened.what());
}

// Another module's copy of the facade has its own category objects. A second instance in this
// module stands in for it (tests/facade/error_module.cpp checks real modules).
const zlhcs::detail::hresult_category_impl other_module_category;
const zlhcs::detail::condition_category_impl other_module_conditions;

// A category of someone else's that happens to be named like zlhcs's.
class impostor_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "zlhcs"; }
    std::string message(int) const override { return "not zlhcs"; }
};
const impostor_category impostor;

// A generic category of another module (a DLL with a static C++ runtime has its own).
class other_generic_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "generic"; }
    std::string message(int value) const override { return std::generic_category().message(value); }
};
const other_generic_category other_generic;

TEST(FacadeErrorCategory, RecognisesAnotherInstanceOfItsCategoriesById) {
    const std::error_code local = zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    const std::error_code foreign(ZLHCS_HCS_E_SYSTEM_NOT_FOUND, other_module_category);
    ASSERT_NE(&foreign.category(), &local.category());
    // error_code == condition: through equivalent(), by id.
    EXPECT_EQ(foreign, zlhcs::errc::not_found);
    EXPECT_NE(foreign, zlhcs::errc::invalid_state);
    EXPECT_EQ(foreign, local.default_error_condition());
    EXPECT_EQ(local, foreign.default_error_condition());
    EXPECT_EQ(local, std::error_condition(static_cast<int>(zlhcs::errc::not_found), other_module_conditions));
    EXPECT_EQ(zlhcs::make_error_code(ZLHCS_HCS_E_OPERATION_TIMEOUT),
              std::error_condition(ETIMEDOUT, other_generic));  // another module's generic category
    EXPECT_EQ(std::error_code(ZLHCS_HCS_E_OPERATION_TIMEOUT, other_module_category), std::errc::timed_out);
    // The facade's helpers.
    EXPECT_TRUE(zlhcs::is_hresult_category(foreign.category()));
    EXPECT_TRUE(zlhcs::is_condition_category(other_module_conditions));
    EXPECT_FALSE(zlhcs::is_hresult_category(other_module_conditions));
    EXPECT_EQ(zlhcs::hresult_of(foreign), std::optional<zlhcs_hresult>(ZLHCS_HCS_E_SYSTEM_NOT_FOUND));
    EXPECT_TRUE(zlhcs::same_error(foreign, local));
    EXPECT_FALSE(zlhcs::same_error(foreign, zlhcs::make_error_code(ZLHCS_HCS_E_INVALID_STATE)));
    // What std compares by address stays unequal (documented in error.hpp).
    EXPECT_FALSE(foreign == local);
    // A category merely named "zlhcs" is not zlhcs's.
    const std::error_code fake(ZLHCS_HCS_E_SYSTEM_NOT_FOUND, impostor);
#if ZLHCS_HAS_RTTI
    EXPECT_FALSE(zlhcs::is_hresult_category(impostor));
    EXPECT_NE(fake, zlhcs::errc::not_found);
    EXPECT_EQ(zlhcs::hresult_of(fake), std::nullopt);
    EXPECT_FALSE(zlhcs::same_error(fake, local));
#endif
    EXPECT_EQ(zlhcs::hresult_of(std::make_error_code(std::errc::timed_out)), std::nullopt);
}

TEST(FacadeCheck, PassesSuccessCodesThrough) {
    EXPECT_EQ(zlhcs::check(ZLHCS_S_OK), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs::check(ZLHCS_S_FALSE), ZLHCS_S_FALSE);
}

TEST(FacadeCheck, ThrowsWithTheLastErrorOfTheFailingCall) {
    zlhcs_system handle = 0;
    const std::string id = unique_id();
    const zlhcs_hresult result = zlhcs_system_open(id.c_str(), nullptr, &handle);
    ASSERT_LT(result, 0);
    const zlhcs::error e = expect_error([&] { zlhcs::check(result, "zlhcs_system_open"); }, zlhcs::errc::not_found);
    EXPECT_EQ(e.hresult(), result);
    EXPECT_EQ(e.call(), "zlhcs_system_open");
    EXPECT_FALSE(e.message().empty());
    EXPECT_NE(std::string(e.what()).find(e.message()), std::string::npos) << e.what();
}

TEST(FacadeErrors, OpenUnknownIdIsNotFound) {
    const std::string id = unique_id("-missing");
    const zlhcs::error e = expect_error([&] { (void)zlhcs::compute_system::open(id); }, zlhcs::errc::not_found);
    EXPECT_EQ(e.code(), zlhcs::make_error_code(ZLHCS_HCS_E_SYSTEM_NOT_FOUND).default_error_condition());
    EXPECT_EQ(e.call(), "zlhcs_system_open");
    EXPECT_NE(std::string(e.what()).find("zlhcs_system_open"), std::string::npos) << e.what();
}

TEST(FacadeErrors, StartOnPausedSystemIsInvalidStateWithDocument) {
    const zlhcs::compute_system system = make_vm();
    system.start(kTimeout);
    system.pause(kTimeout);
    const zlhcs::error e = expect_error([&] { system.start(kTimeout); }, zlhcs::errc::invalid_state);
    EXPECT_EQ(e.call(), "zlhcs_system_start");
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_INVALID_STATE) << e.what();
    // The HCS result document, {"Error":..., "ErrorMessage":..., "ErrorEvents":[...]}, unless
    // this run's HCS gives none (it is not guaranteed).
    expect_diagnostics(e);
    EXPECT_EQ(state_of(system), "Paused");
    system.terminate(kTimeout);
}

// Pause, resume, save and crash are VM operations: a (process-isolated) container refuses
// them with HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), in any state, changing nothing.
TEST(FacadeErrors, ContainerRefusesVmOnlyOperations) {
    constexpr zlhcs_hresult not_supported = ZLHCS_WIN32_E_NOT_SUPPORTED;
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    const zlhcs::error paused = expect_error([&] { system.pause(kTimeout); }, zlhcs::errc::not_supported);
    EXPECT_EQ(paused.hresult(), not_supported) << paused.what();
    EXPECT_EQ(paused.code(), std::errc::not_supported);
    EXPECT_EQ(paused.call(), "zlhcs_system_pause");
    expect_diagnostics(paused);
    EXPECT_EQ(expect_error([&] { system.resume(kTimeout); }, zlhcs::errc::not_supported).hresult(), not_supported);
    EXPECT_EQ(expect_error([&] { system.save(kTimeout); }, zlhcs::errc::not_supported).hresult(), not_supported);
    EXPECT_EQ(expect_error([&] { system.crash(kTimeout); }, zlhcs::errc::not_supported).hresult(), not_supported);
    const zlhcs::error async_e =
        expect_error([&] { (void)system.pause_async().wait(kTimeout); }, zlhcs::errc::not_supported);
    EXPECT_EQ(async_e.hresult(), not_supported) << async_e.what();
    EXPECT_EQ(async_e.call(), "zlhcs_system_pause_async");
    EXPECT_EQ(state_of(system), "Running");  // nothing changed
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeErrors, CreateDuplicateIsAlreadyExists) {
    std::string id;
    const zlhcs::compute_system first = make_container(&id);
    const zlhcs::error e = expect_error(
        [&] { (void)zlhcs::compute_system::create(id, container_document(), kTimeout); },
        zlhcs::errc::already_exists);
    EXPECT_EQ(e.call(), "zlhcs_system_create");
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS) << e.what();
    expect_diagnostics(e);
    EXPECT_EQ(state_of(first), "Created");  // the first one is untouched
}

TEST(FacadeErrors, MalformedJsonIsInvalidJson) {
    const std::string id = unique_id();
    const zlhcs::error e = expect_error(
        [&] { (void)zlhcs::compute_system::create(id, R"({"SchemaVersion":{"Major":2,)", kTimeout); },
        zlhcs::errc::invalid_json);
    EXPECT_FALSE(e.message().empty());
    EXPECT_THROW((void)zlhcs::compute_system::open(id), zlhcs::error);  // nothing was created
}

TEST(FacadeErrors, DocumentWithoutSystemTypeIsInvalidJson) {
    const std::string id = unique_id();
    (void)expect_error(
        [&] { (void)zlhcs::compute_system::create(id, R"({"SchemaVersion":{"Major":2,"Minor":1}})", kTimeout); },
        zlhcs::errc::invalid_json);
}

// A stopped system is cleaned up at once (HCS Overview.md): only its exit status remains.
// Stopping it again is no failure (terminate/shutdown return false: already gone); every
// other call on the handle is errc::not_found.
TEST(FacadeErrors, StoppedSystemIsGoneExceptItsExitStatus) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    system.start(kTimeout);
    EXPECT_TRUE(system.terminate(kTimeout));
    EXPECT_FALSE(system.terminate(kTimeout));
    EXPECT_FALSE(system.terminate());
    EXPECT_FALSE(system.shutdown(kTimeout));

    const zlhcs::error e = expect_error([&] { system.start(kTimeout); }, zlhcs::errc::not_found);
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_SYSTEM_NOT_FOUND) << e.what();
    EXPECT_EQ(e.call(), "zlhcs_system_start");
    expect_diagnostics(e);
    (void)expect_error([&] { (void)system.properties(kTimeout); }, zlhcs::errc::not_found);
    (void)expect_error([&] { (void)system.properties_async().wait(kTimeout); }, zlhcs::errc::not_found);
    (void)expect_error([&] { system.modify(R"({"ResourcePath":"x","RequestType":"Update","Settings":1})", kTimeout); },
                       zlhcs::errc::not_found);
    // The asynchronous forms report what HCS says.
    (void)expect_error([&] { (void)system.terminate_async().wait(kTimeout); }, zlhcs::errc::not_found);
    (void)expect_error([&] { (void)system.shutdown_async().wait(kTimeout); }, zlhcs::errc::not_found);
    (void)expect_error([&] { (void)zlhcs::compute_system::open(id); }, zlhcs::errc::not_found);

    EXPECT_EQ(string_member(parse(system.wait_exit(kTimeout)), "ExitType"), "ForcedExit");
    EXPECT_EQ(system.id(), id);  // zlhcs still knows the handle's id

    // The id is free again: a new, different system.
    const zlhcs::compute_system again = zlhcs::compute_system::create(id, container_document(), kTimeout);
    EXPECT_EQ(state_of(again), "Created");
    (void)expect_error([&] { (void)system.properties(kTimeout); }, zlhcs::errc::not_found);
}

TEST(FacadeErrors, ShutdownOfANeverStartedSystemIsInvalidState) {
    const zlhcs::compute_system system = make_container();
    const zlhcs::error e = expect_error([&] { (void)system.shutdown(kTimeout); }, zlhcs::errc::invalid_state);
    EXPECT_EQ(e.call(), "zlhcs_system_shutdown");
    EXPECT_EQ(state_of(system), "Created");
}

TEST(FacadeErrors, EmptyObjectsFailWithInvalidHandle) {
    const zlhcs::compute_system empty;
    (void)expect_error([&] { empty.start(kTimeout); }, zlhcs::errc::invalid_handle);
    (void)expect_error([&] { (void)empty.id(); }, zlhcs::errc::invalid_handle);
    (void)expect_error([&] { (void)empty.start_async(); }, zlhcs::errc::invalid_handle);
    const zlhcs::operation no_operation;
    (void)expect_error([&] { (void)no_operation.wait(1s); }, zlhcs::errc::invalid_handle);
}

TEST(FacadeErrors, WaitForExitTimesOut) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    const zlhcs::error e = expect_error([&] { (void)system.wait_exit(20ms); }, zlhcs::errc::timeout);
    EXPECT_EQ(e.code(), std::errc::timed_out);
    system.terminate(kTimeout);
}

TEST(FacadeErrors, ErrorsCrossThreadsIntact) {
    (void)zlhcs_clear_error();
    zlhcs::error caught(ZLHCS_E_INTERNAL, "", "", "", "");
    std::thread worker([&] {
        try {
            (void)zlhcs::compute_system::open(unique_id("-missing"));
        } catch (const zlhcs::error& e) {
            caught = e;  // cheap, non-throwing copy
        }
    });
    worker.join();
    EXPECT_EQ(caught.code(), zlhcs::errc::not_found);
    EXPECT_EQ(caught.call(), "zlhcs_system_open");
    // This thread's own last error is untouched by the other thread's failure.
    zlhcs_error last{};
    last.struct_size = sizeof last;
    EXPECT_EQ(zlhcs_last_error(&last), ZLHCS_S_FALSE);
    EXPECT_EQ(last.code, 0);
}

}  // namespace
