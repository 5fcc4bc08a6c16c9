// What the process and stdio suites share: bounds, a process handle guard, ProcessParameters
// documents, and bounded reads of a process's streams.
#pragma once

#include "fixture.hpp"

#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace zlhcs_core_test {

/// A bound against hanging, never an expectation about speed.
constexpr uint32_t hang_bound_ms = 60000;
/// How long a call in flight may take to notice that its handle was closed (a bound against
/// hanging, shorter than hang_bound_ms so that a failure does not stall the suite).
constexpr uint32_t release_bound_ms = 10000;
/// A process that outlives every test (it is terminated when the test's system is).
constexpr const char* long_sleep = "sleep 600000";

inline std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

enum pipes : unsigned { no_pipes = 0, in_pipe = 1, out_pipe = 2, err_pipe = 4, all_pipes = 7 };

/// A ProcessParameters document; `extra` is appended inside the object (",\"Key\":...").
inline std::string parameters(std::string_view command, unsigned with = no_pipes, const std::string& extra = "") {
    std::string doc = "{\"CommandLine\":" + json_quote(command);
    if ((with & in_pipe) != 0) doc += ",\"CreateStdInPipe\":true";
    if ((with & out_pipe) != 0) doc += ",\"CreateStdOutPipe\":true";
    if ((with & err_pipe) != 0) doc += ",\"CreateStdErrPipe\":true";
    return doc + extra + "}";
}

/// Reads `stream` to its end. Returns the final result (ZLHCS_S_FALSE at end of stream, else
/// the failure); each read waits at most hang_bound_ms.
inline zlhcs_hresult read_to_end(zlhcs_process process, uint32_t stream, std::string& out) {
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        size_t got = 12345;
        const zlhcs_hresult hr =
            zlhcs_process_stdio_read(process, stream, buffer.data(), buffer.size(), hang_bound_ms, &got);
        if (hr == ZLHCS_S_OK) {
            EXPECT_GT(got, 0u);
            EXPECT_LE(got, buffer.size());
            out.append(buffer.data(), got);
            continue;
        }
        if (hr == ZLHCS_S_FALSE) {
            EXPECT_EQ(got, 0u) << "end of stream reports no bytes";
        }
        return hr;
    }
}

/// Reads until `out` holds at least `size` bytes (or the stream ends / fails).
inline zlhcs_hresult read_at_least(zlhcs_process process, uint32_t stream, size_t size, std::string& out) {
    char buffer[4096];
    while (out.size() < size) {
        size_t got = 0;
        const zlhcs_hresult hr = zlhcs_process_stdio_read(process, stream, buffer, sizeof buffer, hang_bound_ms, &got);
        if (hr != ZLHCS_S_OK) return hr;
        out.append(buffer, got);
    }
    return ZLHCS_S_OK;
}

/// Runs `fn` on a thread; returned() waits (bounded) for it. If the thread has not returned
/// when this goes (an assertion ended the test early, or zlhcs failed to release it), `unblock`
/// (typically ending the process) is called first, so that the test fails instead of hanging.
class background {
public:
    explicit background(std::function<zlhcs_hresult()> fn, std::function<void()> unblock = {})
        : unblock_(std::move(unblock)),
          future_(promise_.get_future()),
          thread_([this, fn = std::move(fn)] { promise_.set_value(fn()); }) {}
    ~background() {
        if (!thread_.joinable()) return;
        if (future_.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready && unblock_) unblock_();
        thread_.join();
    }
    background(const background&) = delete;
    background& operator=(const background&) = delete;
    bool returned(uint32_t bound_ms = release_bound_ms) {
        return future_.wait_for(std::chrono::milliseconds(bound_ms)) == std::future_status::ready;
    }
    zlhcs_hresult result() {
        if (thread_.joinable()) thread_.join();
        return future_.get();
    }

private:
    std::function<void()> unblock_;
    std::promise<zlhcs_hresult> promise_;
    std::future<zlhcs_hresult> future_;
    std::thread thread_;
};

}  // namespace zlhcs_core_test
