// The events stress test (zlhcs.h "Events", guarantees 1-6): 8 threads subscribe to systems and
// processes, unsubscribe, drain queues, start and close operations and exit watches, block in
// waits (system, process, operation), create, terminate and close processes, close and replace
// system handles, terminate systems and disconnect the service while events fire. Every
// violation of a guarantee is counted; the test asserts that there are none. A watchdog ends a hung run (with
// the seed), and the seed is printed so that a failing run can be replayed:
// ZLHCS_STRESS_SEED=<seed> (and ZLHCS_STRESS_ITERATIONS=<per thread>).
#include "event_support.hpp"

#include <array>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <deque>
#include <mutex>
#include <random>

namespace {

using namespace zlhcs_core_test;

constexpr int threads = 8;
constexpr int slot_count = 6;
constexpr uint32_t hcs_unknown_type = 7;

uint64_t env_or(const char* name, uint64_t fallback) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

struct violations {
    std::atomic<int> g1_call_after_close{0};
    std::atomic<int> g1_call_in_progress_at_close{0};
    std::atomic<int> g2_completed_twice{0};
    std::atomic<int> g2_not_completed{0};
    std::atomic<int> g3_disconnect_twice{0};
    std::atomic<int> g3_disconnect_missing{0};
    std::atomic<int> g3_wait_not_released{0};
    std::atomic<int> g3_wait_wrong_result{0};
    std::atomic<int> g4_unknown_mangled{0};
    std::atomic<int> g5_sequence_gap{0};
    std::atomic<int> g5_reordered{0};
    std::atomic<int> g5_concurrent_calls{0};
    std::atomic<int> g6_callback_already_set{0};
    int total() const {
        return g1_call_after_close + g1_call_in_progress_at_close + g2_completed_twice + g2_not_completed +
               g3_disconnect_twice + g3_disconnect_missing + g3_wait_not_released + g3_wait_wrong_result + g4_unknown_mangled + g5_sequence_gap + g5_reordered +
               g5_concurrent_calls + g6_callback_already_set;
    }
    void print() const {
        std::printf("[ stress   ] violations: g1 after-close %d in-progress %d | g2 twice %d never %d | g3 twice %d "
                    "missing %d wait-not-released %d wrong-result %d | g4 %d | g5 gap %d reordered %d concurrent %d | g6 %d\n",
                    g1_call_after_close.load(), g1_call_in_progress_at_close.load(), g2_completed_twice.load(),
                    g2_not_completed.load(), g3_disconnect_twice.load(), g3_disconnect_missing.load(),
                    g3_wait_not_released.load(), g3_wait_wrong_result.load(), g4_unknown_mangled.load(), g5_sequence_gap.load(), g5_reordered.load(),
                    g5_concurrent_calls.load(), g6_callback_already_set.load());
    }
};

violations found;
// Even while no disconnect is under way; odd during one (and until zlhcs has heard of it).
std::atomic<uint64_t> disconnect_epoch{0};

// Checks every event a subscription receives, callback or queue alike.
struct event_checker {
    uint64_t expected_sequence = 1;
    std::atomic<int> disconnects{0};  // also read by the disconnect checks while calls may still come
    std::atomic<int> lost_records{0};
    int last_n[threads];
    event_checker() {
        for (int& n : last_n) n = -1;
    }
    void check(const zlhcs_event& e) {
        if (e.sequence != expected_sequence) found.g5_sequence_gap.fetch_add(1);
        expected_sequence = e.sequence + (e.kind == ZLHCS_EVENT_EVENTS_LOST ? e.lost_count : 1);
        if (e.kind == ZLHCS_EVENT_EVENTS_LOST) lost_records.fetch_add(1);
        if (e.kind == ZLHCS_EVENT_SERVICE_DISCONNECT && disconnects.fetch_add(1) >= 1) {
            found.g3_disconnect_twice.fetch_add(1);
        }
        if (e.hcs_type != hcs_unknown_type) return;
        rapidjson::Document d;
        if (e.kind != ZLHCS_EVENT_UNKNOWN || e.data == nullptr || d.Parse(e.data).HasParseError() || !d.IsObject() ||
            !d.HasMember("t") || !d.HasMember("n")) {
            found.g4_unknown_mangled.fetch_add(1);
            return;
        }
        const int t = d["t"].GetInt();
        const int n = d["n"].GetInt();
        if (t < 0 || t >= threads) {
            found.g4_unknown_mangled.fetch_add(1);
            return;
        }
        if (n <= last_n[t]) found.g5_reordered.fetch_add(1);
        last_n[t] = n;
    }
};

struct subscriber {
    zlhcs_subscription handle = 0;
    bool queue = false;
    uint64_t epoch = 0;          // disconnect_epoch when it subscribed (even) or ~0 if ambiguous
    event_checker checker;       // callback: touched by its (serial) calls only; queue: by the drainer
    std::atomic<int> in_call{0};
    std::atomic<bool> closed{false};

    static void ZLHCS_CALL callback(const zlhcs_event* event, void* context) {
        auto* self = static_cast<subscriber*>(context);
        if (self->closed.load()) found.g1_call_after_close.fetch_add(1);
        if (self->in_call.fetch_add(1) != 0) found.g5_concurrent_calls.fetch_add(1);
        self->checker.check(*event);
        self->in_call.fetch_sub(1);
    }
};

struct operation_record {
    zlhcs_operation handle = 0;
    std::atomic<int> calls{0};
    bool closed = false;
    zlhcs_hresult close_result = ZLHCS_E_INTERNAL;  // what the close returned, once closed
    static void ZLHCS_CALL callback(zlhcs_operation, zlhcs_hresult, void* context) {
        static_cast<operation_record*>(context)->calls.fetch_add(1);
    }
};

// One handle (a system's or a process's) and the subscriptions made on it.
struct watched {
    uint64_t epoch = 0;  // disconnect_epoch when the handle was made (even) or ~0 if ambiguous
    std::vector<std::unique_ptr<subscriber>> live;
};

struct slot {
    std::mutex mutex;
    std::string id;
    zlhcs_system system = 0;
    watched on_system;
    zlhcs_process process = 0;  // a process of the system, or 0
    uint32_t pid = 0;
    watched on_process;
};

// A thread blocked in a wait that must end: at the exit, at a close of its handle, or at a
// service disconnect (guarantee 3: every blocked wait returns).
struct waiter {
    enum class kind { system_exit, process_exit, operation } what = kind::system_exit;
    uint64_t epoch = 0;  // disconnect_epoch before it began (even) or ~0 if ambiguous
    std::atomic<bool> returned{false};
    std::atomic<zlhcs_hresult> result{ZLHCS_S_OK};
    std::thread thread;
};

constexpr int max_waiters = 12;
std::atomic<int> waits_checked_at_disconnect[3];
std::atomic<int> probe_waits_checked{0};

struct world {
    slot slots[slot_count];
    std::mutex retired_mutex;
    std::vector<std::unique_ptr<subscriber>> retired;        // closed: kept to catch late calls
    std::deque<std::unique_ptr<operation_record>> operations;  // every operation started
    std::atomic<int> disconnecting{0};
    std::mutex waiters_mutex;
    std::vector<std::unique_ptr<waiter>> waiters;
    std::atomic<int> waiting{0};
    std::atomic<int> processes_made{0};
    std::atomic<int> waits_made{0};
};

uint64_t stable_epoch_before() {
    const uint64_t e = disconnect_epoch.load();
    return e % 2 == 0 ? e : ~uint64_t{0};
}

class events_stress : public core_test {};

uint64_t epoch_since(uint64_t before) { return before == disconnect_epoch.load() ? before : ~uint64_t{0}; }

void make_system(slot& s, int serial) {
    const uint64_t before = stable_epoch_before();
    s.id = unique_id(("stress-" + std::to_string(serial)).c_str());
    zlhcs_system system = 0;
    const zlhcs_hresult created = zlhcs_system_create(s.id.c_str(), container_config, nullptr, 60000, &system, nullptr);
    if (created == ZLHCS_HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET) found.g6_callback_already_set.fetch_add(1);
    if (created >= 0) {
        (void)zlhcs_system_start(system, nullptr, 60000, nullptr);
    } else if (system != 0) {
        (void)zlhcs_system_close(system);
        system = 0;
    }
    s.system = system;
    s.on_system.epoch = epoch_since(before);
}

void make_process(world& w, slot& s) {
    const uint64_t before = stable_epoch_before();
    const std::string doc = parameters(long_sleep);
    zlhcs_process process = 0;
    const zlhcs_hresult created = zlhcs_process_create(s.system, doc.c_str(), nullptr, 60000, &process, nullptr);
    if (created == ZLHCS_HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET) found.g6_callback_already_set.fetch_add(1);
    if (created < 0) return;  // the system is stopped, or the service is disconnected
    uint32_t pid = 0;
    (void)zlhcs_process_id(process, &pid);
    s.process = process;
    s.pid = pid;
    s.on_process.epoch = epoch_since(before);
    w.processes_made.fetch_add(1);
}

void retire(subscriber& sub) {
    (void)zlhcs_subscription_close(sub.handle);
    if (sub.in_call.load() != 0) found.g1_call_in_progress_at_close.fetch_add(1);
    sub.closed.store(true);
}

void retire_all(world& w, watched& h) {
    // The handle was closed: its subscriptions ended, their handles are still to close.
    for (auto& sub : h.live) {
        retire(*sub);
        std::lock_guard lock(w.retired_mutex);
        w.retired.push_back(std::move(sub));
    }
    h.live.clear();
}

void close_process(world& w, slot& s) {
    if (s.process == 0) return;
    (void)zlhcs_process_close(s.process);
    s.process = 0;
    s.pid = 0;
    retire_all(w, s.on_process);
}

// Starts a thread that blocks in a wait on the slot's system or process (slot lock held; the
// thread uses the handle values after the lock is gone: a closed handle is a valid outcome).
void start_waiter(world& w, slot& s, std::mt19937_64& random) {
    if (w.waiting.load() >= max_waiters) return;
    auto entry = std::make_unique<waiter>();
    waiter* self = entry.get();
    const int choice = static_cast<int>(random() % 3);
    self->what = choice == 1 && s.process != 0 ? waiter::kind::process_exit
                 : choice == 2                 ? waiter::kind::operation
                                               : waiter::kind::system_exit;
    self->epoch = stable_epoch_before();
    const zlhcs_system system = s.system;
    const zlhcs_process process = s.process;
    w.waiting.fetch_add(1);
    w.waits_made.fetch_add(1);
    self->thread = std::thread([self, system, process, &w] {
        zlhcs_hresult result = ZLHCS_S_OK;
        switch (self->what) {
        case waiter::kind::system_exit:
            result = zlhcs_system_wait_exit(system, ZLHCS_INFINITE, nullptr);
            break;
        case waiter::kind::process_exit:
            result = zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr);
            break;
        case waiter::kind::operation: {
            zlhcs_operation watch = 0;
            result = zlhcs_system_wait_exit_async(system, nullptr, nullptr, nullptr, &watch);
            if (result >= 0) {
                result = zlhcs_operation_wait(watch, ZLHCS_INFINITE, nullptr);
                (void)zlhcs_operation_close(watch);
            }
            break;
        }
        }
        self->result.store(result);
        self->returned.store(true);
        w.waiting.fetch_sub(1);
    });
    std::lock_guard lock(w.waiters_mutex);
    w.waiters.push_back(std::move(entry));
}

// Every wait that was under way before the disconnect numbered `epoch` (odd) returns.
void expect_waits_released(world& w, uint64_t epoch) {
    std::vector<waiter*> before;
    {
        std::lock_guard lock(w.waiters_mutex);
        for (auto& entry : w.waiters) {
            if (entry->epoch < epoch && !entry->returned.load()) before.push_back(entry.get());
        }
    }
    for (waiter* entry : before) {
        waits_checked_at_disconnect[static_cast<int>(entry->what)].fetch_add(1);
        if (!eventually([&] { return entry->returned.load(); }, std::chrono::seconds(20))) {
            found.g3_wait_not_released.fetch_add(1);
            std::printf("[ stress   ] a wait (kind %d) begun before disconnect %llu never returned\n",
                        static_cast<int>(entry->what), static_cast<unsigned long long>(epoch / 2 + 1));
        }
    }
}

void drain(subscriber& sub) {
    for (int i = 0; i < 64; ++i) {
        zlhcs_event* e = nullptr;
        const zlhcs_hresult hr = zlhcs_subscription_next(sub.handle, 0, &e);
        if (hr != ZLHCS_S_OK) break;
        sub.checker.check(*e);
        zlhcs_free(e);
    }
}

// How many subscriptions the disconnect checks looked at.
struct heard_counts {
    std::atomic<int> systems{0};
    std::atomic<int> processes{0};
    std::atomic<int> excused{0};  // a full queue lost events: the disconnect may be among them
};
heard_counts checked_for_disconnect;

// G3: a subscription made with no disconnect under way, on a handle untouched by one before
// it, has heard of the first disconnect since exactly once (a hub hears of one disconnect, the
// first of its life); one made on a handle that had already heard of one hears of none.
// `epoch` is disconnect_epoch now (even: no disconnect under way). Slot lock held.
void check_disconnects_heard(watched& h, uint64_t epoch, std::atomic<int>& checked) {
    for (auto& sub : h.live) {
        if (sub->epoch == ~uint64_t{0} || h.epoch == ~uint64_t{0}) continue;
        if (sub->queue) drain(*sub);
        const int expected = sub->epoch == h.epoch && epoch > sub->epoch ? 1 : 0;
        if (expected == 1) {
            checked.fetch_add(1);
            // A callback's event may still be on its way: wait for it (bounded).
            if (!sub->queue) {
                // A subscription whose queue lost events may have lost this one: it waits less.
                (void)eventually([&] { return sub->checker.disconnects >= 1 || sub->checker.lost_records > 0; },
                                 std::chrono::seconds(10));
                if (sub->checker.disconnects < 1) {
                    (void)eventually([&] { return sub->checker.disconnects >= 1; }, std::chrono::milliseconds(200));
                }
            }
            if (sub->checker.disconnects < 1) {
                if (sub->checker.lost_records > 0) {
                    checked_for_disconnect.excused.fetch_add(1);
                } else {
                    found.g3_disconnect_missing.fetch_add(1);
                }
            }
        } else if (sub->checker.disconnects > 0) {
            found.g3_disconnect_twice.fetch_add(1);  // heard on a handle that had heard already
        }
    }
}

// After a disconnect: every subscription alive on every slot (all slot locks, in order; no
// other thread holds two).
void check_every_slot(world& w) {
    std::vector<std::unique_lock<std::mutex>> locks;
    for (slot& s : w.slots) locks.emplace_back(s.mutex);
    const uint64_t epoch = disconnect_epoch.load();
    for (slot& s : w.slots) {
        if (s.system == 0) continue;
        check_disconnects_heard(s.on_system, epoch, checked_for_disconnect.systems);
        if (s.process != 0) check_disconnects_heard(s.on_process, epoch, checked_for_disconnect.processes);
    }
}

// One waiter on the probe: blocks in `wait` and must come back with the disconnect's code.
struct probe_wait {
    explicit probe_wait(const char* name) : what(name) {}
    const char* what;
    std::atomic<bool> returned{false};
    std::atomic<zlhcs_hresult> result{ZLHCS_S_OK};
    std::thread thread;
};

// Disconnects the service and checks guarantee 3 on a probe that no other thread touches: a
// running system with a process, a blocked wait of every kind on them and a subscription on
// each. Every wait returns with ZLHCS_HCS_E_SERVICE_DISCONNECT and both subscriptions hear of
// it; so do the slots' waits and subscriptions (expect_waits_released, check_every_slot).
// Then the service comes back.
void disconnect_and_check(world& w) {
    const std::string probe_id = unique_id("stress-probe");
    zlhcs_system probe = 0;
    zlhcs_process probe_process = 0;
    zlhcs_subscription on_system = 0;
    zlhcs_subscription on_process = 0;
    std::array<probe_wait, 4> waits{probe_wait{"system wait_exit"}, probe_wait{"process wait_exit"},
                                    probe_wait{"system exit watch"}, probe_wait{"process exit watch"}};
    const bool ready =
        zlhcs_system_create(probe_id.c_str(), container_config, nullptr, 60000, &probe, nullptr) >= 0 &&
        zlhcs_system_start(probe, nullptr, 60000, nullptr) >= 0 &&
        zlhcs_process_create(probe, parameters(long_sleep).c_str(), nullptr, 60000, &probe_process, nullptr) >= 0 &&
        zlhcs_system_subscribe(probe, ZLHCS_EVENT_SERVICE_DISCONNECT, 0, nullptr, nullptr, nullptr, &on_system) >= 0 &&
        zlhcs_process_subscribe(probe_process, ZLHCS_EVENT_SERVICE_DISCONNECT, 0, nullptr, nullptr, nullptr, &on_process) >= 0;
    if (ready) {
        const auto watch_and_wait = [](auto start) {
            zlhcs_operation watch = 0;
            const zlhcs_hresult started = start(&watch);
            if (started < 0) return started;
            const zlhcs_hresult waited = zlhcs_operation_wait(watch, ZLHCS_INFINITE, nullptr);
            (void)zlhcs_operation_close(watch);
            return waited;
        };
        const std::function<zlhcs_hresult()> calls[4] = {
            [&] { return zlhcs_system_wait_exit(probe, ZLHCS_INFINITE, nullptr); },
            [&] { return zlhcs_process_wait_exit(probe_process, ZLHCS_INFINITE, nullptr); },
            [&] {
                return watch_and_wait(
                    [&](zlhcs_operation* watch) { return zlhcs_system_wait_exit_async(probe, nullptr, nullptr, nullptr, watch); });
            },
            [&] {
                return watch_and_wait([&](zlhcs_operation* watch) {
                    return zlhcs_process_wait_exit_async(probe_process, nullptr, nullptr, nullptr, watch);
                });
            }};
        for (std::size_t k = 0; k < waits.size(); ++k) {
            waits[k].thread = std::thread([&, k] {
                waits[k].result.store(calls[k]());
                waits[k].returned.store(true);
            });
        }
        std::this_thread::yield();  // the waits may or may not have begun: both must end
        const uint64_t epoch = disconnect_epoch.fetch_add(1) + 1;
        (void)sim().set_service_disconnected(1);
        for (const zlhcs_subscription heard : {on_system, on_process}) {
            zlhcs_event* e = nullptr;
            if (zlhcs_subscription_next(heard, 20000, &e) != ZLHCS_S_OK || e == nullptr ||
                e->kind != ZLHCS_EVENT_SERVICE_DISCONNECT) {
                found.g3_disconnect_missing.fetch_add(1);
                std::printf("[ stress   ] the probe's %s subscription did not hear of disconnect %llu\n",
                            heard == on_system ? "system" : "process", static_cast<unsigned long long>(epoch / 2 + 1));
            }
            zlhcs_free(e);
        }
        for (probe_wait& wait : waits) {
            probe_waits_checked.fetch_add(1);
            if (!eventually([&] { return wait.returned.load(); }, std::chrono::seconds(20))) {
                found.g3_wait_not_released.fetch_add(1);
                std::printf("[ stress   ] the probe's %s did not return at the disconnect\n", wait.what);
            } else if (wait.result.load() != ZLHCS_HCS_E_SERVICE_DISCONNECT) {
                found.g3_wait_wrong_result.fetch_add(1);
                std::printf("[ stress   ] the probe's %s returned 0x%08X, not HCS_E_SERVICE_DISCONNECT\n", wait.what,
                            static_cast<unsigned>(wait.result.load()));
            }
        }
        expect_waits_released(w, epoch);
        (void)sim().set_service_disconnected(0);
        disconnect_epoch.fetch_add(1);
    }
    for (const zlhcs_subscription s : {on_system, on_process}) {
        if (s != 0) (void)zlhcs_subscription_close(s);
    }
    if (probe_process != 0) (void)zlhcs_process_close(probe_process);  // releases a wait that did not return
    if (probe != 0) {
        (void)zlhcs_system_terminate(probe, nullptr, 60000, nullptr);
        (void)zlhcs_system_close(probe);
    }
    for (probe_wait& wait : waits) {
        if (!wait.thread.joinable()) continue;
        if (eventually([&] { return wait.returned.load(); }, std::chrono::seconds(20))) {
            wait.thread.join();
        } else {
            wait.thread.detach();  // counted above; the test fails
        }
    }
    check_every_slot(w);
}

void run_thread(world& w, int t, uint64_t seed, uint64_t iterations, std::atomic<uint64_t>& progress) {
    std::mt19937_64 random(seed + static_cast<uint64_t>(t) * 7919);
    int emitted = 0;
    const auto unknown_data = [&] {
        return "{\"t\":" + std::to_string(t) + ",\"n\":" + std::to_string(emitted++) + "}";
    };
    for (uint64_t i = 0; i < iterations; ++i, progress.fetch_add(1)) {
        const int action = static_cast<int>(random() % 100);
        slot& s = w.slots[random() % slot_count];
        if (action >= 97) {
            if (w.disconnecting.exchange(1) != 0) continue;
            disconnect_and_check(w);
            w.disconnecting.store(0);
            continue;
        }
        std::lock_guard lock(s.mutex);
        if (s.system == 0) {
            make_system(s, t);
            continue;
        }
        // Some actions go to the process when there is one (a third of the time).
        const bool on_process = s.process != 0 && random() % 3 == 0;
        if (action < 30) {
            const std::string data = unknown_data();
            (void)sim().emit_event(nullptr, s.id.c_str(), on_process ? s.pid : 0, hcs_unknown_type, data.c_str(),
                                   nullptr);
        } else if (action < 42) {
            auto sub = std::make_unique<subscriber>();
            sub->queue = random() % 3 == 0;
            const uint64_t before = stable_epoch_before();
            const uint32_t capacity = 1 + static_cast<uint32_t>(random() % 64);
            const zlhcs_event_callback callback = sub->queue ? nullptr : &subscriber::callback;
            const zlhcs_hresult hr =
                on_process ? zlhcs_process_subscribe(s.process, ZLHCS_EVENT_ALL, capacity, callback, sub.get(),
                                                     nullptr,
                                                     &sub->handle)
                           : zlhcs_system_subscribe(s.system, ZLHCS_EVENT_ALL, capacity, callback, sub.get(),
                                                    nullptr,
                                                    &sub->handle);
            if (hr == ZLHCS_HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET) found.g6_callback_already_set.fetch_add(1);
            if (hr < 0) continue;
            sub->epoch = epoch_since(before);
            (on_process ? s.on_process : s.on_system).live.push_back(std::move(sub));
        } else if (action < 52) {
            auto& live = (on_process ? s.on_process : s.on_system).live;
            if (live.empty()) continue;
            const std::size_t k = random() % live.size();
            auto sub = std::move(live[k]);
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
            retire(*sub);
            std::lock_guard retired(w.retired_mutex);
            w.retired.push_back(std::move(sub));
        } else if (action < 60) {
            for (auto* h : {&s.on_system, &s.on_process}) {
                for (auto& sub : h->live) {
                    if (sub->queue) drain(*sub);
                }
            }
        } else if (action < 72) {
            auto record = std::make_unique<operation_record>();
            const bool watch = random() % 2 == 0;
            zlhcs_hresult hr = ZLHCS_S_OK;
            if (on_process) {
                hr = watch ? zlhcs_process_wait_exit_async(s.process, &operation_record::callback, record.get(),
                                                           nullptr,
                                                           &record->handle)
                           : zlhcs_process_properties_async(s.process, nullptr, &operation_record::callback,
                                                            record.get(), nullptr, &record->handle);
            } else {
                hr = watch ? zlhcs_system_wait_exit_async(s.system, &operation_record::callback, record.get(),
                                                          nullptr,
                                                          &record->handle)
                           : zlhcs_system_properties_async(s.system, nullptr, &operation_record::callback,
                                                           record.get(), nullptr, &record->handle);
            }
            if (hr < 0) continue;
            if (random() % 2 == 0) {
                record->close_result = zlhcs_operation_close(record->handle);
                record->closed = true;
            }
            std::lock_guard retired(w.retired_mutex);
            w.operations.push_back(std::move(record));
        } else if (action < 76) {
            start_waiter(w, s, random);
        } else if (action < 80) {
            // A process: make one, or end the one there is (terminate, or close its handle).
            const int end = static_cast<int>(random() % 6);
            if (s.process == 0) {
                make_process(w, s);
            } else if (end == 0) {
                (void)zlhcs_process_terminate(s.process, nullptr, 60000, nullptr);
            } else if (end == 1) {
                close_process(w, s);
            }
        } else if (action < 90) {
            (void)zlhcs_system_terminate(s.system, nullptr, 60000, nullptr);
        } else {
            // Close the handles (ending their subscriptions) and replace the system.
            (void)zlhcs_system_terminate(s.system, nullptr, 60000, nullptr);
            close_process(w, s);
            (void)zlhcs_system_close(s.system);
            s.system = 0;
            retire_all(w, s.on_system);
            make_system(s, t);
        }
    }
}

TEST_F(events_stress, eight_threads_find_no_violation_of_the_event_guarantees) {
    const uint64_t seed = env_or("ZLHCS_STRESS_SEED", static_cast<uint64_t>(
                                                          std::chrono::steady_clock::now().time_since_epoch().count()));
    const uint64_t iterations = env_or("ZLHCS_STRESS_ITERATIONS", 1000);
    std::printf("[ stress   ] seed %llu, %llu iterations per thread, %d threads (replay: ZLHCS_STRESS_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(iterations), threads,
                static_cast<unsigned long long>(seed));
    std::fflush(stdout);
    auto w = std::make_unique<world>();
    std::atomic<uint64_t> progress{0};
    std::mutex finished_mutex;
    std::condition_variable finished_cv;
    bool finished = false;
    std::thread watchdog([&] {
        // A bound against hanging (a deadlock is a violation too), never a speed expectation.
        const auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(8);
        std::unique_lock lock(finished_mutex);
        if (!finished_cv.wait_until(lock, limit, [&] { return finished; })) {
            std::printf("[ stress   ] WATCHDOG: no end after 8 minutes (progress %llu of %llu); seed %llu\n",
                        static_cast<unsigned long long>(progress.load()),
                        static_cast<unsigned long long>(iterations * threads), static_cast<unsigned long long>(seed));
            found.print();
            std::fflush(stdout);
            std::_Exit(3);
        }
    });
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([&, t] { run_thread(*w, t, seed, iterations, progress); });
    for (auto& worker : workers) worker.join();

    // Quiesce: no disconnect under way; every open operation completes or is closed.
    const uint64_t final_epoch = disconnect_epoch.load();
    for (slot& s : w->slots) {
        std::lock_guard lock(s.mutex);
        for (auto* h : {&s.on_system, &s.on_process}) {
            for (auto& sub : h->live) {
                if (sub->queue) drain(*sub);
            }
        }
    }
    std::size_t open_operations = 0;
    for (auto& record : w->operations) {
        if (!record->closed) ++open_operations;
        // Exit watches of live systems complete only at their exit or close: close the systems.
    }
    for (slot& s : w->slots) {
        std::lock_guard lock(s.mutex);
        if (s.system == 0) continue;
        check_disconnects_heard(s.on_system, final_epoch, checked_for_disconnect.systems);
        if (s.process != 0) check_disconnects_heard(s.on_process, final_epoch, checked_for_disconnect.processes);
        (void)zlhcs_system_terminate(s.system, nullptr, 60000, nullptr);
        close_process(*w, s);
        (void)zlhcs_system_close(s.system);
        s.system = 0;
        retire_all(*w, s.on_system);
    }
    // Every handle is closed: every wait has returned (or returns now).
    for (auto& entry : w->waiters) {
        if (!eventually([&] { return entry->returned.load(); }, std::chrono::seconds(20))) {
            found.g3_wait_not_released.fetch_add(1);
            std::printf("[ stress   ] a wait (kind %d) never returned after its handle was closed\n",
                        static_cast<int>(entry->what));
            entry->thread.detach();  // the test fails; the thread cannot be joined
            continue;
        }
        entry->thread.join();
    }
    for (auto& record : w->operations) {
        if (!record->closed) {
            const zlhcs_hresult waited = zlhcs_operation_wait(record->handle, 20000, nullptr);
            if (waited == ZLHCS_HCS_E_OPERATION_TIMEOUT) {
                found.g2_not_completed.fetch_add(1);
                zlhcs_operation_info info{};
                info.struct_size = sizeof info;
                (void)zlhcs_operation_inspect(record->handle, &info);
                std::printf("[ stress   ] never completed: %s (kind %u) on system %s\n", info.function, info.kind,
                            info.system_id);
            }
            // A callback that was not suppressed runs once; give it its bounded chance.
            if (!eventually([&] { return record->calls.load() >= 1; }, std::chrono::seconds(10))) {
                zlhcs_operation_info info{};
                info.struct_size = sizeof info;
                (void)zlhcs_operation_inspect(record->handle, &info);
                std::printf("[ stress   ] completed (0x%08X) without its callback: %s (kind %u)\n",
                            static_cast<unsigned>(waited), info.function, info.kind);
            }
            record->close_result = zlhcs_operation_close(record->handle);
            record->closed = true;
            if (record->calls.load() != 1) found.g2_not_completed.fetch_add(1);
        }
    }
    if (!quiesce()) std::printf("[ stress   ] still busy after 30 s\n");  // late duplicate calls show up
    for (auto& record : w->operations) {
        const int calls = record->calls.load();
        if (calls > 1) found.g2_completed_twice.fetch_add(1);
        if (record->close_result == ZLHCS_S_FALSE && calls != 0) found.g2_completed_twice.fetch_add(1);
        if (record->close_result == ZLHCS_S_OK && calls != 1) found.g2_not_completed.fetch_add(1);
    }
    {
        std::lock_guard lock(finished_mutex);
        finished = true;
    }
    finished_cv.notify_all();
    watchdog.join();
    std::size_t retired = 0;
    {
        std::lock_guard lock(w->retired_mutex);
        retired = w->retired.size();
    }
    std::printf("[ stress   ] %zu subscriptions, %zu operations (%zu left open until the end), %d processes, "
                "%d blocked waits, %llu disconnects; checked to have heard one: %d system and %d process "
                "subscriptions (%d excused: their queue lost events)\n",
                retired, w->operations.size(), open_operations, w->processes_made.load(), w->waits_made.load(),
                static_cast<unsigned long long>(final_epoch / 2), checked_for_disconnect.systems.load(), checked_for_disconnect.processes.load(),
                checked_for_disconnect.excused.load());
    std::printf("[ stress   ] waits blocked at a disconnect: %d on the probes (all four kinds each time), and %d "
                "system, %d process, %d operation waits of the slots\n",
                probe_waits_checked.load(), waits_checked_at_disconnect[0].load(),
                waits_checked_at_disconnect[1].load(), waits_checked_at_disconnect[2].load());
    found.print();
    EXPECT_EQ(found.total(), 0) << "seed " << seed;
    EXPECT_GT(retired, 100u) << "the run exercised too little";
    EXPECT_GT(w->processes_made.load(), 0) << "the run made no process";
    EXPECT_GT(w->waits_made.load(), 0) << "the run blocked no wait";
    EXPECT_GT(checked_for_disconnect.systems.load() + checked_for_disconnect.processes.load(), 0) << "no subscription was checked for a disconnect";
    check_leaks_ = false;  // disconnects abandon hcsim work on purpose
}

}  // namespace
