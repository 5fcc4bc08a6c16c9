using System;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>Which events a subscription receives (ZLHCS_EVENT_* bits).</summary>
[Flags]
public enum EventMask : uint
{
    /// <summary>The system exited (data: SystemExitStatus).</summary>
    SystemExited = NativeMethods.ZLHCS_EVENT_SYSTEM_EXITED,
    /// <summary>A VM's crash began (data: CrashReport).</summary>
    SystemCrashInitiated = NativeMethods.ZLHCS_EVENT_SYSTEM_CRASH_INITIATED,
    /// <summary>A VM's crash report (data: CrashReport).</summary>
    SystemCrashReport = NativeMethods.ZLHCS_EVENT_SYSTEM_CRASH_REPORT,
    /// <summary>A VM's RDP enhanced mode changed.</summary>
    SystemRdpEnhancedModeStateChanged = NativeMethods.ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED,
    /// <summary>A container's silo job was created.</summary>
    SystemSiloJobCreated = NativeMethods.ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED,
    /// <summary>A VM's guest connection closed.</summary>
    SystemGuestConnectionClosed = NativeMethods.ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED,
    /// <summary>The process exited (data: ProcessStatus).</summary>
    ProcessExited = NativeMethods.ZLHCS_EVENT_PROCESS_EXITED,
    /// <summary>The HCS service went away.</summary>
    ServiceDisconnect = NativeMethods.ZLHCS_EVENT_SERVICE_DISCONNECT,
    /// <summary>Event types zlhcs does not know (delivered, never dropped).</summary>
    Unknown = NativeMethods.ZLHCS_EVENT_UNKNOWN,
    /// <summary>Everything.</summary>
    All = NativeMethods.ZLHCS_EVENT_ALL,
}

/// <summary>What happened.</summary>
public enum HcsEventKind : uint
{
    /// <summary>The subscription's queue was full: <see cref="HcsEvent.LostCount"/> events were dropped here.</summary>
    EventsLost = NativeMethods.ZLHCS_EVENT_EVENTS_LOST,
    /// <summary>The system exited (data: SystemExitStatus).</summary>
    SystemExited = NativeMethods.ZLHCS_EVENT_SYSTEM_EXITED,
    /// <summary>A VM's crash began (data: CrashReport).</summary>
    SystemCrashInitiated = NativeMethods.ZLHCS_EVENT_SYSTEM_CRASH_INITIATED,
    /// <summary>A VM's crash report (data: CrashReport).</summary>
    SystemCrashReport = NativeMethods.ZLHCS_EVENT_SYSTEM_CRASH_REPORT,
    /// <summary>A VM's RDP enhanced mode changed.</summary>
    SystemRdpEnhancedModeStateChanged = NativeMethods.ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED,
    /// <summary>A container's silo job was created.</summary>
    SystemSiloJobCreated = NativeMethods.ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED,
    /// <summary>A VM's guest connection closed.</summary>
    SystemGuestConnectionClosed = NativeMethods.ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED,
    /// <summary>The process exited (data: ProcessStatus).</summary>
    ProcessExited = NativeMethods.ZLHCS_EVENT_PROCESS_EXITED,
    /// <summary>The HCS service went away.</summary>
    ServiceDisconnect = NativeMethods.ZLHCS_EVENT_SERVICE_DISCONNECT,
    /// <summary>An HCS event type zlhcs does not know (see <see cref="HcsEvent.HcsType"/>).</summary>
    Unknown = NativeMethods.ZLHCS_EVENT_UNKNOWN,
}

/// <summary>One event of a system or process, copied out of zlhcs.</summary>
public sealed record HcsEvent(
    HcsEventKind Kind, uint HcsType, uint ProcessId, ulong Sequence, ulong LostCount, string SystemId, string? Data)
{
    /// <summary>Whether nothing can follow this event on its subscription: an exit or a service disconnect.</summary>
    public bool IsFinal => Kind is HcsEventKind.SystemExited or HcsEventKind.ProcessExited or HcsEventKind.ServiceDisconnect;

    /// <summary>A SystemExited event's SystemExitStatus (ExitType: GracefulExit, ForcedExit, UnexpectedExit).</summary>
    public SystemExitStatus? SystemExitStatus => Data is null ? null : Property.TryRead<SystemExitStatus>(Data);

    /// <summary>A ProcessExited event's ProcessStatus (ExitCode).</summary>
    public ProcessStatus? ProcessStatus => Data is null ? null : Property.TryRead<ProcessStatus>(Data);

    internal static unsafe HcsEvent From(zlhcs_event* raw) => new(
        Enum.IsDefined((HcsEventKind)raw->kind) ? (HcsEventKind)raw->kind : HcsEventKind.Unknown,
        raw->hcs_type, raw->process_id, raw->sequence, raw->lost_count,
        Strings.From(raw->system_id) ?? "", Strings.From(raw->data));
}
