// Handle validation: every function that takes a handle, called with closed, stale, forged and
// wrong-type handles, fails with ZLHCS_E_INVALID_HANDLE, sets the last error, returns no
// output (out handles 0), never calls a callback and never crashes.
#include "fixture.hpp"

#include <functional>
#include <string>
#include <vector>

namespace zlhcs_core_test {
namespace {

constexpr uintptr_t sentinel_value = 0x5EED;
char* sentinel() { return reinterpret_cast<char*>(sentinel_value); }

struct call_outcome {
    zlhcs_hresult hr;
    bool output_clean;  // out handle 0; char** out NULL or untouched
};

// One entry per handle-taking function; `call` passes `h` as the handle under test.
struct handle_function {
    const char* name;
    std::function<call_outcome(zlhcs_handle h, callback_probe& probe)> call;
};

bool clean(char* out) { return out == nullptr || out == sentinel(); }

template <typename Fn>
handle_function system_async(const char* name, Fn fn) {
    return {name, [fn](zlhcs_handle h, callback_probe& probe) {
                zlhcs_operation op = 0xABCD;
                const zlhcs_hresult hr = fn(h, nullptr, &callback_probe::callback, &probe, nullptr, &op);
                if (hr >= 0 && op != 0) (void)zlhcs_operation_close(op);
                return call_outcome{hr, op == 0};
            }};
}

template <typename Fn>
handle_function system_sync(const char* name, Fn fn) {
    return {name, [fn](zlhcs_handle h, callback_probe&) {
                return call_outcome{fn(h, nullptr, 1000, nullptr), true};
            }};
}

std::vector<handle_function> system_functions() {
    std::vector<handle_function> f;
    f.push_back({"zlhcs_system_close", [](zlhcs_handle h, callback_probe&) {
                     return call_outcome{zlhcs_system_close(h), true};
                 }});
    f.push_back({"zlhcs_system_id", [](zlhcs_handle h, callback_probe&) {
                     char* out = sentinel();
                     const zlhcs_hresult hr = zlhcs_system_id(h, &out);
                     const bool ok = clean(out);
                     if (out != sentinel()) zlhcs_free(out);  // documents come on failure too
                     return call_outcome{hr, ok};
                 }});
    f.push_back(system_async("zlhcs_system_start_async", zlhcs_system_start_async));
    f.push_back(system_sync("zlhcs_system_start", zlhcs_system_start));
    f.push_back(system_async("zlhcs_system_shutdown_async", zlhcs_system_shutdown_async));
    f.push_back(system_sync("zlhcs_system_shutdown", zlhcs_system_shutdown));
    f.push_back(system_async("zlhcs_system_terminate_async", zlhcs_system_terminate_async));
    f.push_back(system_sync("zlhcs_system_terminate", zlhcs_system_terminate));
    f.push_back(system_async("zlhcs_system_crash_async", zlhcs_system_crash_async));
    f.push_back(system_sync("zlhcs_system_crash", zlhcs_system_crash));
    f.push_back(system_async("zlhcs_system_pause_async", zlhcs_system_pause_async));
    f.push_back(system_sync("zlhcs_system_pause", zlhcs_system_pause));
    f.push_back(system_async("zlhcs_system_resume_async", zlhcs_system_resume_async));
    f.push_back(system_sync("zlhcs_system_resume", zlhcs_system_resume));
    f.push_back(system_async("zlhcs_system_save_async", zlhcs_system_save_async));
    f.push_back(system_sync("zlhcs_system_save", zlhcs_system_save));
    f.push_back(system_async("zlhcs_system_properties_async", zlhcs_system_properties_async));
    f.push_back({"zlhcs_system_properties", [](zlhcs_handle h, callback_probe&) {
                     char* out = sentinel();
                     const zlhcs_hresult hr = zlhcs_system_properties(h, nullptr, 1000, &out);
                     const bool ok = clean(out);
                     if (out != sentinel()) zlhcs_free(out);  // documents come on failure too
                     return call_outcome{hr, ok};
                 }});
    f.push_back({"zlhcs_system_modify_async", [](zlhcs_handle h, callback_probe& probe) {
                     zlhcs_operation op = 0xABCD;
                     const zlhcs_hresult hr = zlhcs_system_modify_async(
                         h, R"({"ResourcePath":"x","RequestType":"Update","Settings":{}})", nullptr,
                         &callback_probe::callback, &probe, nullptr, &op);
                     if (hr >= 0 && op != 0) (void)zlhcs_operation_close(op);
                     return call_outcome{hr, op == 0};
                 }});
    f.push_back({"zlhcs_system_modify", [](zlhcs_handle h, callback_probe&) {
                     return call_outcome{
                         zlhcs_system_modify(
                             h, R"({"ResourcePath":"x","RequestType":"Update","Settings":{}})", nullptr, 1000, nullptr),
                         true};
                 }});
    f.push_back({"zlhcs_system_wait_exit", [](zlhcs_handle h, callback_probe&) {
                     char* out = sentinel();
                     const zlhcs_hresult hr = zlhcs_system_wait_exit(h, 0, &out);
                     const bool ok = clean(out);
                     if (out != sentinel()) zlhcs_free(out);  // documents come on failure too
                     return call_outcome{hr, ok};
                 }});
    return f;
}

std::vector<handle_function> operation_functions() {
    std::vector<handle_function> f;
    f.push_back({"zlhcs_operation_wait", [](zlhcs_handle h, callback_probe&) {
                     char* out = sentinel();
                     const zlhcs_hresult hr = zlhcs_operation_wait(h, 0, &out);
                     const bool ok = clean(out);
                     if (out != sentinel()) zlhcs_free(out);  // documents come on failure too
                     return call_outcome{hr, ok};
                 }});
    f.push_back({"zlhcs_operation_wait(no document)", [](zlhcs_handle h, callback_probe&) {
                     return call_outcome{zlhcs_operation_wait(h, 0, nullptr), true};
                 }});
    f.push_back({"zlhcs_operation_result", [](zlhcs_handle h, callback_probe&) {
                     char* out = sentinel();
                     const zlhcs_hresult hr = zlhcs_operation_result(h, &out);
                     const bool ok = clean(out);
                     if (out != sentinel()) zlhcs_free(out);  // documents come on failure too
                     return call_outcome{hr, ok};
                 }});
    f.push_back({"zlhcs_operation_cancel", [](zlhcs_handle h, callback_probe&) {
                     return call_outcome{zlhcs_operation_cancel(h), true};
                 }});
    f.push_back({"zlhcs_operation_close", [](zlhcs_handle h, callback_probe&) {
                     return call_outcome{zlhcs_operation_close(h), true};
                 }});
    return f;
}

struct bad_handle {
    std::string what;
    zlhcs_handle value;
};

class handles : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        // A live system, a live (completed) operation, and closed ones of each kind.
        live_system_.handle = create_system(unique_id("live"));
        ASSERT_NE(live_system_.handle, 0u);
        ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &live_operation_.handle), ZLHCS_S_OK);
        ASSERT_NE(live_operation_.handle, 0u);
        ASSERT_EQ(zlhcs_operation_wait(live_operation_, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);

        closed_system_ = create_system(unique_id("closed"));
        ASSERT_NE(closed_system_, 0u);
        ASSERT_EQ(zlhcs_system_close(closed_system_), ZLHCS_S_OK);
        ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &closed_operation_), ZLHCS_S_OK);
        ASSERT_EQ(zlhcs_operation_close(closed_operation_), ZLHCS_S_FALSE);  // no callback: S_FALSE
    }
    void TearDown() override {
        live_operation_.reset();
        live_system_.reset();
        core_test::TearDown();
    }

    std::vector<bad_handle> common_bad_handles() const {
        return {
            {"0", 0},
            {"1", 1},
            {"0xFFFFFFFFFFFFFFFF", ~zlhcs_handle{0}},
            {"0x8000000000000000", zlhcs_handle{1} << 63},
            {"0x00000000FFFFFFFF", 0xFFFFFFFFull},
            // Forged from live handles: another generation, another slot, another kind byte.
            {"live system, next generation", live_system_.handle + (zlhcs_handle{1} << 28)},
            {"live operation, next generation", live_operation_.handle + (zlhcs_handle{1} << 28)},
            // A live value with a bit above the 53 every handle stays within.
            {"live system, bit 53 set", live_system_.handle | (zlhcs_handle{1} << 53)},
            {"live operation, bit 60 set", live_operation_.handle | (zlhcs_handle{1} << 60)},
            {"live system, slot + 1000", live_system_.handle + 1000},
            {"live operation, slot + 1000", live_operation_.handle + 1000},
            {"live system, kind bits flipped", live_system_.handle ^ (zlhcs_handle{0xF} << 49)},
            {"live operation, kind bits flipped", live_operation_.handle ^ (zlhcs_handle{0xF} << 49)},
        };
    }

    void expect_invalid(const std::vector<handle_function>& functions,
                        const std::vector<bad_handle>& bad) {
        for (const auto& fn : functions) {
            for (const auto& h : bad) {
                SCOPED_TRACE(std::string(fn.name) + " with " + h.what);
                callback_probe probe;
                (void)zlhcs_clear_error();
                const call_outcome out = fn.call(h.value, probe);
                EXPECT_EQ(out.hr, ZLHCS_E_INVALID_HANDLE) << hex(out.hr);
                EXPECT_TRUE(out.output_clean) << "output written on failure";
                const error_copy e = last_error();
                EXPECT_EQ(e.rc, ZLHCS_S_OK);
                EXPECT_EQ(e.code, ZLHCS_E_INVALID_HANDLE);
                EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_HANDLE);
                EXPECT_FALSE(e.message.empty());
                EXPECT_EQ(probe.calls.load(), 0) << "callback of a failed call";
            }
        }
    }

    system_guard live_system_;
    operation_guard live_operation_;
    zlhcs_system closed_system_ = 0;
    zlhcs_operation closed_operation_ = 0;
};

TEST_F(handles, system_functions_reject_bad_handles) {
    auto bad = common_bad_handles();
    bad.push_back({"closed system", closed_system_});
    bad.push_back({"operation handle as system", live_operation_.handle});
    bad.push_back({"closed operation handle as system", closed_operation_});
    expect_invalid(system_functions(), bad);
}

TEST_F(handles, operation_functions_reject_bad_handles) {
    auto bad = common_bad_handles();
    bad.push_back({"closed operation", closed_operation_});
    bad.push_back({"system handle as operation", live_system_.handle});
    bad.push_back({"closed system handle as operation", closed_system_});
    expect_invalid(operation_functions(), bad);
}

TEST_F(handles, live_handles_are_accepted_by_every_function_of_their_kind) {
    // Control experiment: the same functions do not fail with INVALID_HANDLE on live handles
    // (they may fail for other reasons, e.g. a state the system is not in).
    for (const auto& fn : system_functions()) {
        if (std::string(fn.name) == "zlhcs_system_close") continue;
        SCOPED_TRACE(fn.name);
        callback_probe probe;
        const call_outcome out = fn.call(live_system_.handle, probe);
        EXPECT_NE(out.hr, ZLHCS_E_INVALID_HANDLE) << last_error().message;
    }
    for (const auto& fn : operation_functions()) {
        if (std::string(fn.name) == "zlhcs_operation_close") continue;
        SCOPED_TRACE(fn.name);
        callback_probe probe;
        const call_outcome out = fn.call(live_operation_.handle, probe);
        EXPECT_NE(out.hr, ZLHCS_E_INVALID_HANDLE) << last_error().message;
    }
}

TEST_F(handles, handles_are_nonzero_typed_and_distinct) {
    EXPECT_NE(live_system_.handle, 0u);
    EXPECT_NE(live_operation_.handle, 0u);
    EXPECT_NE(live_system_.handle, closed_system_) << "a closed handle value is never reused";
    EXPECT_NE(live_operation_.handle, closed_operation_);
    system_guard second(create_system(unique_id("second")));
    EXPECT_NE(second.handle, live_system_.handle);
    EXPECT_NE(second.handle, closed_system_) << "the slot may be reused, the value may not";
}

TEST_F(handles, the_leak_check_sees_open_hcs_objects) {
    // Validates the fixture's leak check: open zlhcs handles are live hcsim objects.
    ASSERT_TRUE(settled());  // SetUp's closed-in-flight operation has drained
    const hcsim_live_objects before = sim().live_objects();
    system_guard extra(create_system(unique_id("counted")));
    EXPECT_EQ(sim().live_objects().system_handles, before.system_handles + 1);
    ASSERT_TRUE(settled());  // the synchronous create's completion has finished
    const hcsim_live_objects quiet = sim().live_objects();
    ASSERT_EQ(sim().set_latency("HcsGetComputeSystemProperties", 300), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_properties_async(extra, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    const hcsim_live_objects during = sim().live_objects();
    EXPECT_EQ(during.operations, quiet.operations + 1);
    EXPECT_EQ(during.pending_completions, quiet.pending_completions + 1);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(handles, double_close_fails_the_second_time) {
    zlhcs_system s = create_system(unique_id("twice"));
    ASSERT_EQ(zlhcs_system_close(s), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_close(s), ZLHCS_E_INVALID_HANDLE);
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_close(op), ZLHCS_S_FALSE);  // no callback: S_FALSE
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_E_INVALID_HANDLE);
}

TEST_F(handles, a_stale_handle_never_resolves_to_a_new_object_in_its_slot) {
    // Close and reopen many times: each old value stays invalid while new ones work.
    std::vector<zlhcs_system> old;
    const std::string id = unique_id("reuse");
    system_guard keeper(create_system(id));
    for (int i = 0; i < 50; ++i) {
        zlhcs_system s = 0;
        ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &s), ZLHCS_S_OK);
        for (zlhcs_system stale : old) ASSERT_NE(stale, s);
        old.push_back(s);
        ASSERT_EQ(zlhcs_system_close(s), ZLHCS_S_OK);
    }
    for (zlhcs_system stale : old) {
        char* out = nullptr;
        EXPECT_EQ(zlhcs_system_id(stale, &out), ZLHCS_E_INVALID_HANDLE);
    }
}

}  // namespace
}  // namespace zlhcs_core_test
