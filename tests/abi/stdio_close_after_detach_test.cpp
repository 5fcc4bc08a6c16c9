// Issue 16, finding 9: what zlhcs_process_stdio_close(STDIN) returns after
// zlhcs_process_stdio_detach(STDIN). The caller owns the detached OS handle, but HCS keeps
// handles of its own to the pipe, so closing the detached handle alone never ends the
// process's stdin: the first close after the detach still tells HCS (HcsModifyProcess
// CloseHandle StdIn) and returns ZLHCS_S_OK; once HCS has been told, a close returns
// ZLHCS_S_FALSE (nothing left to close). Once the process has exited its pipes are gone with
// it: there is nothing to tell, and the close returns ZLHCS_S_FALSE.
#include <zlhcs/zlhcs.h>

#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace {

constexpr const char* config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-stdio-close-after-detach","Container":{}})";

void close_os_handle(uint64_t handle) {
#ifdef _WIN32
    EXPECT_TRUE(CloseHandle(reinterpret_cast<HANDLE>(static_cast<uintptr_t>(handle))));
#else
    EXPECT_EQ(::close(static_cast<int>(handle)), 0);
#endif
}

std::string last_message() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    (void)zlhcs_last_error(&e);
    return e.message != nullptr ? e.message : "";
}

class stdio_close_after_detach : public ::testing::Test {
protected:
    void SetUp() override {
        (void)zlhcs_test::hcsim_client::instance();
        ASSERT_EQ(zlhcs_system_create(nullptr, config, nullptr, ZLHCS_INFINITE, &system_, nullptr), ZLHCS_S_OK);
        ASSERT_EQ(zlhcs_system_start(system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    }
    void TearDown() override {
        if (process_ != 0) (void)zlhcs_process_close(process_);
        (void)zlhcs_system_terminate(system_, nullptr, ZLHCS_INFINITE, nullptr);
        (void)zlhcs_system_close(system_);
        const std::string left = zlhcs_test::wait_for_zero_counts(false);
        EXPECT_TRUE(left.empty()) << left;
    }
    zlhcs_system system_ = 0;
    zlhcs_process process_ = 0;
};

TEST_F(stdio_close_after_detach, the_first_close_tells_hcs_and_succeeds_a_second_has_nothing_to_do) {
    // cat copies stdin to stdout and exits at end of stdin: its exit shows that HCS closed its
    // end of the pipe.
    ASSERT_EQ(zlhcs_process_create(system_, R"({"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true})",
                                   nullptr, ZLHCS_INFINITE, &process_, nullptr),
              ZLHCS_S_OK) << last_message();
    uint64_t detached = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(process_, ZLHCS_STDIN, &detached), ZLHCS_S_OK) << last_message();
    close_os_handle(detached);
    // The caller closed its handle, but HCS holds the pipe: cat is still reading.
    EXPECT_EQ(zlhcs_process_wait_exit(process_, 0, nullptr), ZLHCS_HCS_E_OPERATION_TIMEOUT)
        << "the detached handle's close alone ended stdin";

    EXPECT_EQ(zlhcs_process_stdio_close(process_, ZLHCS_STDIN), ZLHCS_S_OK) << last_message();
    uint32_t exit_code = 0xFFFF;
    EXPECT_EQ(zlhcs_process_wait_exit(process_, ZLHCS_INFINITE, &exit_code), ZLHCS_S_OK)
        << "HCS was not told: cat never saw the end of its stdin";
    EXPECT_EQ(exit_code, 0u);
    EXPECT_EQ(zlhcs_process_stdio_close(process_, ZLHCS_STDIN), ZLHCS_S_FALSE) << "HCS was told already";
    EXPECT_EQ(zlhcs_process_stdio_close(process_, ZLHCS_STDIN), ZLHCS_S_FALSE);
}

TEST_F(stdio_close_after_detach, after_the_exit_there_is_nothing_to_tell) {
    ASSERT_EQ(zlhcs_process_create(system_, R"({"CommandLine":"echo bye","CreateStdInPipe":true,"CreateStdOutPipe":true})",
                                   nullptr, ZLHCS_INFINITE, &process_, nullptr),
              ZLHCS_S_OK) << last_message();
    uint64_t detached = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(process_, ZLHCS_STDIN, &detached), ZLHCS_S_OK) << last_message();
    ASSERT_EQ(zlhcs_process_wait_exit(process_, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_close(process_, ZLHCS_STDIN), ZLHCS_S_FALSE) << last_message();
    close_os_handle(detached);
}

}  // namespace
