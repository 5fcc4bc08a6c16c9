// Process ids, opening a process by id (the opened handle has no stdio), and the hand-over
// of a pipe's OS handle to the caller (zlhcs_process_stdio_detach).
#include "os_pipe_io.hpp"
#include "processes_fixture.hpp"

#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace zlhcs_core_test {
namespace {

TEST_F(processes, process_ids_are_nonzero_and_distinct) {
    process_guard a(start(long_sleep));
    process_guard b(start(long_sleep));
    process_guard c(start("exit 0"));
    ASSERT_TRUE(a.handle != 0 && b.handle != 0 && c.handle != 0);
    const uint32_t ids[] = {pid_of(a), pid_of(b), pid_of(c)};
    for (uint32_t id : ids) EXPECT_NE(id, 0u);
    EXPECT_NE(ids[0], ids[1]);
    EXPECT_NE(ids[0], ids[2]);
    EXPECT_NE(ids[1], ids[2]);
    EXPECT_NE(a.handle, b.handle);
    // The id stays available after the exit.
    EXPECT_EQ(exit_code_of(c), 0u);
    EXPECT_EQ(pid_of(c), ids[2]);
}

TEST_F(processes, an_opened_process_shares_the_process_but_has_no_stdio) {
    process_guard created(start(long_sleep, in_pipe | out_pipe | err_pipe));
    ASSERT_NE(created.handle, 0u);
    const uint32_t pid = pid_of(created);
    process_guard opened;
    ASSERT_EQ(zlhcs_process_open(system_, pid, &opened.handle), ZLHCS_S_OK) << last_error().message;
    ASSERT_NE(opened.handle, 0u);
    EXPECT_NE(opened.handle, created.handle);
    EXPECT_EQ(pid_of(opened), pid);
    EXPECT_FALSE(status_of(opened)["Exited"].GetBool());

    char buffer[16];
    size_t got = 9;
    EXPECT_EQ(zlhcs_process_stdio_read(opened, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(zlhcs_process_stdio_read(opened, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(zlhcs_process_stdio_write(opened, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    uint64_t os_handle = 0x1234;
    EXPECT_EQ(zlhcs_process_stdio_detach(opened, ZLHCS_STDOUT, &os_handle), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(os_handle, 0u);
    // Its streams are "none" (zlhcs.h, Standard streams): close refuses them too.
    EXPECT_EQ(zlhcs_process_stdio_close(opened, ZLHCS_STDIN), ZLHCS_E_INVALID_STATE);
    EXPECT_NE(last_error().message.find("opened"), std::string::npos) << last_error().message;

    // Signalled through the opened handle, seen through both.
    EXPECT_EQ(zlhcs_process_signal(opened, R"({"Signal":"CtrlC"})", hang_bound_ms, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(exit_code_of(opened), control_c_exit);
    EXPECT_EQ(exit_code_of(created), control_c_exit);
    // The creator's pipes are intact.
    EXPECT_EQ(output_of(created), "");
}

TEST_F(processes, a_process_opened_after_its_exit_reports_the_exit_code) {
    process_guard created(start("exit 7"));
    ASSERT_NE(created.handle, 0u);
    ASSERT_EQ(exit_code_of(created), 7u);
    process_guard opened;
    ASSERT_EQ(zlhcs_process_open(system_, pid_of(created), &opened.handle), ZLHCS_S_OK) << last_error().message;
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(opened, &code), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(code, 7u);
    EXPECT_EQ(exit_code_of(opened), 7u);
}

TEST_F(processes, detached_stdout_is_read_through_the_os_handle) {
    process_guard p(start("echo detached", out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(p, ZLHCS_STDOUT, &os_handle), ZLHCS_S_OK) << last_error().message;
    // zlhcs no longer reads it, nor hands it out twice.
    char buffer[64];
    size_t got = 3;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(got, 0u);
    uint64_t again = 0x77;
    EXPECT_EQ(zlhcs_process_stdio_detach(p, ZLHCS_STDOUT, &again), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(again, 0u);
    // The other stream is still zlhcs's.
    EXPECT_EQ(output_of(p, ZLHCS_STDERR), "");

    std::string out;
#ifdef _WIN32
    const HANDLE h = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle));
    for (;;) {
        DWORD n = 0;
        if (!zlhcs_test::os_pipe_read(h, buffer, sizeof buffer, n)) {
            EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_BROKEN_PIPE));
            break;
        }
        if (n == 0) break;
        out.append(buffer, n);
    }
    EXPECT_TRUE(CloseHandle(h));
#else
    ASSERT_LE(os_handle, uint64_t{INT32_MAX});
    const int fd = static_cast<int>(os_handle);
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);  // blocking again after the hand-over
        if (n > 0) {
            out.append(buffer, static_cast<size_t>(n));
            continue;
        }
        EXPECT_EQ(n, 0) << "errno " << errno;
        break;
    }
    EXPECT_EQ(::close(fd), 0);
#endif
    EXPECT_EQ(out, "detached\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, detached_stdin_is_written_through_the_os_handle) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(cat, ZLHCS_STDIN, &os_handle), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_stdio_write(cat, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    const std::string text = "through the OS handle";
#ifdef _WIN32
    const HANDLE h = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle));
    DWORD written = 0;
    EXPECT_TRUE(zlhcs_test::os_pipe_write(h, text.data(), static_cast<DWORD>(text.size()), written));
    EXPECT_EQ(written, text.size());
    EXPECT_TRUE(CloseHandle(h));
#else
    const int fd = static_cast<int>(os_handle);
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    EXPECT_EQ(::close(fd), 0);
#endif
    // HCS keeps handles of its own to the pipe (hcsshim interface.go Stdio): closing the
    // detached one is not end of stdin; zlhcs_process_close_stdin tells HCS.
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_FALSE) << "done already";
    EXPECT_EQ(output_of(cat), text);
    EXPECT_EQ(exit_code_of(cat), 0u);
}

TEST_F(processes, detaching_a_stream_without_a_pipe_fails) {
    process_guard p(start(long_sleep, out_pipe));
    ASSERT_NE(p.handle, 0u);
    for (int32_t stream : {ZLHCS_STDIN, ZLHCS_STDERR}) {
        uint64_t os_handle = 0x55;
        EXPECT_EQ(zlhcs_process_stdio_detach(p, stream, &os_handle), ZLHCS_E_INVALID_STATE) << stream;
        EXPECT_EQ(os_handle, 0u);
    }
}

}  // namespace
}  // namespace zlhcs_core_test
