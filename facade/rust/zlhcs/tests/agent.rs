//! An agent's life, shaped like the node agent zlhcs replaces the HCS crate of (ZLayer's
//! HcsRuntime): sweep the orphans a previous run left, run a container from a typed document,
//! exec a process capturing its output and exit code without polling, sample statistics twice
//! for CPU usage, stop gracefully within a timeout (then terminate), and observe the exit event
//! with its exit type. Against hcsim, ending with nothing leaked.
#![cfg(unix)] // hcsim is controlled through dlopen (tests/common); the Windows build is tested in C++ under Wine
mod common;

use std::future::Future;
use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use common::{fixture, TIMEOUT};
use futures_core::Stream;
use futures_executor::block_on;
use zlhcs::{schema, statistics, ComputeSystem, EventKind, EventMask, Process};

const AGENT: &str = "zlhcs-rust-agent";

fn configuration() -> schema::ComputeSystem {
    schema::ComputeSystem {
        owner: Some(AGENT.to_string()),
        schema_version: Some(schema::Version { major: Some(2), minor: Some(1), ..Default::default() }),
        // The agent holds its systems; an orphan outlives a crashed agent until the sweep.
        should_terminate_on_last_handle_closed: Some(false),
        container: Some(schema::Container {
            processor: Some(schema::ContainerProcessor { count: Some(2), ..Default::default() }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// What a previous run of the agent left behind: running systems nobody holds.
fn leave_orphans(count: usize) {
    for n in 0..count {
        let orphan = ComputeSystem::create_blocking(Some(&format!("orphan-{}", n)), &configuration(), TIMEOUT).unwrap();
        orphan.start_blocking(None, TIMEOUT).unwrap();
        drop(orphan); // the handle closes; the system runs on (ShouldTerminateOnLastHandleClosed false)
    }
}

/// At start-up: terminate every system whose owner is this agent.
async fn sweep_orphans() -> zlhcs::Result<usize> {
    let mut swept = 0;
    for orphan in zlhcs::list_by_owner(AGENT).await? {
        let id = orphan.id.clone().unwrap_or_default();
        match ComputeSystem::open(&id) {
            Ok(system) => {
                system
                    .terminate(None)
                    .await
                    .or_else(|e| if e.is(zlhcs::Category::NotFound) { Ok(()) } else { Err(e) })?;
                swept += 1;
            }
            Err(e) if e.is(zlhcs::Category::NotFound) => {} // gone meanwhile
            Err(e) => return Err(e),
        }
    }
    Ok(swept)
}

/// The next item of a stream, awaited (what StreamExt::next does, without futures-util).
fn next<S: Stream + Unpin>(stream: &mut S) -> impl Future<Output = Option<S::Item>> + '_ {
    struct Next<'a, S>(&'a mut S);
    impl<S: Stream + Unpin> Future for Next<'_, S> {
        type Output = Option<S::Item>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            Pin::new(&mut *self.0).poll_next(cx)
        }
    }
    Next(stream)
}

#[test]
fn an_agent_sweeps_runs_execs_samples_and_stops() {
    let _f = fixture();
    leave_orphans(2);
    block_on(async {
        assert_eq!(sweep_orphans().await.unwrap(), 2);
        assert!(zlhcs::list_by_owner(AGENT).await.unwrap().is_empty(), "the sweep left none");

        let config = configuration();
        let system = ComputeSystem::create(Some("agent-workload"), &config).await.unwrap();
        let events = system.events(EventMask::SYSTEM_EXITED | EventMask::SERVICE_DISCONNECT).unwrap();
        system.start(None).await.unwrap();

        // exec: stdout captured, exit code from the exit watch (no ProcessStatus polling).
        let parameters = schema::ProcessParameters {
            command_line: Some("cmd /c echo ready".to_string()),
            create_std_out_pipe: Some(true),
            ..Default::default()
        };
        let exec = Process::create(&system, &parameters).await.unwrap();
        let mut stdout = exec.take_stdout().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).map(|_| text)
        });
        assert_eq!(exec.wait_exit().await.unwrap(), 0);
        assert_eq!(reader.join().unwrap().unwrap(), "ready\r\n");

        // Statistics twice, CPU usage between them.
        let earlier = system.statistics().await.unwrap();
        let later = system.statistics().await.unwrap();
        let cpu = statistics::cpu_usage(&earlier, &later, statistics::processor_count(&config));
        assert!(cpu.map_or(false, |usage| usage >= 0.0), "{:?}", cpu);

        // Graceful stop within a timeout, then terminate.
        let graceful = system.shutdown_blocking(None, Some(Duration::from_secs(10)));
        if graceful.is_err() {
            system.terminate(None).await.unwrap();
        }
        let mut events = events;
        let exit = next(&mut events).await.expect("the exit event");
        assert_eq!(exit.kind, EventKind::SystemExited);
        let status = exit.system_exit_status().unwrap();
        assert_eq!(status.exit_type, Some(schema::NotificationType::GracefulExit));
        assert_eq!(status.status, Some(0));
        assert_eq!(system.wait_exit().await.unwrap().status(), Some(status));
    });
}
