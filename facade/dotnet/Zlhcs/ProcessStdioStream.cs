using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>
/// One standard stream of a process as a <see cref="Stream"/>: stdin writable, stdout/stderr readable.
/// A write returns once the pipe has taken every byte; a read returns what is available, waiting for at
/// least one byte, and 0 at the end of the stream. Async reads and writes run the blocking call on the
/// thread pool. Cancelling one's token sets zlhcs's interrupt of the stream (zlhcs_process_stdio_interrupt),
/// which releases the blocked call at once, and clears it again once the call has returned: the call
/// then throws <see cref="OperationCanceledException"/>, unless it had already moved data, which is
/// returned rather than lost (a cancelled write may have delivered part of its buffer). Dispose closes
/// the stream (zlhcs_process_stdio_close), which for stdin is the process's end of input. Read and
/// write failures are IOExceptions wrapping a ZlhcsException.
/// </summary>
public sealed unsafe class ProcessStdioStream : Stream
{
    private readonly ProcessSafeHandle _process;
    private readonly uint _stream;
    private int _closed;

    internal ProcessStdioStream(ProcessSafeHandle process, uint stream)
    {
        _process = process;
        _stream = stream;
    }

    /// <inheritdoc/>
    public override bool CanRead => _stream != NativeMethods.ZLHCS_STDIN && Volatile.Read(ref _closed) == 0;
    /// <inheritdoc/>
    public override bool CanWrite => _stream == NativeMethods.ZLHCS_STDIN && Volatile.Read(ref _closed) == 0;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void Flush() { } // zlhcs buffers nothing

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => Read(buffer, CancellationToken.None);

    private int Read(Span<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty) return 0;
        nuint read = 0;
        int status;
        using (Interruptible(cancellationToken))
        {
            fixed (byte* data = buffer)
                status = NativeMethods.zlhcs_process_stdio_read(_process.Value, _stream, data, (nuint)buffer.Length, NativeMethods.ZLHCS_INFINITE, &read);
        }
        ThrowIfInterrupted(status, cancellationToken);
        if (status < 0) throw new IOException("reading the process's stream failed", ZlhcsException.Last(status, "zlhcs_process_stdio_read", null));
        return (int)read;
    }

    // While the call runs, the token's cancellation sets zlhcs's interrupt of this stream, which releases
    // the call at once. Disposing the registration waits for a callback that is running.
    private CancellationTokenRegistration Interruptible(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((ProcessStdioStream)state!).SetInterrupt(true), this)
            : default;

    // After the call: a cancellation's interrupt is cleared, so that the stream reads and writes again;
    // a call that the interrupt ended throws OperationCanceledException (one that moved data first
    // returns normally).
    private void ThrowIfInterrupted(int status, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested) return;
        SetInterrupt(false);
        if (status == NativeMethods.ZLHCS_WIN32_E_CANCELLED) throw new OperationCanceledException(cancellationToken);
    }

    // Best effort, as a token's callback must not throw: a stream that is no longer open has no call to
    // release (zlhcs refuses the interrupt, which changes nothing).
    private void SetInterrupt(bool interrupted)
    {
        if (!_process.IsClosed) NativeMethods.zlhcs_process_stdio_interrupt(_process.Value, _stream, interrupted ? 1 : 0);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(Task.Run(() => Read(buffer.Span, cancellationToken), cancellationToken));
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer, CancellationToken.None);

    private void Write(ReadOnlySpan<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            nuint written = 0;
            int status;
            using (Interruptible(cancellationToken))
            {
                fixed (byte* data = buffer)
                    status = NativeMethods.zlhcs_process_stdio_write(_process.Value, data, (nuint)buffer.Length, NativeMethods.ZLHCS_INFINITE, &written);
            }
            ThrowIfInterrupted(status, cancellationToken);
            if (status < 0) throw new IOException("writing the process's stdin failed", ZlhcsException.Last(status, "zlhcs_process_stdio_write", null));
            buffer = buffer.Slice((int)written);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Write(buffer.Span, cancellationToken), cancellationToken));

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0 && !_process.IsClosed)
        {
            NativeMethods.zlhcs_process_stdio_close(_process.Value, _stream); // best effort: the process may be gone
        }
        base.Dispose(disposing);
    }
}
