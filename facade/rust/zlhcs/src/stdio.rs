//! A process's standard streams: `std::io::Write` for stdin, `std::io::Read` for stdout and
//! stderr, and a `Stream` of chunks for asynchronous reading.
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;
use std::time::Duration;

use futures_core::Stream;
use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::ffi::timeout_ms;
use crate::handoff::Handoff;
use crate::process::ProcessHandle;

/// The process's stdin. `write` blocks until the pipe takes the bytes (the process must read);
/// bytes are never lost or reordered. Dropping it, or [`close`](Self::close), closes stdin:
/// the process then reads end-of-stream after everything written.
#[derive(Debug)]
pub struct Stdin {
    process: Arc<ProcessHandle>,
    open: bool,
}

impl Stdin {
    pub(crate) fn new(process: Arc<ProcessHandle>) -> Stdin {
        Stdin { process, open: true }
    }

    /// Writes `data` within `timeout` and returns how many bytes the pipe took: all of them, or
    /// on a timeout (or a broken pipe) the part taken before it, as a short write. An error only
    /// when no byte was taken (category Timeout: the pipe stayed full).
    pub fn write_timeout(&mut self, data: &[u8], timeout: Option<Duration>) -> Result<usize> {
        let mut written = 0usize;
        // SAFETY: data is valid for its length; written is a valid out-pointer.
        let status = unsafe {
            sys::zlhcs_process_stdio_write(
                self.process.handle,
                data.as_ptr().cast(),
                data.len(),
                timeout_ms(timeout),
                &mut written,
            )
        };
        if status < 0 {
            if written > 0 {
                return Ok(written);
            }
            return Err(Error::last(status, "zlhcs_process_stdio_write", None));
        }
        Ok(written)
    }

    /// A handle that releases a write blocked on stdin from another thread (see
    /// [`StdioInterrupt`]); the write then returns the bytes the pipe took (a short write), or
    /// an error of category `Cancelled` if it took none.
    pub fn interrupter(&self) -> StdioInterrupt {
        StdioInterrupt { process: Arc::clone(&self.process), stream: sys::ZLHCS_STDIN }
    }

    /// Closes stdin (the process sees end-of-stream once it has read what was written).
    pub fn close(mut self) -> Result<()> {
        self.close_stream()
    }

    fn close_stream(&mut self) -> Result<()> {
        if !self.open {
            return Ok(());
        }
        self.open = false;
        // SAFETY: a validated handle.
        let status = unsafe { sys::zlhcs_process_stdio_close(self.process.handle, sys::ZLHCS_STDIN) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_stdio_close", None));
        }
        Ok(())
    }
}

impl io::Write for Stdin {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        self.write_timeout(data, None).map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(()) // zlhcs buffers nothing: a write returns once the pipe has the bytes.
    }
}

impl Drop for Stdin {
    fn drop(&mut self) {
        let _ = self.close_stream(); // best effort: the process may be gone
    }
}

/// The process's stdout or stderr. `read` blocks until data arrives and returns 0 at the end
/// of the stream. Dropping it closes the stream (the process's writes stop reaching the host).
#[derive(Debug)]
pub struct OutputPipe {
    process: Arc<ProcessHandle>,
    stream: u32,
}

/// The process's stdout.
pub type Stdout = OutputPipe;
/// The process's stderr.
pub type Stderr = OutputPipe;

impl OutputPipe {
    pub(crate) fn new(process: Arc<ProcessHandle>, stream: u32) -> OutputPipe {
        OutputPipe { process, stream }
    }

    /// Reads what is available, waiting up to `timeout` for at least one byte: Ok(0) at the
    /// end of the stream; an error of category Timeout if nothing came.
    pub fn read_timeout(&mut self, buffer: &mut [u8], timeout: Option<Duration>) -> Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        read_stream(self.process.handle, self.stream, buffer, timeout)
    }

    /// A handle that releases a read blocked on this pipe from another thread (see
    /// [`StdioInterrupt`]); the read then fails with an error of category `Cancelled`
    /// (`io::ErrorKind::Other` through `io::Read`).
    pub fn interrupter(&self) -> StdioInterrupt {
        StdioInterrupt { process: Arc::clone(&self.process), stream: self.stream }
    }

    /// Turns the pipe into a `Stream` of chunks (up to 64 KiB each) for async code, under any
    /// executor: a reader thread blocks in zlhcs and hands chunks over, at most 16 ahead of the
    /// consumer. The stream yields `Ok(chunk)`s, then ends at end of stream (or after one
    /// `Err`). Dropping it closes the pipe, which releases the reader thread.
    pub fn into_stream(self) -> OutputStream {
        let shared = Arc::new(Chunks::new(AHEAD));
        let reader = Arc::clone(&shared);
        let process = Arc::clone(&self.process);
        let stream = self.stream;
        let pump = thread::Builder::new().name("zlhcs-stdio".to_string()).spawn(move || pump(process, stream, reader));
        if let Err(error) = pump {
            shared.push(Err(error), true);
        }
        OutputStream { pipe: self, shared }
    }
}

fn read_stream(
    process: sys::zlhcs_process,
    stream: u32,
    buffer: &mut [u8],
    timeout: Option<Duration>,
) -> Result<usize> {
    let mut read = 0usize;
    // SAFETY: buffer is valid for writes of its length; read is a valid out-pointer.
    let status = unsafe {
        sys::zlhcs_process_stdio_read(
            process,
            stream,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            timeout_ms(timeout),
            &mut read,
        )
    };
    if status < 0 {
        return Err(Error::last(status, "zlhcs_process_stdio_read", None));
    }
    Ok(read)
}

impl io::Read for OutputPipe {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.read_timeout(buffer, None).map_err(io::Error::from)
    }
}

impl Drop for OutputPipe {
    fn drop(&mut self) {
        // SAFETY: a validated handle; closing releases a reader blocked on the stream.
        let _ = unsafe { sys::zlhcs_process_stdio_close(self.process.handle, self.stream) };
    }
}

/// Releases blocked reads or writes of one stdio pipe, from any thread, without closing it
/// (`zlhcs_process_stdio_interrupt`): made by [`OutputPipe::interrupter`] or
/// [`Stdin::interrupter`], cheap to clone, `Send` and `Sync`.
///
/// While the interrupt is set, a read or write of the pipe that would wait fails at once with an
/// error of category `Cancelled`, and one waiting now is released; what is ready still moves (a
/// read returns bytes already in the pipe, a write the bytes the pipe took). It stays set,
/// so one that races a call about to block is never lost, until [`clear`](Self::clear). Neither
/// call blocks. Both fail (category `InvalidState`) once the pipe is closed or detached, when
/// there is nothing left to release.
#[derive(Debug, Clone)]
pub struct StdioInterrupt {
    process: Arc<ProcessHandle>,
    stream: u32,
}

impl StdioInterrupt {
    /// Sets the interrupt. Ok(false) if it was set already.
    pub fn interrupt(&self) -> Result<bool> {
        self.change(1)
    }

    /// Clears the interrupt: calls wait again. Ok(false) if it was clear already.
    pub fn clear(&self) -> Result<bool> {
        self.change(0)
    }

    fn change(&self, interrupted: i32) -> Result<bool> {
        // SAFETY: a validated handle; the call never blocks.
        let status = unsafe { sys::zlhcs_process_stdio_interrupt(self.process.handle, self.stream, interrupted) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_stdio_interrupt", None));
        }
        Ok(status == sys::ZLHCS_S_OK)
    }
}

const CHUNK: usize = 64 * 1024;
const AHEAD: usize = 16;

type Chunks = Handoff<io::Result<Vec<u8>>>;

/// The reader thread of an OutputStream: reads until the end of the stream, an error, or the
/// consumer's going away (whose drop closes the pipe, releasing a read in progress).
fn pump(process: Arc<ProcessHandle>, stream: u32, shared: Arc<Chunks>) {
    loop {
        let mut buffer = vec![0u8; CHUNK];
        let handed = match read_stream(process.handle, stream, &mut buffer, None) {
            Ok(0) => {
                shared.end();
                return;
            }
            Ok(n) => {
                buffer.truncate(n);
                shared.push(Ok(buffer), false)
            }
            Err(error) => shared.push(Err(io::Error::from(error)), true),
        };
        if !handed {
            return;
        }
    }
}

/// An output pipe as a `Stream` of chunks (see [`OutputPipe::into_stream`]).
pub struct OutputStream {
    pipe: OutputPipe,
    shared: Arc<Chunks>,
}

impl Stream for OutputStream {
    type Item = io::Result<Vec<u8>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.shared.poll_next(cx)
    }
}

impl Drop for OutputStream {
    fn drop(&mut self) {
        self.shared.close();
        // self.pipe's drop then closes the stream, releasing a read the pump is blocked in.
    }
}

impl std::fmt::Debug for OutputStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputStream").field("pipe", &self.pipe).finish()
    }
}
