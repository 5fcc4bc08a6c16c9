// stdio through a process's pipes in volume: 64 MiB through cat byte-exact, stdout and
// stderr drained by two threads, and concurrent stdin writers serialised into whole writes.
#include "processes_fixture.hpp"

#include <future>
#include <string>
#include <utility>
#include <vector>

namespace zlhcs_core_test {
namespace {

/// Byte i of the 64 MiB stream: not periodic in any chunk size used below.
inline unsigned char big_byte(uint64_t i) {
    return static_cast<unsigned char>((i * 0x9E3779B97F4A7C15ull) >> 56) ^ static_cast<unsigned char>(i >> 12);
}

TEST_F(processes, sixty_four_mib_through_cat_arrive_byte_exact) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    constexpr uint64_t total = 64ull << 20;

    std::promise<std::pair<zlhcs_hresult, zlhcs_hresult>> writer_result;
    auto writer_done = writer_result.get_future();
    std::thread writer([&] {
        // Chunks of varying sizes (one byte up to a few MiB), so no size is special.
        static constexpr size_t sizes[] = {65536, 1, 1 << 20, 4093, 300007, 3 << 20, 17};
        std::vector<unsigned char> chunk(3 << 20);
        uint64_t offset = 0;
        zlhcs_hresult write_hr = ZLHCS_S_OK;
        for (size_t k = 0; offset < total && write_hr == ZLHCS_S_OK; ++k) {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(sizes[k % std::size(sizes)], total - offset));
            for (size_t i = 0; i < n; ++i) chunk[i] = big_byte(offset + i);
            write_hr = zlhcs_process_stdio_write(cat, chunk.data(), n, ZLHCS_INFINITE, nullptr);
            offset += n;
        }
        const zlhcs_hresult close_hr = zlhcs_process_stdio_close(cat, ZLHCS_STDIN);
        writer_result.set_value({write_hr, close_hr});
    });

    std::vector<char> buffer(256 * 1024);
    uint64_t received = 0;
    uint64_t first_mismatch = UINT64_MAX;
    zlhcs_hresult hr = ZLHCS_S_OK;
    size_t got = 0;
    for (;;) {
        got = 0;
        hr = zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), hang_bound_ms, &got);
        if (hr != ZLHCS_S_OK) break;
        if (first_mismatch == UINT64_MAX) {
            for (size_t i = 0; i < got; ++i) {
                if (static_cast<unsigned char>(buffer[i]) != big_byte(received + i)) {
                    first_mismatch = received + i;
                    break;
                }
            }
        }
        received += got;
    }
    writer.join();
    const auto [write_hr, close_hr] = writer_done.get();
    EXPECT_EQ(write_hr, ZLHCS_S_OK) << hex(write_hr);
    EXPECT_EQ(close_hr, ZLHCS_S_OK) << hex(close_hr);
    EXPECT_EQ(hr, ZLHCS_S_FALSE) << "the read loop ended with " << hex(hr) << " " << last_error().message;
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(received, total);
    EXPECT_EQ(first_mismatch, UINT64_MAX) << "first wrong byte at offset " << first_mismatch;
    EXPECT_EQ(exit_code_of(cat), 0u);
    // End of stream stays end of stream.
    EXPECT_EQ(zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), 0, &got), ZLHCS_S_FALSE);
    EXPECT_EQ(got, 0u);
}

TEST_F(processes, stdout_and_stderr_read_from_two_threads_never_deadlock) {
    // `write ... both` alternates 4 KiB chunks between the streams: a reader of one stream
    // alone would stall the program once the other pipe fills.
    constexpr size_t size = 4194304;
    process_guard writer(start("write 4194304 both", out_pipe | err_pipe));
    ASSERT_NE(writer.handle, 0u);
    std::string out;
    std::string err;
    zlhcs_hresult out_hr = 0;
    zlhcs_hresult err_hr = 0;
    std::thread out_reader([&] { out_hr = read_to_end(writer, ZLHCS_STDOUT, out); });
    std::thread err_reader([&] { err_hr = read_to_end(writer, ZLHCS_STDERR, err); });
    out_reader.join();
    err_reader.join();
    EXPECT_EQ(out_hr, ZLHCS_S_FALSE) << hex(out_hr);
    EXPECT_EQ(err_hr, ZLHCS_S_FALSE) << hex(err_hr);
    expect_write_pattern(out, size, "stdout");
    expect_write_pattern(err, size, "stderr");
    EXPECT_EQ(exit_code_of(writer), 0u);
}

TEST_F(processes, write_to_one_stream_only) {
    process_guard to_err(start("write 100000 stderr", out_pipe | err_pipe));
    ASSERT_NE(to_err.handle, 0u);
    std::string err;
    std::thread reader([&] { err = output_of(to_err, ZLHCS_STDERR); });
    const std::string out = output_of(to_err, ZLHCS_STDOUT);
    reader.join();
    EXPECT_EQ(out, "");
    expect_write_pattern(err, 100000, "stderr");
    EXPECT_EQ(exit_code_of(to_err), 0u);
}

TEST_F(processes, concurrent_stdin_writers_are_serialised_whole_writes) {
    // Each write_stdin call is one 8 KiB block filled with its writer's tag and block number:
    // cat's output must consist of whole, unmixed blocks, each exactly once.
    constexpr size_t block = 8192;
    constexpr int blocks_per_writer = 64;
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    std::string out;
    std::thread reader([&] { out = output_of(cat); });
    auto write_blocks = [&](unsigned char tag) {
        std::vector<unsigned char> data(block);
        for (int b = 0; b < blocks_per_writer; ++b) {
            for (size_t i = 0; i < block; ++i) data[i] = static_cast<unsigned char>(i % 2 == 0 ? tag : b);
            EXPECT_EQ(zlhcs_process_stdio_write(cat, data.data(), data.size(), ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        }
    };
    std::thread a(write_blocks, static_cast<unsigned char>('A'));
    std::thread b(write_blocks, static_cast<unsigned char>('B'));
    a.join();
    b.join();
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    reader.join();
    ASSERT_EQ(out.size(), block * blocks_per_writer * 2);
    int next[2] = {0, 0};
    for (size_t start = 0; start < out.size(); start += block) {
        const unsigned char tag = static_cast<unsigned char>(out[start]);
        ASSERT_TRUE(tag == 'A' || tag == 'B') << "block at " << start;
        const int number = static_cast<unsigned char>(out[start + 1]);
        int& expected = next[tag - 'A'];
        ASSERT_EQ(number, expected) << "writer " << tag << "'s blocks out of order at " << start;
        ++expected;
        for (size_t i = 0; i < block; ++i) {
            const unsigned char want = static_cast<unsigned char>(i % 2 == 0 ? tag : number);
            ASSERT_EQ(static_cast<unsigned char>(out[start + i]), want) << "mixed block at " << start + i;
        }
    }
    EXPECT_EQ(next[0], blocks_per_writer);
    EXPECT_EQ(next[1], blocks_per_writer);
    EXPECT_EQ(exit_code_of(cat), 0u);
}

}  // namespace
}  // namespace zlhcs_core_test
