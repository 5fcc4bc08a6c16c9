// Events: HcsimEmitEvent (any type, any data, to system or process callbacks), the order of
// one handle's events, nothing after close, and the events hcsim raises itself around a VM's
// guest connection (HcsEventSystemGuestConnectionClosed).
#include <algorithm>
#include <cstring>
#include <map>

#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);  // HRESULT_FROM_WIN32(ERROR_NOT_FOUND)
constexpr uint32_t guest_connection_closed = 6;           // HcsEventSystemGuestConnectionClosed
constexpr uint32_t system_exited = 1;                     // HcsEventSystemExited

/** Records what one callback receives. The type is read by its bytes: emitted types need not
 *  be HCS_EVENT_TYPE values (loading one as the enum would be undefined). */
struct Recorder {
    struct Entry {
        uint32_t type = 0;
        bool has_data = false;
        std::string data;
        bool has_operation = false;
        std::thread::id thread;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Entry> entries;
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::chrono::microseconds delay{0};
    // The callback that records entry number `hold_at` blocks until release() (0: never).
    std::size_t hold_at = 0;
    bool released = false;

    void release() {
        {
            std::lock_guard lock(mutex);
            released = true;
        }
        cv.notify_all();
    }

    static void CALLBACK callback(HCS_EVENT* event, void* context) {
        auto* self = static_cast<Recorder*>(context);
        if (self->inside.fetch_add(1) != 0) self->overlapped = true;
        Entry entry;
        static_assert(sizeof entry.type == sizeof event->Type);
        std::memcpy(&entry.type, &event->Type, sizeof entry.type);
        entry.has_data = event->EventData != nullptr;
        entry.data = U8(event->EventData);
        entry.has_operation = event->Operation != nullptr;
        entry.thread = std::this_thread::get_id();
        // Real time on purpose: a callback that takes a while, so deliveries overlap the emits.
        if (self->delay.count() != 0) std::this_thread::sleep_for(self->delay);
        {
            std::unique_lock lock(self->mutex);
            self->entries.push_back(std::move(entry));
            self->cv.notify_all();
            if (self->entries.size() == self->hold_at) self->cv.wait(lock, [&] { return self->released; });
        }
        self->inside.fetch_sub(1);
    }

    std::vector<Entry> wait_for(std::size_t count) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, std::chrono::seconds(30), [&] { return entries.size() >= count; });
        return entries;
    }
    std::vector<Entry> snapshot() {
        std::lock_guard lock(mutex);
        return entries;
    }
    std::vector<uint32_t> types() {
        std::vector<uint32_t> out;
        for (const auto& entry : snapshot()) out.push_back(entry.type);
        return out;
    }
};

void listen(HCS_SYSTEM system, Recorder& recorder) {
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &recorder, Recorder::callback));
}

/** A process running `sleep` (no pipes), closed on destruction. */
class SleepingProcess {
public:
    explicit SleepingProcess(HCS_SYSTEM system) {
        Op op;
        EXPECT_EQ(S_OK, HcsCreateProcess(system, W(R"({"CommandLine":"sleep 600000"})").c_str(), op, nullptr,
                                         &handle_));
        HCS_PROCESS_INFORMATION info{};
        PWSTR doc = nullptr;
        EXPECT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, &doc));
        take(doc);
        pid_ = info.ProcessId;
    }
    ~SleepingProcess() {
        if (handle_ != nullptr) HcsCloseProcess(handle_);
    }
    SleepingProcess(const SleepingProcess&) = delete;
    SleepingProcess& operator=(const SleepingProcess&) = delete;
    HCS_PROCESS get() const { return handle_; }
    uint32_t pid() const { return pid_; }

private:
    HCS_PROCESS handle_ = nullptr;
    uint32_t pid_ = 0;
};

std::string vm_with_guest_connection(const std::string& connection = "{}") {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"hcsim-test","VirtualMachine":{)"
           R"("ComputeTopology":{"Memory":{"SizeInMB":1024},"Processor":{"Count":2}},"GuestConnection":)" +
           connection + "}}";
}

class Events : public HcsimTest {};

// Any 32-bit type arrives as given, with its data converted to UTF-16 intact, on a worker
// thread, at every handle of the system that has a callback (and only those).
TEST_F(Events, EmittedTypesArriveIntactOnSystemCallbacks) {
    Recorder first;
    Recorder second;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-types", container_config(), system).hr);
    Sys without_callback;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("emit-types").c_str(), GENERIC_ALL, without_callback.out()));
    Sys other;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("EMIT-TYPES").c_str(), GENERIC_ALL, other.out()));
    listen(system, first);
    listen(other, second);

    const std::vector<uint32_t> types = {0u, 4u, 5u, 6u, 7u, 0x00010000u, 0x00020000u, 0x02000000u,
                                         0x80000003u, 0xFFFFFFFFu};
    const std::string data = "{\"x\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}";  // é € 😀
    for (const uint32_t type : types) {
        uint32_t targets = 99;
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "Emit-Types", 0, type, data.c_str(), &targets));
        EXPECT_EQ(2u, targets);
    }
    for (Recorder* recorder : {&first, &second}) {
        const auto got = recorder->wait_for(types.size());
        ASSERT_EQ(types.size(), got.size());
        for (std::size_t i = 0; i < types.size(); ++i) {
            EXPECT_EQ(types[i], got[i].type) << i;
            EXPECT_TRUE(got[i].has_data);
            EXPECT_EQ(data, got[i].data);
            EXPECT_FALSE(got[i].has_operation);
            EXPECT_NE(std::this_thread::get_id(), got[i].thread);
        }
        EXPECT_FALSE(recorder->overlapped);
    }
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// NULL data stays NULL; "" is an empty document, not NULL.
TEST_F(Events, NullDataStaysNull) {
    Recorder recorder;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-null", container_config(), system).hr);
    listen(system, recorder);
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-null", 0, 7, nullptr, nullptr));
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-null", 0, 7, "", nullptr));
    const auto got = recorder.wait_for(2);
    ASSERT_EQ(2u, got.size());
    EXPECT_FALSE(got[0].has_data);
    EXPECT_TRUE(got[1].has_data);
    EXPECT_EQ("", got[1].data);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// A process id sends the event to that process's handles with a callback, not to the system's;
// process 0 sends it to the system's handles only.
TEST_F(Events, EmittedEventsReachTheProcessCallbacks) {
    Recorder system_events;
    Recorder process_events;
    Recorder second_process_events;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-process", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    listen(system, system_events);
    {
        SleepingProcess process(system);
        ASSERT_NE(0u, process.pid());
        ASSERT_EQ(S_OK, HcsSetProcessCallback(process.get(), HcsEventOptionNone, &process_events, Recorder::callback));
        HCS_PROCESS second = nullptr;
        ASSERT_EQ(S_OK, HcsOpenProcess(system, process.pid(), GENERIC_ALL, &second));
        HCS_PROCESS third = nullptr;  // no callback: not a target
        ASSERT_EQ(S_OK, HcsOpenProcess(system, process.pid(), GENERIC_ALL, &third));
        ASSERT_EQ(S_OK, HcsSetProcessCallback(second, HcsEventOptionNone, &second_process_events, Recorder::callback));

        uint32_t targets = 0;
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-process", process.pid(), 0x00020000u, "{\"p\":1}", &targets));
        EXPECT_EQ(2u, targets);
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-process", process.pid(), 0x00010000u, nullptr, &targets));
        EXPECT_EQ(2u, targets);
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-process", 0, 9, "{\"s\":1}", &targets));
        EXPECT_EQ(1u, targets);
        for (Recorder* recorder : {&process_events, &second_process_events}) {
            const auto got = recorder->wait_for(2);
            ASSERT_EQ(2u, got.size());
            EXPECT_EQ(0x00020000u, got[0].type);
            EXPECT_EQ("{\"p\":1}", got[0].data);
            EXPECT_EQ(0x00010000u, got[1].type);
            EXPECT_FALSE(got[1].has_data);
        }
        const auto got = system_events.wait_for(1);
        ASSERT_EQ(1u, got.size());
        EXPECT_EQ(9u, got[0].type);
        wait_idle();
        EXPECT_EQ(2u, process_events.snapshot().size());  // nothing from the system emission
        HcsCloseProcess(second);
        HcsCloseProcess(third);
        EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    }
}

TEST_F(Events, EmitErrors) {
    // The recorder outlives the system handle (declared first, destroyed last): the terminate below
    // raises SystemExited, which may reach the callback until HcsCloseComputeSystem has returned.
    Recorder recorder;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-errors", container_config(), system).hr);
    listen(system, recorder);
    uint32_t targets = 5;
    EXPECT_HR(E_INVALIDARG, HcsimEmitEvent(nullptr, nullptr, 0, 7, nullptr, &targets));
    EXPECT_EQ(0u, targets);
    EXPECT_HR(E_INVALIDARG, HcsimEmitEvent(nullptr, "", 0, 7, nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsimEmitEvent("", "emit-errors", 0, 7, nullptr, nullptr));
    for (const char* bad : {"\xC3\x28", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80", "ok\xE2\x82"}) {
        EXPECT_HR(E_INVALIDARG, HcsimEmitEvent(nullptr, "emit-errors", 0, 7, bad, nullptr));
    }
    // HcsEventOperationCallback needs an operation.
    EXPECT_HR(E_INVALIDARG, HcsimEmitEvent(nullptr, "emit-errors", 0, 0x01000000u, nullptr, nullptr));
    targets = 5;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsimEmitEvent(nullptr, "no-such-system", 0, 7, nullptr, &targets));
    EXPECT_EQ(0u, targets);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsimEmitEvent("other-namespace", "emit-errors", 0, 7, nullptr, nullptr));
    EXPECT_HR(hr_not_found, HcsimEmitEvent(nullptr, "emit-errors", 4242, 7, nullptr, nullptr));
    wait_idle();
    EXPECT_TRUE(recorder.snapshot().empty());
    // A stopped system is cleaned up: no longer found.
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsimEmitEvent(nullptr, "emit-errors", 0, 7, nullptr, nullptr));
}

// A system of another namespace is named by its namespace.
TEST_F(Events, EmitFindsASystemByNamespace) {
    Recorder recorder;
    Op op;
    Sys system;
    ASSERT_EQ(S_OK, HcsCreateComputeSystemInNamespace(W("ns-a").c_str(), W("emit-ns").c_str(),
                                                      W(container_config()).c_str(), op, nullptr, system.out()));
    ASSERT_EQ(S_OK, op.wait());
    listen(system, recorder);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsimEmitEvent(nullptr, "emit-ns", 0, 7, nullptr, nullptr));
    uint32_t targets = 0;
    EXPECT_EQ(S_OK, HcsimEmitEvent("NS-A", "emit-ns", 0, 7, nullptr, &targets));
    EXPECT_EQ(1u, targets);
    EXPECT_EQ(1u, recorder.wait_for(1).size());
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// *out_targets counts the callbacks the event was queued for: handles without a callback and
// closed handles do not count; NULL is allowed.
TEST_F(Events, OutTargetsCountsTheCallbacks) {
    Recorder a;
    Recorder b;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-count", container_config(), system).hr);
    uint32_t targets = 9;
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-count", 0, 7, nullptr, &targets));
    EXPECT_EQ(0u, targets);
    listen(system, a);
    Sys second;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("emit-count").c_str(), GENERIC_ALL, second.out()));
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-count", 0, 7, nullptr, &targets));
    EXPECT_EQ(1u, targets);
    listen(second, b);
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-count", 0, 7, nullptr, &targets));
    EXPECT_EQ(2u, targets);
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-count", 0, 7, nullptr, nullptr));
    second.close();
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-count", 0, 7, nullptr, &targets));
    EXPECT_EQ(1u, targets);
    EXPECT_EQ(4u, a.wait_for(4).size());
    wait_idle();
    EXPECT_LE(b.snapshot().size(), 2u);
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// Several threads emit thousands of events to two handles: each handle receives every event,
// one at a time, and each thread's own events in the order that thread emitted them.
TEST_F(Events, EmissionOrderIsKeptPerHandle) {
    constexpr int threads = 4;
    constexpr int per_thread = 2500;
    Recorder a;
    Recorder b;
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-order", container_config(), system).hr);
    Sys second;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("emit-order").c_str(), GENERIC_ALL, second.out()));
    listen(system, a);
    listen(second, b);
    std::vector<std::thread> emitters;
    std::atomic<int> failures{0};
    for (int t = 0; t < threads; ++t) {
        emitters.emplace_back([t, &failures] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string data = std::to_string(t) + ":" + std::to_string(i);
                uint32_t targets = 0;
                if (HcsimEmitEvent(nullptr, "emit-order", 0, 0x100u + static_cast<uint32_t>(t), data.c_str(),
                                   &targets) != S_OK ||
                    targets != 2) {
                    ++failures;
                }
            }
        });
    }
    for (auto& emitter : emitters) emitter.join();
    EXPECT_EQ(0, failures.load());
    for (Recorder* recorder : {&a, &b}) {
        const auto got = recorder->wait_for(threads * per_thread);
        ASSERT_EQ(static_cast<std::size_t>(threads * per_thread), got.size());
        std::map<int, int> next;
        for (const auto& entry : got) {
            const auto colon = entry.data.find(':');
            ASSERT_NE(std::string::npos, colon);
            const int t = std::stoi(entry.data.substr(0, colon));
            const int i = std::stoi(entry.data.substr(colon + 1));
            EXPECT_EQ(0x100u + static_cast<uint32_t>(t), entry.type);
            ASSERT_EQ(next[t], i) << "thread " << t << "'s events out of order";
            next[t] = i + 1;
        }
        EXPECT_FALSE(recorder->overlapped) << "one handle's callback ran on two threads at once";
    }
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// Emitted events and hcsim's own share one order per handle: the exit of a terminate issued
// after a burst of emitted events arrives after all of them.
TEST_F(Events, HcsimsOwnEventsQueueBehindEmittedOnes) {
    constexpr uint32_t count = 500;
    Recorder recorder;
    recorder.delay = std::chrono::microseconds(50);
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-then-exit", container_config(), system).hr);
    listen(system, recorder);
    for (uint32_t i = 0; i < count; ++i) {
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-then-exit", 0, 7, std::to_string(i).c_str(), nullptr));
    }
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    const auto got = recorder.wait_for(count + 1);
    ASSERT_EQ(count + 1, got.size());
    for (uint32_t i = 0; i < count; ++i) EXPECT_EQ(std::to_string(i), got[i].data);
    EXPECT_EQ(system_exited, got[count].type);
}

// An event emitted from inside a handle's callback is delivered after that callback returns
// (never nested inside it), in order.
TEST_F(Events, EventsEmittedInsideTheCallbackFollowIt) {
    struct Chain {
        Recorder recorder;
        std::atomic<int> depth{0};
        std::atomic<bool> nested{false};
        std::atomic<int> emitted{0};
        std::atomic<int> failures{0};
    } chain;
    const auto callback = [](HCS_EVENT* event, void* context) {
        auto* self = static_cast<Chain*>(context);
        if (self->depth.fetch_add(1) != 0) self->nested = true;
        Recorder::callback(event, &self->recorder);
        if (self->emitted.load() < 50) {
            ++self->emitted;
            if (HcsimEmitEvent(nullptr, "emit-inside", 0, 7, std::to_string(self->emitted.load()).c_str(), nullptr) !=
                S_OK) {
                ++self->failures;
            }
        }
        self->depth.fetch_sub(1);
    };
    Sys system;
    ASSERT_EQ(S_OK, create_system("emit-inside", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &chain, callback));
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-inside", 0, 7, "0", nullptr));
    const auto got = chain.recorder.wait_for(51);
    ASSERT_EQ(51u, got.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(std::to_string(i), got[i].data);
    EXPECT_FALSE(chain.nested);
    EXPECT_EQ(0, chain.failures.load());
    wait_idle();
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

// After HcsCloseComputeSystem returns, the handle's callback runs no more, although events
// were still queued for it; a later emission does not count it. The fifth callback is held
// until close is under way (close waits for it), so the queued rest is known to be pending.
TEST_F(Events, AClosedHandleReceivesNothingAfterCloseReturns) {
    Recorder recorder;
    recorder.hold_at = 5;
    Sys owner;
    ASSERT_EQ(S_OK, create_system("emit-close", container_config(), owner).hr);
    Sys system;
    ASSERT_EQ(S_OK, HcsOpenComputeSystem(W("emit-close").c_str(), GENERIC_ALL, system.out()));
    listen(system, recorder);
    for (int i = 0; i < 2000; ++i) {
        ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-close", 0, 7, nullptr, nullptr));
    }
    recorder.wait_for(5);  // the fifth callback is now held
    std::atomic<bool> closing{false};
    std::atomic<bool> closed{false};
    std::thread closer([&] {
        closing = true;
        system.close();
        closed = true;
    });
    while (!closing.load()) std::this_thread::yield();
    // Close reaches its wait for the held callback; it cannot return before the release.
    EXPECT_TRUE(await_waiting_calls(1));
    EXPECT_FALSE(closed.load());
    recorder.release();
    closer.join();
    const std::size_t at_close = recorder.snapshot().size();
    EXPECT_LT(at_close, 2000u);
    uint32_t targets = 9;
    ASSERT_EQ(S_OK, HcsimEmitEvent(nullptr, "emit-close", 0, 7, nullptr, &targets));
    EXPECT_EQ(0u, targets);
    wait_idle();  // no delivery queued or running: nothing can arrive after this
    EXPECT_EQ(at_close, recorder.snapshot().size());
    EXPECT_EQ(0, recorder.inside.load());
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, owner).hr);
}

void CALLBACK count_exits(HCS_EVENT* event, void* context) {
    if (event->Type == HcsEventSystemExited) ++*static_cast<std::atomic<int>*>(context);
}

// The event raised with a state change is committed with it: a close right after a wait that
// saw the change (HcsWaitForComputeSystemExit) waits for the event's callback, although the
// change and the delivery happen on different hcsim threads. Each round is one chance for the
// close to come between the two.
TEST_F(Events, ACloseAfterTheWaitSawTheExitStillGetsTheExitEventFirst) {
    std::atomic<int> exits{0};
    for (int round = 1; round <= 30; ++round) {
        Sys system;
        ASSERT_EQ(S_OK, create_system("committed-" + std::to_string(round), container_config(), system).hr);
        ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &exits, count_exits));
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
        ASSERT_EQ(S_OK, HcsWaitForComputeSystemExit(system, INFINITE, nullptr));
        system.close();
        ASSERT_EQ(round, exits.load()) << "round " << round;
    }
}

// A VM whose configuration has GuestConnection: its stop raises GuestConnectionClosed (no
// EventData) before SystemExited, for shutdown, terminate and crash alike.
TEST_F(Events, GuestConnectionClosedPrecedesSystemExitedForAVm) {
    using Entry = HRESULT(WINAPI*)(HCS_SYSTEM, HCS_OPERATION, PCWSTR);
    const std::vector<std::pair<Entry, std::vector<uint32_t>>> cases = {
        {HcsShutDownComputeSystem, {guest_connection_closed, system_exited}},
        {HcsTerminateComputeSystem, {guest_connection_closed, system_exited}},
        {HcsCrashComputeSystem, {2u, 3u, guest_connection_closed, system_exited}},
    };
    for (const auto& [entry, expected] : cases) {
        Recorder recorder;
        Sys system;
        ASSERT_EQ(S_OK, create_system("guest-vm", vm_with_guest_connection(), system).hr);
        listen(system, recorder);
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(entry, system).hr);
        const auto got = recorder.wait_for(expected.size());
        EXPECT_EQ(expected, recorder.types());
        for (const auto& event : got) {
            if (event.type == guest_connection_closed) {
                EXPECT_FALSE(event.has_data);
            }
        }
        wait_idle();
        EXPECT_EQ(expected.size(), recorder.snapshot().size());
    }
}

// Pausing closes the guest connection unless GuestConnection.UseConnectedSuspend; a resume
// connects again, so the stop closes it once more.
TEST_F(Events, PauseClosesTheGuestConnectionUnlessConnectedSuspend) {
    {
        Recorder recorder;
        Sys system;
        ASSERT_EQ(S_OK, create_system("guest-pause", vm_with_guest_connection(), system).hr);
        listen(system, recorder);
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
        recorder.wait_for(1);
        EXPECT_EQ(std::vector<uint32_t>{guest_connection_closed}, recorder.types());
        ASSERT_EQ(S_OK, run(HcsResumeComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);  // from Paused: already closed
        recorder.wait_for(3);
        wait_idle();
        EXPECT_EQ((std::vector<uint32_t>{guest_connection_closed, guest_connection_closed, system_exited}),
                  recorder.types());
    }
    {
        Recorder recorder;
        Sys system;
        ASSERT_EQ(S_OK, create_system("guest-suspend", vm_with_guest_connection(R"({"UseConnectedSuspend":true})"),
                                      system).hr);
        listen(system, recorder);
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsPauseComputeSystem, system).hr);
        ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
        recorder.wait_for(2);
        wait_idle();
        EXPECT_EQ((std::vector<uint32_t>{guest_connection_closed, system_exited}), recorder.types());
    }
}

// No guest connection, no event: a process-isolated container, a VM without GuestConnection,
// and a VM with one that never started.
TEST_F(Events, NoGuestConnectionClosedWithoutAConnection) {
    const std::vector<std::pair<std::string, bool>> cases = {
        {container_config(), true}, {vm_config(), true}, {vm_with_guest_connection(), false}};
    for (const auto& [config, start] : cases) {
        Recorder recorder;
        Sys system;
        ASSERT_EQ(S_OK, create_system("no-guest", config, system).hr);
        listen(system, recorder);
        if (start) {
            ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        }
        ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
        recorder.wait_for(1);
        wait_idle();
        EXPECT_EQ(std::vector<uint32_t>{system_exited}, recorder.types()) << config;
    }
}

}  // namespace
}  // namespace hcsim_test
