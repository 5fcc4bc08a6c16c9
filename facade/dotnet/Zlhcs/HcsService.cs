using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>Calls on the HCS service rather than on one system.</summary>
public static class HcsService
{
    /// <summary>The compute systems matching <paramref name="query"/> (ids, names, types, owners; null lists
    /// every system), with their basic properties.</summary>
    public static async Task<List<Properties>> ListAsync(SystemQuery? query = null, CancellationToken cancellationToken = default)
    {
        const string function = "zlhcs_system_enumerate_async";
        string? document = await StartList(query).ResultAsync(function, cancellationToken).ConfigureAwait(false);
        try
        {
            return SchemaJson.Deserialize<List<Properties>>(document ?? "[]") ?? new List<Properties>();
        }
        catch (JsonException error)
        {
            throw ZlhcsException.Local(NativeMethods.ZLHCS_HCS_E_INVALID_JSON,
                "HCS's system list does not read as Properties: " + error.Message, "HcsEnumerateComputeSystems", document);
        }
    }

    private static unsafe Operation StartList(SystemQuery? query)
    {
        string? text = query is null ? null : SchemaJson.Serialize(query);
        return Operation.Start("zlhcs_system_enumerate_async", (cb, ctx, rel, op) =>
            NativeMethods.zlhcs_system_enumerate_async(text, null, cb, ctx, rel, op));
    }

    /// <summary>The systems whose configuration's Owner is <paramref name="owner"/> (an agent's start-up sweep).</summary>
    public static Task<List<Properties>> ListByOwnerAsync(string owner, CancellationToken cancellationToken = default) =>
        ListAsync(new SystemQuery { Owners = new List<string> { owner } }, cancellationToken);

    /// <summary>The HCS service's properties (a Service_PropertyQuery JSON, or null).</summary>
    public static unsafe string? GetServiceProperties(string? query = null)
    {
        Strings.CheckNul(query, "zlhcs_service_properties", nameof(query));
        string? text = Strings.Optional(query);
        return Calls.WithDocument("zlhcs_service_properties", d => NativeMethods.zlhcs_service_properties(text, d)).Document;
    }
}

/// <summary>The zlhcs library itself.</summary>
public static unsafe class ZlhcsLibrary
{
    /// <summary>The loaded library's version ("0.10.0").</summary>
    public static string Version
    {
        get
        {
            zlhcs_version_info info = default;
            info.struct_size = (uint)sizeof(zlhcs_version_info);
            Calls.Check("zlhcs_version", NativeMethods.zlhcs_version(&info));
            return Strings.From(info.version_string) ?? "";
        }
    }

    /// <summary>Chooses the HCS backend before any other call: <paramref name="backendPath"/> is an absolute
    /// path to a computecore-compatible library (hcsim for tests), or null for the default (System32's
    /// computecore.dll on Windows, the libhcsim.so beside libzlhcs.so elsewhere); <paramref
    /// name="validateDocuments"/> checks create and modify documents against the schema first. Returns false
    /// if zlhcs was already initialised with the same options; throws (InvalidState) for different ones.</summary>
    public static bool Initialize(string? backendPath = null, bool validateDocuments = false)
    {
        const string function = "zlhcs_init";
        Strings.CheckNul(backendPath, function, nameof(backendPath));
        nint path = backendPath is null ? 0 : System.Runtime.InteropServices.Marshal.StringToCoTaskMemUTF8(backendPath);
        try
        {
            zlhcs_init_options options = default;
            options.struct_size = (uint)sizeof(zlhcs_init_options);
            options.backend = backendPath is null ? NativeMethods.ZLHCS_BACKEND_DEFAULT : NativeMethods.ZLHCS_BACKEND_PATH;
            options.backend_path = (byte*)path;
            options.validation = validateDocuments ? NativeMethods.ZLHCS_VALIDATE_DOCUMENTS : 0;
            return Calls.Check(function, NativeMethods.zlhcs_init(&options)) == 0;
        }
        finally
        {
            if (path != 0) System.Runtime.InteropServices.Marshal.FreeCoTaskMem(path);
        }
    }

    /// <summary>zlhcs's live-object counters: all zero once everything a program made is closed and released.</summary>
    public static DebugCounts GetDebugCounts()
    {
        zlhcs_debug_counts_info raw = default;
        raw.struct_size = (uint)sizeof(zlhcs_debug_counts_info);
        Calls.Check("zlhcs_debug_counts", NativeMethods.zlhcs_debug_counts(&raw));
        return new DebugCounts(raw.systems, raw.processes, raw.operations, raw.subscriptions, raw.contexts, raw.strings,
            raw.live_subscriptions, raw.live_operations, raw.delivery_threads, raw.waiting_calls, raw.queued_tasks);
    }
}

/// <summary>zlhcs's counters (zlhcs_debug_counts). <c>WaitingCalls</c>: calls blocked in a wait inside zlhcs
/// now; <c>QueuedTasks</c>: tasks queued for or running on its delivery threads (both since 0.9.0).</summary>
public sealed record DebugCounts(ulong Systems, ulong Processes, ulong Operations, ulong Subscriptions, ulong Contexts,
    ulong Strings, ulong LiveSubscriptions, ulong LiveOperations, ulong DeliveryThreads, ulong WaitingCalls,
    ulong QueuedTasks)
{
    /// <summary>No object alive (idle delivery threads, which retire, are not objects).</summary>
    public bool IsClear => Systems == 0 && Processes == 0 && Operations == 0 && Subscriptions == 0 && Contexts == 0 &&
                           Strings == 0 && LiveSubscriptions == 0 && LiveOperations == 0;
}
