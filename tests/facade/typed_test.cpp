// <zlhcs/typed.hpp>: the typed members of compute_system and process, typed_result<T>, the typed
// views of HCS's error documents, list_systems() and system_filter.
#include <zlhcs/zlhcs.hpp>

#include "facade_test_support.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace facade_test;
namespace schema = zlhcs::schema;

// hcsim's error documents (docs/hcsim.md, Operations: "Error document shape").
constexpr const char* kHcsimProvider = "3b1f7a0e-5c1d-4e6b-9a5e-68637369d000";

schema::ComputeSystem typed_container(const std::string& owner = "zlhcs-tests") {
    schema::ComputeSystem document;
    document.Owner = owner;
    document.SchemaVersion.emplace();
    document.SchemaVersion->Major = 2;
    document.SchemaVersion->Minor = 1;
    document.ShouldTerminateOnLastHandleClosed = true;
    document.Container.emplace();
    return document;
}

schema::ComputeSystem typed_vm(const std::string& owner = "zlhcs-tests", std::uint32_t processors = 2) {
    schema::ComputeSystem document = typed_container(owner);
    document.Container.reset();
    auto& topology = document.VirtualMachine.emplace().ComputeTopology.emplace();
    topology.Memory.emplace().SizeInMB = 1024;
    topology.Processor.emplace().Count = processors;
    return document;
}

std::string state_name(const schema::Properties& properties) {
    return properties.State ? std::string(properties.State->name()) : std::string("(none)");
}

// ---- compute_system -----------------------------------------------------------------------------

TEST(FacadeTyped, CreateFromATypedDocumentAndReadTypedProperties) {
    const std::string id = unique_id();
    const zlhcs::compute_system system = zlhcs::compute_system::create(id, typed_container("typed-owner"), kTimeout);

    const schema::Properties created = system.properties<schema::Properties>();
    EXPECT_EQ(created.Id, id);
    EXPECT_TRUE(created.SystemType == schema::SystemType::Container);
    EXPECT_TRUE(created.State == schema::State::Created) << state_name(created);
    EXPECT_TRUE(created.RuntimeOsType == schema::OsType::Windows);
    EXPECT_FALSE(created.Statistics.has_value());  // not asked for

    system.start(kTimeout);
    const schema::Properties running = system.properties<schema::Properties>(zlhcs::property_query::statistics(), kTimeout);
    EXPECT_TRUE(running.State == schema::State::Running) << state_name(running);
    ASSERT_TRUE(running.Statistics.has_value());
    EXPECT_TRUE(running.Statistics->Processor.has_value());
    EXPECT_EQ(running.Owner, "typed-owner");  // HCS gives the Owner with Statistics

    // The query as JSON text, and the timeout-only form.
    const schema::Properties memory = system.properties<schema::Properties>(R"({"PropertyTypes":["Memory"]})");
    ASSERT_TRUE(memory.Memory.has_value());
    ASSERT_TRUE(memory.Memory->VirtualMachineMemory.has_value());
    EXPECT_EQ(memory.Memory->VirtualMachineMemory->AssignedMemory, 1024u);  // hcsim's default size
    EXPECT_TRUE(system.properties<schema::Properties>(kTimeout).State == schema::State::Running);
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeTyped, CreateWithOptionsAndAnExistingIdFailsAsTheTextForm) {
    const std::string id = unique_id();
    const zlhcs::compute_system first = zlhcs::compute_system::create(id, typed_container(), zlhcs::call_options{}, kTimeout);
    expect_error([&] { (void)zlhcs::compute_system::create(id, typed_container(), kTimeout); },
                 zlhcs::errc::already_exists);
}

TEST(FacadeTyped, AnswerThatDoesNotReadAsTheTypeThrowsInvalidArgument) {
    const zlhcs::compute_system system = make_container();
    // Properties is an object, not an array.
    const zlhcs::error e = expect_error([&] { (void)system.properties<std::vector<schema::Properties>>(kTimeout); },
                                        zlhcs::errc::invalid_argument);
    EXPECT_EQ(e.call(), "zlhcs::schema::from_json");
}

TEST(FacadeTyped, ModifyWithATypedRequestChangesTheConfiguration) {
    const zlhcs::compute_system system = zlhcs::compute_system::create(unique_id("-vm"), typed_vm(), kTimeout);
    system.start(kTimeout);
    schema::ModifySettingRequest request;
    request.ResourcePath = "VirtualMachine/ComputeTopology/Memory/SizeInMB";
    request.RequestType = schema::ModifyRequestType::Update;
    request.Settings = schema::parse_any("2048");
    system.modify(request, kTimeout);
    auto assigned = [&] {
        const auto properties = system.properties<schema::Properties>(zlhcs::property_query::memory(), kTimeout);
        return properties.Memory && properties.Memory->VirtualMachineMemory
                   ? properties.Memory->VirtualMachineMemory->AssignedMemory.value_or(0)
                   : 0;
    };
    EXPECT_EQ(assigned(), 2048u);

    request.Settings = schema::parse_any("3072");
    system.modify(request, zlhcs::call_options{}, kTimeout);
    EXPECT_EQ(assigned(), 3072u);

    request.Settings = schema::parse_any("4096");
    (void)system.modify_async(request).wait(kTimeout);
    EXPECT_EQ(assigned(), 4096u);

    // A path HCS does not know: the same failure as the text form (ERROR_NOT_SUPPORTED).
    request.ResourcePath = "VirtualMachine/NoSuchThing";
    expect_error([&] { system.modify(request, kTimeout); }, zlhcs::errc::not_supported);
}

TEST(FacadeTyped, AsyncFormsYieldTypedResults) {
    const std::string id = unique_id();
    auto [system, creating] = zlhcs::compute_system::create_async(id, typed_container());
    (void)creating.wait(kTimeout);

    zlhcs::typed_result<schema::Properties> basic = system.properties_async<schema::Properties>();
    ASSERT_TRUE(basic.valid());
    const schema::Properties created = basic.wait(kTimeout);
    EXPECT_EQ(created.Id, id);
    EXPECT_TRUE(created.State == schema::State::Created) << state_name(created);
    EXPECT_TRUE(basic.ready());
    const std::optional<schema::Properties> again = basic.try_result();
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(*again == created);

    system.start(kTimeout);
    auto statistics = system.properties_async<schema::Properties>(zlhcs::property_query::statistics());
    const schema::Properties running = statistics.wait(kTimeout);
    EXPECT_TRUE(running.Statistics.has_value());

    // The untyped view: a std::future of the JSON text.
    auto text = system.properties_async<schema::Properties>(R"({"PropertyTypes":["Memory"]})");
    std::future<std::string> future = text.untyped().get_future();
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_TRUE(schema::from_json<schema::Properties>(future.get()).Memory.has_value());

    // A failure surfaces as the text form's.
    const zlhcs::typed_result<schema::Properties> failing =
        system.properties_async<schema::Properties>(R"({"PropertyTypes":["NoSuchType"]})");
    expect_error([&] { (void)failing.wait(kTimeout); }, zlhcs::errc::invalid_argument);

    // An empty typed_result throws std::future_error, as async_result does.
    const zlhcs::typed_result<schema::Properties> empty;
    EXPECT_FALSE(empty);
    EXPECT_THROW((void)empty.wait(1s), std::future_error);
}

#if ZLHCS_HAS_COROUTINES

struct awaited {
    std::string state;
    std::string state_on_executor;
    bool statistics = false;
};

detached_task await_typed(const zlhcs::compute_system& system, std::promise<awaited> done) {
    try {
        awaited report;
        const schema::Properties basic = co_await system.properties_async<schema::Properties>();
        report.state = state_name(basic);
        const schema::Properties on_executor =
            co_await system.properties_async<schema::Properties>().resume_on(zlhcs::default_executor());
        report.state_on_executor = state_name(on_executor);
        const schema::Properties statistics =
            co_await system.properties_async<schema::Properties>(zlhcs::property_query::statistics()).resume_inline();
        report.statistics = statistics.Statistics.has_value();
        done.set_value(std::move(report));
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeTyped, CoAwaitYieldsTheTypedResult) {
    const latency_guard latency("HcsGetComputeSystemProperties", 20);  // the awaits suspend
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    std::promise<awaited> promise;
    std::future<awaited> future = promise.get_future();
    await_typed(system, std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const awaited report = future.get();
    EXPECT_EQ(report.state, "Running");
    EXPECT_EQ(report.state_on_executor, "Running");
    EXPECT_TRUE(report.statistics);
}

#endif  // ZLHCS_HAS_COROUTINES

// ---- process ------------------------------------------------------------------------------------

TEST(FacadeTyped, ProcessFromTypedParametersWithTypedStatusAndModify) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);

    schema::ProcessParameters parameters;
    parameters.CommandLine = "console-size";
    parameters.EmulateConsole = true;
    parameters.ConsoleSize = std::vector<std::uint16_t>{25, 80};
    parameters.CreateStdInPipe = true;
    parameters.CreateStdOutPipe = true;
    zlhcs::process child = zlhcs::process::create(system, parameters, kTimeout);

    std::string line;
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "80x25\r");
    const schema::ProcessStatus status = child.properties<schema::ProcessStatus>(kTimeout);
    EXPECT_EQ(status.ProcessId, child.id());
    EXPECT_EQ(status.Exited, false);

    schema::ProcessModifyRequest resize;
    resize.Operation = schema::ModifyOperation::ConsoleSize;
    resize.ConsoleSize.emplace();
    resize.ConsoleSize->Width = 132;
    resize.ConsoleSize->Height = 50;
    child.modify(resize, kTimeout);
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "132x50\r");

    schema::ProcessModifyRequest close;
    close.Operation = schema::ModifyOperation::CloseHandle;
    close.CloseHandle.emplace().Handle = schema::StdHandle::StdIn;
    (void)child.modify_async(close).wait(kTimeout);  // console-size ends at the end of stdin
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);

    const schema::ProcessStatus exited = child.properties_async<schema::ProcessStatus>().wait(kTimeout);
    EXPECT_EQ(exited.Exited, true);
    EXPECT_EQ(exited.ExitCode, 0u);
}

TEST(FacadeTyped, ProcessCreateAsyncAndOptionsFromTypedParameters) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    schema::ProcessParameters parameters;
    parameters.CommandLine = "echo typed";
    parameters.CreateStdOutPipe = true;

    auto [child, creating] = zlhcs::process::create_async(system, parameters);
    (void)creating.wait(kTimeout);
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "typed\r\n");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);

    zlhcs::process second = zlhcs::process::create(system, parameters, zlhcs::call_options{}, kTimeout);
    EXPECT_EQ(second.read_all(zlhcs::stdio_stream::out), "typed\r\n");
    EXPECT_EQ(second.wait_exit(kTimeout), 0u);

    parameters.CommandLine = "no-such-program";
    expect_error([&] { (void)zlhcs::process::create(system, parameters, kTimeout); }, zlhcs::errc::not_found);
}

// ---- error documents ----------------------------------------------------------------------------

// A configuration HCS refuses: the failure's document, typed. Without error documents (the
// no_error_documents variant) the views are empty and the code still says what failed.
TEST(FacadeErrorEvents, AConfigurationHcsRefusesCarriesItsErrorEvent) {
    schema::ComputeSystem document = typed_container();
    document.SchemaVersion.reset();  // hcsim: "SchemaVersion is missing"
    const zlhcs::error e = expect_error(
        [&] { (void)zlhcs::compute_system::create(unique_id(), document, kTimeout); }, zlhcs::errc::invalid_json);
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_INVALID_JSON);

    const std::optional<schema::ResultError> result = zlhcs::result_error(e);
    const std::vector<schema::ErrorEvent> events = zlhcs::error_events(e);
    if (run_has(HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS)) {
        EXPECT_TRUE(e.result_document().empty()) << e.result_document();
        EXPECT_FALSE(result.has_value());
        EXPECT_TRUE(events.empty());
        return;
    }
    ASSERT_TRUE(result.has_value()) << e.result_document();
    EXPECT_EQ(result->Error, ZLHCS_HCS_E_INVALID_JSON);
    ASSERT_TRUE(result->ErrorMessage.has_value());
    EXPECT_NE(result->ErrorMessage->find("SchemaVersion is missing"), std::string::npos) << *result->ErrorMessage;
    ASSERT_EQ(events.size(), 1u) << e.result_document();
    const schema::ErrorEvent& event = events[0];
    EXPECT_EQ(event.Message, result->ErrorMessage);
    EXPECT_EQ(event.Provider, kHcsimProvider);
    EXPECT_EQ(event.EventId, static_cast<std::uint16_t>(static_cast<std::uint32_t>(ZLHCS_HCS_E_INVALID_JSON) & 0xFFFFu));
    EXPECT_EQ(event.Source, "HcsCreateComputeSystem");
    EXPECT_EQ(event.StackTrace, "");
    EXPECT_TRUE(event.unknown_fields.empty());
    EXPECT_TRUE(result->unknown_fields.empty());
}

// An injected failure of an asynchronous start: the operation's own document, typed.
TEST(FacadeErrorEvents, AnInjectedFailureOfAnOperationCarriesItsErrorEvent) {
    const zlhcs::compute_system system = make_container();
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_ACCESS_DENIED, HCSIM_FAULT_ASYNC), 0);
    zlhcs::async_result starting = system.start_async();
    const zlhcs::error e = expect_error([&] { (void)starting.wait(kTimeout); }, zlhcs::errc::access_denied);

    const std::vector<schema::ErrorEvent> events = zlhcs::error_events(e);
    if (run_has(HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS)) {
        EXPECT_FALSE(zlhcs::result_error(e).has_value()) << e.result_document();
        EXPECT_TRUE(events.empty());
        return;
    }
    ASSERT_EQ(events.size(), 1u) << e.result_document();
    ASSERT_TRUE(events[0].Message.has_value());
    EXPECT_NE(events[0].Message->find("(injected failure)"), std::string::npos) << *events[0].Message;
    EXPECT_EQ(events[0].Source, "HcsStartComputeSystem");
    EXPECT_EQ(events[0].Provider, kHcsimProvider);
    EXPECT_EQ(events[0].EventId, static_cast<std::uint16_t>(static_cast<std::uint32_t>(ZLHCS_HCS_E_ACCESS_DENIED) & 0xFFFFu));
    EXPECT_EQ(zlhcs::result_error(e)->Error, ZLHCS_HCS_E_ACCESS_DENIED);
    // The start changed nothing.
    EXPECT_TRUE(system.properties<schema::Properties>(kTimeout).State == schema::State::Created);
}

zlhcs::error failure_with(std::string document) {
    return zlhcs::error(ZLHCS_HCS_E_INVALID_STATE, "zlhcs_system_start", "a failure", "HcsStartComputeSystem",
                        std::move(document));
}

TEST(FacadeErrorEvents, AbsentOrMalformedDocumentsGiveNothingAndNeverThrow) {
    for (const char* document : {"", "  \r\n", "not json", "[1,2]", "\"text\"", "42", "{\"Error\":\"not a number\"}",
                                 "{\"ErrorEvents\":{}}", "{\"Error\":1", "{} trailing"}) {
        const zlhcs::error e = failure_with(document);
        EXPECT_FALSE(zlhcs::result_error(e).has_value()) << document;
        EXPECT_TRUE(zlhcs::error_events(e).empty()) << document;
    }
    // A document without events: a ResultError, no events.
    const std::optional<schema::ResultError> bare = zlhcs::result_error(failure_with(R"({"Error":-2143289083})"));
    ASSERT_TRUE(bare.has_value());
    EXPECT_EQ(bare->Error, -2143289083);
    EXPECT_TRUE(zlhcs::error_events(failure_with(R"({"Error":-2143289083})")).empty());
}

TEST(FacadeErrorEvents, EveryFieldOfAnEventIsRead) {
    const std::string document =
        R"({"Error":-2143878907,"ErrorMessage":"The virtual machine could not be started.",)"
        R"("ErrorEvents":[{"Message":"first","StackTrace":"at Vm::Start","Provider":"17103e3f-3c6e-4677-bb17-3b267eb5be57",)"
        R"("EventId":12010,"Flags":3,"Source":"HcsStartComputeSystem",)"
        R"("Data":[{"Type":"String","Value":"vm-1"},{"Type":"UInt32","Value":"7"}],"FutureField":true},)"
        R"({"Message":"second"}],"Attribution":[{"SystemExit":{}}]})";
    const std::vector<schema::ErrorEvent> events = zlhcs::error_events(document);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].Message, "first");
    EXPECT_EQ(events[0].StackTrace, "at Vm::Start");
    EXPECT_EQ(events[0].Provider, "17103e3f-3c6e-4677-bb17-3b267eb5be57");
    EXPECT_EQ(events[0].EventId, 12010u);
    EXPECT_EQ(events[0].Flags, 3u);
    EXPECT_EQ(events[0].Source, "HcsStartComputeSystem");
    ASSERT_TRUE(events[0].Data.has_value());
    ASSERT_EQ(events[0].Data->size(), 2u);
    EXPECT_TRUE((*events[0].Data)[0].Type == schema::EventDataType::String);
    EXPECT_EQ((*events[0].Data)[1].Value, "7");
    ASSERT_EQ(events[0].unknown_fields.size(), 1u);  // kept, not lost
    EXPECT_EQ(events[0].unknown_fields[0].name, "FutureField");
    EXPECT_EQ(events[1].Message, "second");
    EXPECT_FALSE(events[1].Source.has_value());
    const std::optional<schema::ResultError> result = zlhcs::result_error(document);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(result->Error, -2143878907);
    ASSERT_TRUE(result->Attribution.has_value());
    EXPECT_EQ(result->Attribution->size(), 1u);
}

// ---- list_systems -------------------------------------------------------------------------------

std::set<std::string> ids_of(const std::vector<schema::Properties>& systems) {
    std::set<std::string> ids;
    for (const schema::Properties& system : systems) ids.insert(system.Id.value_or("(no id)"));
    return ids;
}

const schema::Properties* find_id(const std::vector<schema::Properties>& systems, const std::string& id) {
    const auto found = std::find_if(systems.begin(), systems.end(),
                                    [&](const schema::Properties& system) { return system.Id == id; });
    return found == systems.end() ? nullptr : &*found;
}

TEST(FacadeListSystems, FiltersByOwnerTypeAndState) {
    const std::string owner_a = unique_id("-owner-a");
    const std::string owner_b = unique_id("-owner-b");
    const std::string created_container = unique_id("-a-container");
    const std::string running_vm = unique_id("-a-running-vm");
    const std::string paused_vm = unique_id("-a-paused-vm");
    const std::string other_container = unique_id("-b-container");
    const auto a1 = zlhcs::compute_system::create(created_container, typed_container(owner_a), kTimeout);
    const auto a2 = zlhcs::compute_system::create(running_vm, typed_vm(owner_a), kTimeout);
    const auto a3 = zlhcs::compute_system::create(paused_vm, typed_vm(owner_a), kTimeout);
    const auto b1 = zlhcs::compute_system::create(other_container, typed_container(owner_b), kTimeout);
    a2.start(kTimeout);
    a3.start(kTimeout);
    a3.pause(kTimeout);

    const std::vector<schema::Properties> of_a = zlhcs::list_systems(zlhcs::system_filter().owner(owner_a), kTimeout);
    EXPECT_EQ(ids_of(of_a), (std::set<std::string>{created_container, running_vm, paused_vm}));
    const schema::Properties* paused = find_id(of_a, paused_vm);
    ASSERT_NE(paused, nullptr);
    EXPECT_TRUE(paused->State == schema::State::Paused) << state_name(*paused);
    EXPECT_TRUE(paused->SystemType == schema::SystemType::VirtualMachine);
    EXPECT_EQ(paused->Owner, owner_a);

    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_a).state(schema::State::Paused))),
              (std::set<std::string>{paused_vm}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_a).state(schema::State::Running))),
              (std::set<std::string>{running_vm}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(
                  zlhcs::system_filter().owner(owner_a).state(schema::State::Running).state(schema::State::Created))),
              (std::set<std::string>{running_vm, created_container}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_a).type(schema::SystemType::VirtualMachine))),
              (std::set<std::string>{running_vm, paused_vm}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_b))), (std::set<std::string>{other_container}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_a).owner(owner_b).type(
                  schema::SystemType::Container))),
              (std::set<std::string>{created_container, other_container}));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().id(paused_vm).id(other_container))),
              (std::set<std::string>{paused_vm, other_container}));
    EXPECT_TRUE(zlhcs::list_systems(zlhcs::system_filter().owner(owner_b).state(schema::State::Paused)).empty());

    // Unfiltered: every system, these four among them; a stopped system is gone.
    const std::set<std::string> all = ids_of(zlhcs::list_systems());
    for (const std::string& id : {created_container, running_vm, paused_vm, other_container}) {
        EXPECT_EQ(all.count(id), 1u) << id;
    }
    EXPECT_TRUE(a2.terminate(kTimeout));
    EXPECT_EQ(ids_of(zlhcs::list_systems(zlhcs::system_filter().owner(owner_a), zlhcs::call_options{}, kTimeout)),
              (std::set<std::string>{created_container, paused_vm}));
}

TEST(FacadeListSystems, TheFilterSendsIdsNamesOwnersAndTypesToHcsAndKeepsStatesItself) {
    zlhcs::system_filter filter;
    EXPECT_FALSE(filter.has_query());
    EXPECT_EQ(schema::to_json(filter.query()), "{}");
    filter.state(schema::State::Paused);
    EXPECT_FALSE(filter.has_query());  // states are not HCS's
    filter.id("a").name("b").owner("me").owner("you").type(schema::SystemType::Container);
    EXPECT_TRUE(filter.has_query());
    EXPECT_EQ(schema::to_json(filter.query()),
              R"({"Ids":["a"],"Names":["b"],"Types":["Container"],"Owners":["me","you"]})");

    schema::Properties paused;
    paused.State = schema::State::Paused;
    schema::Properties running;
    running.State = schema::State::Running;
    const schema::Properties without_state;
    EXPECT_TRUE(filter.matches(paused));
    EXPECT_FALSE(filter.matches(running));
    EXPECT_FALSE(filter.matches(without_state));
    EXPECT_TRUE(zlhcs::system_filter().matches(without_state));
    const std::vector<schema::Properties> kept = filter.apply({running, paused, without_state, paused});
    ASSERT_EQ(kept.size(), 2u);
    EXPECT_TRUE(kept[0] == paused);

    // The filter applies to enumerate_systems_async()'s answer too.
    const zlhcs::compute_system system = make_vm();
    system.start(kTimeout);
    system.pause(kTimeout);
    const std::string id = system.id();
    const auto entries = schema::from_json<std::vector<schema::Properties>>(
        zlhcs::enumerate_systems_async(R"({"Ids":[")" + id + R"("]})").wait(kTimeout));
    EXPECT_EQ(ids_of(zlhcs::system_filter().state(schema::State::Paused).apply(entries)), (std::set<std::string>{id}));
    EXPECT_TRUE(zlhcs::system_filter().state(schema::State::Running).apply(entries).empty());
}

}  // namespace
