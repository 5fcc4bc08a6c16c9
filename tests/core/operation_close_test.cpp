// zlhcs_operation_close: who owns the callback's context afterwards (ZLHCS_S_FALSE: the
// callback never ran and never will; ZLHCS_S_OK: it has run, and outside callbacks it has
// returned), closing releases waiters at once (ZLHCS_E_INVALID_HANDLE), and closes inside
// callbacks never wait for another running callback (two callbacks closing each other's
// operations must not deadlock).
//
// Long-latency operations are finished by disconnecting hcsim's service (pending operations
// then complete at once with HCS_E_SERVICE_DISCONNECT): "HCS had not completed it" is then a
// fact of the test, not a timing guess. Waits on other threads are bounded by generous
// watchdogs, never asserted as durations.
#include "fixture.hpp"

#include <thread>

namespace zlhcs_core_test {
namespace {

// Ten minutes: an operation with this latency completes only when the test makes it.
constexpr uint32_t forever_ms = 600000;
constexpr auto watchdog = std::chrono::seconds(60);

class operation_close : public core_test {
protected:
    /// Completes every pending hcsim operation now (with HCS_E_SERVICE_DISCONNECT) and
    /// reconnects, so the leak check sees them gone.
    static void finish_pending_operations() {
        ASSERT_EQ(sim().set_latency(nullptr, 0), 0);
        ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 0), 0);
        ASSERT_EQ(sim().set_service_disconnected(1), 0);
        EXPECT_TRUE(settled());
        ASSERT_EQ(sim().set_service_disconnected(0), 0);
    }

    static uint32_t pending_completions() { return sim().live_objects().pending_completions; }
};

/// Spins (yielding) until `flag` is set or the watchdog fires; true if it was set.
bool await(const std::atomic<bool>& flag) {
    return eventually([&] { return flag.load(); }, watchdog);
}

TEST_F(operation_close, without_a_callback_is_s_false_in_flight_and_after_completion) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", forever_ms), 0);
    zlhcs_operation in_flight = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &in_flight), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_close(in_flight), ZLHCS_S_FALSE);
    finish_pending_operations();

    zlhcs_operation completed = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, reinterpret_cast<void*>(0x1), nullptr, &completed),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(completed, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_close(completed), ZLHCS_S_FALSE) << "no callback: nothing ran";
    EXPECT_EQ(zlhcs_operation_close(completed), ZLHCS_E_INVALID_HANDLE);
}

TEST_F(operation_close, before_completion_is_s_false_and_the_callback_never_runs) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", forever_ms), 0);
    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &probe, nullptr, &op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE);
    finish_pending_operations();  // HCS completes it now: the completion must not call back
    EXPECT_EQ(probe.calls.load(), 0);
}

TEST_F(operation_close, after_the_callback_ran_is_s_ok) {
    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &probe, nullptr, &op), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_OK);
    EXPECT_EQ(probe.calls.load(), 1);
}

// Outside callbacks, close waits for a running callback: the caller may free the context as
// soon as close returns.
TEST_F(operation_close, outside_callbacks_waits_for_the_running_callback_to_return) {
    struct context {
        std::atomic<bool> entered{false};
        std::atomic<bool> gate{false};
        std::atomic<bool> returned{false};
    };
    auto* ctx = new context;  // leaked if the watchdog fires (a callback may still use it)
    auto callback = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        c->entered.store(true);
        (void)await(c->gate);
        c->returned.store(true);
    };
    // A latency keeps the completion off this thread also in the inline variant.
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 5), 0);
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +callback, ctx, nullptr, &op), ZLHCS_S_OK);
    ASSERT_TRUE(await(ctx->entered));

    std::atomic<zlhcs_hresult> closed_rc{1};
    std::atomic<bool> returned_at_close{false};
    std::atomic<bool> close_returned{false};
    std::thread closer([&] {
        closed_rc.store(zlhcs_operation_close(op));
        returned_at_close.store(ctx->returned.load());
        close_returned.store(true);
    });
    // The callback cannot return while the gate is shut, so neither can close, which waits.
    EXPECT_TRUE(await_waiting_calls(1));  // no ASSERT: the closer must be joined
    EXPECT_FALSE(close_returned.load()) << "close returned while the callback was still running";
    ctx->gate.store(true);
    closer.join();
    EXPECT_EQ(closed_rc.load(), ZLHCS_S_OK);
    EXPECT_TRUE(returned_at_close.load()) << "close returned before the callback did";
    delete ctx;
}

// Closing releases waiters: a thread blocked in zlhcs_operation_wait returns at once with
// ZLHCS_E_INVALID_HANDLE, long before HCS completes the operation.
TEST_F(operation_close, releases_threads_waiting_on_the_operation) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", forever_ms), 0);
    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &probe, nullptr, &op), ZLHCS_S_OK);
    ASSERT_GE(pending_completions(), 1u);

    struct waiter {
        std::thread thread;
        std::atomic<zlhcs_hresult> result{1};
        std::atomic<bool> document_null{false};
        std::atomic<uint32_t> pending_at_return{0};
        std::atomic<bool> done{false};
        std::atomic<bool> waiting{false};
    };
    waiter waiters[3];
    const uint32_t timeouts[3] = {ZLHCS_INFINITE, forever_ms, ZLHCS_INFINITE};
    for (int i = 0; i < 3; ++i) {
        waiter& w = waiters[i];
        const uint32_t timeout = timeouts[i];
        w.thread = std::thread([&w, op, timeout] {
            w.waiting.store(true);
            char* document = out_sentinel();
            w.result.store(zlhcs_operation_wait(op, timeout, &document));
            w.document_null.store(document == nullptr);
            if (document != out_sentinel()) zlhcs_free(document);
            w.pending_at_return.store(pending_completions());
            w.done.store(true);
        });
    }
    for (auto& w : waiters) EXPECT_TRUE(await(w.waiting));  // no ASSERT: the threads must be joined
    EXPECT_TRUE(await_waiting_calls(3));  // every waiter is blocked in its wait
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE) << "the callback was suppressed";

    const bool all_done = eventually(
        [&] { return waiters[0].done.load() && waiters[1].done.load() && waiters[2].done.load(); }, watchdog);
    if (!all_done) finish_pending_operations();  // releases them the old way, so joins end
    for (auto& w : waiters) w.thread.join();
    ASSERT_TRUE(all_done) << "a waiter stayed blocked after the close";
    for (auto& w : waiters) {
        EXPECT_EQ(w.result.load(), ZLHCS_E_INVALID_HANDLE) << hex(w.result.load());
        EXPECT_TRUE(w.document_null.load()) << "*out_document is NULL on failure";
        EXPECT_GE(w.pending_at_return.load(), 1u) << "the waiter returned only once HCS completed";
    }
    EXPECT_EQ(zlhcs_operation_result(op, nullptr), ZLHCS_E_INVALID_HANDLE);
    finish_pending_operations();
    EXPECT_EQ(probe.calls.load(), 0);
}

TEST_F(operation_close, a_released_waiter_gets_a_last_error_naming_the_operation) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", forever_ms), 0);
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_S_OK);
    std::atomic<bool> waiting{false};
    std::atomic<bool> done{false};
    error_copy seen;
    std::atomic<zlhcs_hresult> result{1};
    std::thread waiter([&] {
        waiting.store(true);
        result.store(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr));
        seen = last_error();
        done.store(true);
    });
    ASSERT_TRUE(await(waiting));
    EXPECT_TRUE(await_waiting_calls(1));  // the close meets a blocked wait
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE);
    const bool released = await(done);
    if (!released) finish_pending_operations();
    waiter.join();
    ASSERT_TRUE(released);
    EXPECT_EQ(result.load(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(seen.code, ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(seen.category, ZLHCS_CATEGORY_INVALID_HANDLE);
    EXPECT_NE(seen.message.find(std::to_string(op)), std::string::npos) << seen.message;
    finish_pending_operations();
}

// Issue 7 point 12: two callbacks running at once, each closing the other's operation, used to
// wait for each other forever. Both closes return S_OK (the other callback is running) at once.
TEST_F(operation_close, callbacks_closing_each_others_operations_do_not_deadlock) {
    struct context {
        std::atomic<zlhcs_operation> ops[2]{{0}, {0}};
        std::atomic<bool> handles_known{false};
        std::atomic<int> arrived{0};
        std::atomic<zlhcs_hresult> closed_other[2]{{1}, {1}};
        std::atomic<zlhcs_hresult> closed_other_again[2]{{1}, {1}};
        std::atomic<int> calls[2]{{0}, {0}};
        std::atomic<bool> rendezvous_failed{false};
        std::atomic<int> finished{0};
    };
    struct side {
        context* ctx;
        int index;
    };
    auto* ctx = new context;  // leaked if the watchdog fires (the callbacks still use it)
    auto* sides = new side[2]{{ctx, 0}, {ctx, 1}};
    auto callback = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        const auto* s = static_cast<side*>(raw);
        context& c = *s->ctx;
        c.calls[s->index].fetch_add(1);
        c.arrived.fetch_add(1);
        // Rendezvous: both callbacks are running before either closes the other's operation.
        const bool met = eventually([&] { return c.handles_known.load() && c.arrived.load() == 2; }, watchdog);
        if (!met) c.rendezvous_failed.store(true);
        const zlhcs_operation other = c.ops[1 - s->index].load();
        c.closed_other[s->index].store(zlhcs_operation_close(other));
        c.closed_other_again[s->index].store(zlhcs_operation_close(other));
        c.finished.fetch_add(1);
    };
    // Equal latencies: both complete at about the same time, on two hcsim workers (the pool
    // grows while a callback blocks), in every variant (no inline completion with a latency).
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 20), 0);
    zlhcs_operation a = 0;
    zlhcs_operation b = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +callback, &sides[0], nullptr, &a), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +callback, &sides[1], nullptr, &b), ZLHCS_S_OK);
    ctx->ops[0].store(a);
    ctx->ops[1].store(b);
    ctx->handles_known.store(true);

    ASSERT_TRUE(eventually([&] { return ctx->finished.load() == 2; }, watchdog))
        << "the callbacks deadlocked closing each other's operations";
    EXPECT_FALSE(ctx->rendezvous_failed.load());
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(ctx->calls[i].load(), 1);
        EXPECT_EQ(ctx->closed_other[i].load(), ZLHCS_S_OK) << "the other callback ran: S_OK";
        EXPECT_EQ(ctx->closed_other_again[i].load(), ZLHCS_E_INVALID_HANDLE);
    }
    EXPECT_EQ(zlhcs_operation_close(a), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_close(b), ZLHCS_E_INVALID_HANDLE);
    ASSERT_TRUE(settled());  // both callbacks have returned: the contexts are free
    delete[] sides;
    delete ctx;
}

// One-sided: a callback closes an operation whose callback is running and cannot return until
// that close has returned. Close inside a callback does not wait (S_OK: "may still be
// finishing"), so the blocked callback is still running when close returns.
TEST_F(operation_close, inside_a_callback_does_not_wait_for_another_running_callback) {
    struct context {
        std::atomic<zlhcs_operation> blocked_op{0};
        std::atomic<bool> blocked_entered{false};
        std::atomic<bool> closed{false};
        std::atomic<bool> blocked_returned{false};
        std::atomic<zlhcs_hresult> close_rc{1};
        std::atomic<bool> blocked_returned_at_close{true};
        std::atomic<bool> closer_done{false};
        std::atomic<bool> blocked_gave_up{false};
    };
    auto* ctx = new context;  // leaked if the watchdog fires
    auto blocked = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        c->blocked_entered.store(true);
        if (!await(c->closed)) c->blocked_gave_up.store(true);
        c->blocked_returned.store(true);
    };
    auto closer = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        (void)await(c->blocked_entered);
        c->close_rc.store(zlhcs_operation_close(c->blocked_op.load()));
        c->blocked_returned_at_close.store(c->blocked_returned.load());
        c->closed.store(true);
        c->closer_done.store(true);
    };
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 5), 0);
    zlhcs_operation blocked_op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +blocked, ctx, nullptr, &blocked_op), ZLHCS_S_OK);
    ctx->blocked_op.store(blocked_op);
    ASSERT_TRUE(await(ctx->blocked_entered));
    operation_guard closer_op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +closer, ctx, nullptr, &closer_op.handle), ZLHCS_S_OK);
    ASSERT_TRUE(await(ctx->closer_done)) << "close inside a callback waited for the other callback";
    EXPECT_EQ(ctx->close_rc.load(), ZLHCS_S_OK);
    EXPECT_FALSE(ctx->blocked_returned_at_close.load()) << "it cannot have returned: it waits for the close";
    EXPECT_FALSE(ctx->blocked_gave_up.load());
    closer_op.reset();
    ASSERT_TRUE(settled());
    EXPECT_TRUE(ctx->blocked_returned.load());
    delete ctx;
}

// A callback closing an operation that has not completed suppresses its callback (S_FALSE).
TEST_F(operation_close, inside_a_callback_a_pending_operation_is_suppressed) {
    struct context {
        std::atomic<zlhcs_operation> pending{0};
        std::atomic<zlhcs_hresult> close_rc{1};
        std::atomic<bool> done{false};
        callback_probe pending_probe;
    } ctx;
    auto callback = [](zlhcs_operation, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        c->close_rc.store(zlhcs_operation_close(c->pending.load()));
        c->done.store(true);
    };
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", forever_ms), 0);
    zlhcs_operation pending = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &ctx.pending_probe, nullptr, &pending),
              ZLHCS_S_OK);
    ctx.pending.store(pending);
    system_guard system(create_system(unique_id()));
    operation_guard op;
    ASSERT_EQ(zlhcs_system_properties_async(system, nullptr, +callback, &ctx, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return ctx.done.load(); }, watchdog));
    EXPECT_EQ(ctx.close_rc.load(), ZLHCS_S_FALSE);
    op.reset();
    system.reset();
    finish_pending_operations();
    EXPECT_EQ(ctx.pending_probe.calls.load(), 0);
}

// A callback may call synchronous functions (with a timeout) and close its own operation. With
// no latency, the inline variant runs it inside zlhcs_system_enumerate_async, before the handle
// is handed out, and its synchronous call completes inline in turn.
TEST_F(operation_close, callback_calls_synchronous_functions_and_closes_its_own_operation) {
    struct context {
        zlhcs_system system = 0;
        std::atomic<zlhcs_hresult> properties{1};
        std::atomic<zlhcs_hresult> service{1};
        std::atomic<zlhcs_hresult> wait_own{1};
        std::atomic<zlhcs_hresult> close_own{1};
        std::atomic<zlhcs_hresult> wait_after_close{1};
        std::atomic<zlhcs_hresult> close_again{1};
        std::atomic<zlhcs_operation> seen{0};
        std::atomic<int> calls{0};
        std::atomic<bool> done{false};
    } ctx;
    auto callback = [](zlhcs_operation own, zlhcs_hresult, void* raw) {
        auto* c = static_cast<context*>(raw);
        c->calls.fetch_add(1);
        c->seen.store(own);
        char* document = nullptr;
        c->properties.store(zlhcs_system_properties(c->system, nullptr, 30000, &document));
        zlhcs_free(document);
        document = nullptr;
        c->service.store(zlhcs_service_properties(nullptr, &document));
        zlhcs_free(document);
        c->wait_own.store(zlhcs_operation_wait(own, 30000, nullptr));
        c->close_own.store(zlhcs_operation_close(own));
        c->wait_after_close.store(zlhcs_operation_wait(own, 0, nullptr));
        c->close_again.store(zlhcs_operation_close(own));
        c->done.store(true);
    };
    system_guard system(create_system(unique_id()));
    ctx.system = system;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, +callback, &ctx, nullptr, &op), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return ctx.done.load(); }, watchdog));
    EXPECT_EQ(ctx.calls.load(), 1);
    EXPECT_EQ(ctx.seen.load(), op);
    EXPECT_EQ(ctx.properties.load(), ZLHCS_S_OK);
    EXPECT_EQ(ctx.service.load(), ZLHCS_S_OK);
    EXPECT_EQ(ctx.wait_own.load(), ZLHCS_S_OK) << "complete: waiting inside its callback returns at once";
    EXPECT_EQ(ctx.close_own.load(), ZLHCS_S_OK) << "its callback is running: S_OK, without waiting for itself";
    EXPECT_EQ(ctx.wait_after_close.load(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(ctx.close_again.load(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_E_INVALID_HANDLE) << "closed by its callback";
}

}  // namespace
}  // namespace zlhcs_core_test
