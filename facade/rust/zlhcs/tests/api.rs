//! The safe API against hcsim: lifecycle, stdio, events, exits, errors, typed documents,
//! validation, abandoned futures and streams, and the hard modes of real HCS (completions
//! inside the starting call, no error documents, injected failures). Every test ends with
//! zlhcs's and hcsim's counters at zero (common::Fixture).
#![cfg(unix)] // hcsim is controlled through dlopen (tests/common); the Windows build is tested in C++ under Wine
mod common;

use std::future::Future;
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::thread;
use std::time::Duration;

use common::{fixture, hcsim, running, unique_id, TIMEOUT};
use futures_executor::{block_on, block_on_stream};
use zlhcs::{schema, sys, Category, ComputeSystem, EventKind, EventMask, Process};

fn noop_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Polls a future once (starting its operation), then drops it.
fn poll_once_and_drop<F: Future>(future: F) -> bool {
    let mut future = Box::pin(future);
    let waker = noop_waker();
    let ready = matches!(Pin::new(&mut future).poll(&mut Context::from_waker(&waker)), Poll::Ready(_));
    drop(future);
    ready
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn lifecycle_create_start_properties_terminate_wait_exit() {
    let _f = fixture();
    block_on(async {
        let id = unique_id("lifecycle");
        let system = ComputeSystem::create(Some(&id), &common::container()).await.unwrap();
        assert_eq!(system.id().unwrap(), id);
        system.start(None).await.unwrap();
        let basic = system.properties::<schema::Properties>().await.unwrap();
        assert_eq!(basic.state, Some(schema::State::Running));
        assert_eq!(basic.system_type, Some(schema::SystemType::Container));
        // A VM operation on a container: refused, nothing changes.
        let refused = system.pause(None).await.unwrap_err();
        assert!(refused.is(Category::NotSupported), "{:?}", refused);
        // Another handle to the same system, by id.
        let other = ComputeSystem::open(&id).unwrap();
        assert_eq!(other.id().unwrap(), id);
        system.terminate(None).await.unwrap();
        let exit = system.wait_exit().await.unwrap();
        let status = exit.status().expect("a SystemExitStatus");
        assert_eq!(status.exit_type, Some(schema::NotificationType::ForcedExit));
        // Gone: terminate reports "already gone", open fails with NotFound.
        assert!(!other.terminate_blocking(None, TIMEOUT).unwrap());
        let gone = ComputeSystem::open(&id).unwrap_err();
        assert!(gone.is(Category::NotFound), "{:?}", gone);
    });
}

#[test]
fn futures_and_handles_are_send_and_sync() {
    let _f = fixture();
    let system = running("send");
    assert_send_sync(&system);
    let start = system.start(None);
    assert_send(&start);
    drop(start); // never polled: nothing started
    let create = ComputeSystem::create(None, "{}");
    assert_send(&create);
    drop(create);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn stdio_round_trip_of_one_mebibyte_through_cat() {
    let _f = fixture();
    let system = running("cat");
    let child = Process::create_blocking(
        &system,
        r#"{"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true,"CreateStdErrPipe":true}"#,
        TIMEOUT,
    )
    .unwrap();
    let data: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 % 256) as u8).collect();
    let mut stdin = child.take_stdin().expect("stdin");
    assert!(child.take_stdin().is_none(), "stdin is taken once");
    let mut stdout = child.take_stdout().expect("stdout");
    let expected = data.clone();
    let writer = thread::spawn(move || {
        stdin.write_all(&data).unwrap();
        stdin.close().unwrap(); // end of stdin: cat exits after copying everything
    });
    let mut received = Vec::new();
    stdout.read_to_end(&mut received).unwrap();
    writer.join().unwrap();
    assert_eq!(received.len(), expected.len());
    assert!(received == expected, "the bytes differ");
    assert_eq!(block_on(child.wait_exit()).unwrap(), 0);
    drop(stdout);
    drop(child);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

/// Until `calls` calls are blocked in a wait inside zlhcs (the fixture runs tests one at a time).
fn blocked_in_zlhcs(calls: u64) {
    while zlhcs::debug_counts().unwrap().waiting_calls < calls {
        thread::yield_now();
    }
}

#[test]
fn an_interrupter_releases_a_blocked_read_or_write_and_the_pipe_goes_on() {
    let _f = fixture();
    let system = running("interrupt");
    let child = Process::create_blocking(
        &system,
        r#"{"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true}"#,
        TIMEOUT,
    )
    .unwrap();
    let mut stdin = child.take_stdin().unwrap();
    let mut stdout = child.take_stdout().unwrap();

    // A read blocked on cat's idle stdout, released from this thread.
    let interrupter = stdout.interrupter();
    let reader = thread::spawn(move || {
        let mut buffer = [0u8; 64];
        let result = stdout.read(&mut buffer);
        (stdout, result)
    });
    blocked_in_zlhcs(1);
    assert!(interrupter.interrupt().unwrap());
    let (mut stdout, result) = reader.join().unwrap();
    let error = result.expect_err("the interrupted read returned data");
    assert_eq!(error.kind(), std::io::ErrorKind::Other, "not Interrupted, which read_to_end would retry forever");
    let inner = error.into_inner().unwrap().downcast::<zlhcs::Error>().unwrap();
    assert_eq!(inner.category(), Category::Cancelled);
    assert!(!interrupter.interrupt().unwrap(), "set already");
    // Sticky until cleared; then the pipe reads on.
    let mut buffer = [0u8; 64];
    assert_eq!(
        stdout.read_timeout(&mut buffer, Some(Duration::from_secs(600))).unwrap_err().category(),
        Category::Cancelled
    );
    assert!(interrupter.clear().unwrap());
    stdin.write_all(b"again\n").unwrap();
    let got = stdout.read(&mut buffer).unwrap();
    assert_eq!(&buffer[..got], b"again\n");

    // A write blocked on a full pipe (nobody reads cat's output): a short write, then Cancelled.
    let stdin_interrupter = stdin.interrupter();
    let writer = thread::spawn(move || {
        let data = vec![7u8; 8 << 20];
        let taken = stdin.write_timeout(&data, None);
        (stdin, taken)
    });
    blocked_in_zlhcs(1);
    assert!(stdin_interrupter.interrupt().unwrap());
    let (stdin, taken) = writer.join().unwrap();
    let taken = taken.unwrap();
    assert!(taken > 0 && taken < 8 << 20, "{} bytes taken", taken);
    assert!(!stdin_interrupter.interrupt().unwrap(), "still set");
    assert!(stdin_interrupter.clear().unwrap());
    stdin.close().unwrap();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    assert_eq!(rest.len(), taken, "cat copied exactly what stdin took");
    assert_eq!(child.wait_exit_blocking(TIMEOUT).unwrap(), 0);
    // Once the pipe is closed there is nothing to release: an error, not a silent success.
    drop(stdout);
    assert_eq!(interrupter.interrupt().unwrap_err().category(), Category::InvalidState);
    drop(child);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn stdout_as_an_async_stream_of_chunks() {
    let _f = fixture();
    let system = running("write");
    let child =
        block_on(Process::create(&system, r#"{"CommandLine":"write 300000","CreateStdOutPipe":true}"#)).unwrap();
    let stream = child.take_stdout().unwrap().into_stream();
    let mut all = Vec::new();
    for chunk in block_on_stream(stream) {
        all.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(all.len(), 300000);
    assert!(all.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
    assert_eq!(child.wait_exit_blocking(TIMEOUT).unwrap(), 0);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn dropping_an_async_stdout_stream_early_releases_its_reader() {
    let _f = fixture();
    let system = running("sleepout");
    let child = Process::create_blocking(&system, r#"{"CommandLine":"sleep 600000","CreateStdOutPipe":true}"#, TIMEOUT)
        .unwrap();
    let stream = child.take_stdout().unwrap().into_stream();
    drop(stream); // the pump is blocked in a read: closing the pipe releases it
    drop(child);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn events_stream_yields_the_exit_with_its_type_then_ends() {
    let _f = fixture();
    let system = running("events");
    let events = system.events(EventMask::ALL).unwrap();
    system.shutdown_blocking(None, TIMEOUT).unwrap();
    let received: Vec<_> = block_on_stream(events).collect();
    assert_eq!(received.len(), 1, "{:?}", received);
    let exited = &received[0];
    assert_eq!(exited.kind, EventKind::SystemExited);
    assert_eq!(exited.sequence, 1);
    assert_eq!(exited.system_exit_status().unwrap().exit_type, Some(schema::NotificationType::GracefulExit));
}

#[test]
fn events_stream_ends_when_the_system_handle_closes() {
    let _f = fixture();
    let system = running("events-close");
    let id = system.id().unwrap();
    let keep = ComputeSystem::open(&id).unwrap(); // so closing `system` does not terminate it
    let events = system.events(EventMask::ALL).unwrap();
    drop(system);
    assert_eq!(block_on_stream(events).count(), 0);
    keep.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn process_exit_watch_after_the_exit_already_happened() {
    let _f = fixture();
    let system = running("exit");
    let child = Process::create_blocking(&system, r#"{"CommandLine":"exit 3"}"#, TIMEOUT).unwrap();
    assert_eq!(child.wait_exit_blocking(TIMEOUT).unwrap(), 3);
    // The exit is long known: the watch completes at once, from zlhcs's latch, not a poll.
    assert_eq!(block_on(child.wait_exit()).unwrap(), 3);
    assert_eq!(child.exit_code().unwrap(), 3);
    // Exits are not replayed to a later subscription (wait_exit keeps them): subscribe first.
    let sleeper = Process::create_blocking(&system, r#"{"CommandLine":"sleep 600000"}"#, TIMEOUT).unwrap();
    let events = sleeper.events(EventMask::ALL).unwrap();
    sleeper.terminate_blocking(None, TIMEOUT).unwrap();
    let received: Vec<_> = block_on_stream(events).collect();
    assert_eq!(received.len(), 1, "{:?}", received);
    assert_eq!(received[0].kind, EventKind::ProcessExited);
    assert_eq!(received[0].process_status().unwrap().exit_code, Some(1));
    assert_eq!(block_on(sleeper.wait_exit()).unwrap(), 1);
    system.terminate_blocking(None, TIMEOUT).unwrap();
    // The system's exit too, watched after it happened.
    assert_eq!(
        block_on(system.wait_exit()).unwrap().status().unwrap().exit_type,
        Some(schema::NotificationType::ForcedExit)
    );
}

#[test]
fn errors_carry_the_hcs_document_and_its_error_events() {
    let _f = fixture();
    let system = running("errors");
    let error = block_on(Process::create(&system, r#"{"CommandLine":"no-such-program"}"#)).unwrap_err();
    assert_eq!(error.code(), 0x8007_0002_u32 as i32, "{:?}", error);
    assert!(error.is(Category::NotFound));
    let document = error.result_error().expect("HCS's error document");
    assert_eq!(document.error, Some(0x8007_0002_u32 as i32));
    assert!(
        error.message().contains("no-such-program")
            || document.error_message.as_deref().unwrap_or("").contains("no-such-program"),
        "{:?}",
        error
    );
    // The same through the blocking form (document from the out-parameter).
    let again = Process::create_blocking(&system, r#"{"CommandLine":"no-such-program"}"#, TIMEOUT).unwrap_err();
    assert_eq!(again.code(), error.code());
    assert!(again.document().is_some());
    // A duplicate id: AlreadyExists, refused by HCS with its document.
    let id = system.id().unwrap();
    let duplicate = ComputeSystem::create_blocking(Some(&id), &common::container(), TIMEOUT).unwrap_err();
    assert_eq!(duplicate.code(), sys::ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS);
    assert!(duplicate.is(Category::AlreadyExists));
    // Bad input never reaches HCS: malformed JSON, an interior NUL.
    let malformed = ComputeSystem::create_blocking(None, "{\"Container\":", TIMEOUT).unwrap_err();
    assert_eq!(malformed.code(), sys::ZLHCS_HCS_E_INVALID_JSON);
    assert!(!malformed.message().is_empty());
    let nul = ComputeSystem::open("a\0b").unwrap_err();
    assert_eq!(nul.code(), sys::ZLHCS_E_INVALID_ARGUMENT);
    // Errors are std errors and io errors.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(nul.clone());
    assert!(boxed.to_string().contains("0xA07A0001"));
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn typed_create_and_statistics_twice_give_cpu_usage() {
    let _f = fixture();
    block_on(async {
        let mut config = common::container();
        config.container = Some(schema::Container {
            processor: Some(schema::ContainerProcessor { count: Some(2), ..Default::default() }),
            ..Default::default()
        });
        let system = ComputeSystem::create(Some(&unique_id("stats")), &config).await.unwrap();
        system.start(None).await.unwrap();
        let earlier = system.statistics().await.unwrap();
        let later = system.properties::<schema::Statistics>().await.unwrap();
        assert!(later.uptime100ns >= earlier.uptime100ns);
        let processors = zlhcs::statistics::processor_count(&config);
        assert_eq!(processors, 2);
        let cpu = zlhcs::statistics::cpu_usage(&earlier, &later, processors).expect("two samples give a rate");
        assert!(cpu >= 0.0, "{}", cpu);
        let memory = zlhcs::statistics::memory_of(&later);
        assert!(memory.commit_bytes > 0);
        let processes = system.properties_blocking::<Vec<schema::ProcessDetails>>(TIMEOUT).unwrap();
        assert!(processes.is_empty());
        system.terminate(None).await.unwrap();
    });
}

#[test]
fn validation_reports_problems_with_a_suggestion() {
    let _f = fixture();
    let report =
        zlhcs::validate_as("ComputeSystem", r#"{"SchemaVersion":{"Major":2,"Minor":1},"Contianer":{}}"#).unwrap();
    assert!(!report.valid);
    let problem = report.problems.iter().find(|p| p.path == "/Contianer").expect("the misspelt field");
    assert_eq!(problem.suggestion.as_deref(), Some("Container"), "{:?}", problem);
    // A typed value validates as its own type.
    let report = zlhcs::validate(&common::container()).unwrap();
    assert!(report.valid, "{:?}", report);
    assert_eq!(report.type_name, "ComputeSystem");
    // An unknown type name: nothing validated, the message names the nearest type.
    let error = zlhcs::validate_as("ComputeSystm", "{}").unwrap_err();
    assert!(error.message().contains("ComputeSystem"), "{:?}", error);
}

#[test]
fn empty_and_blank_options_are_no_options() {
    let _f = fixture();
    let system = ComputeSystem::create_blocking(Some(&unique_id("empty")), &common::container(), TIMEOUT).unwrap();
    block_on(system.start(Some(""))).unwrap();
    let json = system.properties_json_blocking(Some("  "), TIMEOUT).unwrap().unwrap();
    assert!(json.contains("\"State\":\"Running\""), "{}", json);
    assert!(system.terminate_blocking(Some(""), TIMEOUT).unwrap());
}

#[test]
fn dropping_a_pending_future_abandons_the_operation_and_releases_its_context() {
    let _f = fixture();
    let system = ComputeSystem::create_blocking(Some(&unique_id("abandon")), &common::container(), TIMEOUT).unwrap();
    hcsim().set_latency("HcsStartComputeSystem", 300);
    assert!(!poll_once_and_drop(system.start(None)), "the start is pending");
    let counts = zlhcs::debug_counts().unwrap();
    assert_eq!(counts.operations, 0, "the operation handle is closed at once");
    // HCS still completes the start; zlhcs then releases the context (checked at the end).
    let exit = system.wait_exit();
    assert!(!poll_once_and_drop(exit), "a live system's exit watch is pending");
    // The abandoned start still happened in HCS: wait for it, then end the system.
    hcsim().set_latency("HcsStartComputeSystem", 0);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while system.properties_blocking::<schema::Properties>(TIMEOUT).unwrap().state != Some(schema::State::Running) {
        assert!(std::time::Instant::now() < deadline, "the abandoned start never completed");
        thread::sleep(Duration::from_millis(5));
    }
    // An abandoned create closes the handle it was given.
    hcsim().set_latency("HcsCreateComputeSystem", 300);
    assert!(!poll_once_and_drop(ComputeSystem::create(Some(&unique_id("abandon-create")), &common::container())));
    assert_eq!(zlhcs::debug_counts().unwrap().systems, 1, "only `system` is held");
    hcsim().set_latency("HcsCreateComputeSystem", 0);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn dropping_a_live_event_stream_closes_its_subscription() {
    let _f = fixture();
    let system = running("stream-drop");
    let events = system.events(EventMask::ALL).unwrap();
    assert_eq!(zlhcs::debug_counts().unwrap().subscriptions, 1);
    let mut events = Box::pin(events);
    let waker = noop_waker();
    assert!(matches!(
        futures_core::Stream::poll_next(events.as_mut(), &mut Context::from_waker(&waker)),
        Poll::Pending
    ));
    drop(events);
    assert_eq!(zlhcs::debug_counts().unwrap().subscriptions, 0);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn callback_subscription_receives_events_and_a_panic_never_crosses() {
    let _f = fixture();
    let system = running("callback");
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let (sender, receiver) = std::sync::mpsc::channel();
    let sender = std::sync::Mutex::new(sender);
    let subscription = system
        .subscribe(EventMask::SYSTEM_EXITED, move |event| {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = sender.lock().unwrap().send(event.kind);
            panic!("a panicking callback must not unwind into zlhcs");
        })
        .unwrap();
    system.terminate_blocking(None, TIMEOUT).unwrap();
    assert_eq!(receiver.recv_timeout(Duration::from_secs(30)).unwrap(), EventKind::SystemExited);
    drop(subscription);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[test]
fn completions_inside_the_starting_call() {
    let _f = fixture();
    hcsim().set_behavior(common::BEHAVIOR_INLINE_COMPLETION | common::BEHAVIOR_SPURIOUS_PROCESS_RESULT);
    block_on(async {
        let system = ComputeSystem::create(Some(&unique_id("inline")), &common::container()).await.unwrap();
        system.start(Some("")).await.unwrap();
        // A process that waits for its stdin: one that exits before zlhcs recovers its pipes from
        // the broken result (HcsGetProcessInfo) has lost them, as on Windows (docs/hcsim.md),
        // and the test would race.
        let child = Process::create(&system, r#"{"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true}"#)
            .await
            .unwrap();
        let mut stdin = child.take_stdin().unwrap();
        stdin.write_all(b"inline").unwrap();
        stdin.close().unwrap(); // end of stdin: cat exits after copying it
        let mut out = String::new();
        child.take_stdout().unwrap().read_to_string(&mut out).unwrap();
        assert_eq!(out, "inline");
        assert_eq!(child.wait_exit().await.unwrap(), 0);
        system.terminate(None).await.unwrap();
        system.wait_exit().await.unwrap();
    });
}

#[test]
fn failures_without_an_error_document_still_explain_themselves() {
    let _f = fixture();
    hcsim().set_behavior(common::BEHAVIOR_OMIT_ERROR_DOCUMENTS);
    let system = running("nodoc");
    let error = block_on(Process::create(&system, r#"{"CommandLine":"no-such-program"}"#)).unwrap_err();
    assert_eq!(error.code(), 0x8007_0002_u32 as i32);
    assert!(error.document().is_none(), "{:?}", error);
    assert!(error.result_error().is_none());
    assert!(error.error_events().is_empty());
    assert!(!error.message().is_empty());
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn injected_failures_at_the_start_and_in_the_operation() {
    let _f = fixture();
    let system = ComputeSystem::create_blocking(Some(&unique_id("fault")), &common::container(), TIMEOUT).unwrap();
    hcsim().fail_next_calls("HcsStartComputeSystem", 1, common::E_FAIL, common::FAULT_IMMEDIATE);
    let immediate = block_on(system.start(None)).unwrap_err();
    assert_eq!(immediate.code(), common::E_FAIL);
    assert!(immediate.function().unwrap_or("").contains("Start"), "{:?}", immediate);
    hcsim().fail_next_calls("HcsStartComputeSystem", 1, common::E_FAIL, common::FAULT_ASYNC);
    let completed = block_on(system.start(None)).unwrap_err();
    assert_eq!(completed.code(), common::E_FAIL);
    assert!(completed.document().is_some(), "an operation's failure carries HCS's document");
    block_on(system.start(None)).unwrap();
    // A create that fails after it started closes the handle it was given.
    hcsim().fail_next_calls("HcsCreateComputeSystem", 1, common::E_FAIL, common::FAULT_ASYNC);
    let failed = block_on(ComputeSystem::create(Some(&unique_id("fault-create")), &common::container())).unwrap_err();
    assert_eq!(failed.code(), common::E_FAIL);
    assert_eq!(zlhcs::debug_counts().unwrap().systems, 1);
    system.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn a_blocking_call_times_out_while_the_work_goes_on() {
    let _f = fixture();
    let system = ComputeSystem::create_blocking(Some(&unique_id("timeout")), &common::container(), TIMEOUT).unwrap();
    hcsim().set_latency("HcsStartComputeSystem", 500);
    let error = system.start_blocking(None, Some(Duration::from_millis(10))).unwrap_err();
    assert!(error.is(Category::Timeout), "{:?}", error);
    hcsim().set_latency("HcsStartComputeSystem", 0);
    system.terminate_blocking(None, TIMEOUT).unwrap();
    system.wait_exit_blocking(TIMEOUT).unwrap();
}

#[test]
fn list_and_service_properties() {
    let _f = fixture();
    let a = running("list-a");
    let mine = zlhcs::list_by_owner_blocking(common::OWNER, TIMEOUT).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id.as_deref(), Some(a.id().unwrap().as_str()));
    assert!(block_on(zlhcs::list_by_owner("somebody-else")).unwrap().is_empty());
    let all = block_on(zlhcs::list(&schema::SystemQuery::default())).unwrap();
    assert!(all.iter().any(|s| s.id == mine[0].id));
    let service = zlhcs::service_properties(None).unwrap();
    assert!(service.is_some());
    let version = zlhcs::version().unwrap();
    assert_eq!((version.major, version.minor), (sys::ZLHCS_VERSION_MAJOR, sys::ZLHCS_VERSION_MINOR));
    assert_eq!(version.text, env!("CARGO_PKG_VERSION"));
    a.terminate_blocking(None, TIMEOUT).unwrap();
}

#[test]
fn many_threads_race_futures_streams_and_closes() {
    let _f = fixture();
    // Completions race the drops: some starts take a moment, some fail inside the operation.
    hcsim().set_latency("HcsStartComputeSystem", 2);
    hcsim().fail_next_calls("HcsStartComputeSystem", 10, common::E_FAIL, common::FAULT_ASYNC);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            thread::spawn(move || {
                for i in 0..25 {
                    let id = unique_id(&format!("race-{}-{}", t, i));
                    let system = block_on(ComputeSystem::create(Some(&id), &common::container())).unwrap();
                    let events = system.events(EventMask::ALL).unwrap();
                    match i % 3 {
                        0 => drop(events), // a live stream dropped at once
                        1 => {
                            let _ = poll_once_and_drop(system.start(None)); // abandoned start
                            drop(events);
                        }
                        _ => {
                            let _ = block_on(system.start(None)); // may fail: injected
                            let system_for_close = &system;
                            let waiter = system_for_close.wait_exit();
                            let _ = system.terminate_blocking(None, TIMEOUT).unwrap();
                            assert!(block_on(waiter).is_ok());
                            assert!(block_on_stream(events).count() <= 1);
                        }
                    }
                    drop(system); // closes: ShouldTerminateOnLastHandleClosed ends the rest
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    hcsim().set_latency("HcsStartComputeSystem", 0);
    hcsim().fail_next_calls("HcsStartComputeSystem", 0, common::E_FAIL, common::FAULT_ASYNC);
    common::assert_no_leaks();
    assert!(zlhcs::list_by_owner_blocking(common::OWNER, TIMEOUT).unwrap().is_empty());
}
