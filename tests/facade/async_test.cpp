// zlhcs::operation and zlhcs::async_result: wait, std::future, co_await, cancel, close.
#include "facade_test_support.hpp"

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <optional>
#include <stdexcept>

#if ZLHCS_HAS_COROUTINES
#include <coroutine>
#include <exception>
#endif

namespace {

using namespace facade_test;

constexpr std::uint32_t kLatencyMs = 300;

std::string get(std::future<std::string>& future) {
    EXPECT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    return future.get();
}

// Operations the simulator still holds (for leak checks).
std::uint32_t live_operations() { return zlhcs_test::hcsim_client::instance().live_objects().operations; }

TEST(FacadeAsync, WaitReturnsTheResultDocument) {
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.properties_async();
    ASSERT_TRUE(result);
    EXPECT_NE(result.native_handle(), 0u);
    const std::string document = result.wait(kTimeout);
    EXPECT_EQ(string_member(parse(document), "State"), "Created");
    EXPECT_TRUE(eventually([&] { return result.ready(); }));
    ASSERT_TRUE(result.try_result().has_value());
    EXPECT_EQ(*result.try_result(), document);
}

TEST(FacadeAsync, FutureCompletesFromTheCallback) {
    const zlhcs::compute_system system = make_container();
    std::future<std::string> started = system.start_async().get_future();  // the temporary detaches
    (void)get(started);
    EXPECT_EQ(state_of(system), "Running");

    std::future<std::string> properties =
        system.properties_async(R"({"PropertyTypes":["Statistics"]})").get_future();
    const rapidjson::Document document = parse(get(properties));
    ASSERT_TRUE(document.IsObject());
    EXPECT_TRUE(document.HasMember("Statistics"));
    system.terminate(kTimeout);
}

TEST(FacadeAsync, FutureCarriesTheError) {
    const zlhcs::compute_system system = make_vm();
    std::future<std::string> paused = system.pause_async().get_future();  // Created: not allowed
    ASSERT_EQ(paused.wait_for(kTimeout), std::future_status::ready);
    try {
        (void)paused.get();
        ADD_FAILURE() << "pause of a created system succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_state) << e.what();
        EXPECT_EQ(e.call(), "zlhcs_system_pause_async");
        expect_diagnostics(e);
    }
}

TEST(FacadeAsync, FutureAfterCompletionAndOnlyOnce) {
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.properties_async();
    const std::string waited = result.wait(kTimeout);
    ASSERT_TRUE(eventually([&] { return result.ready(); }));
    std::future<std::string> future = result.get_future();
    EXPECT_EQ(future.wait_for(0s), std::future_status::ready);
    EXPECT_EQ(future.get(), waited);
    EXPECT_THROW((void)result.get_future(), std::future_error);
}

TEST(FacadeAsync, TryResultWhileRunning) {
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.properties_async();
    EXPECT_FALSE(result.try_result().has_value());
    EXPECT_FALSE(result.ready());
    try {
        (void)result.wait(10ms);
        ADD_FAILURE() << "wait did not time out";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::timeout) << e.what();
    }
    EXPECT_FALSE(result.wait(kTimeout).empty());
}

// HCS does not implement HcsCancelOperation (E_NOTIMPL): cancel() says so, and the work
// completes as if nobody had asked.
TEST(FacadeAsync, CancelIsNotSupportedAndTheWorkCompletes) {
    const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.start_async();
    std::future<std::string> future = result.get_future();
    const zlhcs::error e = expect_error([&] { (void)result.cancel(); }, zlhcs::errc::not_supported);
    EXPECT_EQ(e.code(), std::errc::not_supported);
    EXPECT_EQ(e.hresult(), ZLHCS_E_NOT_SUPPORTED) << e.what();
    EXPECT_EQ(e.call(), "zlhcs_operation_cancel");
    EXPECT_NE(std::string(e.what()).find("HcsCancelOperation"), std::string::npos) << e.what();

    EXPECT_NO_THROW((void)result.wait(kTimeout));  // the start goes on and succeeds
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_NO_THROW((void)future.get());
    EXPECT_FALSE(result.cancel());  // already complete: nothing to cancel
    EXPECT_EQ(state_of(system), "Running");

    // The same through a plain operation.
    zlhcs_operation handle = 0;
    {
        const latency_guard properties_latency("HcsGetComputeSystemProperties", kLatencyMs);
        ASSERT_EQ(zlhcs_system_properties_async(system.native_handle(), nullptr, nullptr, nullptr, nullptr, &handle),
                  ZLHCS_S_OK);
    }
    const zlhcs::operation operation(handle);
    (void)expect_error([&] { (void)operation.cancel(); }, zlhcs::errc::not_supported);
    EXPECT_EQ(string_member(parse(operation.wait(kTimeout)), "State"), "Running");
    EXPECT_FALSE(operation.cancel());
    system.terminate(kTimeout);
}

// On a host whose HCS would implement cancellation (hcsim's switch; an assumption about a
// future build), cancel() asks for it and the operation completes with errc::cancelled.
TEST(FacadeAsync, CancelCompletesWithCancelledWhereHcsImplementsIt) {
    const behavior_guard cancel_implemented(HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED);
    const latency_guard latency("HcsStartComputeSystem", 5000);
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.start_async();
    std::future<std::string> future = result.get_future();
    EXPECT_TRUE(result.cancel());
    try {
        (void)result.wait(kTimeout);
        ADD_FAILURE() << "cancelled start succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::cancelled) << e.what();
        EXPECT_EQ(e.code(), std::errc::operation_canceled);
    }
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_THROW((void)future.get(), zlhcs::error);
    EXPECT_FALSE(result.cancel());  // already complete
    EXPECT_EQ(state_of(system), "Created");
}

// A synchronous call that times out does not cancel: the work goes on and completes.
TEST(FacadeAsync, SynchronousTimeoutThrowsTimeoutAndTheWorkGoesOn) {
    const zlhcs::compute_system system = make_container();
    {
        const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
        const zlhcs::error e = expect_error([&] { system.start(50ms); }, zlhcs::errc::timeout);
        EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_OPERATION_TIMEOUT) << e.what();
        EXPECT_EQ(e.code(), std::errc::timed_out);
        EXPECT_EQ(e.call(), "zlhcs_system_start");
        EXPECT_NE(std::string(e.what()).find("may still complete"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(eventually([&] { return state_of(system) == "Running"; }));
    // To undo it, stop it.
    EXPECT_TRUE(system.terminate(kTimeout));
}

// A create that times out: the system HCS goes on creating is handed over with the error.
TEST(FacadeAsync, CreateThatTimesOutHandsOverTheSystem) {
    const std::string id = unique_id();
    zlhcs::compute_system late;
    {
        const latency_guard latency("HcsCreateComputeSystem", kLatencyMs);
        try {
            (void)zlhcs::compute_system::create(id, container_document(), 50ms);
            ADD_FAILURE() << "create did not time out";
        } catch (const zlhcs::system_create_timeout& e) {
            EXPECT_EQ(e.code(), zlhcs::errc::timeout) << e.what();
            EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_OPERATION_TIMEOUT) << e.what();
            EXPECT_EQ(e.call(), "zlhcs_system_create");
            const zlhcs::system_create_timeout copy = e;  // copies share the one handle
            late = copy.take_system();
            EXPECT_FALSE(e.take_system());  // taken once only
        }
    }
    ASSERT_TRUE(late);
    EXPECT_EQ(late.id(), id);
    // The creation completes on its own; the handle is the new system's.
    EXPECT_TRUE(eventually([&] {
        try {
            return state_of(late) == "Created";
        } catch (const zlhcs::error&) {
            return false;  // not created yet
        }
    }));
    EXPECT_EQ(zlhcs::compute_system::open(id).id(), id);
    late.start(kTimeout);
    EXPECT_EQ(state_of(late), "Running");
    EXPECT_TRUE(late.terminate(kTimeout));
}

// Nobody takes the handle: the exception closes it, which (ShouldTerminateOnLastHandleClosed)
// ends the system once created; nothing leaks.
TEST(FacadeAsync, CreateTimeoutNobodyTakesClosesTheHandle) {
    const std::string id = unique_id();
    const hcsim_live_objects before = sim().live_objects();
    {
        const latency_guard latency("HcsCreateComputeSystem", kLatencyMs);
        const zlhcs::error e = expect_error(
            [&] { (void)zlhcs::compute_system::create(id, container_document(), 50ms); }, zlhcs::errc::timeout);
        EXPECT_EQ(e.call(), "zlhcs_system_create");
    }  // the caught copy and the exception are gone
    EXPECT_TRUE(eventually([&] {
        const hcsim_live_objects now = sim().live_objects();
        return now.system_handles <= before.system_handles && now.systems <= before.systems &&
               now.pending_completions == 0;
    })) << sim().live_objects().system_handles << " system handles, " << sim().live_objects().systems
        << " systems";
    (void)expect_error([&] { (void)zlhcs::compute_system::open(id); }, zlhcs::errc::not_found);
}

// A C callback counting its calls, to check the close guarantee of a raw operation.
void ZLHCS_CALL count_calls(zlhcs_operation, zlhcs_hresult, void* context) {
    static_cast<std::atomic<int>*>(context)->fetch_add(1);
}

TEST(FacadeAsync, ClosingAnOperationBeforeCompletionIsSafe) {
    const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
    const zlhcs::compute_system system = make_container();
    std::atomic<int> calls{0};
    zlhcs_operation handle = 0;
    ASSERT_EQ(zlhcs_system_start_async(system.native_handle(), nullptr, &count_calls, &calls, nullptr, &handle), ZLHCS_S_OK);
    zlhcs::operation operation(handle);
    ASSERT_TRUE(operation);
    EXPECT_FALSE(operation.try_result().has_value());
    operation.close();  // in flight
    EXPECT_FALSE(operation);
    EXPECT_EQ(operation.native_handle(), 0u);
    // The work goes on; the callback never runs.
    EXPECT_TRUE(eventually([&] { return state_of(system) == "Running"; }));
    ASSERT_TRUE(zlhcs_test::quiesce());  // the completion has come and gone
    EXPECT_EQ(calls.load(), 0);
    // The closed handle is now invalid, not a crash.
    EXPECT_EQ(zlhcs_operation_wait(handle, 0, nullptr), ZLHCS_E_INVALID_HANDLE);
    system.terminate(kTimeout);
}

TEST(FacadeAsync, ReleasedOperationHandleStaysOpen) {
    const zlhcs::compute_system system = make_container();
    zlhcs_operation handle = 0;
    ASSERT_EQ(zlhcs_system_properties_async(system.native_handle(), nullptr, nullptr, nullptr, nullptr, &handle), ZLHCS_S_OK);
    zlhcs::operation operation(handle);
    const zlhcs_operation released = operation.release();
    EXPECT_EQ(released, handle);
    EXPECT_FALSE(operation);
    EXPECT_EQ(zlhcs_operation_wait(released, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_close(released), ZLHCS_S_FALSE);  // no callback: S_FALSE
}

TEST(FacadeAsync, DroppingAnAsyncResultDetachesWithoutLeaking) {
    const std::uint32_t baseline = live_operations();
    {
        const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
        const zlhcs::compute_system system = make_container();
        {
            zlhcs::async_result dropped = system.start_async();
        }  // in flight: the work goes on, the facade closes the operation when it completes
        EXPECT_TRUE(eventually([&] { return state_of(system) == "Running"; }));
        system.terminate(kTimeout);
    }
    EXPECT_TRUE(eventually([&] { return live_operations() <= baseline; }))
        << live_operations() << " operations live, " << baseline << " before";
}

TEST(FacadeAsync, ManyConcurrentFutures) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    std::vector<std::future<std::string>> futures;
    for (int i = 0; i < 32; ++i) futures.push_back(system.properties_async().get_future());
    for (auto& future : futures) EXPECT_EQ(string_member(parse(get(future)), "State"), "Running");
    system.terminate(kTimeout);
}

TEST(FacadeAsync, CreateAsync) {
    const std::string id = unique_id();
    zlhcs::creation created = zlhcs::compute_system::create_async(id, container_document());
    ASSERT_TRUE(created.system);
    (void)created.result.wait(kTimeout);
    EXPECT_EQ(created.system.id(), id);
    EXPECT_EQ(state_of(created.system), "Created");

    auto [duplicate, failure] = zlhcs::compute_system::create_async(id, container_document());
    std::future<std::string> future = failure.get_future();
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    try {
        (void)future.get();
        ADD_FAILURE() << "duplicate create succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::already_exists) << e.what();
    }
}

// HCS may complete an operation inside the call that starts it (real HCS does for
// HcsCreateProcess on Windows Server 2022; hcsim's inline mode, on here whatever the run's
// mode): zlhcs then calls the completion callback on a delivery thread once the *_async call
// has returned (issue 15, point 2), and the async_result must come back sound and complete
// from there, without the caller's thread ever running the callback.
TEST(FacadeAsync, CompletionInsideTheStartingCall) {
    const std::uint32_t baseline = live_operations();
    {
        const behavior_guard inline_completion(HCSIM_BEHAVIOR_INLINE_COMPLETION);
        const zlhcs::compute_system system = make_container();

        zlhcs::async_result properties = system.properties_async();
        EXPECT_FALSE(zlhcs::in_completion_callback());
        std::future<std::string> future = properties.get_future();
        ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
        EXPECT_TRUE(properties.ready());
        ASSERT_TRUE(properties.try_result().has_value());
        EXPECT_EQ(string_member(parse(*properties.try_result()), "State"), "Created");
        EXPECT_EQ(string_member(parse(future.get()), "State"), "Created");

        // Dropped at once: the work was done inside the call, its completion comes later.
        (void)system.start_async();
        EXPECT_EQ(state_of(system), "Running");

        // A failure inside the call: the future carries it, wait() throws it.
        zlhcs::async_result paused = system.pause_async();  // a container: not supported
        std::future<std::string> failed = paused.get_future();
        ASSERT_EQ(failed.wait_for(kTimeout), std::future_status::ready);
        EXPECT_TRUE(paused.ready());
        const zlhcs::error e = expect_error([&] { (void)failed.get(); }, zlhcs::errc::not_supported);
        EXPECT_EQ(e.call(), "zlhcs_system_pause_async");
        (void)expect_error([&] { (void)paused.wait(0ms); }, zlhcs::errc::not_supported);
        EXPECT_FALSE(paused.cancel());  // complete

        zlhcs::creation created = zlhcs::compute_system::create_async(unique_id(), container_document());
        EXPECT_TRUE(created.system);
        EXPECT_NO_THROW((void)created.result.wait(kTimeout));
        EXPECT_TRUE(created.result.ready());
        EXPECT_EQ(state_of(created.system), "Created");

        (void)system.terminate(kTimeout);
    }
    EXPECT_TRUE(eventually([&] { return live_operations() <= baseline; }))
        << live_operations() << " operations live, " << baseline << " before";
}

TEST(FacadeAsync, AsyncResultIsMoveOnly) {
    static_assert(!std::is_copy_constructible_v<zlhcs::async_result>);
    static_assert(std::is_nothrow_move_constructible_v<zlhcs::async_result>);
    static_assert(!std::is_copy_constructible_v<zlhcs::operation>);
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result first = system.properties_async();
    zlhcs::async_result second = std::move(first);
    EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(first.native_handle(), 0u);
    EXPECT_THROW((void)first.wait(1s), std::future_error);
    EXPECT_TRUE(second);
    EXPECT_FALSE(second.wait(kTimeout).empty());
}

#if ZLHCS_HAS_COROUTINES

struct coroutine_report {
    std::string created_state;
    std::string running_state;
    std::string paused_state;
    std::optional<zlhcs::error> second_start;
    std::thread::id resumed_on;
    bool resumed_in_callback = true;
};

// After each suspending co_await the coroutine runs on a facade thread (default_executor()).
detached_task lifecycle_coroutine(const zlhcs::compute_system& system, std::promise<coroutine_report> done) {
    coroutine_report report;
    try {
        report.created_state = string_member(parse(co_await system.properties_async()), "State");
        report.resumed_on = std::this_thread::get_id();
        report.resumed_in_callback = zlhcs::in_completion_callback();
        co_await system.start_async();
        report.running_state = string_member(parse(co_await system.properties_async()), "State");
        try {
            co_await system.start_async();  // Running: not allowed
        } catch (const zlhcs::error& e) {
            report.second_start = e;
        }
        zlhcs::async_result pausing = system.pause_async();
        co_await pausing;
        report.paused_state = string_member(parse(co_await system.properties_async()), "State");
        done.set_value(std::move(report));
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

// The awaits of properties suspend (latency: never completed inside the starting call, in
// any mode), so the coroutine resumes on a facade thread; start and pause may complete
// inside their call (inline mode), then their co_await does not suspend.
TEST(FacadeCoroutine, CoAwaitResumesOnAFacadeThread) {
    const latency_guard latency("HcsGetComputeSystemProperties", 50);
    const zlhcs::compute_system system = make_vm();  // pause is VM-only
    std::promise<coroutine_report> promise;
    std::future<coroutine_report> future = promise.get_future();
    lifecycle_coroutine(system, std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const coroutine_report report = future.get();
    EXPECT_EQ(report.created_state, "Created");
    EXPECT_EQ(report.running_state, "Running");
    EXPECT_EQ(report.paused_state, "Paused");
    ASSERT_TRUE(report.second_start.has_value());
    EXPECT_EQ(report.second_start->code(), zlhcs::errc::invalid_state) << report.second_start->what();
    expect_diagnostics(*report.second_start);
    EXPECT_NE(report.resumed_on, std::this_thread::get_id());
    EXPECT_FALSE(report.resumed_in_callback);  // not inside HCS's completion callback
    EXPECT_EQ(state_of(system), "Paused");
    system.terminate(kTimeout);
}

detached_task await_completed(zlhcs::async_result& result, std::promise<std::thread::id> done) {
    (void)co_await result;
    done.set_value(std::this_thread::get_id());
}

TEST(FacadeCoroutine, CoAwaitOfACompletedResultDoesNotSuspend) {
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.properties_async();
    (void)result.wait(kTimeout);
    ASSERT_TRUE(eventually([&] { return result.ready(); }));
    std::promise<std::thread::id> promise;
    std::future<std::thread::id> future = promise.get_future();
    await_completed(result, std::move(promise));
    ASSERT_EQ(future.wait_for(0s), std::future_status::ready);  // ran inline
    EXPECT_EQ(future.get(), std::this_thread::get_id());
}

// Every operation completes inside its starting call (inline mode), and its callback comes
// after the call returned, on a delivery thread: the coroutine suspends (or finds the result
// ready if the callback already ran) and runs to its end, resumed on the default executor.
detached_task inline_coroutine(const zlhcs::compute_system& system, std::promise<std::thread::id> done) {
    try {
        (void)co_await system.properties_async();
        co_await system.start_async();
        const std::string state = string_member(parse(co_await system.properties_async()), "State");
        if (state != "Running") throw std::runtime_error("state " + state);
        done.set_value(std::this_thread::get_id());
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeCoroutine, CoAwaitOfAResultCompletedInsideTheCallRunsToItsEnd) {
    const behavior_guard inline_completion(HCSIM_BEHAVIOR_INLINE_COMPLETION);
    const zlhcs::compute_system system = make_container();
    std::promise<std::thread::id> promise;
    std::future<std::thread::id> future = promise.get_future();
    inline_coroutine(system, std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_NO_THROW((void)future.get());
    EXPECT_TRUE(system.terminate(kTimeout));
}

detached_task create_coroutine(std::string id, std::promise<zlhcs::compute_system> done) {
    try {
        auto [system, result] = zlhcs::compute_system::create_async(id, container_document());
        co_await result;
        co_await system.start_async();
        done.set_value(std::move(system));
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeCoroutine, CreateAndStart) {
    const std::string id = unique_id();
    std::promise<zlhcs::compute_system> promise;
    std::future<zlhcs::compute_system> future = promise.get_future();
    create_coroutine(id, std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const zlhcs::compute_system system = future.get();
    EXPECT_EQ(system.id(), id);
    EXPECT_EQ(state_of(system), "Running");
    system.terminate(kTimeout);
}

detached_task failing_coroutine(std::string id, std::promise<zlhcs::errc> done) {
    try {
        (void)co_await zlhcs::enumerate_systems_async(R"({"Ids":[)" "\"" + id + "\"]}");
        auto [system, result] = zlhcs::compute_system::create_async(id, "{not json");
        co_await result;
        done.set_value(zlhcs::errc{});
    } catch (const zlhcs::error& e) {
        done.set_value(e.condition());
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeCoroutine, CoAwaitThrowsTheOperationsError) {
    std::promise<zlhcs::errc> promise;
    std::future<zlhcs::errc> future = promise.get_future();
    failing_coroutine(unique_id(), std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(future.get(), zlhcs::errc::invalid_json);
}

#endif  // ZLHCS_HAS_COROUTINES

}  // namespace
