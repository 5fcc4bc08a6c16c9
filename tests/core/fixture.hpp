// Shared fixture of the C-ABI conformance suite (zlhcs_core_tests).
//
// Every test starts from a reset hcsim (no systems, faults, latencies, disconnection) and a
// clear last error, and ends with a leak check: once pending completions have drained (bounded
// poll), hcsim's live operations, system handles and result strings are back at the baseline
// taken in SetUp, and zlhcs's own counters (zlhcs_debug_counts: handles, callback contexts,
// strings handed out, live operations and subscriptions) are at zero. Tests therefore close
// every handle they open and free every string (the RAII guards below help).
#pragma once

#include <zlhcs/zlhcs.h>

#include "debug_counts.hpp"
#include "hcsim_client.h"
#include "quiesce.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>

namespace zlhcs_core_test {

using zlhcs_test::await_waiting_calls;
using zlhcs_test::hcsim_client;
using zlhcs_test::jitter;
using zlhcs_test::quiesce;

inline const hcsim_client& sim() { return hcsim_client::instance(); }

// hcsim fault modes (hcsim_control.h), as plain constants for brevity.
constexpr uint32_t fault_immediate = HCSIM_FAULT_IMMEDIATE;
constexpr uint32_t fault_async = HCSIM_FAULT_ASYNC;

// Minimal valid configurations (docs/hcsim.md: SchemaVersion plus Container or VirtualMachine).
inline constexpr const char* container_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-core-tests","Container":{}})";
inline constexpr const char* vm_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-core-tests",)"
    R"("VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1024},"Processor":{"Count":2}}}})";

/// A system id unique in this process run (the registry is also reset between tests).
inline std::string unique_id(const char* tag = "sys") {
    static std::atomic<unsigned> counter{0};
    return std::string("zlhcs-core-") + tag + "-" + std::to_string(counter.fetch_add(1) + 1);
}

/// Memory zlhcs returned, released with zlhcs_free.
struct zlhcs_string_deleter {
    void operator()(char* p) const noexcept { zlhcs_free(p); }
};
using owned_string = std::unique_ptr<char, zlhcs_string_deleter>;

/// A non-NULL marker for char** out-parameters, to see whether a call wrote them.
inline char* out_sentinel() { return reinterpret_cast<char*>(uintptr_t{0x5EED}); }

inline std::string take(char* text) {
    owned_string owned(text);
    return text != nullptr ? std::string(text) : std::string();
}

/// Closes a zlhcs handle with `Kind::close` at scope exit (unless released): the one guard of
/// the suites (system_guard, operation_guard, process_guard, subscription_guard). A closer type,
/// not a function pointer: the address of a dllimport function is no constant on Windows.
template <typename Kind>
struct handle_guard {
    zlhcs_handle handle = 0;
    handle_guard() = default;
    explicit handle_guard(zlhcs_handle h) : handle(h) {}
    handle_guard(const handle_guard&) = delete;
    handle_guard& operator=(const handle_guard&) = delete;
    ~handle_guard() { reset(); }
    void reset() {
        if (handle != 0) (void)Kind::close(handle);
        handle = 0;
    }
    zlhcs_handle release() { return std::exchange(handle, 0); }
    zlhcs_handle get() const { return handle; }
    operator zlhcs_handle() const { return handle; }  // NOLINT(google-explicit-constructor)
};

struct system_closer {
    static zlhcs_hresult close(zlhcs_handle h) { return zlhcs_system_close(h); }
};
struct operation_closer {
    static zlhcs_hresult close(zlhcs_handle h) { return zlhcs_operation_close(h); }
};
struct process_closer {
    static zlhcs_hresult close(zlhcs_handle h) { return zlhcs_process_close(h); }
};
struct subscription_closer {
    static zlhcs_hresult close(zlhcs_handle h) { return zlhcs_subscription_close(h); }
};
using system_guard = handle_guard<system_closer>;
using operation_guard = handle_guard<operation_closer>;
using process_guard = handle_guard<process_closer>;
using subscription_guard = handle_guard<subscription_closer>;

/// A copy of this thread's last error.
struct error_copy {
    zlhcs_hresult rc = 0;  // what zlhcs_last_error returned
    zlhcs_hresult code = 0;
    int32_t category = 0;
    std::string message;
    std::string function;
    std::string document;
};

inline error_copy last_error() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    error_copy copy;
    copy.rc = zlhcs_last_error(&e);
    copy.code = e.code;
    copy.category = e.category;
    copy.message = e.message != nullptr ? e.message : "<NULL>";
    copy.function = e.function != nullptr ? e.function : "<NULL>";
    copy.document = e.result_document != nullptr ? e.result_document : "<NULL>";
    return copy;
}

inline std::string hex(zlhcs_hresult code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(code));
    return buffer;
}

inline uint32_t category_of(zlhcs_hresult code) {
    uint32_t category = 0xFFFFFFFFu;
    EXPECT_EQ(zlhcs_error_category_of(code, &category), ZLHCS_S_OK);
    return category;
}

/// Parses JSON returned by zlhcs (fails the test if it does not parse).
inline rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    EXPECT_FALSE(d.HasParseError()) << "not JSON: " << text;
    return d;
}

/// The basic properties' State of a system ("" if the query fails).
inline std::string state_of(zlhcs_system system) {
    char* raw = nullptr;
    const zlhcs_hresult hr = zlhcs_system_properties(system, nullptr, ZLHCS_INFINITE, &raw);
    const std::string text = take(raw);
    if (hr < 0) return "";
    const rapidjson::Document d = parse(text);
    if (!d.IsObject() || !d.HasMember("State") || !d["State"].IsString()) return "";
    return d["State"].GetString();
}

/// True when this run's hcsim omits error documents, as real HCS may ("not guaranteed",
/// HcsGetOperationResult.md).
inline bool error_documents_omitted() { return hcsim_client::run_has(HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS); }

/// Without an error document a failure still explains itself: no document in the last error,
/// and a message naming the code's meaning and the HCS function.
inline void expect_explained_without_document(const char* function) {
    const error_copy e = last_error();
    EXPECT_TRUE(e.document.empty() || e.document == "<NULL>") << e.document;
    EXPECT_EQ(e.function, function);
    EXPECT_NE(e.message.find(function), std::string::npos) << e.message;
    EXPECT_GT(e.message.size(), std::string(function).size() + 20) << e.message;
}

/// Polls `done` up to `limit` (a bound against hanging, never asserted as a duration).
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::yield();  // polls `done` until `limit`, no fixed pause
    }
}

/// Counts callback invocations; records the last handle/result and the thread.
struct callback_probe {
    std::atomic<int> calls{0};
    std::atomic<zlhcs_operation> operation{0};
    std::atomic<zlhcs_hresult> result{0};
    std::atomic<bool> on_caller_thread{false};
    std::thread::id caller = std::this_thread::get_id();

    static void ZLHCS_CALL callback(zlhcs_operation op, zlhcs_hresult hr, void* context) {
        auto* self = static_cast<callback_probe*>(context);
        self->operation.store(op);
        self->result.store(hr);
        if (std::this_thread::get_id() == self->caller) self->on_caller_thread.store(true);
        self->calls.fetch_add(1);
    }
    bool wait_called(int n = 1) {
        return eventually([&] { return calls.load() >= n; });
    }
};

/// Creates a system synchronously and returns its handle (0 and a test failure otherwise).
inline zlhcs_system create_system(const std::string& id, const char* config = container_config) {
    zlhcs_system system = 0;
    const zlhcs_hresult hr = zlhcs_system_create(id.c_str(), config, nullptr, ZLHCS_INFINITE, &system, nullptr);
    EXPECT_EQ(hr, ZLHCS_S_OK) << "create " << id << ": " << hex(hr) << " " << last_error().message;
    return system;
}

/// Creates and starts a system.
inline zlhcs_system running_system(const std::string& id, const char* config = container_config) {
    const zlhcs_system system = create_system(id, config);
    if (system == 0) return 0;
    const zlhcs_hresult hr = zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr);
    EXPECT_EQ(hr, ZLHCS_S_OK) << "start " << id << ": " << hex(hr) << " " << last_error().message;
    return system;
}

class core_test : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(sim().reset(), 0);
        ASSERT_TRUE(settled()) << "hcsim did not settle before the test";
        (void)sim().take_violations();  // a previous test's are reported by that test
        baseline_ = sim().live_objects();
        (void)zlhcs_clear_error();
    }

    void TearDown() override {
        if (check_leaks_) expect_no_leaks();
        const std::string violations = sim().take_violations();
        EXPECT_TRUE(violations.empty()) << violations;
        sim().restore_run_behavior();
        (void)sim().reset();
    }

    /// No pending completions in hcsim (bounded poll).
    static bool settled() {
        return eventually([] { return sim().live_objects().pending_completions == 0; },
                          std::chrono::seconds(5));
    }

    /// hcsim's live objects are back at the baseline taken in SetUp.
    void expect_no_leaks() {
        hcsim_live_objects now{};
        const bool back = eventually(
            [&] {
                now = sim().live_objects();
                return now.pending_completions == 0 && now.operations == baseline_.operations &&
                       now.system_handles == baseline_.system_handles &&
                       now.strings == baseline_.strings &&
                       now.process_handles == baseline_.process_handles;
            },
            std::chrono::seconds(5));
        EXPECT_TRUE(back) << "hcsim live objects did not return to the baseline: operations "
                          << now.operations << " (baseline " << baseline_.operations
                          << "), system handles " << now.system_handles << " (baseline "
                          << baseline_.system_handles << "), strings " << now.strings
                          << " (baseline " << baseline_.strings << "), pending completions "
                          << now.pending_completions;
        // Delivery threads are left out: idle ones retire on their own time (the suite's end
        // checks they did).
        const std::string left = zlhcs_test::wait_for_zero_counts(false);
        EXPECT_TRUE(left.empty()) << "zlhcs_debug_counts after the test: " << left;
    }

    hcsim_live_objects baseline_{};
    bool check_leaks_ = true;
};

}  // namespace zlhcs_core_test
