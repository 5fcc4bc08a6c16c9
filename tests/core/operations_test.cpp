// Operations: wait with timeout, result while pending, cancel, callbacks (exactly once, right
// handle/result/context, another thread), close in flight, close from inside the callback,
// synchronous forms with timeout, injected failures (immediate and asynchronous).
#include "fixture.hpp"

#include <string>
#include <thread>
#include <vector>

namespace zlhcs_core_test {
namespace {

using operations = core_test;

TEST_F(operations, wait_times_out_result_is_pending_then_infinite_wait_succeeds) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 800), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_NE(op.handle, 0u);

    char* document = out_sentinel();
    EXPECT_EQ(zlhcs_operation_wait(op, 10, &document), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(document, nullptr);
    error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_TIMEOUT);
    EXPECT_FALSE(e.message.empty());

    EXPECT_EQ(zlhcs_operation_wait(op, 0, nullptr), ZLHCS_HCS_E_OPERATION_TIMEOUT)
        << "a zero timeout on a running operation is a timeout, not pending";

    document = out_sentinel();
    EXPECT_EQ(zlhcs_operation_result(op, &document), ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(document, nullptr);
    e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_PENDING);

    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_result(op, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, 0, nullptr), ZLHCS_S_OK) << "complete: waits return at once";
    EXPECT_EQ(state_of(system), "Running");
}

// Cancelling: see async_contract_test.cpp (HCS does not implement it).

TEST_F(operations, cancel_after_completion_is_s_false) {
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    (void)zlhcs_clear_error();
    EXPECT_EQ(zlhcs_operation_cancel(op), ZLHCS_S_FALSE);
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE) << "S_FALSE is success: no last error";
    EXPECT_EQ(zlhcs_operation_wait(op, 0, nullptr), ZLHCS_S_OK) << "the result is unchanged";
}

TEST_F(operations, callback_runs_once_on_another_thread_with_handle_result_and_context) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 30), 0);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    const zlhcs_operation handle = op.handle;
    op.reset();  // after close returns, no callback is running or will run
    EXPECT_EQ(probe.calls.load(), 1);
    EXPECT_EQ(probe.operation.load(), handle);
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_FALSE(probe.on_caller_thread.load()) << "the callback ran on the caller's thread";
}

TEST_F(operations, callback_receives_the_operation_handle_and_failure_result) {
    system_guard system(running_system(unique_id()));
    callback_probe probe;
    zlhcs_operation op = 0;
    // Start of a running system: the operation fails with HCS_E_INVALID_STATE.
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_INVALID_STATE);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.operation.load(), op);
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_OK);
    EXPECT_EQ(probe.calls.load(), 1);
}

TEST_F(operations, null_callback_is_allowed) {
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, reinterpret_cast<void*>(0x1234), nullptr, &op.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(operations, close_in_flight_suppresses_the_callback_and_leaks_nothing) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 200), 0);
    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE) << "suppressed: the context is the caller's again";
    EXPECT_EQ(zlhcs_operation_wait(op, 0, nullptr), ZLHCS_E_INVALID_HANDLE);
    ASSERT_TRUE(settled());
    EXPECT_EQ(probe.calls.load(), 0) << "callback after close returned";
    // The work went on.
    EXPECT_EQ(state_of(system), "Running");
}

TEST_F(operations, close_from_inside_the_callback) {
    struct context {
        std::atomic<int> calls{0};
        std::atomic<zlhcs_hresult> wait_inside{1};
        std::atomic<zlhcs_hresult> close_inside{1};
        std::atomic<zlhcs_hresult> close_again{1};
        std::atomic<bool> done{false};
    } ctx;
    auto callback = [](zlhcs_operation op, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        c->calls.fetch_add(1);
        c->wait_inside.store(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr));
        c->close_inside.store(zlhcs_operation_close(op));
        c->close_again.store(zlhcs_operation_close(op));
        c->done.store(true);
    };
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 20), 0);
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, +callback, &ctx, nullptr, &op), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return ctx.done.load(); }));
    EXPECT_EQ(ctx.calls.load(), 1);
    EXPECT_EQ(ctx.wait_inside.load(), ZLHCS_S_OK) << "waiting inside the callback returns at once";
    EXPECT_EQ(ctx.close_inside.load(), ZLHCS_S_OK);
    EXPECT_EQ(ctx.close_again.load(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_E_INVALID_HANDLE) << "already closed by the callback";
    EXPECT_EQ(state_of(system), "Running");
}

TEST_F(operations, callback_may_start_other_operations) {
    struct context {
        zlhcs_system system = 0;
        std::atomic<zlhcs_hresult> started{1};
        std::atomic<zlhcs_operation> inner{0};
        callback_probe inner_probe;
        std::atomic<bool> done{false};
    } ctx;
    auto callback = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        zlhcs_operation inner = 0;
        c->started.store(zlhcs_system_properties_async(c->system, nullptr, &callback_probe::callback,
                                                       &c->inner_probe, nullptr, &inner));
        c->inner.store(inner);
        char* id = nullptr;
        if (zlhcs_system_id(c->system, &id) == ZLHCS_S_OK) zlhcs_free(id);
        c->done.store(true);
    };
    system_guard system(create_system(unique_id()));
    ctx.system = system;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, +callback, &ctx, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return ctx.done.load(); }));
    EXPECT_EQ(ctx.started.load(), ZLHCS_S_OK);
    operation_guard inner(ctx.inner.load());
    ASSERT_NE(inner.handle, 0u);
    char* document = nullptr;
    EXPECT_EQ(zlhcs_operation_wait(inner, ZLHCS_INFINITE, &document), ZLHCS_S_OK);
    const rapidjson::Document d = parse(take(document));
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["State"].GetString(), "Running");
    ASSERT_TRUE(ctx.inner_probe.wait_called());
    inner.reset();
    EXPECT_EQ(ctx.inner_probe.calls.load(), 1);
}

TEST_F(operations, result_document_of_a_successful_operation) {
    const std::string id = unique_id();
    system_guard system(create_system(id));
    operation_guard op;
    ASSERT_EQ(zlhcs_system_properties_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    char* document = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &document), ZLHCS_S_OK);
    ASSERT_NE(document, nullptr);
    const rapidjson::Document d = parse(take(document));
    ASSERT_TRUE(d.IsObject());
    EXPECT_STREQ(d["Id"].GetString(), id.c_str());
    // The document can be fetched again, by result and by wait.
    document = nullptr;
    ASSERT_EQ(zlhcs_operation_result(op, &document), ZLHCS_S_OK);
    EXPECT_FALSE(take(document).empty());
}

TEST_F(operations, many_waiters_see_the_same_result) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 100), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    std::vector<std::thread> waiters;
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i) {
        waiters.emplace_back([&] {
            if (zlhcs_operation_wait(op.handle, ZLHCS_INFINITE, nullptr) == ZLHCS_S_OK) ok.fetch_add(1);
        });
    }
    for (auto& t : waiters) t.join();
    EXPECT_EQ(ok.load(), 6);
}

TEST_F(operations, sync_properties_times_out) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsGetComputeSystemProperties", 1000), 0);
    char* out = nullptr;
    EXPECT_EQ(zlhcs_system_properties(system, nullptr, 10, &out), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(out, nullptr);
    ASSERT_TRUE(settled());
}

TEST_F(operations, injected_immediate_failure_gives_no_operation_and_no_callback) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_ACCESS_DENIED,
                                    fault_immediate),
              0);
    callback_probe probe;
    zlhcs_operation op = 0xDEAD;
    EXPECT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op),
              ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(op, 0u) << "no operation handle on failure";
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_ACCESS_DENIED);
    EXPECT_EQ(e.function, "HcsStartComputeSystem");
    EXPECT_NE(e.message.find("HcsStartComputeSystem"), std::string::npos) << e.message;
    ASSERT_TRUE(settled());
    EXPECT_EQ(probe.calls.load(), 0);
    EXPECT_EQ(state_of(system), "Created");

    // The fault was for one call: the next succeeds.
    operation_guard next;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &next.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(next, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    next.reset();
    EXPECT_EQ(probe.calls.load(), 1);
}

TEST_F(operations, injected_immediate_failure_in_the_sync_form) {
    system_guard system(create_system(unique_id(), vm_config));  // pause is for VMs
    ASSERT_EQ(sim().fail_next_calls("HcsPauseComputeSystem", 2, ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE,
                                    fault_immediate),
              0);
    ASSERT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_pause(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE);
    EXPECT_EQ(zlhcs_system_pause(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE);
    EXPECT_EQ(last_error().function, "HcsPauseComputeSystem");
    EXPECT_EQ(zlhcs_system_pause(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(state_of(system), "Paused");
}

TEST_F(operations, injected_async_failure_completes_the_operation_with_the_document) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_INVALID_JSON, fault_async),
              0);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    ASSERT_NE(op.handle, 0u);
    char* document = nullptr;
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &document), ZLHCS_HCS_E_INVALID_JSON);
    const std::string doc = take(document);
    if (error_documents_omitted()) {
        EXPECT_TRUE(doc.empty());
        expect_explained_without_document("HcsStartComputeSystem");
        return;
    }
    ASSERT_FALSE(doc.empty()) << "the error document is handed out on failure";
    const rapidjson::Document d = parse(doc);
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d.HasMember("Error"));
    EXPECT_EQ(d["Error"].GetInt(), ZLHCS_HCS_E_INVALID_JSON);
    ASSERT_TRUE(d.HasMember("ErrorMessage") && d["ErrorMessage"].IsString());
    const std::string error_message = d["ErrorMessage"].GetString();

    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_JSON);
    EXPECT_EQ(e.function, "HcsStartComputeSystem");
    EXPECT_EQ(e.document, doc);
    if (!error_message.empty()) {
        EXPECT_NE(e.message.find(error_message), std::string::npos)
            << "the message carries HCS's ErrorMessage: " << e.message;
    }
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_INVALID_JSON);
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
    EXPECT_EQ(state_of(system), "Created");
}

TEST_F(operations, injected_async_failure_in_the_sync_form_reaches_last_error) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_GUEST_CRITICAL_ERROR,
                                    fault_async),
              0);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_GUEST_CRITICAL_ERROR);
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_GUEST_CRITICAL_ERROR);
    EXPECT_EQ(e.function, "HcsStartComputeSystem");
    if (error_documents_omitted()) return expect_explained_without_document("HcsStartComputeSystem");
    const rapidjson::Document d = parse(e.document);
    ASSERT_TRUE(d.IsObject()) << e.document;
    EXPECT_TRUE(d.HasMember("ErrorMessage"));
    EXPECT_TRUE(d.HasMember("ErrorEvents"));
}

TEST_F(operations, callback_may_call_synchronous_functions) {
    struct context {
        zlhcs_system system = 0;
        std::atomic<zlhcs_hresult> sync_properties{1};
        std::atomic<zlhcs_hresult> sync_enumerate{1};
        std::atomic<bool> done{false};
    } ctx;
    auto callback = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        char* out = nullptr;
        c->sync_properties.store(zlhcs_system_properties(c->system, nullptr, 10000, &out));
        zlhcs_free(out);
        out = nullptr;
        c->sync_enumerate.store(zlhcs_system_enumerate(nullptr, nullptr, 10000, &out));
        zlhcs_free(out);
        c->done.store(true);
    };
    system_guard system(create_system(unique_id()));
    ctx.system = system;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, +callback, &ctx, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return ctx.done.load(); }, std::chrono::seconds(30)));
    EXPECT_EQ(ctx.sync_properties.load(), ZLHCS_S_OK);
    EXPECT_EQ(ctx.sync_enumerate.load(), ZLHCS_S_OK);
}

TEST_F(operations, hcs_codes_pass_through_unchanged_in_both_severity_forms) {
    system_guard system(create_system(unique_id()));
    const zlhcs_hresult nt_form = ZLHCS_HR(0xC037010Eu);
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, nt_form, fault_immediate), 0);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), nt_form);
    error_copy e = last_error();
    EXPECT_EQ(e.code, nt_form);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_FOUND);
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, nt_form, fault_async), 0);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), nt_form);
    e = last_error();
    EXPECT_EQ(e.code, nt_form);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_FOUND);
    // A Win32 HRESULT from HCS passes through as well.
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HR(0x80070005u), fault_async), 0);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_HR(0x80070005u));
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_ACCESS_DENIED);
}

TEST_F(operations, create_with_injected_immediate_failure_returns_no_handles) {
    ASSERT_EQ(sim().fail_next_calls("HcsCreateComputeSystem", 2, ZLHCS_HCS_E_ACCESS_DENIED, fault_immediate),
              0);
    callback_probe probe;
    zlhcs_system system = 0xBAD;
    zlhcs_operation op = 0xBAD;
    const std::string id = unique_id();
    EXPECT_EQ(zlhcs_system_create_async(id.c_str(), container_config, nullptr, &callback_probe::callback, &probe,
                                        nullptr,
                                        &system, &op),
              ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(system, 0u);
    EXPECT_EQ(op, 0u);
    EXPECT_EQ(last_error().function, "HcsCreateComputeSystem");
    system = 0xBAD;
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &system, nullptr),
              ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(system, 0u);
    ASSERT_TRUE(settled());
    EXPECT_EQ(probe.calls.load(), 0);
    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
}

TEST_F(operations, create_with_injected_async_failure) {
    ASSERT_EQ(sim().fail_next_calls("HcsCreateComputeSystem", 2, ZLHCS_HCS_E_HYPERV_NOT_INSTALLED, fault_async),
              0);
    const std::string id = unique_id();
    // Async: both handles are handed out; the operation fails with the code and a document.
    callback_probe probe;
    zlhcs_system system = 0;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_create_async(id.c_str(), container_config, nullptr, &callback_probe::callback, &probe,
                                        nullptr,
                                        &system, &op),
              ZLHCS_S_OK);
    system_guard system_g(system);
    operation_guard op_g(op);
    EXPECT_NE(system, 0u);
    char* document = nullptr;
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &document), ZLHCS_HCS_E_HYPERV_NOT_INSTALLED);
    const std::string failure_document = take(document);
    EXPECT_EQ(failure_document.find("ErrorMessage") != std::string::npos, !error_documents_omitted());
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_NOT_SUPPORTED);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_HYPERV_NOT_INSTALLED);
    op_g.reset();
    system_g.reset();
    // Sync: no handle, the half-created one is closed (the fixture's leak check sees it).
    zlhcs_system sync_system = 0xBAD;
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &sync_system, nullptr),
              ZLHCS_HCS_E_HYPERV_NOT_INSTALLED);
    EXPECT_EQ(sync_system, 0u);
    if (error_documents_omitted()) {
        expect_explained_without_document("HcsCreateComputeSystem");
    } else {
        EXPECT_NE(last_error().document.find("ErrorMessage"), std::string::npos);
    }
    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
}

TEST_F(operations, closing_the_system_keeps_its_operations_valid) {
    zlhcs_system system = create_system(unique_id());
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 100), 0);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
}

// Closing releases waiters, close's S_FALSE/S_OK and closes inside callbacks:
// operation_close_test.cpp; zlhcs_operation_error: operation_error_test.cpp.

}  // namespace
}  // namespace zlhcs_core_test
