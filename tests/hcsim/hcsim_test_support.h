// Helpers of the hcsim suite: UTF conversion, owned handles and strings, synchronous calls,
// JSON access, and a fixture that resets the simulator and checks nothing leaks.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hcsim/hcsim_api.h"
#include "hcsim/hcsim_control.h"
#include "zlhcs_common/utf.hpp"

namespace hcsim_test {

using u16string = zlhcs::common::u16string;

u16string W(const std::string& utf8);
std::string U8(PCWSTR text);

/** Frees a result string through the backend's LocalFree. */
void free_string(PWSTR text);

/** Takes ownership of a result string: returns it as UTF-8 (empty for NULL) and frees it. */
std::string take(PWSTR text);

rapidjson::Document parse(const std::string& json);

std::string container_config(const std::string& extra = "");
std::string vm_config(unsigned memory_mb = 2048, const std::string& extra = "");

/** An operation handle closed on destruction. */
class Op {
public:
    explicit Op(HCS_OPERATION_COMPLETION callback = nullptr, const void* context = nullptr);
    ~Op();
    Op(const Op&) = delete;
    Op& operator=(const Op&) = delete;
    HCS_OPERATION get() const { return handle_; }
    operator HCS_OPERATION() const { return handle_; }
    /** Waits for the result (INFINITE); the document as UTF-8. */
    HRESULT wait(std::string* document = nullptr) const;
    void close();

private:
    HCS_OPERATION handle_ = nullptr;
};

/** A system handle closed on destruction. */
class Sys {
public:
    Sys() = default;
    explicit Sys(HCS_SYSTEM handle) : handle_(handle) {}
    ~Sys();
    Sys(Sys&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
    Sys& operator=(Sys&& other) noexcept;
    Sys(const Sys&) = delete;
    Sys& operator=(const Sys&) = delete;
    HCS_SYSTEM get() const { return handle_; }
    HCS_SYSTEM* out() { return &handle_; }
    operator HCS_SYSTEM() const { return handle_; }
    void close();

private:
    HCS_SYSTEM handle_ = nullptr;
};

struct Result {
    HRESULT hr = E_FAIL;
    std::string document;
};

/** Creates a system and waits for the create operation. */
Result create_system(const std::string& id, const std::string& config, Sys& out);
/** Runs a state-change entry point and waits for its operation. */
Result run(HRESULT(WINAPI* entry)(HCS_SYSTEM, HCS_OPERATION, PCWSTR), HCS_SYSTEM system,
           const char* options = nullptr);
Result properties(HCS_SYSTEM system, const char* query = nullptr);
Result modify(HCS_SYSTEM system, const std::string& request);
Result enumerate(const char* query = nullptr);
/** Properties' State of a system. */
std::string state_of(HCS_SYSTEM system);

hcsim_live_objects live();
/** Waits (bounded) until no completion is queued or running. */
void wait_idle();
/** Waits (bounded) until at least `calls` callers are blocked in an hcsim wait
 *  (hcsim_live_objects.waiting_calls); false if that did not happen in time. */
bool await_waiting_calls(uint32_t calls);

/** Records events delivered to a system callback. */
struct EventLog {
    struct Entry {
        HCS_EVENT_TYPE type;
        std::string data;
        HCS_OPERATION operation;
        std::thread::id thread;
    };
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Entry> entries;

    static void CALLBACK callback(HCS_EVENT* event, void* context);
    /** Waits (bounded) until `count` events arrived; returns the entries so far. */
    std::vector<Entry> wait_for(std::size_t count);
    std::vector<Entry> snapshot();
};

/** Resets the simulator before each test; after it, checks every handle and string was
 *  released (the test's RAII objects are gone by then). */
class HcsimTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;
};

#define EXPECT_HR(expected, actual) EXPECT_EQ(static_cast<uint32_t>(expected), static_cast<uint32_t>(actual))
#define ASSERT_HR(expected, actual) ASSERT_EQ(static_cast<uint32_t>(expected), static_cast<uint32_t>(actual))

}  // namespace hcsim_test
