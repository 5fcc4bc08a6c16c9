using System;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>
/// A process in a compute system. Thread-safe; asynchronous members as on <see cref="ComputeSystem"/>.
/// Ask for pipes in the ProcessParameters (CreateStdInPipe, ...) and use <see cref="StandardInput"/>,
/// <see cref="StandardOutput"/>, <see cref="StandardError"/>. Dispose closes the handle; that never ends
/// the process.
/// </summary>
public sealed class ComputeProcess : IDisposable
{
    private readonly ProcessSafeHandle _handle;
    private readonly Lazy<ProcessStdioStream> _stdin, _stdout, _stderr;

    private ComputeProcess(ulong handle)
    {
        _handle = new ProcessSafeHandle(handle);
        _stdin = new Lazy<ProcessStdioStream>(() => new ProcessStdioStream(_handle, NativeMethods.ZLHCS_STDIN));
        _stdout = new Lazy<ProcessStdioStream>(() => new ProcessStdioStream(_handle, NativeMethods.ZLHCS_STDOUT));
        _stderr = new Lazy<ProcessStdioStream>(() => new ProcessStdioStream(_handle, NativeMethods.ZLHCS_STDERR));
    }

    /// <summary>The handle.</summary>
    public ProcessSafeHandle Handle => _handle;

    /// <summary>Starts a process from its ProcessParameters (JSON). If it fails or is cancelled, the handle
    /// zlhcs handed out is closed.</summary>
    public static async Task<ComputeProcess> CreateAsync(ComputeSystem system, string parameters, CancellationToken cancellationToken = default)
    {
        const string function = "zlhcs_process_create_async";
        (Operation operation, ComputeProcess created) = StartCreate(system, parameters, function);
        try
        {
            await operation.ResultAsync(function, cancellationToken).ConfigureAwait(false);
            return created;
        }
        catch
        {
            created.Dispose();
            throw;
        }
    }

    private static unsafe (Operation, ComputeProcess) StartCreate(ComputeSystem system, string parameters, string function)
    {
        string text = Strings.Required(parameters, function, nameof(parameters));
        ulong systemHandle = system.Handle.Value;
        Operation operation = Operation.Start(function, (cb, ctx, rel, created, op) =>
            NativeMethods.zlhcs_process_create_async(systemHandle, text, null, cb, ctx, rel, created, op), out ulong process);
        GC.KeepAlive(system);
        return (operation, new ComputeProcess(process));
    }

    /// <summary>Starts a process from typed ProcessParameters.</summary>
    public static Task<ComputeProcess> CreateAsync(ComputeSystem system, ProcessParameters parameters, CancellationToken cancellationToken = default) =>
        CreateAsync(system, SchemaJson.Serialize(parameters), cancellationToken);

    /// <summary>The blocking form of CreateAsync; on timeout the handle is closed (the process, if HCS still
    /// starts it, runs on).</summary>
    public unsafe static ComputeProcess Create(ComputeSystem system, string parameters, TimeSpan timeout)
    {
        const string function = "zlhcs_process_create";
        string text = Strings.Required(parameters, function, nameof(parameters));
        ulong process = 0;
        byte* document = null;
        int status = NativeMethods.zlhcs_process_create(system.Handle.Value, text, null, Strings.TimeoutMs(timeout), &process, &document);
        string? answer = Strings.Take(document);
        GC.KeepAlive(system);
        if (status < 0)
        {
            ZlhcsException error = ZlhcsException.Last(status, function, answer);
            if (process != 0) NativeMethods.zlhcs_process_close(process);
            throw error;
        }
        return new ComputeProcess(process);
    }

    /// <summary>Opens a running process of <paramref name="system"/> by pid (it has no stdio pipes).</summary>
    public unsafe static ComputeProcess Open(ComputeSystem system, uint processId)
    {
        ulong process = 0;
        Calls.Check("zlhcs_process_open", NativeMethods.zlhcs_process_open(system.Handle.Value, processId, &process));
        GC.KeepAlive(system);
        return new ComputeProcess(process);
    }

    /// <summary>The process id.</summary>
    public unsafe uint Id
    {
        get
        {
            uint pid = 0;
            Calls.Check("zlhcs_process_id", NativeMethods.zlhcs_process_id(_handle.Value, &pid));
            GC.KeepAlive(this);
            return pid;
        }
    }

    private Task<string?> RunAsync(string function, Calls.AsyncCall call, string? argument, CancellationToken cancellationToken) =>
        Calls.RunAsync(function, _handle, call, argument, cancellationToken);

    /// <summary>Sends a signal (ProcessSignalOptions JSON, e.g. {"Signal":"CtrlC"}).</summary>
    public unsafe Task SignalAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_process_signal_async", (p, a, c, x, r, o) => NativeMethods.zlhcs_process_signal_async(p, a, c, x, r, o), options, cancellationToken);

    /// <summary>Terminates the process.</summary>
    public unsafe Task TerminateAsync(string? options = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_process_terminate_async", (p, a, c, x, r, o) => NativeMethods.zlhcs_process_terminate_async(p, a, c, x, r, o), options, cancellationToken);

    /// <summary>Terminates the process, waiting up to <paramref name="timeout"/>: true once done, false if it
    /// was gone or being terminated already.</summary>
    public unsafe bool Terminate(TimeSpan timeout)
    {
        ulong process = _handle.Value;
        uint ms = Strings.TimeoutMs(timeout);
        var result = Calls.WithDocument("zlhcs_process_terminate", d => NativeMethods.zlhcs_process_terminate(process, null, ms, d));
        GC.KeepAlive(this);
        return result.Status == 0;
    }

    /// <summary>The process's properties (a ProcessStatus JSON document).</summary>
    public unsafe Task<string?> GetPropertiesJsonAsync(string? query = null, CancellationToken cancellationToken = default) =>
        RunAsync("zlhcs_process_properties_async", (p, a, c, x, r, o) => NativeMethods.zlhcs_process_properties_async(p, a, c, x, r, o), query, cancellationToken);

    /// <summary>Modifies the process: a ProcessModifyRequest (JSON).</summary>
    public unsafe Task<string?> ModifyAsync(string settings, CancellationToken cancellationToken = default)
    {
        const string function = "zlhcs_process_modify_async";
        string text = Strings.Required(settings, function, nameof(settings));
        return RunAsync(function, (p, a, c, x, r, o) => NativeMethods.zlhcs_process_modify_async(p, a, c, x, r, o), text, cancellationToken);
    }

    /// <summary>Resizes the process's console, waiting up to <paramref name="timeout"/>.</summary>
    public unsafe void ResizeConsole(ushort width, ushort height, TimeSpan timeout)
    {
        ulong process = _handle.Value;
        uint ms = Strings.TimeoutMs(timeout);
        Calls.WithDocument("zlhcs_process_resize_console", d => NativeMethods.zlhcs_process_resize_console(process, width, height, ms, d));
        GC.KeepAlive(this);
    }

    /// <summary>Completes with the exit code once the process has exited (at once if it already has), from
    /// HCS's exit notification: no polling.</summary>
    public async Task<uint> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        await StartExitWatch().ResultAsync("zlhcs_process_wait_exit_async", cancellationToken).ConfigureAwait(false);
        return ExitCode;
    }

    private unsafe Operation StartExitWatch()
    {
        ulong process = _handle.Value;
        Operation operation = Operation.Start("zlhcs_process_wait_exit_async", (cb, ctx, rel, op) =>
            NativeMethods.zlhcs_process_wait_exit_async(process, cb, ctx, rel, op));
        GC.KeepAlive(this);
        return operation;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the exit; returns the exit code.</summary>
    public unsafe uint WaitForExit(TimeSpan timeout)
    {
        uint code = 0;
        Calls.Check("zlhcs_process_wait_exit", NativeMethods.zlhcs_process_wait_exit(_handle.Value, Strings.TimeoutMs(timeout), &code));
        GC.KeepAlive(this);
        return code;
    }

    /// <summary>The exit code of an exited process (category Pending while it runs).</summary>
    public unsafe uint ExitCode
    {
        get
        {
            uint code = 0;
            Calls.Check("zlhcs_process_exit_code", NativeMethods.zlhcs_process_exit_code(_handle.Value, &code));
            GC.KeepAlive(this);
            return code;
        }
    }

    /// <summary>stdin (writable). Disposing it closes the process's stdin: it reads end-of-stream after
    /// everything written.</summary>
    public ProcessStdioStream StandardInput => _stdin.Value;
    /// <summary>stdout (readable; 0 at the end of the stream). Disposing it closes the stream.</summary>
    public ProcessStdioStream StandardOutput => _stdout.Value;
    /// <summary>stderr (readable).</summary>
    public ProcessStdioStream StandardError => _stderr.Value;

    /// <summary>Subscribes now to the process's events (ProcessExited, ServiceDisconnect).</summary>
    public EventStream Events(EventMask mask = EventMask.All)
    {
        var stream = EventStream.Subscribe(_handle.Value, mask, process: true);
        GC.KeepAlive(this);
        return stream;
    }

    /// <summary>Closes the handle (and so every stdio stream of it).</summary>
    public void Dispose() => _handle.Dispose();
}
