using System;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>How a system ended: HCS's SystemExitStatus document.</summary>
/// <param name="Document">The document as HCS sent it (null if none).</param>
public sealed record SystemExit(string? Document)
{
    /// <summary>The typed SystemExitStatus (Status, ExitType, Attribution), if the document reads as one.</summary>
    public SystemExitStatus? Status => Document is null ? null : Property.TryRead<SystemExitStatus>(Document);
}

/// <summary>
/// A compute system (container or VM). Every member is thread-safe. Asynchronous members return Tasks whose
/// continuations never run on zlhcs's threads; cancelling one abandons the wait and the operation (HCS still
/// does the work: it cannot stop it). Blocking members wait up to a timeout; on timeout the work goes on.
/// Failures throw <see cref="ZlhcsException"/>. Dispose closes the handle, which terminates the system only
/// if its configuration sets ShouldTerminateOnLastHandleClosed. As in HCS, a stopped system is cleaned up at
/// once: calls on it fail with NotFound, except the exit waits and Shutdown/Terminate ("already gone").
/// </summary>
public sealed class ComputeSystem : IDisposable
{
    private readonly SystemSafeHandle _handle;

    private ComputeSystem(ulong handle) => _handle = new SystemSafeHandle(handle);

    /// <summary>The handle.</summary>
    public SystemSafeHandle Handle => _handle;

    /// <summary>Creates a compute system from its configuration (JSON); <paramref name="id"/> null lets HCS
    /// choose a GUID. Completes once HCS has created it (not started). If it fails or is cancelled, the
    /// handle zlhcs handed out is closed.</summary>
    public static unsafe Task<ComputeSystem> CreateAsync(string? id, string configuration, CancellationToken cancellationToken = default)
    {
        const string function = "zlhcs_system_create_async";
        Strings.CheckNul(id, function, nameof(id));
        string config = Strings.Required(configuration, function, nameof(configuration));
        Operation operation = Operation.Start(function, (cb, ctx, rel, created, op) =>
            NativeMethods.zlhcs_system_create_async(id, config, null, cb, ctx, rel, created, op), out ulong system);
        return Finish(new ComputeSystem(system), operation, function, cancellationToken);
    }

    /// <summary>Creates a compute system from a typed configuration.</summary>
    public static Task<ComputeSystem> CreateAsync(string? id, Schema.ComputeSystem configuration, CancellationToken cancellationToken = default) =>
        CreateAsync(id, SchemaJson.Serialize(configuration), cancellationToken);

    private static async Task<ComputeSystem> Finish(ComputeSystem system, Operation operation, string function, CancellationToken cancellationToken)
    {
        try
        {
            await operation.ResultAsync(function, cancellationToken).ConfigureAwait(false);
            return system;
        }
        catch
        {
            system.Dispose();
            throw;
        }
    }

    /// <summary>The blocking form of CreateAsync. On timeout (category Timeout) the handle is closed; HCS
    /// may still create the system (open it by id), or terminates it if ShouldTerminateOnLastHandleClosed.</summary>
    public unsafe static ComputeSystem Create(string? id, string configuration, TimeSpan timeout)
    {
        const string function = "zlhcs_system_create";
        Strings.CheckNul(id, function, nameof(id));
        string config = Strings.Required(configuration, function, nameof(configuration));
        ulong system = 0;
        byte* document = null;
        int status = NativeMethods.zlhcs_system_create(id, config, null, Strings.TimeoutMs(timeout), &system, &document);
        string? text = Strings.Take(document);
        if (status < 0)
        {
            ZlhcsException error = ZlhcsException.Last(status, function, text);
            if (system != 0) NativeMethods.zlhcs_system_close(system);
            throw error;
        }
        return new ComputeSystem(system);
    }

    /// <summary>The blocking form of CreateAsync, typed.</summary>
    public static ComputeSystem Create(string? id, Schema.ComputeSystem configuration, TimeSpan timeout) =>
        Create(id, SchemaJson.Serialize(configuration), timeout);

    /// <summary>Opens an existing compute system by id.</summary>
    public unsafe static ComputeSystem Open(string id)
    {
        const string function = "zlhcs_system_open";
        string text = Strings.Required(id, function, nameof(id));
        ulong system = 0;
        Calls.Check(function, NativeMethods.zlhcs_system_open(text, null, &system));
        return new ComputeSystem(system);
    }

    /// <summary>The system's id.</summary>
    public unsafe string Id
    {
        get
        {
            byte* id = null;
            int status = NativeMethods.zlhcs_system_id(_handle.Value, &id);
            string? text = Strings.Take(id);
            Calls.Check("zlhcs_system_id", status);
            GC.KeepAlive(this);
            return text ?? "";
        }
    }

    private unsafe delegate int SyncCall(ulong system, string? argument, uint timeout, byte** document);

    private Task<string?> RunAsync(string function, Calls.AsyncCall call, string? argument, CancellationToken cancellationToken) =>
        Calls.RunAsync(function, _handle, call, argument, cancellationToken);

    private unsafe (int Status, string? Document) Run(string function, SyncCall call, string? argument, TimeSpan timeout)
    {
        Strings.CheckNul(argument, function, "options");
        string? text = Strings.Optional(argument);
        ulong system = _handle.Value;
        uint ms = Strings.TimeoutMs(timeout);
        var result = Calls.WithDocument(function, document => call(system, text, ms, document));
        GC.KeepAlive(this);
        return result;
    }

    /// <summary>Starts the system (options: optional JSON; null, "" and blanks are none).</summary>
    public unsafe Task<string?> StartAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_start_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_start_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Starts the system, waiting up to <paramref name="timeout"/>.</summary>
    public unsafe string? Start(string? options, TimeSpan timeout) =>
        Run("zlhcs_system_start", (s, a, t, d) => NativeMethods.zlhcs_system_start(s, a, t, d), options, timeout).Document;

    /// <summary>Asks the system to shut down gracefully (use a timeout, then terminate).</summary>
    public unsafe Task ShutdownAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_shutdown_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_shutdown_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Shuts the system down: true once done, false if it was gone already.</summary>
    public unsafe bool Shutdown(string? options, TimeSpan timeout) =>
        Run("zlhcs_system_shutdown", (s, a, t, d) => NativeMethods.zlhcs_system_shutdown(s, a, t, d), options, timeout).Status == 0;

    /// <summary>Terminates the system forcefully.</summary>
    public unsafe Task TerminateAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_terminate_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_terminate_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Terminates the system: true once done, false if it was gone already.</summary>
    public unsafe bool Terminate(string? options, TimeSpan timeout) =>
        Run("zlhcs_system_terminate", (s, a, t, d) => NativeMethods.zlhcs_system_terminate(s, a, t, d), options, timeout).Status == 0;

    /// <summary>Pauses a VM (containers: NotSupported).</summary>
    public unsafe Task PauseAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_pause_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_pause_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Resumes a paused VM.</summary>
    public unsafe Task ResumeAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_resume_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_resume_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Saves a VM's state (SaveOptions JSON).</summary>
    public unsafe Task SaveAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_save_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_save_async(s, a, c, x, r, o), options, cancellationToken);
    /// <summary>Crashes a VM on purpose (CrashOptions JSON).</summary>
    public unsafe Task CrashAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_crash_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_crash_async(s, a, c, x, r, o), options, cancellationToken);

    /// <summary>The system's properties as HCS's JSON (query: a System_PropertyQuery, or null for the basic ones).</summary>
    public unsafe Task<string?> GetPropertiesJsonAsync(string? query = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_system_properties_async", (s, a, c, x, r, o) => NativeMethods.zlhcs_system_properties_async(s, a, c, x, r, o), query, cancellationToken);
    /// <summary>The system's properties as HCS's JSON, waiting up to <paramref name="timeout"/>.</summary>
    public unsafe string? GetPropertiesJson(string? query, TimeSpan timeout) =>
        Run("zlhcs_system_properties", (s, a, t, d) => NativeMethods.zlhcs_system_properties(s, a, t, d), query, timeout).Document;

    /// <summary>The basic properties (Id, State, SystemType, ...), typed.</summary>
    public async Task<Properties> GetPropertiesAsync(CancellationToken cancellationToken = default) =>
        Property.Read(await GetPropertiesJsonAsync(null, cancellationToken).ConfigureAwait(false), "Basic", p => p);

    /// <summary>The system's statistics (CPU, memory, storage counters; see <see cref="StatisticsMath"/>).</summary>
    public async Task<Statistics> GetStatisticsAsync(CancellationToken cancellationToken = default) =>
        Property.Read(await GetPropertiesJsonAsync(Property.Query("Statistics"), cancellationToken).ConfigureAwait(false),
            "Statistics", p => p.Statistics);

    /// <summary>The system's running processes (ProcessList).</summary>
    public async Task<System.Collections.Generic.List<ProcessDetails>> GetProcessListAsync(CancellationToken cancellationToken = default) =>
        Property.Read(await GetPropertiesJsonAsync(Property.Query("ProcessList"), cancellationToken).ConfigureAwait(false),
            "ProcessList", p => p.ProcessList);

    /// <summary>Modifies the system: a ModifySettingRequest (JSON).</summary>
    public unsafe Task<string?> ModifyAsync(string settings, CancellationToken cancellationToken = default)
    {
        const string function = "zlhcs_system_modify_async";
        string text = Strings.Required(settings, function, nameof(settings));
        ulong system = _handle.Value;
        Operation operation = Operation.Start(function, (cb, ctx, rel, op) =>
            NativeMethods.zlhcs_system_modify_async(system, text, null, cb, ctx, rel, op));
        GC.KeepAlive(this);
        return operation.ResultAsync(function, cancellationToken);
    }

    /// <summary>Modifies the system with a typed ModifySettingRequest.</summary>
    public Task<string?> ModifyAsync(ModifySettingRequest settings, CancellationToken cancellationToken = default) =>
        ModifyAsync(SchemaJson.Serialize(settings), cancellationToken);

    /// <summary>Completes when the system has exited (at once if it already has), from HCS's exit
    /// notification: no polling.</summary>
    public async Task<SystemExit> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        new(await StartExitWatch().ResultAsync("zlhcs_system_wait_exit_async", cancellationToken).ConfigureAwait(false));

    private unsafe Operation StartExitWatch()
    {
        ulong system = _handle.Value;
        Operation operation = Operation.Start("zlhcs_system_wait_exit_async", (cb, ctx, rel, op) =>
            NativeMethods.zlhcs_system_wait_exit_async(system, cb, ctx, rel, op));
        GC.KeepAlive(this);
        return operation;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the system's exit.</summary>
    public unsafe SystemExit WaitForExit(TimeSpan timeout)
    {
        ulong system = _handle.Value;
        uint ms = Strings.TimeoutMs(timeout);
        var result = Calls.WithDocument("zlhcs_system_wait_exit", document => NativeMethods.zlhcs_system_wait_exit(system, ms, document));
        GC.KeepAlive(this);
        return new SystemExit(result.Document);
    }

    /// <summary>Subscribes now to the system's events; enumerate the stream to receive them (see
    /// <see cref="EventStream"/>).</summary>
    public EventStream Events(EventMask mask = EventMask.All)
    {
        var stream = EventStream.Subscribe(_handle.Value, mask, process: false);
        GC.KeepAlive(this);
        return stream;
    }

    /// <summary>Calls <paramref name="handler"/> with each event, one at a time and in order, on a thread-pool
    /// thread (never on zlhcs's delivery threads), until the returned subscription is disposed or the system
    /// handle closed. An exception from the handler is caught and counted (<see cref="EventCallback.Faults"/>).</summary>
    public EventCallback Subscribe(EventMask mask, Action<HcsEvent> handler)
    {
        var callback = new EventCallback(Events(mask), handler);
        return callback;
    }

    /// <summary>Closes the handle.</summary>
    public void Dispose() => _handle.Dispose();
}
