//! A compute system's statistics, and usage between two samples: the arithmetic of the C++
//! facade's `<zlhcs/statistics.hpp>`, with the same semantics.
//!
//! ```
//! use zlhcs::schema::{self, Statistics};
//! use zlhcs::statistics::{cpu_usage, memory_of, storage_rates_between};
//!
//! // Two samples of one system, 10 s apart (as HCS sends them; the safe API's statistics
//! // query reads them from the live system).
//! let earlier: Statistics = schema::from_json(
//!     r#"{"Timestamp":"2024-05-01T12:00:00.0000000Z","Uptime100ns":0,
//!         "Processor":{"TotalRuntime100ns":0},"Storage":{"ReadCountNormalized":0,
//!         "ReadSizeBytes":0,"WriteCountNormalized":0,"WriteSizeBytes":0}}"#,
//! )
//! .unwrap();
//! let later: Statistics = schema::from_json(
//!     r#"{"Timestamp":"2024-05-01T12:00:10.0000000Z","Uptime100ns":100000000,
//!         "Processor":{"TotalRuntime100ns":50000000},"Memory":{"MemoryUsageCommitBytes":1048576},
//!         "Storage":{"ReadCountNormalized":10,"ReadSizeBytes":40960,"WriteCountNormalized":0,
//!         "WriteSizeBytes":0}}"#,
//! )
//! .unwrap();
//! // 5 s of processor time in 10 s on 2 processors: a quarter of them.
//! assert_eq!(cpu_usage(&earlier, &later, 2), Some(0.25));
//! assert_eq!(memory_of(&later).commit_bytes, 1048576);
//! assert_eq!(storage_rates_between(&earlier, &later).unwrap().read_bytes_per_second, 4096.0);
//! ```
//!
//! # What HCS reports
//!
//! [`Statistics`] (HcsGetComputeSystemProperties with `{"PropertyTypes":["Statistics"]}`):
//! `Timestamp` (when HCS took the sample, ISO 8601 UTC with 100 ns precision:
//! `"2024-05-01T12:00:00.1234567Z"`), `ContainerStartTime`, `Uptime100ns` (time spent running),
//! `Processor` {`TotalRuntime100ns`, `RuntimeUser100ns`, `RuntimeKernel100ns`: processor time used
//! since the start, summed over all of the system's processors}, `Memory`
//! {`MemoryUsageCommitBytes`, `MemoryUsageCommitPeakBytes`, `MemoryUsagePrivateWorkingSetBytes`:
//! levels now}, `Storage` {`ReadCountNormalized`, `ReadSizeBytes`, `WriteCountNormalized`,
//! `WriteSizeBytes`: totals since the start}.
//!
//! # Cadence (how often to sample)
//!
//! - HCS computes statistics when asked: there is no push, and each query is a call into the
//!   service and, for a VM, into the guest. Sample a system at most about once a second; a scrape
//!   every 1 s .. 60 s (10 s - 15 s is the usual Prometheus cadence) is right, tight loops only
//!   cost the host.
//! - The processor and storage counters are cumulative since the system started: a rate needs
//!   two samples of the same system ([`cpu_usage`], [`storage_rates_between`]). Keep the previous
//!   sample per system; the first sample of a system gives no rate.
//! - The longer the interval, the smaller the error: the counters and the `Timestamp` are not
//!   read at exactly the same instant, so over a very short interval (tens of milliseconds) the
//!   result is noisy, and may even exceed 1 on a busy system.
//! - A system that stopped is gone (HCS cleans it up at once): it has no statistics any more. A
//!   system that restarted, or another system under the same id, has counters that went back:
//!   the rate functions give `None`.
//!
//! # Errors
//!
//! None of these functions panics: they give `None` (or zero figures) when a field they need is
//! missing or unreadable, a counter went back, or time did not advance. Reentrant; no shared
//! state.

use std::time::{Duration, SystemTime};

use serde::Deserialize;

use crate::schema::{ComputeSystem, HostedSystem, Statistics};

/// HCS's unit of time is 100 ns (the "100ns" of `Uptime100ns`, `TotalRuntime100ns`, ...): this
/// many make a second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;

/// A point in UTC time in HCS's unit: 100 ns ticks since 1970-01-01T00:00:00Z (negative before;
/// HCS's DateTime reaches back to year 1). Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HcsTime(pub i64);

impl HcsTime {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: HcsTime = HcsTime(0);

    /// The 100 ns ticks since 1970-01-01T00:00:00Z.
    pub const fn ticks(self) -> i64 {
        self.0
    }

    /// The same instant as a [`SystemTime`]; `None` if the platform's `SystemTime` cannot hold
    /// it (a date before 1601 on Windows).
    pub fn to_system_time(self) -> Option<SystemTime> {
        let offset = duration_of_ticks(self.0.unsigned_abs());
        if self.0 >= 0 {
            SystemTime::UNIX_EPOCH.checked_add(offset)
        } else {
            SystemTime::UNIX_EPOCH.checked_sub(offset)
        }
    }

    /// The time from `earlier` to `self`; `None` if `earlier` is later.
    pub fn duration_since(self, earlier: HcsTime) -> Option<Duration> {
        let ticks = self.0.checked_sub(earlier.0)?;
        u64::try_from(ticks).ok().map(duration_of_ticks)
    }
}

/// A count of HCS's 100 ns ticks (`Uptime100ns`, `TotalRuntime100ns`, ...) as a [`Duration`].
pub fn duration_of_ticks(ticks: u64) -> Duration {
    const PER_SECOND: u64 = TICKS_PER_SECOND as u64;
    // (ticks % PER_SECOND) * 100 < 10^9: fits the nanoseconds, no overflow.
    Duration::new(ticks / PER_SECOND, ((ticks % PER_SECOND) * 100) as u32)
}

/// The digits `text[at .. at + count]` as a number, or -1 if one is not a digit. `count` <= 7:
/// no overflow.
const fn decimal_digits(text: &[u8], at: usize, count: usize) -> i64 {
    let mut value = 0;
    let mut i = at;
    while i < at + count {
        let c = text[i];
        if c < b'0' || c > b'9' {
            return -1;
        }
        value = value * 10 + (c - b'0') as i64;
        i += 1;
    }
    value
}

const fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1..=12) of `year`.
const fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar (H. Hinnant's
/// days_from_civil).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = (if y >= 0 { y } else { y - 399 }) / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Reads HCS's DateTime, strictly in the form HCS writes it: `"YYYY-MM-DDTHH:MM:SS.fffffffZ"`
/// (UTC, exactly 7 fractional digits, a capital T and Z; year 0001..9999, a real date, hour
/// 00..23, minute and second 00..59). Anything else - another precision, an offset, a leap
/// second, blanks - gives `None`. Usable in constants.
pub const fn parse_hcs_timestamp(text: &str) -> Option<HcsTime> {
    // 0123456789012345678901234567
    // YYYY-MM-DDTHH:MM:SS.fffffffZ
    let t = text.as_bytes();
    if t.len() != 28 {
        return None;
    }
    if t[4] != b'-' || t[7] != b'-' || t[10] != b'T' || t[13] != b':' || t[16] != b':' || t[19] != b'.' || t[27] != b'Z'
    {
        return None;
    }
    let year = decimal_digits(t, 0, 4);
    let month = decimal_digits(t, 5, 2);
    let day = decimal_digits(t, 8, 2);
    let hour = decimal_digits(t, 11, 2);
    let minute = decimal_digits(t, 14, 2);
    let second = decimal_digits(t, 17, 2);
    let fraction = decimal_digits(t, 20, 7);
    if year < 1
        || month < 1
        || month > 12
        || day < 1
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || fraction < 0
    {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    // Every part is bounded (year <= 9999): |ticks| < 2.6e18 < i64::MAX, no overflow.
    let seconds = ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
    Some(HcsTime(seconds * TICKS_PER_SECOND + fraction))
}

/// later - earlier of two optional counters; `None` if either is missing or it went back.
fn counter_delta(earlier: Option<u64>, later: Option<u64>) -> Option<u64> {
    later?.checked_sub(earlier?)
}

/// elapsed() in ticks: positive.
fn elapsed_ticks(earlier: &Statistics, later: &Statistics) -> Option<u64> {
    let from = earlier.timestamp.as_deref().and_then(parse_hcs_timestamp);
    let to = later.timestamp.as_deref().and_then(parse_hcs_timestamp);
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            return None;
        }
        return to.0.checked_sub(from.0).and_then(|ticks| u64::try_from(ticks).ok());
    }
    let running = counter_delta(earlier.uptime100ns, later.uptime100ns)?;
    // As the C++ facade, whose durations are signed 64-bit: no more than i64::MAX ticks.
    if running == 0 || running > i64::MAX as u64 {
        return None;
    }
    Some(running)
}

/// The time between two samples of one system: the difference of their `Timestamp`s if both
/// read ([`parse_hcs_timestamp`]); else, if either lacks a readable `Timestamp`, the difference
/// of their `Uptime100ns` (time spent running: it stands still while a VM is paused). `None` if
/// neither pair is there, or the time did not advance (zero or negative).
pub fn elapsed(earlier: &Statistics, later: &Statistics) -> Option<Duration> {
    elapsed_ticks(earlier, later).map(duration_of_ticks)
}

/// The system's processor use between two samples, as a fraction of its `processors`: the
/// growth of `Processor.TotalRuntime100ns` over [`elapsed`] times `processors`. 0.25 on a
/// 2-processor VM means half a processor's worth, a quarter of what it has. Not clamped: noise
/// can put a saturated system slightly above 1 (see "Cadence" above). `None` if a
/// `TotalRuntime100ns` is missing or went back (a restart, another system), if [`elapsed`] has
/// none, or if `processors` is 0. [`processor_count`] gives `processors`.
pub fn cpu_usage(earlier: &Statistics, later: &Statistics, processors: u32) -> Option<f64> {
    if processors == 0 {
        return None;
    }
    let (from, to) = (earlier.processor.as_ref()?, later.processor.as_ref()?);
    let used = counter_delta(from.total_runtime100ns, to.total_runtime100ns)?;
    let time = elapsed_ticks(earlier, later)?;
    Some(used as f64 / (time as f64 * f64::from(processors)))
}

/// The host's logical processors (`std::thread::available_parallelism`; 1 if unknown). Unlike
/// C++'s `std::thread::hardware_concurrency`, it counts only the processors this process may
/// use (its affinity, a cgroup quota), which on a Windows host running HCS is usually all.
pub fn host_processor_count() -> u32 {
    std::thread::available_parallelism().map(|count| u32::try_from(count.get()).unwrap_or(u32::MAX)).unwrap_or(1)
}

/// The processors a system created from `configuration` has, for [`cpu_usage`]:
///   - a VM: `VirtualMachine.ComputeTopology.Processor.Count`; 1 if not set (the default of a
///     Hyper-V VM and of hcsim: an assumption, HCS does not document it - set the count);
///   - a process-isolated container: `Container.Processor.Count`; if not set, the host's
///     ([`host_processor_count`]: the container may use every host processor);
///   - a Hyper-V isolated container (`HostedSystem`): its container's `Processor.Count`, else
///     the host's - pass its utility VM's count instead when you know it.
///
/// HCS does not return the configuration (properties have no processor count), so this reads
/// the document the system was created from. A count of 0 counts as not set; a `HostedSystem`
/// that does not read as a [`HostedSystem`] counts as one without a count.
pub fn processor_count(configuration: &ComputeSystem) -> u32 {
    fn positive(count: Option<u32>) -> Option<u32> {
        count.filter(|&count| count > 0)
    }
    if let Some(vm) = &configuration.virtual_machine {
        let processor = vm.compute_topology.as_ref().and_then(|topology| topology.processor.as_ref());
        return processor.and_then(|processor| positive(processor.count)).unwrap_or(1);
    }
    if let Some(container) = &configuration.container {
        let count = container.processor.as_ref().and_then(|processor| positive(processor.count));
        return count.unwrap_or_else(host_processor_count);
    }
    if let Some(hosted) = &configuration.hosted_system {
        if let Ok(hosted) = HostedSystem::deserialize(hosted) {
            let processor = hosted.container.and_then(|container| container.processor);
            if let Some(count) = processor.and_then(|processor| positive(processor.count)) {
                return count;
            }
        }
    }
    host_processor_count()
}

/// The memory figures of a sample: levels at its `Timestamp`, in bytes (0 where HCS gave none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MemoryUsage {
    /// `MemoryUsageCommitBytes`.
    pub commit_bytes: u64,
    /// `MemoryUsageCommitPeakBytes` (since the start).
    pub commit_peak_bytes: u64,
    /// `MemoryUsagePrivateWorkingSetBytes`.
    pub private_working_set_bytes: u64,
}

/// The storage figures of a sample: totals since the system started (0 where HCS gave none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StorageUsage {
    /// `ReadCountNormalized`.
    pub read_count: u64,
    /// `ReadSizeBytes`.
    pub read_bytes: u64,
    /// `WriteCountNormalized`.
    pub write_count: u64,
    /// `WriteSizeBytes`.
    pub write_bytes: u64,
}

/// Storage rates between two samples, per second of [`elapsed`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StorageRates {
    /// Growth of `ReadCountNormalized` per second.
    pub reads_per_second: f64,
    /// Growth of `ReadSizeBytes` per second.
    pub read_bytes_per_second: f64,
    /// Growth of `WriteCountNormalized` per second.
    pub writes_per_second: f64,
    /// Growth of `WriteSizeBytes` per second.
    pub write_bytes_per_second: f64,
}

/// A sample's `Memory` figures.
pub fn memory_of(sample: &Statistics) -> MemoryUsage {
    match &sample.memory {
        Some(memory) => MemoryUsage {
            commit_bytes: memory.memory_usage_commit_bytes.unwrap_or(0),
            commit_peak_bytes: memory.memory_usage_commit_peak_bytes.unwrap_or(0),
            private_working_set_bytes: memory.memory_usage_private_working_set_bytes.unwrap_or(0),
        },
        None => MemoryUsage::default(),
    }
}

/// A sample's `Storage` figures.
pub fn storage_of(sample: &Statistics) -> StorageUsage {
    match &sample.storage {
        Some(storage) => StorageUsage {
            read_count: storage.read_count_normalized.unwrap_or(0),
            read_bytes: storage.read_size_bytes.unwrap_or(0),
            write_count: storage.write_count_normalized.unwrap_or(0),
            write_bytes: storage.write_size_bytes.unwrap_or(0),
        },
        None => StorageUsage::default(),
    }
}

/// The storage counters' growth per second between two samples. `None` if a sample has no
/// `Storage`, a counter is missing or went back, or [`elapsed`] has none.
pub fn storage_rates_between(earlier: &Statistics, later: &Statistics) -> Option<StorageRates> {
    let (a, b) = (earlier.storage.as_ref()?, later.storage.as_ref()?);
    let time = elapsed_ticks(earlier, later)?;
    let reads = counter_delta(a.read_count_normalized, b.read_count_normalized)?;
    let read_bytes = counter_delta(a.read_size_bytes, b.read_size_bytes)?;
    let writes = counter_delta(a.write_count_normalized, b.write_count_normalized)?;
    let write_bytes = counter_delta(a.write_size_bytes, b.write_size_bytes)?;
    let seconds = time as f64 / TICKS_PER_SECOND as f64;
    Some(StorageRates {
        reads_per_second: reads as f64 / seconds,
        read_bytes_per_second: read_bytes as f64 / seconds,
        writes_per_second: writes as f64 / seconds,
        write_bytes_per_second: write_bytes as f64 / seconds,
    })
}
