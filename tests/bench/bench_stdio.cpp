// Stdio waits (src/core/stdio_pipe.cpp): how soon a read blocked on an idle pipe returns once
// its stream is closed, or interrupted (zlhcs_process_stdio_interrupt, the bindings' way to
// cancel a read), as a ratio to a raw poll() woken by a write in the same run; and what
// 1 000 readers blocked on idle pipes cost in CPU while nothing happens (a counter: CPU seconds
// per wall second, 0 for readers that truly sleep).
#include "core/stdio_pipe.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace {

using clock_type = std::chrono::steady_clock;

struct os_pipe {
    int read_end = -1;
    int write_end = -1;
    os_pipe() {
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) == 0) {
            read_end = ends[0];
            write_end = ends[1];
        }
    }
    ~os_pipe() {
        if (write_end >= 0) close(write_end);
    }
    os_pipe(const os_pipe&) = delete;
    os_pipe& operator=(const os_pipe&) = delete;
};

// Lets a thread that was just started reach its blocking call (no sleep: the latency measured
// starts only after this, whatever it costs).
void let_block() {
    const auto until = clock_type::now() + std::chrono::milliseconds(2);
    while (clock_type::now() < until) std::this_thread::yield();
}

double cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// Baseline: a thread blocked in poll() on a raw pipe, woken by a write.
void woken_raw(benchmark::State& state) {
    for (auto _ : state) {
        os_pipe pipe;
        clock_type::time_point returned;
        std::thread reader([&] {
            pollfd descriptor{pipe.read_end, POLLIN, 0};
            (void)poll(&descriptor, 1, -1);
            returned = clock_type::now();
        });
        let_block();
        const auto woken = clock_type::now();
        const char byte = 1;
        (void)write(pipe.write_end, &byte, 1);
        reader.join();
        close(pipe.read_end);
        state.SetIterationTime(std::chrono::duration<double>(returned - woken).count());
    }
}

// Seconds from `release(stream)` until a read blocked with no timeout on `stream` (an idle
// pipe) returns.
template <typename Release>
double release_time(zlhcs::core::stdio_pipe& stream, Release release) {
    clock_type::time_point returned;
    std::thread reader([&] {
        char buffer[64];
        std::size_t got = 0;
        benchmark::DoNotOptimize(stream.read(buffer, sizeof buffer, ZLHCS_INFINITE, &got));
        returned = clock_type::now();
    });
    let_block();
    const auto releasing = clock_type::now();
    release(stream);
    reader.join();
    return std::chrono::duration<double>(returned - releasing).count();
}

// zlhcs: the read released by closing the stream.
void released_by_close(benchmark::State& state) {
    for (auto _ : state) {
        os_pipe pipe;
        zlhcs::core::stdio_pipe stream;
        stream.set_name("stdout");
        stream.adopt(pipe.read_end, false);
        state.SetIterationTime(release_time(stream, [](zlhcs::core::stdio_pipe& s) { (void)s.close(); }));
    }
}

// zlhcs: the read released by the stream's interrupt (the stream stays open).
void released_by_interrupt(benchmark::State& state) {
    os_pipe pipe;
    zlhcs::core::stdio_pipe stream;
    stream.set_name("stdout");
    stream.adopt(pipe.read_end, false);
    for (auto _ : state) {
        state.SetIterationTime(release_time(stream, [](zlhcs::core::stdio_pipe& s) { (void)s.set_interrupt(true); }));
        (void)stream.set_interrupt(false);
    }
    (void)stream.close();
}

// 1 000 readers blocked with no timeout on idle pipes; the CPU the whole process spends over
// a wall-clock window, per wall second.
void idle_readers(benchmark::State& state) {
    constexpr int readers = 1000;
    std::vector<std::unique_ptr<os_pipe>> pipes;
    std::vector<std::unique_ptr<zlhcs::core::stdio_pipe>> streams;
    std::vector<std::thread> threads;
    for (int i = 0; i < readers; ++i) {
        pipes.push_back(std::make_unique<os_pipe>());
        streams.push_back(std::make_unique<zlhcs::core::stdio_pipe>());
        streams.back()->adopt(pipes.back()->read_end, false);
    }
    for (auto& stream : streams) {
        threads.emplace_back([&stream] {
            char buffer[64];
            std::size_t got = 0;
            (void)stream->read(buffer, sizeof buffer, ZLHCS_INFINITE, &got);
        });
    }
    let_block();
    double cpu = 0;
    double wall = 0;
    for (auto _ : state) {
        const double cpu_before = cpu_seconds();
        const auto wall_before = clock_type::now();
        // Real time on purpose: the measurement is the CPU idle readers burn per wall second.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cpu += cpu_seconds() - cpu_before;
        wall += std::chrono::duration<double>(clock_type::now() - wall_before).count();
    }
    for (auto& stream : streams) stream->abandon();
    for (auto& thread : threads) thread.join();
    state.counters["cpu_per_wall_s"] = wall > 0 ? cpu / wall : 0;
}

}  // namespace

BENCHMARK(woken_raw)->Name("stdio_blocked_read_release/baseline")->UseManualTime()->Iterations(50);
BENCHMARK(released_by_close)->Name("stdio_blocked_read_release/zlhcs")->UseManualTime()->Iterations(50);
BENCHMARK(released_by_interrupt)->Name("stdio_blocked_read_release/zlhcs_interrupt")->UseManualTime()->Iterations(50);
BENCHMARK(idle_readers)->Name("stdio_1000_idle_readers")->UseRealTime()->Iterations(1);
