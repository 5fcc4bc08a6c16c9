using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>
/// One asynchronous HCS call as a Task. The callback context is a GCHandle to this object, freed by zlhcs's
/// release notifier (called exactly once, after the last callback or once none can come): no delegate exists
/// for the GC to collect (the callbacks are [UnmanagedCallersOnly] functions), and the context outlives
/// every use zlhcs makes of it. Continuations never run on zlhcs's threads.
/// </summary>
internal sealed class Operation
{
    private readonly TaskCompletionSource<int> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private OperationSafeHandle? _handle;

    internal unsafe delegate int Starter(delegate* unmanaged[Stdcall]<ulong, int, void*, void> callback, void* context,
        delegate* unmanaged[Stdcall]<void*, void> release, ulong* operation);

    internal unsafe delegate int CreatingStarter(delegate* unmanaged[Stdcall]<ulong, int, void*, void> callback, void* context,
        delegate* unmanaged[Stdcall]<void*, void> release, ulong* created, ulong* operation);

    /// <summary>Starts a creating call (system or process create): <paramref name="created"/> receives the
    /// new handle, which the caller then owns, also when the operation later fails.</summary>
    internal static unsafe Operation Start(string function, CreatingStarter start, out ulong created)
    {
        ulong handle = 0;
        Operation operation = StartCore(function, start, &handle);
        created = handle;
        return operation;
    }

    /// <summary>Starts the call; a failure to start throws at once (the thread's error, read before any
    /// await).</summary>
    internal static unsafe Operation Start(string function, Starter start) =>
        StartCore(function, (cb, ctx, rel, created, op) => start(cb, ctx, rel, op), null);

    private static unsafe Operation StartCore(string function, CreatingStarter start, ulong* created)
    {
        var operation = new Operation();
        GCHandle context = GCHandle.Alloc(operation);
        ulong handle = 0;
        int status = start(&OnComplete, (void*)GCHandle.ToIntPtr(context), &OnRelease, created, &handle);
        if (status < 0)
        {
            ZlhcsException error = ZlhcsException.Last(status, function, null);
            context.Free(); // a failed start never calls the release notifier
            throw error;
        }
        operation._handle = new OperationSafeHandle(handle);
        return operation;
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static unsafe void OnComplete(ulong operation, int result, void* context)
    {
        try
        {
            if (GCHandle.FromIntPtr((IntPtr)context).Target is Operation target) target._completed.TrySetResult(result);
        }
        catch
        {
            // nothing may cross into native code
        }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvStdcall) })]
    private static unsafe void OnRelease(void* context)
    {
        try { GCHandle.FromIntPtr((IntPtr)context).Free(); }
        catch { /* nothing may cross into native code */ }
    }

    /// <summary>Waits for completion and gives the result document; cancelling closes the operation
    /// (abandons it: HCS still does the work, which it cannot stop) and throws OperationCanceledException.
    /// </summary>
    internal async Task<string?> ResultAsync(string function, CancellationToken cancellationToken)
    {
        OperationSafeHandle handle = _handle!;
        try
        {
            if (cancellationToken.CanBeCanceled)
            {
                Task done;
                using (cancellationToken.Register(static state => ((OperationSafeHandle)state!).Dispose(), handle))
                {
                    var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
                    done = await Task.WhenAny(_completed.Task, cancelled).ConfigureAwait(false);
                }
                // The registration is gone; a cancel that came first closed the handle (even one that
                // raced the completion): either way the caller asked to stop waiting.
                if (done != _completed.Task || handle.IsClosed)
                {
                    throw new OperationCanceledException(
                        $"{function}: the wait was cancelled and the operation abandoned; HCS may still complete the work",
                        cancellationToken);
                }
            }
            else
            {
                await _completed.Task.ConfigureAwait(false);
            }
            return Result(handle.Value, function);
        }
        finally
        {
            handle.Dispose();
        }
    }

    private static unsafe string? Result(ulong operation, string function)
    {
        byte* document = null;
        int status = NativeMethods.zlhcs_operation_result(operation, &document);
        string? text = Strings.Take(document);
        if (status < 0) throw ZlhcsException.OfOperation(operation, status, function);
        return text;
    }
}
