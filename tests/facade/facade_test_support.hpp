// Helpers shared by the facade tests.
#pragma once

#include <zlhcs/zlhcs.hpp>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hcsim_client.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace facade_test {

using namespace std::chrono_literals;

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
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

/// Adds latency to one hcsim entry point for the scope of the object.
class latency_guard {
public:
    latency_guard(const char* function, std::uint32_t milliseconds) : function_(function) {
        EXPECT_EQ(zlhcs_test::hcsim_client::instance().set_latency(function_, milliseconds), 0);
    }
    latency_guard(const latency_guard&) = delete;
    latency_guard& operator=(const latency_guard&) = delete;
    ~latency_guard() { zlhcs_test::hcsim_client::instance().set_latency(function_, 0); }

private:
    const char* function_;
};

/// A created (not started) container with a unique id.
inline zlhcs::compute_system make_container(std::string* id_out = nullptr) {
    const std::string id = unique_id();
    if (id_out != nullptr) *id_out = id;
    return zlhcs::compute_system::create(id, container_document(), kTimeout);
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

}  // namespace facade_test
