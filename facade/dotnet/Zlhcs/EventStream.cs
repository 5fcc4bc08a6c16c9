using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>
/// A system's or process's events as an async stream: subscribed when created, so nothing that happens
/// after <c>Events()</c> returns is missed (an exit from before is not replayed: use WaitForExitAsync, which
/// keeps exits). Enumerate it once with <c>await foreach</c>. It ends after a final event (SystemExited,
/// ProcessExited, ServiceDisconnect), when the system or process handle is closed, or when disposed;
/// ending the enumeration disposes it. Events come in HCS's order, numbered per subscription; a consumer
/// 1024 events behind makes zlhcs's delivery thread wait, then zlhcs drop the newest and deliver one
/// EventsLost record saying how many. A stream dropped without Dispose is closed by its SafeHandle's
/// finalizer (nothing native keeps it alive).
/// </summary>
public sealed unsafe class EventStream : IAsyncEnumerable<HcsEvent>, IDisposable
{
    private const int Capacity = 1024;

    /// <summary>What zlhcs's callback reaches through its GCHandle: only the channel. The stream and its
    /// SafeHandle are not reachable from it, so a stream dropped without Dispose is collected and its
    /// SafeHandle's finalizer closes the subscription (then the release notifier frees the GCHandle).</summary>
    private sealed class Sink
    {
        internal readonly Channel<HcsEvent> Channel = System.Threading.Channels.Channel.CreateBounded<HcsEvent>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    private readonly Sink _sink = new();
    private SubscriptionSafeHandle? _handle;
    private int _enumerated;

    private EventStream() { }

    /// <summary>The subscription's handle.</summary>
    public SubscriptionSafeHandle Handle => _handle!;

    internal static EventStream Subscribe(ulong source, EventMask mask, bool process)
    {
        string function = process ? "zlhcs_process_subscribe" : "zlhcs_system_subscribe";
        var stream = new EventStream();
        Sink sink = stream._sink;
        GCHandle context = GCHandle.Alloc(sink);
        ulong subscription = 0;
        int status = process
            ? NativeMethods.zlhcs_process_subscribe(source, (uint)mask, 0, &OnEvent, (void*)GCHandle.ToIntPtr(context), &OnRelease, &subscription)
            : NativeMethods.zlhcs_system_subscribe(source, (uint)mask, 0, &OnEvent, (void*)GCHandle.ToIntPtr(context), &OnRelease, &subscription);
        if (status < 0)
        {
            ZlhcsException error = ZlhcsException.Last(status, function, null);
            context.Free(); // a failed subscribe never calls the release notifier
            throw error;
        }
        // Closing completes the channel first, so a delivery waiting for room returns and the close
        // (which waits for a callback in progress) cannot block on it.
        stream._handle = new SubscriptionSafeHandle(subscription, () => sink.Channel.Writer.TryComplete());
        return stream;
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static void OnEvent(zlhcs_event* raw, void* context)
    {
        try
        {
            if (GCHandle.FromIntPtr((IntPtr)context).Target is not Sink sink) return;
            HcsEvent item = HcsEvent.From(raw);
            ChannelWriter<HcsEvent> writer = sink.Channel.Writer;
            if (!writer.TryWrite(item))
            {
                // Full: wait on this subscription's own delivery thread (zlhcs allows it).
                writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
            }
            if (item.IsFinal) writer.TryComplete();
        }
        catch
        {
            // The stream was disposed (channel closed), or anything else: nothing crosses into native code.
        }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static void OnRelease(void* context)
    {
        try
        {
            GCHandle handle = GCHandle.FromIntPtr((IntPtr)context);
            (handle.Target as Sink)?.Channel.Writer.TryComplete();
            handle.Free();
        }
        catch
        {
            // nothing crosses into native code
        }
    }

    /// <summary>The events, until the stream ends; disposes the stream at the end. Enumerate once.</summary>
    public async IAsyncEnumerator<HcsEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
            throw new InvalidOperationException("an EventStream is enumerated once");
        try
        {
            ChannelReader<HcsEvent> reader = _sink.Channel.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out HcsEvent? item)) yield return item;
            }
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Closes the subscription (no event is delivered after this returns, outside a callback).</summary>
    public void Dispose() => _handle?.Dispose();
}

/// <summary>A callback subscription: the handler runs on a thread-pool thread, one event at a time and in
/// order (never on zlhcs's delivery threads, so it may block and may dispose anything).</summary>
public sealed class EventCallback : IDisposable
{
    private readonly EventStream _stream;
    private int _faults;

    internal EventCallback(EventStream stream, Action<HcsEvent> handler)
    {
        _stream = stream;
        Completion = Task.Run(async () =>
        {
            await foreach (HcsEvent item in stream.ConfigureAwait(false))
            {
                try { handler(item); }
                catch { Interlocked.Increment(ref _faults); }
            }
        });
    }

    /// <summary>Completes when no more events will be delivered (after a final event, a close, or Dispose).</summary>
    public Task Completion { get; }

    /// <summary>How many handler calls threw (each was caught; the events went on).</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>Ends the subscription.</summary>
    public void Dispose() => _stream.Dispose();
}
