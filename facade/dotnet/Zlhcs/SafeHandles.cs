using System;
using System.Runtime.InteropServices;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>
/// A zlhcs handle (a number in [1, 2^53) that zlhcs validates on every call) owned by a SafeHandle: closed
/// exactly once, by Dispose or by the finalizer. zlhcs's closes never wait for long: a close outside a
/// callback waits only for a callback call in progress, and this library's own callbacks never block on
/// user code (events go through a channel), so a release on the finalizer thread cannot hang it.
/// </summary>
public abstract class ZlhcsSafeHandle : SafeHandle
{
    private protected ZlhcsSafeHandle(ulong value) : base(IntPtr.Zero, ownsHandle: true) => SetHandle((IntPtr)(long)value);

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw handle value. Calls use it without DangerousAddRef: zlhcs validates handles on every
    /// call and never reuses a closed handle's value, so a call racing Dispose fails with
    /// ZLHCS_E_INVALID_HANDLE instead of reaching another object.</summary>
    public ulong Value => (ulong)(long)handle;
}

/// <summary>A zlhcs_system handle.</summary>
public sealed class SystemSafeHandle : ZlhcsSafeHandle
{
    internal SystemSafeHandle(ulong value) : base(value) { }
    /// <inheritdoc/>
    protected override bool ReleaseHandle() => NativeMethods.zlhcs_system_close(Value) >= 0;
}

/// <summary>A zlhcs_process handle.</summary>
public sealed class ProcessSafeHandle : ZlhcsSafeHandle
{
    internal ProcessSafeHandle(ulong value) : base(value) { }
    /// <inheritdoc/>
    protected override bool ReleaseHandle() => NativeMethods.zlhcs_process_close(Value) >= 0;
}

/// <summary>A zlhcs_operation handle: closing it before completion abandons the operation (HCS still does
/// the work; zlhcs drops its result and never calls the callback).</summary>
public sealed class OperationSafeHandle : ZlhcsSafeHandle
{
    internal OperationSafeHandle(ulong value) : base(value) { }
    /// <inheritdoc/>
    protected override bool ReleaseHandle() => NativeMethods.zlhcs_operation_close(Value) >= 0;
}

/// <summary>A zlhcs_subscription handle.</summary>
public sealed class SubscriptionSafeHandle : ZlhcsSafeHandle
{
    private readonly Action? _beforeClose;
    internal SubscriptionSafeHandle(ulong value, Action? beforeClose) : base(value) => _beforeClose = beforeClose;
    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        try { _beforeClose?.Invoke(); } catch { /* never throw from a release */ }
        return NativeMethods.zlhcs_subscription_close(Value) >= 0;
    }
}
