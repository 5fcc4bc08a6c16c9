// zlhcs C++ facade - a compute system's statistics, and usage between two samples.
//
//     const std::uint32_t processors = zlhcs::processor_count(configuration);  // the document created with
//     zlhcs::schema::Statistics earlier = zlhcs::statistics(system);
//     std::this_thread::sleep_for(std::chrono::seconds(10));
//     zlhcs::schema::Statistics later = zlhcs::statistics(system);
//     if (std::optional<double> cpu = zlhcs::cpu_usage(earlier, later, processors))
//         report("cpu", *cpu);                                    // 0.25: a quarter of its processors
//     zlhcs::memory_usage memory = zlhcs::memory_of(later);      // commit, peak, private working set
//     if (auto io = zlhcs::storage_rates_between(earlier, later)) report("read B/s", io->read_bytes_per_second);
//
// What HCS reports (schema::Statistics, SchemaReference.md; HcsGetComputeSystemProperties with
// {"PropertyTypes":["Statistics"]}): Timestamp (when HCS took the sample, ISO 8601 UTC with 100 ns
// precision: "2024-05-01T12:00:00.1234567Z"), ContainerStartTime, Uptime100ns (time spent
// running), Processor {TotalRuntime100ns, RuntimeUser100ns, RuntimeKernel100ns: processor time
// used since the start, summed over all of the system's processors}, Memory
// {MemoryUsageCommitBytes, MemoryUsageCommitPeakBytes, MemoryUsagePrivateWorkingSetBytes: levels
// now}, Storage {ReadCountNormalized, ReadSizeBytes, WriteCountNormalized, WriteSizeBytes:
// totals since the start}.
//
// Cadence (how often to sample)
//   - HCS computes statistics when asked (there is no push, and hcsshim's stats path - the
//     containerd shim's Stats - queries them on each request of its caller; each query is a
//     call into the service and, for a VM, into the guest). Sample at most about once a second
//     per system: a scrape every 1 s .. 60 s (10 s - 15 s is the usual Prometheus cadence) is
//     right; tight loops only cost the host.
//   - The processor and storage counters are CUMULATIVE since the system started: a rate needs
//     two samples of the same system (cpu_usage(), storage_rates_between()). Keep the previous
//     sample per system; the first sample of a system gives no rate.
//   - The longer the interval, the smaller the error: the counters and the Timestamp are not
//     read at exactly the same instant, so over a very short interval (tens of milliseconds) the
//     result is noisy and may even exceed 1 on a busy system.
//   - A system that stopped is gone (HCS cleans it up at once): statistics() throws
//     errc::not_found (HCS_E_SYSTEM_NOT_FOUND), which hcsshim also reads as "no statistics";
//     try_statistics() gives std::nullopt then. A system that restarted, or another system
//     under the same id, has counters that went back: the rate functions give std::nullopt.
//
// Errors: the arithmetic functions never throw and return std::nullopt (or zero figures) when a
// field they need is missing or time did not advance; statistics() throws zlhcs::error.
// Threading: reentrant; no shared state.
#pragma once

#include <zlhcs/compute_system.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/schema.hpp>
#include <zlhcs/string_arg.hpp>
#include <zlhcs/timeout.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

namespace zlhcs {

/// HCS's unit of time: 100 ns (the "100ns" of Uptime100ns, TotalRuntime100ns, ...).
using hcs_duration = std::chrono::duration<std::int64_t, std::ratio<1, 10000000>>;
/// A point in UTC time in HCS's unit, on system_clock's epoch (1970-01-01T00:00:00Z).
using hcs_time_point = std::chrono::time_point<std::chrono::system_clock, hcs_duration>;

namespace detail {

/// Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (H. Hinnant's
/// days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap_year(unsigned year) noexcept {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr unsigned days_in_month(unsigned year, unsigned month) noexcept {
    constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/// The digits text[at, at + count) as a number, or -1 if one is not a digit.
constexpr std::int64_t decimal_digits(std::string_view text, std::size_t at, std::size_t count) noexcept {
    std::int64_t value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/// later - earlier of two optional counters; std::nullopt if either is missing or it went back.
inline std::optional<std::uint64_t> counter_delta(const std::optional<std::uint64_t>& earlier,
                                                  const std::optional<std::uint64_t>& later) noexcept {
    if (!earlier || !later || *later < *earlier) return std::nullopt;
    return *later - *earlier;
}

}  // namespace detail

/// Reads HCS's DateTime, strictly in the form HCS writes it: "YYYY-MM-DDTHH:MM:SS.fffffffZ"
/// (UTC, exactly 7 fractional digits, a capital T and Z; year 0001..9999, a real date, hour
/// 00..23, minute and second 00..59). Anything else - another precision, an offset, a leap
/// second, blanks - gives std::nullopt. Never throws.
[[nodiscard]] constexpr std::optional<hcs_time_point> parse_hcs_timestamp(std::string_view text) noexcept {
    // 0123456789012345678901234567
    // YYYY-MM-DDTHH:MM:SS.fffffffZ
    if (text.size() != 28) return std::nullopt;
    if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
        text[19] != '.' || text[27] != 'Z') {
        return std::nullopt;
    }
    const std::int64_t year = detail::decimal_digits(text, 0, 4);
    const std::int64_t month = detail::decimal_digits(text, 5, 2);
    const std::int64_t day = detail::decimal_digits(text, 8, 2);
    const std::int64_t hour = detail::decimal_digits(text, 11, 2);
    const std::int64_t minute = detail::decimal_digits(text, 14, 2);
    const std::int64_t second = detail::decimal_digits(text, 17, 2);
    const std::int64_t fraction = detail::decimal_digits(text, 20, 7);
    if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 59 || fraction < 0) {
        return std::nullopt;
    }
    if (day > static_cast<std::int64_t>(detail::days_in_month(static_cast<unsigned>(year), static_cast<unsigned>(month)))) {
        return std::nullopt;
    }
    const std::int64_t days =
        detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = ((days * 24 + hour) * 60 + minute) * 60 + second;
    return hcs_time_point(hcs_duration(seconds * 10000000 + fraction));
}

/// The system's Statistics (HcsGetComputeSystemProperties with {"PropertyTypes":["Statistics"]},
/// read as schema::Properties; its Statistics). Throws as compute_system::properties() -
/// errc::not_found once the system has stopped - and errc::not_supported if HCS's answer has no
/// Statistics. timeout: default zlhcs::default_timeout.
[[nodiscard]] inline schema::Statistics statistics(const compute_system& system,
                                                   std::chrono::milliseconds timeout = default_timeout) {
    const std::string answer = system.properties(string_arg(R"({"PropertyTypes":["Statistics"]})"), timeout);
    schema::Properties properties = schema::from_json<schema::Properties>(answer);
    if (!properties.Statistics) {
        throw error(ZLHCS_E_NOT_SUPPORTED, "zlhcs::statistics", "HCS answered the Statistics query without Statistics",
                    "HcsGetComputeSystemProperties", answer);
    }
    return std::move(*properties.Statistics);
}

/// statistics(), or std::nullopt if the system has stopped (errc::not_found: HCS cleaned it up,
/// which hcsshim's stats path also takes as "no statistics"). Other failures throw.
[[nodiscard]] inline std::optional<schema::Statistics> try_statistics(const compute_system& system,
                                                                      std::chrono::milliseconds timeout = default_timeout) {
    try {
        return statistics(system, timeout);
    } catch (const error& e) {
        if (e.condition() == errc::not_found) return std::nullopt;
        throw;
    }
}

/// The time between two samples of one system: the difference of their Timestamps if both
/// read (parse_hcs_timestamp()); else, if either lacks a readable Timestamp, the difference of
/// their Uptime100ns (time spent running: it stands still while a VM is paused). std::nullopt
/// if neither pair is there, or the time did not advance (zero or negative).
[[nodiscard]] inline std::optional<hcs_duration> elapsed(const schema::Statistics& earlier,
                                                         const schema::Statistics& later) noexcept {
    const std::optional<hcs_time_point> from = earlier.Timestamp ? parse_hcs_timestamp(*earlier.Timestamp) : std::nullopt;
    const std::optional<hcs_time_point> to = later.Timestamp ? parse_hcs_timestamp(*later.Timestamp) : std::nullopt;
    if (from && to) {
        if (*to <= *from) return std::nullopt;
        return *to - *from;
    }
    const std::optional<std::uint64_t> running = detail::counter_delta(earlier.Uptime100ns, later.Uptime100ns);
    if (!running || *running == 0 || *running > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return hcs_duration(static_cast<std::int64_t>(*running));
}

/// The system's processor use between two samples, as a fraction of its `processors`: the
/// growth of Processor.TotalRuntime100ns over elapsed() times processors. 0.25 on a 2-processor
/// VM means half a processor's worth, a quarter of what it has. Not clamped: noise can put a
/// saturated system slightly above 1 (see the top of this file). std::nullopt if a
/// TotalRuntime100ns is missing or went back (a restart, another system), if elapsed() has none,
/// or if `processors` is 0. Never throws.
[[nodiscard]] inline std::optional<double> cpu_usage(const schema::Statistics& earlier, const schema::Statistics& later,
                                                     std::uint32_t processors) noexcept {
    if (processors == 0 || !earlier.Processor || !later.Processor) return std::nullopt;
    const std::optional<std::uint64_t> used =
        detail::counter_delta(earlier.Processor->TotalRuntime100ns, later.Processor->TotalRuntime100ns);
    const std::optional<hcs_duration> time = elapsed(earlier, later);
    if (!used || !time) return std::nullopt;
    return static_cast<double>(*used) / (static_cast<double>(time->count()) * static_cast<double>(processors));
}

/// The host's logical processors (std::thread::hardware_concurrency(); 1 if unknown).
[[nodiscard]] inline std::uint32_t host_processor_count() noexcept {
    const unsigned count = std::thread::hardware_concurrency();
    return count == 0 ? 1u : static_cast<std::uint32_t>(count);
}

/// The processors a system created from `configuration` has, for cpu_usage():
///   - a VM: VirtualMachine.ComputeTopology.Processor.Count; 1 if not set (the default of a
///     Hyper-V VM and of hcsim: an assumption, HCS does not document it - set the count);
///   - a process-isolated container: Container.Processor.Count; if not set, the host's
///     (host_processor_count(): the container may use every host processor);
///   - a Hyper-V isolated container (HostedSystem): its container's Processor.Count, else the
///     host's - pass its utility VM's count instead when you know it.
/// HCS does not return the configuration (properties have no processor count), so this reads
/// the document the system was created from. Never throws (an unreadable HostedSystem counts
/// as one without a count).
[[nodiscard]] inline std::uint32_t processor_count(const schema::ComputeSystem& configuration) noexcept {
    const auto positive = [](const std::optional<std::uint32_t>& count) { return count && *count > 0; };
    if (configuration.VirtualMachine) {
        const auto& topology = configuration.VirtualMachine->ComputeTopology;
        if (topology && topology->Processor && positive(topology->Processor->Count)) return *topology->Processor->Count;
        return 1;
    }
    if (configuration.Container) {
        const auto& processor = configuration.Container->Processor;
        if (processor && positive(processor->Count)) return *processor->Count;
        return host_processor_count();
    }
    if (configuration.HostedSystem) {
        try {
            const auto hosted = schema::from_json<schema::HostedSystem>(configuration.HostedSystem->json());
            if (hosted.Container && hosted.Container->Processor && positive(hosted.Container->Processor->Count)) {
                return *hosted.Container->Processor->Count;
            }
        } catch (...) {  // not a HostedSystem (or no memory): no count from it
        }
    }
    return host_processor_count();
}

/// The memory figures of a sample: levels at its Timestamp, in bytes (0 where HCS gave none).
struct memory_usage {
    std::uint64_t commit_bytes = 0;               ///< MemoryUsageCommitBytes
    std::uint64_t commit_peak_bytes = 0;          ///< MemoryUsageCommitPeakBytes (since the start)
    std::uint64_t private_working_set_bytes = 0;  ///< MemoryUsagePrivateWorkingSetBytes

    friend bool operator==(const memory_usage& a, const memory_usage& b) noexcept {
        return a.commit_bytes == b.commit_bytes && a.commit_peak_bytes == b.commit_peak_bytes &&
               a.private_working_set_bytes == b.private_working_set_bytes;
    }
    friend bool operator!=(const memory_usage& a, const memory_usage& b) noexcept { return !(a == b); }
};

/// The storage figures of a sample: totals since the system started (0 where HCS gave none).
struct storage_usage {
    std::uint64_t read_count = 0;   ///< ReadCountNormalized
    std::uint64_t read_bytes = 0;   ///< ReadSizeBytes
    std::uint64_t write_count = 0;  ///< WriteCountNormalized
    std::uint64_t write_bytes = 0;  ///< WriteSizeBytes

    friend bool operator==(const storage_usage& a, const storage_usage& b) noexcept {
        return a.read_count == b.read_count && a.read_bytes == b.read_bytes && a.write_count == b.write_count &&
               a.write_bytes == b.write_bytes;
    }
    friend bool operator!=(const storage_usage& a, const storage_usage& b) noexcept { return !(a == b); }
};

/// Storage rates between two samples, per second of elapsed().
struct storage_rates {
    double reads_per_second = 0;
    double read_bytes_per_second = 0;
    double writes_per_second = 0;
    double write_bytes_per_second = 0;
};

/// A sample's Memory figures.
[[nodiscard]] inline memory_usage memory_of(const schema::Statistics& sample) noexcept {
    memory_usage figures;
    if (!sample.Memory) return figures;
    figures.commit_bytes = sample.Memory->MemoryUsageCommitBytes.value_or(0);
    figures.commit_peak_bytes = sample.Memory->MemoryUsageCommitPeakBytes.value_or(0);
    figures.private_working_set_bytes = sample.Memory->MemoryUsagePrivateWorkingSetBytes.value_or(0);
    return figures;
}

/// A sample's Storage figures.
[[nodiscard]] inline storage_usage storage_of(const schema::Statistics& sample) noexcept {
    storage_usage figures;
    if (!sample.Storage) return figures;
    figures.read_count = sample.Storage->ReadCountNormalized.value_or(0);
    figures.read_bytes = sample.Storage->ReadSizeBytes.value_or(0);
    figures.write_count = sample.Storage->WriteCountNormalized.value_or(0);
    figures.write_bytes = sample.Storage->WriteSizeBytes.value_or(0);
    return figures;
}

/// The storage counters' growth per second between two samples. std::nullopt if a sample has no
/// Storage, a counter is missing or went back, or elapsed() has none. Never throws.
[[nodiscard]] inline std::optional<storage_rates> storage_rates_between(const schema::Statistics& earlier,
                                                                        const schema::Statistics& later) noexcept {
    if (!earlier.Storage || !later.Storage) return std::nullopt;
    const std::optional<hcs_duration> time = elapsed(earlier, later);
    if (!time) return std::nullopt;
    const auto& a = *earlier.Storage;
    const auto& b = *later.Storage;
    const auto reads = detail::counter_delta(a.ReadCountNormalized, b.ReadCountNormalized);
    const auto read_bytes = detail::counter_delta(a.ReadSizeBytes, b.ReadSizeBytes);
    const auto writes = detail::counter_delta(a.WriteCountNormalized, b.WriteCountNormalized);
    const auto write_bytes = detail::counter_delta(a.WriteSizeBytes, b.WriteSizeBytes);
    if (!reads || !read_bytes || !writes || !write_bytes) return std::nullopt;
    const double seconds = std::chrono::duration<double>(*time).count();
    storage_rates rates;
    rates.reads_per_second = static_cast<double>(*reads) / seconds;
    rates.read_bytes_per_second = static_cast<double>(*read_bytes) / seconds;
    rates.writes_per_second = static_cast<double>(*writes) / seconds;
    rates.write_bytes_per_second = static_cast<double>(*write_bytes) / seconds;
    return rates;
}

}  // namespace zlhcs
