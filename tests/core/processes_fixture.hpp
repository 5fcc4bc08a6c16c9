// The `processes` fixture of zlhcs_core_tests (a running system per test, with helpers to
// start processes and read their exit codes and output) and what the process_*_test.cpp files
// share: exit codes, the `write <n>` pattern, a process's status.
//
// Those files test processes in compute systems (zlhcs.h, "Processes in compute systems"),
// driven through the C ABI against hcsim's built-in programs (docs/hcsim.md, "Processes"). No
// test asserts a duration: timeouts that should expire are short (the process under test runs
// for minutes), and those that should not are long bounds against hanging.
#pragma once

#include "process_support.hpp"

#include <string>
#include <string_view>

namespace zlhcs_core_test {

// An unknown program (HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)); the exit code of a signalled
// process (STATUS_CONTROL_C_EXIT) and of a terminated one.
inline constexpr zlhcs_hresult hr_file_not_found = ZLHCS_HR(0x80070002u);
inline constexpr uint32_t control_c_exit = 0xC000013Au;
inline constexpr uint32_t terminated_exit = 1;

/// Byte i of what `write <n>` prints (docs/hcsim.md).
inline unsigned char write_byte(uint64_t i) { return static_cast<unsigned char>(i % 251); }

/// Checks a `write <n>` stream: size and every byte.
inline void expect_write_pattern(const std::string& data, size_t expected_size, const char* what) {
    EXPECT_EQ(data.size(), expected_size) << what;
    for (size_t i = 0; i < data.size(); ++i) {
        if (static_cast<unsigned char>(data[i]) != write_byte(i)) {
            ADD_FAILURE() << what << ": byte " << i << " is " << int(static_cast<unsigned char>(data[i]))
                          << ", expected " << int(write_byte(i));
            return;
        }
    }
}

inline rapidjson::Document status_of(zlhcs_process process) {
    char* raw = out_sentinel();
    const zlhcs_hresult hr = zlhcs_process_properties(process, nullptr, hang_bound_ms, &raw);
    EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
    const std::string text = hr >= 0 ? take(raw) : std::string("{}");
    return parse(text);
}

// One class in a header, not one per file: GoogleTest requires every test of a suite to use
// the same fixture class.
class processes : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        if (HasFatalFailure()) return;
        system_id_ = unique_id("proc");
        system_.handle = running_system(system_id_);
        ASSERT_NE(system_.handle, 0u);
    }
    void TearDown() override {
        // Ends every process still running (each test closes its own handles).
        if (system_.handle != 0) (void)zlhcs_system_terminate(system_, nullptr, hang_bound_ms, nullptr);
        system_.reset();
        core_test::TearDown();
    }

    /// Creates a process synchronously (a test failure and 0 if that fails).
    zlhcs_process start(std::string_view command, unsigned with = no_pipes, const std::string& extra = "") {
        return start_in(system_, command, with, extra);
    }
    static zlhcs_process start_in(zlhcs_system system, std::string_view command, unsigned with = no_pipes,
                                  const std::string& extra = "") {
        zlhcs_process process = 0;
        const std::string doc = parameters(command, with, extra);
        const zlhcs_hresult hr = zlhcs_process_create(system, doc.c_str(), nullptr, hang_bound_ms, &process, nullptr);
        EXPECT_EQ(hr, ZLHCS_S_OK) << doc << ": " << hex(hr) << " " << last_error().message;
        EXPECT_NE(process, 0u);
        return process;
    }

    /// The exit code (waiting for it), or a test failure.
    static uint32_t exit_code_of(zlhcs_process process) {
        uint32_t code = 0xDEADBEEF;
        const zlhcs_hresult hr = zlhcs_process_wait_exit(process, hang_bound_ms, &code);
        EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
        return code;
    }

    static uint32_t pid_of(zlhcs_process process) {
        uint32_t pid = 0;
        EXPECT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK) << last_error().message;
        return pid;
    }

    /// Everything a process writes to `stream`, to its end.
    static std::string output_of(zlhcs_process process, int32_t stream = ZLHCS_STDOUT) {
        std::string out;
        const zlhcs_hresult hr = read_to_end(process, stream, out);
        EXPECT_EQ(hr, ZLHCS_S_FALSE) << "read ended with " << hex(hr) << " " << last_error().message;
        return out;
    }

    std::string system_id_;
    system_guard system_;
};

}  // namespace zlhcs_core_test
