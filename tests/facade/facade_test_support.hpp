// Helpers shared by the facade tests.
//
// The suite runs against hcsim in this run's behaviour (tests/common/hcsim_client.h:
// ZLHCS_TEST_HCSIM_BEHAVIOR; CI also runs the "inline,spurious-process-result" and
// "no-error-documents" variants), applied before the first test by the environment below.
#pragma once

// The facade without the typed schema layer (typed.hpp, builders.hpp, statistics.hpp): those
// cost seconds of compile time per file; the tests that use them include <zlhcs/zlhcs.hpp>.
#include <zlhcs/core.hpp>
#include <zlhcs/coroutine.hpp>
#include <zlhcs/process_stream.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hcsim_client.h"
#include "quiesce.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <thread>

namespace facade_test {

using namespace std::chrono_literals;

/// The simulator behind zlhcs (its first use puts it in this run's behaviour).
inline const zlhcs_test::hcsim_client& sim() { return zlhcs_test::hcsim_client::instance(); }

/// True if this run's hcsim has the behaviour switch on (HCSIM_BEHAVIOR_*).
inline bool run_has(std::uint32_t flag) { return zlhcs_test::hcsim_client::run_has(flag); }

/// Puts hcsim in this run's behaviour before the first test, so that every test (not only
/// those that happen to touch the simulator first) runs in it. The facade suite has no death
/// tests, so choosing zlhcs's default backend that early is harmless.
class run_behavior_environment : public ::testing::Environment {
public:
    void SetUp() override { sim().restore_run_behavior(); }
};

inline ::testing::Environment* const run_behavior_registered =
    ::testing::AddGlobalTestEnvironment(new run_behavior_environment);  // gtest owns it

/// Switches hcsim's behaviour for a scope (adding `flags`), restoring this run's at its end.
class behavior_guard {
public:
    explicit behavior_guard(std::uint32_t flags) {
        EXPECT_EQ(sim().set_behavior(zlhcs_test::hcsim_client::run_behavior() | flags), 0);
    }
    behavior_guard(const behavior_guard&) = delete;
    behavior_guard& operator=(const behavior_guard&) = delete;
    ~behavior_guard() { sim().restore_run_behavior(); }
};

/// Generous: the tests also run under Wine.
inline constexpr std::chrono::milliseconds kTimeout = 30s;

/// An id unique in this process (the simulator's registry is process-wide).
inline std::string unique_id(const char* tag = "") {
    static std::atomic<unsigned> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string id = "zlhcs-facade-";
    if (info != nullptr) id += std::string(info->test_suite_name()) + "." + info->name() + "-";
    id += std::to_string(++counter);
    id += tag;
    return id;
}

inline std::string container_document(const std::string& owner = "zlhcs-tests") {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":")" + owner +
           R"(","ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
}

inline std::string vm_document(const std::string& owner = "zlhcs-tests") {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":")" + owner +
           R"(","ShouldTerminateOnLastHandleClosed":true,)"
           R"("VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1024},"Processor":{"Count":2}}}})";
}

inline rapidjson::Document parse(const std::string& json) {
    rapidjson::Document document;
    document.Parse(json.c_str(), json.size());
    EXPECT_FALSE(document.HasParseError()) << "not JSON: " << json;
    return document;
}

inline std::string string_member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) return {};
    const auto member = object.FindMember(name);
    if (member == object.MemberEnd() || !member->value.IsString()) return {};
    return member->value.GetString();
}

inline std::string state_of(const zlhcs::compute_system& system) {
    return string_member(parse(system.properties({}, kTimeout)), "State");
}

/// Polls `condition` until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = kTimeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::yield();  // polls `condition` until `timeout`, no fixed pause
    }
    return true;
}

/// Adds latency to one hcsim entry point for the scope of the object. (An operation with
/// latency never completes inside the call that starts it, even in inline mode.)
class latency_guard {
public:
    latency_guard(const char* function, std::uint32_t milliseconds) : function_(function) {
        EXPECT_EQ(sim().set_latency(function_, milliseconds), 0);
    }
    latency_guard(const latency_guard&) = delete;
    latency_guard& operator=(const latency_guard&) = delete;
    ~latency_guard() { sim().set_latency(function_, 0); }

private:
    const char* function_;
};

/// A created (not started) container with a unique id.
inline zlhcs::compute_system make_container(std::string* id_out = nullptr) {
    const std::string id = unique_id();
    if (id_out != nullptr) *id_out = id;
    return zlhcs::compute_system::create(id, container_document(), kTimeout);
}

/// A created (not started) VM with a unique id: pause, resume, save and crash are VM-only.
inline zlhcs::compute_system make_vm(std::string* id_out = nullptr) {
    const std::string id = unique_id("-vm");
    if (id_out != nullptr) *id_out = id;
    return zlhcs::compute_system::create(id, vm_document(), kTimeout);
}

/// Runs `action`, expects it to throw a zlhcs::error whose code and condition() are
/// `condition`; returns the error for further checks.
template <typename Action>
zlhcs::error expect_error(Action&& action, zlhcs::errc condition) {
    try {
        action();
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), condition) << e.what();
        EXPECT_EQ(e.condition(), condition) << e.what();
        return e;
    }
    ADD_FAILURE() << "no zlhcs::error thrown";
    return zlhcs::error(ZLHCS_E_INTERNAL, "", "", "", "");
}

/// Checks what a failure says about itself. HCS's error document is optional
/// (HcsGetOperationResult.md: "not guaranteed"): it must be there, a JSON object with Error
/// and ErrorMessage, unless this run's hcsim omits error documents; in that mode it may be
/// absent, but the code and message must still explain the failure. `mentions`, if given,
/// must appear in the document (when there is one).
inline void expect_diagnostics(const zlhcs::error& e, const std::string& mentions = {}) {
    EXPECT_LT(e.hresult(), 0) << e.what();
    EXPECT_FALSE(e.message().empty()) << e.what();
    EXPECT_NE(std::string(e.what()).find(e.message()), std::string::npos) << e.what();
    const std::string& document = e.result_document();
    if (document.empty()) {
        EXPECT_TRUE(run_has(HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS)) << "no error document: " << e.what();
        return;
    }
    const rapidjson::Document parsed = parse(document);
    ASSERT_TRUE(parsed.IsObject()) << document;
    EXPECT_TRUE(parsed.HasMember("Error")) << document;
    EXPECT_TRUE(parsed.HasMember("ErrorMessage")) << document;
    if (parsed.HasMember("Error") && parsed["Error"].IsInt()) {
        EXPECT_EQ(parsed["Error"].GetInt(), e.hresult()) << document;
    }
    if (!mentions.empty()) {
        EXPECT_NE(document.find(mentions), std::string::npos) << document;
    }
}

#if ZLHCS_HAS_COROUTINES
// A minimal eager, detached coroutine: runs until its first suspension on the caller's
// thread, then wherever it is resumed. It reports through what its body captures.
struct detached_task {
    struct promise_type {
        detached_task get_return_object() noexcept { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { std::terminate(); }
    };
};
#endif

}  // namespace facade_test
