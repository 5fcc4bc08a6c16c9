// <zlhcs/statistics.hpp>: HCS timestamps, the usage arithmetic on samples made by hand, and
// hcsim's simulated load (docs/hcsim.md, Properties: each processor 25% busy while Running,
// uptime frozen while Paused) read through statistics() and cpu_usage().
#include <zlhcs/zlhcs.hpp>

#include "facade_test_support.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace facade_test;
namespace schema = zlhcs::schema;

constexpr std::int64_t kTicksPerSecond = 10000000;

std::int64_t ticks_of(std::string_view text) {
    const std::optional<zlhcs::hcs_time_point> parsed = zlhcs::parse_hcs_timestamp(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed ? parsed->time_since_epoch().count() : -1;
}

std::int64_t ticks_of(std::chrono::sys_days day, std::chrono::seconds time_of_day, std::int64_t fraction) {
    return (std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()) + time_of_day).count() *
               kTicksPerSecond +
           fraction;
}

// ---- parse_hcs_timestamp ------------------------------------------------------------------------

TEST(FacadeStatistics, ParsesHcsTimestampsExactly) {
    using namespace std::chrono;
    EXPECT_EQ(ticks_of("1970-01-01T00:00:00.0000000Z"), 0);
    EXPECT_EQ(ticks_of("1970-01-01T00:00:00.0000001Z"), 1);
    EXPECT_EQ(ticks_of("2000-03-01T00:00:00.0000000Z"), 951868800LL * kTicksPerSecond);
    EXPECT_EQ(ticks_of("2024-02-29T12:34:56.7890123Z"),
              ticks_of(sys_days{year{2024} / 2 / 29}, hours{12} + minutes{34} + seconds{56}, 7890123));
    EXPECT_EQ(ticks_of("9999-12-31T23:59:59.9999999Z"),
              ticks_of(sys_days{year{9999} / 12 / 31}, hours{23} + minutes{59} + seconds{59}, 9999999));
    EXPECT_EQ(ticks_of("0001-01-01T00:00:00.0000000Z"), ticks_of(sys_days{year{1} / 1 / 1}, seconds{0}, 0));
    EXPECT_EQ(ticks_of("1900-02-28T00:00:00.0000000Z") + 86400 * kTicksPerSecond, ticks_of("1900-03-01T00:00:00.0000000Z"));
    // constexpr: usable at compile time.
    static_assert(zlhcs::parse_hcs_timestamp("1970-01-01T00:00:01.0000000Z")->time_since_epoch().count() == kTicksPerSecond);
}

TEST(FacadeStatistics, RejectsEveryOtherForm) {
    for (const char* text : {
             "",                                 // empty
             "2024-05-01T12:00:00Z",             // no fraction
             "2024-05-01T12:00:00.123456Z",      // 6 digits
             "2024-05-01T12:00:00.12345678Z",    // 8 digits
             "2024-05-01T12:00:00.1234567",      // no Z
             "2024-05-01T12:00:00.1234567z",     // lower-case z
             "2024-05-01t12:00:00.1234567Z",     // lower-case t
             "2024-05-01 12:00:00.1234567Z",     // blank for T
             "2024-05-01T12:00:00.1234567+00:00",  // an offset
             " 2024-05-01T12:00:00.1234567Z",    // leading blank
             "2024-05-01T12:00:00.1234567Z ",    // trailing blank
             "2024-13-01T12:00:00.1234567Z",     // month 13
             "2024-00-01T12:00:00.1234567Z",     // month 0
             "2024-04-31T12:00:00.1234567Z",     // 31 April
             "2023-02-29T12:00:00.1234567Z",     // not a leap year
             "1900-02-29T12:00:00.1234567Z",     // not a leap year (century)
             "2024-05-00T12:00:00.1234567Z",     // day 0
             "2024-05-01T24:00:00.0000000Z",     // hour 24
             "2024-05-01T12:60:00.1234567Z",     // minute 60
             "2024-05-01T23:59:60.1234567Z",     // a leap second
             "0000-05-01T12:00:00.1234567Z",     // year 0
             "2024-05-01T12:00:00.12345x7Z",     // a letter in the fraction
             "+024-05-01T12:00:00.1234567Z",     // a sign
             "2024/05/01T12:00:00.1234567Z",     // other separators
         }) {
        EXPECT_FALSE(zlhcs::parse_hcs_timestamp(text).has_value()) << text;
    }
    EXPECT_TRUE(zlhcs::parse_hcs_timestamp("2000-02-29T12:00:00.1234567Z").has_value());  // a leap year (400)
}

// ---- the arithmetic -----------------------------------------------------------------------------

schema::Statistics sample(std::optional<std::string> timestamp, std::optional<std::uint64_t> uptime,
                          std::optional<std::uint64_t> cpu) {
    schema::Statistics statistics;
    statistics.Timestamp = std::move(timestamp);
    statistics.Uptime100ns = uptime;
    if (cpu) statistics.Processor.emplace().TotalRuntime100ns = cpu;
    return statistics;
}

TEST(FacadeStatistics, CpuUsageIsProcessorTimeOverElapsedTimeAndProcessors) {
    // 10 s apart on 2 processors, 5 s of processor time: a quarter.
    const schema::Statistics earlier = sample("2024-01-01T00:00:00.0000000Z", 0, 0);
    const schema::Statistics later = sample("2024-01-01T00:00:10.0000000Z", 100000000, 50000000);
    EXPECT_EQ(zlhcs::elapsed(earlier, later), zlhcs::hcs_duration(100000000));
    EXPECT_EQ(zlhcs::cpu_usage(earlier, later, 2), 0.25);
    EXPECT_EQ(zlhcs::cpu_usage(earlier, later, 1), 0.5);
    EXPECT_EQ(zlhcs::cpu_usage(earlier, later, 4), 0.125);
    // The Timestamps win over the uptime (here a VM paused for half of the time).
    EXPECT_EQ(zlhcs::cpu_usage(earlier, sample("2024-01-01T00:00:10.0000000Z", 50000000, 50000000), 2), 0.25);
    // Across midnight and a year.
    EXPECT_EQ(zlhcs::cpu_usage(sample("2023-12-31T23:59:59.5000000Z", {}, 0), sample("2024-01-01T00:00:00.5000000Z", {}, 5000000), 2),
              0.25);
    // Not clamped: more processor time than processors is reported as is.
    EXPECT_EQ(zlhcs::cpu_usage(earlier, sample("2024-01-01T00:00:10.0000000Z", {}, 300000000), 2), 1.5);
}

TEST(FacadeStatistics, WithoutReadableTimestampsTheUptimeIsTheElapsedTime) {
    const schema::Statistics earlier = sample(std::nullopt, 10000000, 1000000);
    const schema::Statistics later = sample(std::nullopt, 50000000, 21000000);
    EXPECT_EQ(zlhcs::elapsed(earlier, later), zlhcs::hcs_duration(40000000));
    EXPECT_EQ(zlhcs::cpu_usage(earlier, later, 1), 0.5);
    // One timestamp missing or unreadable is as good as none.
    EXPECT_EQ(zlhcs::cpu_usage(sample("2024-01-01T00:00:00.0000000Z", 10000000, 1000000), later, 1), 0.5);
    EXPECT_EQ(zlhcs::cpu_usage(sample("yesterday", 10000000, 1000000), sample("today", 50000000, 21000000), 1), 0.5);
}

TEST(FacadeStatistics, NoUsageWhenFieldsAreMissingOrTimeDidNotAdvance) {
    const schema::Statistics earlier = sample("2024-01-01T00:00:00.0000000Z", 0, 0);
    const schema::Statistics later = sample("2024-01-01T00:00:10.0000000Z", 100000000, 50000000);
    EXPECT_FALSE(zlhcs::cpu_usage(earlier, later, 0).has_value());                                // no processors
    EXPECT_FALSE(zlhcs::cpu_usage(later, earlier, 2).has_value());                                // backwards
    EXPECT_FALSE(zlhcs::cpu_usage(earlier, earlier, 2).has_value());                              // same instant
    EXPECT_FALSE(zlhcs::cpu_usage(earlier, sample("2024-01-01T00:00:10.0000000Z", 1, std::nullopt), 2).has_value());
    EXPECT_FALSE(zlhcs::cpu_usage(schema::Statistics{}, later, 2).has_value());                   // empty sample
    // The counter went back (the system restarted, or another one has the id): no rate.
    EXPECT_FALSE(zlhcs::cpu_usage(later, sample("2024-01-01T00:00:20.0000000Z", 10, 10), 2).has_value());
    // No timestamps, and the uptime did not advance (a paused VM) or is missing.
    EXPECT_FALSE(zlhcs::elapsed(sample(std::nullopt, 5, 0), sample(std::nullopt, 5, 0)).has_value());
    EXPECT_FALSE(zlhcs::elapsed(sample(std::nullopt, std::nullopt, 0), sample(std::nullopt, 5, 0)).has_value());
    EXPECT_FALSE(zlhcs::cpu_usage(sample(std::nullopt, 5, 0), sample(std::nullopt, 5, 0), 1).has_value());
}

TEST(FacadeStatistics, MemoryAndStorageFiguresAndRates) {
    schema::Statistics earlier = sample("2024-01-01T00:00:00.0000000Z", 0, 0);
    schema::Statistics later = sample("2024-01-01T00:00:02.0000000Z", 20000000, 0);
    EXPECT_EQ(zlhcs::memory_of(earlier), zlhcs::memory_usage{});  // none reported: zeros
    EXPECT_EQ(zlhcs::storage_of(earlier), zlhcs::storage_usage{});
    EXPECT_FALSE(zlhcs::storage_rates_between(earlier, later).has_value());

    auto& memory = later.Memory.emplace();
    memory.MemoryUsageCommitBytes = 300;
    memory.MemoryUsageCommitPeakBytes = 500;
    memory.MemoryUsagePrivateWorkingSetBytes = 100;
    EXPECT_EQ(zlhcs::memory_of(later), (zlhcs::memory_usage{300, 500, 100}));
    memory.MemoryUsagePrivateWorkingSetBytes.reset();
    EXPECT_EQ(zlhcs::memory_of(later), (zlhcs::memory_usage{300, 500, 0}));

    auto set_storage = [](schema::Statistics& s, std::uint64_t reads, std::uint64_t read_bytes, std::uint64_t writes,
                          std::uint64_t write_bytes) {
        auto& storage = s.Storage.emplace();
        storage.ReadCountNormalized = reads;
        storage.ReadSizeBytes = read_bytes;
        storage.WriteCountNormalized = writes;
        storage.WriteSizeBytes = write_bytes;
    };
    set_storage(earlier, 10, 4096, 2, 1024);
    set_storage(later, 30, 8192, 6, 1024);
    EXPECT_EQ(zlhcs::storage_of(later), (zlhcs::storage_usage{30, 8192, 6, 1024}));
    const std::optional<zlhcs::storage_rates> rates = zlhcs::storage_rates_between(earlier, later);
    ASSERT_TRUE(rates.has_value());
    EXPECT_EQ(rates->reads_per_second, 10.0);
    EXPECT_EQ(rates->read_bytes_per_second, 2048.0);
    EXPECT_EQ(rates->writes_per_second, 2.0);
    EXPECT_EQ(rates->write_bytes_per_second, 0.0);
    EXPECT_FALSE(zlhcs::storage_rates_between(later, earlier).has_value());  // time went back
    later.Storage->WriteSizeBytes.reset();
    EXPECT_FALSE(zlhcs::storage_rates_between(earlier, later).has_value());  // a counter missing
}

TEST(FacadeStatistics, ProcessorCountComesFromTheConfiguration) {
    EXPECT_EQ(zlhcs::processor_count(zlhcs::utility_vm_builder().processor_count(4).build()), 4u);
    EXPECT_EQ(zlhcs::processor_count(zlhcs::utility_vm_builder().build()), 1u);  // a VM without a count
    EXPECT_EQ(zlhcs::processor_count(zlhcs::container_builder().processor_count(3).build()), 3u);
    EXPECT_EQ(zlhcs::processor_count(zlhcs::container_builder().build()), zlhcs::host_processor_count());
    EXPECT_EQ(zlhcs::processor_count(zlhcs::container_builder().processor_count(6).hosted_by("uvm").build()), 6u);
    EXPECT_EQ(zlhcs::processor_count(zlhcs::container_builder().hosted_by("uvm").build()), zlhcs::host_processor_count());
    EXPECT_EQ(zlhcs::processor_count(schema::ComputeSystem{}), zlhcs::host_processor_count());
    schema::ComputeSystem broken;
    broken.HostedSystem = schema::parse_any("[1]");  // not a HostedSystem: no count from it
    EXPECT_EQ(zlhcs::processor_count(broken), zlhcs::host_processor_count());
    EXPECT_GE(zlhcs::host_processor_count(), 1u);
    EXPECT_EQ(zlhcs::host_processor_count(), std::max(1u, std::thread::hardware_concurrency()));
}

// ---- hcsim's simulated load ---------------------------------------------------------------------

std::uint64_t total_runtime(const schema::Statistics& statistics) {
    EXPECT_TRUE(statistics.Processor && statistics.Processor->TotalRuntime100ns);
    return statistics.Processor ? statistics.Processor->TotalRuntime100ns.value_or(0) : 0;
}

// Each of the VM's 2 processors is 25% busy while it runs: cpu_usage() over two samples is a
// quarter. Its expectation follows from the samples themselves (their Timestamps and counters),
// not from how long the test slept.
TEST(FacadeStatistics, ARunningVmUsesAQuarterOfItsProcessors) {
    const zlhcs_test::manual_clock clock;  // hcsim's time moves by advance() alone
    const schema::ComputeSystem configuration = zlhcs::utility_vm_builder().memory_mb(1024).processor_count(2).build();
    const zlhcs::compute_system system = zlhcs::compute_system::create(unique_id("-vm"), configuration, kTimeout);
    system.start(kTimeout);
    const schema::Statistics earlier = zlhcs::statistics(system, kTimeout);
    clock.advance(200ms);
    const schema::Statistics later = zlhcs::statistics(system, kTimeout);

    const std::uint32_t processors = zlhcs::processor_count(configuration);
    ASSERT_EQ(processors, 2u);
    const std::optional<double> cpu = zlhcs::cpu_usage(earlier, later, processors);
    ASSERT_TRUE(cpu.has_value()) << schema::to_json(earlier) << "\n" << schema::to_json(later);
    EXPECT_NEAR(*cpu, 0.25, 0.1) << schema::to_json(earlier) << "\n" << schema::to_json(later);
    // The counters agree with each other: processor time is a quarter of the running time, per
    // processor (hcsim computes both from the uptime; integer rounding of 4 ticks at most).
    const std::uint64_t used = total_runtime(later) - total_runtime(earlier);
    const std::uint64_t ran = *later.Uptime100ns - *earlier.Uptime100ns;
    EXPECT_NEAR(static_cast<double>(used), static_cast<double>(ran) / 4 * processors, 8.0);
    EXPECT_GT(used, 0u);

    // Memory: a quarter of the configured size committed while up, half of that private.
    const zlhcs::memory_usage memory = zlhcs::memory_of(later);
    EXPECT_EQ(memory.commit_bytes, 1024ull * 1024 * 1024 / 4);
    EXPECT_EQ(memory.private_working_set_bytes, memory.commit_bytes / 2);
    EXPECT_GE(memory.commit_peak_bytes, memory.commit_bytes);
    // Storage grows while it runs: 4 KiB per read.
    const std::optional<zlhcs::storage_rates> io = zlhcs::storage_rates_between(earlier, later);
    ASSERT_TRUE(io.has_value());
    EXPECT_GT(io->reads_per_second, 0.0);
    EXPECT_DOUBLE_EQ(io->read_bytes_per_second, io->reads_per_second * 4096);
    EXPECT_DOUBLE_EQ(io->write_bytes_per_second, io->writes_per_second * 4096);
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeStatistics, AContainerFromTheBuilderUsesAQuarterOfItsProcessor) {
    const zlhcs_test::manual_clock clock;  // hcsim's time moves by advance() alone
    const schema::ComputeSystem configuration = zlhcs::container_builder().processor_count(1).memory_mb(256).build();
    const zlhcs::compute_system system = zlhcs::compute_system::create(unique_id(), configuration, kTimeout);
    system.start(kTimeout);
    const schema::Statistics earlier = zlhcs::statistics(system, kTimeout);
    clock.advance(200ms);
    const schema::Statistics later = zlhcs::statistics(system, kTimeout);
    const std::optional<double> cpu = zlhcs::cpu_usage(earlier, later, zlhcs::processor_count(configuration));
    ASSERT_TRUE(cpu.has_value());
    EXPECT_NEAR(*cpu, 0.25, 0.1);
    EXPECT_EQ(zlhcs::memory_of(later).commit_bytes, 256ull * 1024 * 1024 / 4);
    EXPECT_TRUE(system.terminate(kTimeout));
}

// A paused VM's processor time, uptime and storage counters stand still; resumed, they advance.
TEST(FacadeStatistics, APausedVmsProcessorTimeDoesNotAdvance) {
    const schema::ComputeSystem configuration = zlhcs::utility_vm_builder().processor_count(2).build();
    const zlhcs_test::manual_clock clock;  // hcsim's time moves by advance() alone
    const zlhcs::compute_system system = zlhcs::compute_system::create(unique_id("-vm"), configuration, kTimeout);
    system.start(kTimeout);
    clock.advance(20ms);
    system.pause(kTimeout);
    const schema::Statistics earlier = zlhcs::statistics(system, kTimeout);
    clock.advance(100ms);
    const schema::Statistics later = zlhcs::statistics(system, kTimeout);

    EXPECT_GT(total_runtime(earlier), 0u);  // it ran before the pause
    EXPECT_EQ(total_runtime(later), total_runtime(earlier));
    EXPECT_EQ(later.Uptime100ns, earlier.Uptime100ns);
    EXPECT_EQ(zlhcs::storage_of(later), zlhcs::storage_of(earlier));
    // Wall time went on (the Timestamps), processor time did not: no use. (Were the wall clock
    // set back meanwhile, there would be no elapsed time and so no figure at all.)
    EXPECT_EQ(zlhcs::cpu_usage(earlier, later, zlhcs::processor_count(configuration)).value_or(0.0), 0.0);
    // Paused memory stays committed.
    EXPECT_EQ(zlhcs::memory_of(later).commit_bytes, zlhcs::memory_of(earlier).commit_bytes);

    system.resume(kTimeout);
    clock.advance(20ms);
    const schema::Statistics resumed = zlhcs::statistics(system, kTimeout);
    EXPECT_GT(total_runtime(resumed), total_runtime(later));
    EXPECT_TRUE(system.terminate(kTimeout));
}

TEST(FacadeStatistics, AStoppedSystemHasNoStatistics) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    ASSERT_TRUE(zlhcs::try_statistics(system, kTimeout).has_value());
    EXPECT_TRUE(system.terminate(kTimeout));
    expect_error([&] { (void)zlhcs::statistics(system, kTimeout); }, zlhcs::errc::not_found);
    EXPECT_FALSE(zlhcs::try_statistics(system, kTimeout).has_value());
    // Other failures still throw.
    const zlhcs::compute_system empty;
    expect_error([&] { (void)zlhcs::try_statistics(empty, kTimeout); }, zlhcs::errc::invalid_handle);
}

TEST(FacadeStatistics, HcsimsTimestampsReadStrictly) {
    const zlhcs::compute_system system = make_container();
    system.start(kTimeout);
    const schema::Statistics statistics = zlhcs::statistics(system, kTimeout);
    ASSERT_TRUE(statistics.Timestamp.has_value());
    ASSERT_TRUE(statistics.ContainerStartTime.has_value());
    const auto taken = zlhcs::parse_hcs_timestamp(*statistics.Timestamp);
    const auto started = zlhcs::parse_hcs_timestamp(*statistics.ContainerStartTime);
    ASSERT_TRUE(taken.has_value()) << *statistics.Timestamp;
    ASSERT_TRUE(started.has_value()) << *statistics.ContainerStartTime;
    EXPECT_LE(*started, *taken);
}

}  // namespace
