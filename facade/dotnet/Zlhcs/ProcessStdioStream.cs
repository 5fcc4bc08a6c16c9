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
/// thread pool; a cancellable one waits in slices of 100 ms so that the token is seen (zlhcs has no
/// cancellable read). Dispose closes the stream (zlhcs_process_stdio_close), which for stdin is the
/// process's end of input. Read and write failures are IOExceptions wrapping a ZlhcsException.
/// </summary>
public sealed unsafe class ProcessStdioStream : Stream
{
    private const uint Slice = 100;
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
    public override int Read(Span<byte> buffer) => ReadSlice(buffer, NativeMethods.ZLHCS_INFINITE, CancellationToken.None);

    private int ReadSlice(Span<byte> buffer, uint timeout, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            nuint read = 0;
            int status;
            fixed (byte* data = buffer)
                status = NativeMethods.zlhcs_process_stdio_read(_process.Value, _stream, data, (nuint)buffer.Length, timeout, &read);
            if (status == NativeMethods.ZLHCS_HCS_E_OPERATION_TIMEOUT && timeout != NativeMethods.ZLHCS_INFINITE)
            {
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }
            if (status < 0) throw new IOException("reading the process's stream failed", ZlhcsException.Last(status, "zlhcs_process_stdio_read", null));
            return (int)read;
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        uint timeout = cancellationToken.CanBeCanceled ? Slice : NativeMethods.ZLHCS_INFINITE;
        return new ValueTask<int>(Task.Run(() => ReadSlice(buffer.Span, timeout, cancellationToken), cancellationToken));
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nuint written = 0;
            int status;
            fixed (byte* data = buffer)
                status = NativeMethods.zlhcs_process_stdio_write(_process.Value, data, (nuint)buffer.Length, NativeMethods.ZLHCS_INFINITE, &written);
            if (status < 0) throw new IOException("writing the process's stdin failed", ZlhcsException.Last(status, "zlhcs_process_stdio_write", null));
            buffer = buffer.Slice((int)written);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Write(buffer.Span), cancellationToken));

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
