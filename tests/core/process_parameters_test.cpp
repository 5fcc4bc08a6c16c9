// What a program sees of its ProcessParameters (command line, environment, working directory,
// console size and EmulateConsole) and what HcsGetProcessInfo reports of them.
#include "processes_fixture.hpp"

#include <string>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, echo_prints_its_arguments) {
    struct echo_case {
        const char* command;
        const char* output;
    };
    const echo_case cases[] = {
        {"echo hello", "hello\r\n"},
        {"echo", "\r\n"},
        {"echo  a   b  ", "a b\r\n"},
        {R"(echo "a  b" c)", "a  b c\r\n"},
        {"ECHO.EXE upper", "upper\r\n"},
        {R"(C:\Windows\System32\echo.exe path)", "path\r\n"},
        {"cmd /c echo via cmd", "via cmd\r\n"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.command);
        process_guard p(start(c.command, out_pipe));
        ASSERT_NE(p.handle, 0u);
        EXPECT_EQ(output_of(p), c.output);
        EXPECT_EQ(exit_code_of(p), 0u);
    }
}

TEST_F(processes, env_prints_the_environment_sorted) {
    process_guard p(start("env", out_pipe, R"(,"Environment":{"ZED":"last","ALPHA":"1","MID":"a b=c"})"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "ALPHA=1\r\nMID=a b=c\r\nZED=last\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);

    process_guard empty(start("env", out_pipe));
    ASSERT_NE(empty.handle, 0u);
    EXPECT_EQ(output_of(empty), "");
}

TEST_F(processes, env_passes_non_ascii_text_through_as_utf8) {
    process_guard p(start("env", out_pipe, ",\"Environment\":{\"GR\xC3\x9C\xC3\x9F\":\"\xE2\x82\xAC \xF0\x9F\x98\x80\"}"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "GR\xC3\x9C\xC3\x9F=\xE2\x82\xAC \xF0\x9F\x98\x80\r\n");
}

TEST_F(processes, cwd_prints_the_working_directory) {
    process_guard given(start("cwd", out_pipe, R"(,"WorkingDirectory":"C:\\work\\dir")"));
    ASSERT_NE(given.handle, 0u);
    EXPECT_EQ(output_of(given), "C:\\work\\dir\r\n");
    process_guard by_default(start("cwd", out_pipe));
    ASSERT_NE(by_default.handle, 0u);
    EXPECT_EQ(output_of(by_default), "C:\\\r\n");
}

TEST_F(processes, console_size_prints_the_size_and_follows_resizes) {
    process_guard p(start("console-size", in_pipe | out_pipe, R"(,"EmulateConsole":true,"ConsoleSize":[30,100])"));
    ASSERT_NE(p.handle, 0u);
    std::string out;
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 8, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "100x30\r\n");
    // The running program prints the new size after each resize.
    EXPECT_EQ(zlhcs_process_resize_console(p, 132, 43, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    out.clear();
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 8, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "132x43\r\n");
    EXPECT_EQ(zlhcs_process_modify(p, R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":1,"Width":65535}})",
                                   hang_bound_ms, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    out.clear();
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 9, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "65535x1\r\n");
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(output_of(p), "");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, console_size_defaults_to_eighty_by_twenty_five) {
    process_guard p(start("console-size", out_pipe));  // no stdin: it prints once and ends
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "80x25\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, modify_close_handle_stdin_ends_cat_after_what_was_written) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    ASSERT_EQ(zlhcs_process_stdio_write(cat, "before", 6, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_modify(cat, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})",
                                   hang_bound_ms, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    EXPECT_EQ(output_of(cat), "before");
    EXPECT_EQ(exit_code_of(cat), 0u);
}

TEST_F(processes, emulate_console_sends_stderr_to_stdout) {
    process_guard p(start("write 5000 stderr", out_pipe | err_pipe, R"(,"EmulateConsole":true)"));
    ASSERT_NE(p.handle, 0u);
    char buffer[4];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE)
        << "no stderr pipe with EmulateConsole (docs/hcsim.md)";
    expect_write_pattern(output_of(p), 5000, "stdout");
    EXPECT_EQ(exit_code_of(p), 0u);
}

// HcsGetProcessInfo: the startup information, sync and async; hcsim answers with the
// ProcessParameters the process was created with.
TEST_F(processes, info_returns_the_startup_parameters) {
    process_guard p(start("sleep 600000", no_pipes, R"(,"WorkingDirectory":"C:\\work")"));
    char* raw = out_sentinel();
    ASSERT_EQ(zlhcs_process_info(p, hang_bound_ms, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document info = parse(take(raw));
    ASSERT_TRUE(info.IsObject());
    ASSERT_TRUE(info.HasMember("CommandLine"));
    EXPECT_STREQ(info["CommandLine"].GetString(), "sleep 600000");
    ASSERT_TRUE(info.HasMember("WorkingDirectory"));
    EXPECT_STREQ(info["WorkingDirectory"].GetString(), "C:\\work");

    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_process_info_async(p, &callback_probe::callback, &probe, nullptr, &op), ZLHCS_S_OK);
    char* document = nullptr;
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, &document), ZLHCS_S_OK);
    ASSERT_NE(document, nullptr);
    EXPECT_NE(std::string(document).find("sleep 600000"), std::string::npos);
    zlhcs_free(document);
    EXPECT_TRUE(eventually([&] { return probe.calls.load() == 1; }));
    EXPECT_EQ(probe.operation.load(), op);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_info(p, hang_bound_ms, nullptr), ZLHCS_S_OK) << "documents are optional";
    EXPECT_EQ(zlhcs_process_info_async(p, nullptr, nullptr, nullptr, nullptr), ZLHCS_E_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace zlhcs_core_test
