//! zlhcs::statistics: HCS timestamps and the usage arithmetic on samples made by hand (the
//! cases of the C++ facade's tests/facade/statistics_test.cpp; reading statistics from a live
//! system is the safe API's, tested there).
use std::time::{Duration, SystemTime};

use serde_json::json;
use zlhcs::schema::{
    self, ComputeSystem, Container, ContainerProcessor, HostedSystem, MemoryStats, ProcessorStats, Statistics,
    StorageStats, Topology, VirtualMachine, VirtualMachineProcessor,
};
use zlhcs::statistics::{
    cpu_usage, duration_of_ticks, elapsed, host_processor_count, memory_of, parse_hcs_timestamp, processor_count,
    storage_of, storage_rates_between, HcsTime, MemoryUsage, StorageRates, StorageUsage, TICKS_PER_SECOND,
};

fn ticks_of(text: &str) -> i64 {
    match parse_hcs_timestamp(text) {
        Some(time) => time.ticks(),
        None => panic!("does not parse: {}", text),
    }
}

/// Days from 1970-01-01 to y-m-d, counted day by day through the calendar (not the way the
/// parser computes them).
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = |y: i64, m: i64| match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let mut days = 0;
    if year >= 1970 {
        for y in 1970..year {
            days += if leap(y) { 366 } else { 365 };
        }
    } else {
        for y in year..1970 {
            days -= if leap(y) { 366 } else { 365 };
        }
    }
    for m in 1..month {
        days += month_days(year, m);
    }
    days + day - 1
}

fn ticks_at(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64, fraction: i64) -> i64 {
    (((days_since_epoch(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * TICKS_PER_SECOND + fraction
}

// ---- parse_hcs_timestamp ------------------------------------------------------------------------

// Usable in constants.
const ONE_SECOND: i64 = match parse_hcs_timestamp("1970-01-01T00:00:01.0000000Z") {
    Some(time) => time.ticks(),
    None => -1,
};
const _: () = assert!(ONE_SECOND == TICKS_PER_SECOND);

#[test]
fn parses_hcs_timestamps_exactly() {
    assert_eq!(ticks_of("1970-01-01T00:00:00.0000000Z"), 0);
    assert_eq!(ticks_of("1970-01-01T00:00:00.0000001Z"), 1);
    assert_eq!(ticks_of("2000-03-01T00:00:00.0000000Z"), 951868800 * TICKS_PER_SECOND);
    assert_eq!(ticks_of("2024-02-29T12:34:56.7890123Z"), ticks_at(2024, 2, 29, 12, 34, 56, 7890123));
    assert_eq!(ticks_of("9999-12-31T23:59:59.9999999Z"), ticks_at(9999, 12, 31, 23, 59, 59, 9999999));
    assert_eq!(ticks_of("0001-01-01T00:00:00.0000000Z"), ticks_at(1, 1, 1, 0, 0, 0, 0));
    assert_eq!(ticks_of("0001-01-01T00:00:00.0000000Z"), -62135596800 * TICKS_PER_SECOND);
    assert_eq!(
        ticks_of("1900-02-28T00:00:00.0000000Z") + 86400 * TICKS_PER_SECOND,
        ticks_of("1900-03-01T00:00:00.0000000Z")
    );
    assert_eq!(ticks_of("1969-12-31T23:59:59.9999999Z"), -1);
    assert_eq!(ONE_SECOND, TICKS_PER_SECOND);
}

#[test]
fn rejects_every_other_form() {
    for text in [
        "",                                       // empty
        "2024-05-01T12:00:00Z",                   // no fraction
        "2024-05-01T12:00:00.123456Z",            // 6 digits
        "2024-05-01T12:00:00.12345678Z",          // 8 digits
        "2024-05-01T12:00:00.1234567",            // no Z
        "2024-05-01T12:00:00.1234567z",           // lower-case z
        "2024-05-01t12:00:00.1234567Z",           // lower-case t
        "2024-05-01 12:00:00.1234567Z",           // blank for T
        "2024-05-01T12:00:00.1234567+00:00",      // an offset
        " 2024-05-01T12:00:00.1234567Z",          // leading blank
        "2024-05-01T12:00:00.1234567Z ",          // trailing blank
        "2024-13-01T12:00:00.1234567Z",           // month 13
        "2024-00-01T12:00:00.1234567Z",           // month 0
        "2024-04-31T12:00:00.1234567Z",           // 31 April
        "2023-02-29T12:00:00.1234567Z",           // not a leap year
        "1900-02-29T12:00:00.1234567Z",           // not a leap year (century)
        "2024-05-00T12:00:00.1234567Z",           // day 0
        "2024-05-01T24:00:00.0000000Z",           // hour 24
        "2024-05-01T12:60:00.1234567Z",           // minute 60
        "2024-05-01T23:59:60.1234567Z",           // a leap second
        "0000-05-01T12:00:00.1234567Z",           // year 0
        "2024-05-01T12:00:00.12345x7Z",           // a letter in the fraction
        "+024-05-01T12:00:00.1234567Z",           // a sign
        "2024/05/01T12:00:00.1234567Z",           // other separators
        "2024-05-01T12:00:00.12345\u{e9}Z",       // 28 bytes, one of them not ASCII
        "\u{661}\u{662}-05-01T12:00:00.1234567Z", // Arabic-Indic digits
    ] {
        assert_eq!(parse_hcs_timestamp(text), None, "{:?}", text);
    }
    assert!(parse_hcs_timestamp("2000-02-29T12:00:00.1234567Z").is_some()); // a leap year (400)
}

#[test]
fn hcs_times_convert() {
    let second = HcsTime(TICKS_PER_SECOND);
    assert_eq!(second.to_system_time(), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1)));
    assert_eq!(HcsTime(-5).duration_since(HcsTime(-15)), Some(Duration::from_micros(1)));
    assert_eq!(HcsTime(0).duration_since(HcsTime(1)), None);
    assert_eq!(HcsTime(i64::MAX).duration_since(HcsTime(i64::MIN)), None); // overflow, no panic
    assert!(HcsTime::UNIX_EPOCH < second);
    let _ = HcsTime(i64::MIN).to_system_time(); // no panic, whatever the platform holds
    let _ = HcsTime(i64::MAX).to_system_time();
    assert_eq!(duration_of_ticks(u64::MAX), Duration::new(u64::MAX / 10_000_000, 955_161_500));
    assert_eq!(duration_of_ticks(15), Duration::from_nanos(1500));
}

// ---- the arithmetic -----------------------------------------------------------------------------

fn sample(timestamp: Option<&str>, uptime: Option<u64>, cpu: Option<u64>) -> Statistics {
    Statistics {
        timestamp: timestamp.map(str::to_string),
        uptime100ns: uptime,
        processor: cpu.map(|cpu| ProcessorStats { total_runtime100ns: Some(cpu), ..Default::default() }),
        ..Default::default()
    }
}

#[test]
fn cpu_usage_is_processor_time_over_elapsed_time_and_processors() {
    // 10 s apart on 2 processors, 5 s of processor time: a quarter.
    let earlier = sample(Some("2024-01-01T00:00:00.0000000Z"), Some(0), Some(0));
    let later = sample(Some("2024-01-01T00:00:10.0000000Z"), Some(100000000), Some(50000000));
    assert_eq!(elapsed(&earlier, &later), Some(Duration::from_secs(10)));
    assert_eq!(cpu_usage(&earlier, &later, 2), Some(0.25));
    assert_eq!(cpu_usage(&earlier, &later, 1), Some(0.5));
    assert_eq!(cpu_usage(&earlier, &later, 4), Some(0.125));
    // The Timestamps win over the uptime (here a VM paused for half of the time).
    let paused = sample(Some("2024-01-01T00:00:10.0000000Z"), Some(50000000), Some(50000000));
    assert_eq!(cpu_usage(&earlier, &paused, 2), Some(0.25));
    // Across midnight and a year.
    assert_eq!(
        cpu_usage(
            &sample(Some("2023-12-31T23:59:59.5000000Z"), None, Some(0)),
            &sample(Some("2024-01-01T00:00:00.5000000Z"), None, Some(5000000)),
            2
        ),
        Some(0.25)
    );
    // Not clamped: more processor time than processors is reported as is.
    assert_eq!(cpu_usage(&earlier, &sample(Some("2024-01-01T00:00:10.0000000Z"), None, Some(300000000)), 2), Some(1.5));
}

#[test]
fn without_readable_timestamps_the_uptime_is_the_elapsed_time() {
    let earlier = sample(None, Some(10000000), Some(1000000));
    let later = sample(None, Some(50000000), Some(21000000));
    assert_eq!(elapsed(&earlier, &later), Some(Duration::from_secs(4)));
    assert_eq!(cpu_usage(&earlier, &later, 1), Some(0.5));
    // One timestamp missing or unreadable is as good as none.
    assert_eq!(
        cpu_usage(&sample(Some("2024-01-01T00:00:00.0000000Z"), Some(10000000), Some(1000000)), &later, 1),
        Some(0.5)
    );
    assert_eq!(
        cpu_usage(
            &sample(Some("yesterday"), Some(10000000), Some(1000000)),
            &sample(Some("today"), Some(50000000), Some(21000000)),
            1
        ),
        Some(0.5)
    );
}

#[test]
fn no_usage_when_fields_are_missing_or_time_did_not_advance() {
    let earlier = sample(Some("2024-01-01T00:00:00.0000000Z"), Some(0), Some(0));
    let later = sample(Some("2024-01-01T00:00:10.0000000Z"), Some(100000000), Some(50000000));
    assert_eq!(cpu_usage(&earlier, &later, 0), None); // no processors
    assert_eq!(cpu_usage(&later, &earlier, 2), None); // backwards
    assert_eq!(cpu_usage(&earlier, &earlier, 2), None); // same instant
    assert_eq!(cpu_usage(&earlier, &sample(Some("2024-01-01T00:00:10.0000000Z"), Some(1), None), 2), None);
    assert_eq!(cpu_usage(&Statistics::default(), &later, 2), None); // empty sample
    assert_eq!(
        cpu_usage(&earlier, &Statistics { processor: Some(ProcessorStats::default()), ..later.clone() }, 2),
        None
    );
    // The counter went back (the system restarted, or another one has the id): no rate.
    assert_eq!(cpu_usage(&later, &sample(Some("2024-01-01T00:00:20.0000000Z"), Some(10), Some(10)), 2), None);
    // Timestamps that read but went back do not fall back to the uptime.
    assert_eq!(elapsed(&later, &sample(Some("2024-01-01T00:00:00.0000000Z"), Some(200000000), Some(0))), None);
    // No timestamps, and the uptime did not advance (a paused VM) or is missing.
    assert_eq!(elapsed(&sample(None, Some(5), Some(0)), &sample(None, Some(5), Some(0))), None);
    assert_eq!(elapsed(&sample(None, None, Some(0)), &sample(None, Some(5), Some(0))), None);
    assert_eq!(cpu_usage(&sample(None, Some(5), Some(0)), &sample(None, Some(5), Some(0)), 1), None);
}

#[test]
fn extreme_counters_never_panic() {
    // More uptime than a signed 64-bit count of ticks holds: none, as in the C++ facade.
    assert_eq!(elapsed(&sample(None, Some(0), None), &sample(None, Some(u64::MAX), None)), None);
    let most = i64::MAX as u64;
    assert_eq!(elapsed(&sample(None, Some(0), None), &sample(None, Some(most), None)), Some(duration_of_ticks(most)));
    let usage = cpu_usage(&sample(None, Some(0), Some(0)), &sample(None, Some(1), Some(u64::MAX)), u32::MAX);
    assert!(usage.unwrap() > 0.0);
    // The widest span of timestamps.
    let first = sample(Some("0001-01-01T00:00:00.0000000Z"), None, Some(0));
    let last = sample(Some("9999-12-31T23:59:59.9999999Z"), None, Some(u64::MAX));
    assert!(elapsed(&first, &last).is_some());
    assert!(cpu_usage(&first, &last, 1).is_some());
}

#[test]
fn memory_and_storage_figures_and_rates() {
    let mut earlier = sample(Some("2024-01-01T00:00:00.0000000Z"), Some(0), Some(0));
    let mut later = sample(Some("2024-01-01T00:00:02.0000000Z"), Some(20000000), Some(0));
    assert_eq!(memory_of(&earlier), MemoryUsage::default()); // none reported: zeros
    assert_eq!(storage_of(&earlier), StorageUsage::default());
    assert_eq!(storage_rates_between(&earlier, &later), None);

    later.memory = Some(MemoryStats {
        memory_usage_commit_bytes: Some(300),
        memory_usage_commit_peak_bytes: Some(500),
        memory_usage_private_working_set_bytes: Some(100),
        ..Default::default()
    });
    assert_eq!(
        memory_of(&later),
        MemoryUsage { commit_bytes: 300, commit_peak_bytes: 500, private_working_set_bytes: 100 }
    );
    later.memory.as_mut().unwrap().memory_usage_private_working_set_bytes = None;
    assert_eq!(
        memory_of(&later),
        MemoryUsage { commit_bytes: 300, commit_peak_bytes: 500, private_working_set_bytes: 0 }
    );

    let storage = |reads, read_bytes, writes, write_bytes| {
        Some(StorageStats {
            read_count_normalized: Some(reads),
            read_size_bytes: Some(read_bytes),
            write_count_normalized: Some(writes),
            write_size_bytes: Some(write_bytes),
            ..Default::default()
        })
    };
    earlier.storage = storage(10, 4096, 2, 1024);
    later.storage = storage(30, 8192, 6, 1024);
    assert_eq!(
        storage_of(&later),
        StorageUsage { read_count: 30, read_bytes: 8192, write_count: 6, write_bytes: 1024 }
    );
    assert_eq!(
        storage_rates_between(&earlier, &later),
        Some(StorageRates {
            reads_per_second: 10.0,
            read_bytes_per_second: 2048.0,
            writes_per_second: 2.0,
            write_bytes_per_second: 0.0,
        })
    );
    assert_eq!(storage_rates_between(&later, &earlier), None); // time went back
    later.storage.as_mut().unwrap().write_size_bytes = None;
    assert_eq!(storage_rates_between(&earlier, &later), None); // a counter missing
    later.storage = storage(30, 8192, 6, 1023);
    assert_eq!(storage_rates_between(&earlier, &later), None); // a counter went back
}

#[test]
fn figures_of_a_sample_as_hcs_sends_it() {
    let later: Statistics = schema::from_json(
        r#"{"Timestamp":"2024-05-01T12:00:10.0000000Z","ContainerStartTime":"2024-05-01T12:00:00.0000000Z","Uptime100ns":100000000,"Processor":{"TotalRuntime100ns":50000000,"RuntimeUser100ns":30000000,"RuntimeKernel100ns":20000000},"Memory":{"MemoryUsageCommitBytes":1048576,"MemoryUsageCommitPeakBytes":2097152,"MemoryUsagePrivateWorkingSetBytes":524288},"Storage":{"ReadCountNormalized":10,"ReadSizeBytes":4096,"WriteCountNormalized":5,"WriteSizeBytes":2048}}"#,
    )
    .unwrap();
    let started = parse_hcs_timestamp(later.container_start_time.as_deref().unwrap()).unwrap();
    let taken = parse_hcs_timestamp(later.timestamp.as_deref().unwrap()).unwrap();
    assert_eq!(taken.duration_since(started), Some(Duration::from_secs(10)));
    assert_eq!(
        memory_of(&later),
        MemoryUsage { commit_bytes: 1048576, commit_peak_bytes: 2097152, private_working_set_bytes: 524288 }
    );
    assert_eq!(
        storage_of(&later),
        StorageUsage { read_count: 10, read_bytes: 4096, write_count: 5, write_bytes: 2048 }
    );
    // Against the start, as if a first sample had all zeros then.
    let start: Statistics = schema::from_json(
        r#"{"Timestamp":"2024-05-01T12:00:00.0000000Z","Uptime100ns":0,"Processor":{"TotalRuntime100ns":0},"Storage":{"ReadCountNormalized":0,"ReadSizeBytes":0,"WriteCountNormalized":0,"WriteSizeBytes":0}}"#,
    )
    .unwrap();
    assert_eq!(cpu_usage(&start, &later, 2), Some(0.25));
    let rates = storage_rates_between(&start, &later).unwrap();
    assert_eq!((rates.reads_per_second, rates.read_bytes_per_second), (1.0, 409.6));
    assert_eq!((rates.writes_per_second, rates.write_bytes_per_second), (0.5, 204.8));
}

// ---- processor_count ----------------------------------------------------------------------------

fn vm(count: Option<u32>) -> ComputeSystem {
    ComputeSystem {
        virtual_machine: Some(VirtualMachine {
            compute_topology: Some(Topology {
                processor: count.map(|count| VirtualMachineProcessor { count: Some(count), ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn container(count: Option<u32>) -> Container {
    Container {
        processor: count.map(|count| ContainerProcessor { count: Some(count), ..Default::default() }),
        ..Default::default()
    }
}

fn hosted(count: Option<u32>) -> ComputeSystem {
    let hosted = HostedSystem {
        schema_version: Some(schema::Version { major: Some(2), minor: Some(1), ..Default::default() }),
        container: Some(container(count)),
        ..Default::default()
    };
    ComputeSystem {
        hosting_system_id: Some("uvm".to_string()),
        hosted_system: Some(serde_json::to_value(hosted).unwrap()),
        ..Default::default()
    }
}

#[test]
fn processor_count_comes_from_the_configuration() {
    let host = host_processor_count();
    assert_eq!(processor_count(&vm(Some(4))), 4);
    assert_eq!(processor_count(&vm(None)), 1); // a VM without a count
    assert_eq!(processor_count(&vm(Some(0))), 1); // 0 is no count
    assert_eq!(
        processor_count(&ComputeSystem { virtual_machine: Some(VirtualMachine::default()), ..Default::default() }),
        1
    );
    let process_isolated = |count| ComputeSystem { container: Some(container(count)), ..Default::default() };
    assert_eq!(processor_count(&process_isolated(Some(3))), 3);
    assert_eq!(processor_count(&process_isolated(None)), host);
    assert_eq!(processor_count(&process_isolated(Some(0))), host);
    assert_eq!(processor_count(&hosted(Some(6))), 6);
    assert_eq!(processor_count(&hosted(None)), host);
    assert_eq!(processor_count(&ComputeSystem::default()), host);
    // Not a HostedSystem: no count from it.
    for broken in [json!([1]), json!({"Container": {"Processor": {"Count": "six"}}}), json!(null), json!("text")] {
        let configuration = ComputeSystem { hosted_system: Some(broken.clone()), ..Default::default() };
        assert_eq!(processor_count(&configuration), host, "{}", broken);
    }
    // A HostedSystem with fields this schema does not know still counts.
    let future = json!({"Container": {"Processor": {"Count": 5, "Future": 1}}, "Future": true});
    assert_eq!(processor_count(&ComputeSystem { hosted_system: Some(future), ..Default::default() }), 5);
}

#[test]
fn host_processor_count_is_at_least_one() {
    assert!(host_processor_count() >= 1);
    let expected = std::thread::available_parallelism().map(|count| count.get() as u32).unwrap_or(1);
    assert_eq!(host_processor_count(), expected);
}
