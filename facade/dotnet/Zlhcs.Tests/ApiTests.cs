using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Zlhcs.Native;

namespace Zlhcs.Tests;

/// <summary>The library against hcsim: lifecycle, stdio, events, exits, errors, typed documents, validation,
/// cancellation, and the hard modes of real HCS. Every test ends with nothing leaked (HcsimTest).</summary>
public sealed class ApiTests : HcsimTest
{
    [Fact]
    public void TheNativeLayoutMatchesTheAbiDescription()
    {
        foreach (var (name, actual, expected) in NativeMethods.Layout()) Assert.True(actual == expected, $"{name}: {actual} != {expected}");
        Assert.Equal(typeof(ApiTests).Assembly.GetReferencedAssemblies().First(a => a.Name == "Zlhcs").Version!.ToString(3), ZlhcsLibrary.Version);
    }

    [Fact]
    public async Task LifecycleCreateStartPropertiesTerminateWaitForExit()
    {
        string id = UniqueId("lifecycle");
        using var system = await ComputeSystem.CreateAsync(id, Container());
        Assert.Equal(id, system.Id);
        await system.StartAsync();
        global::Zlhcs.Schema.Properties basic = await system.GetPropertiesAsync();
        Assert.Equal(global::Zlhcs.Schema.State.Running, basic.State);
        var refused = await Assert.ThrowsAsync<ZlhcsException>(() => system.PauseAsync());
        Assert.True(refused.Is(ErrorCategory.NotSupported), refused.ToString());
        using var other = ComputeSystem.Open(id);
        await system.TerminateAsync();
        SystemExit exit = await system.WaitForExitAsync();
        Assert.Equal(global::Zlhcs.Schema.NotificationType.ForcedExit, exit.Status!.ExitType);
        Assert.False(other.Terminate(null, Timeout)); // already gone
        var gone = Assert.Throws<ZlhcsException>(() => ComputeSystem.Open(id));
        Assert.True(gone.Is(ErrorCategory.NotFound));
    }

    [Fact]
    public async Task StdioRoundTripOfOneMebibyteThroughCat()
    {
        using var system = Running("cat");
        using var child = await ComputeProcess.CreateAsync(system,
            "{\"CommandLine\":\"cat\",\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true,\"CreateStdErrPipe\":true}");
        byte[] data = Enumerable.Range(0, 1024 * 1024).Select(i => (byte)(i * 7)).ToArray();
        Task writer = Task.Run(async () =>
        {
            await child.StandardInput.WriteAsync(data);
            child.StandardInput.Dispose(); // end of stdin: cat exits after copying everything
        });
        var received = new MemoryStream();
        await child.StandardOutput.CopyToAsync(received);
        await writer;
        Assert.True(data.AsSpan().SequenceEqual(received.ToArray()), "the bytes differ");
        Assert.Equal(0u, await child.WaitForExitAsync());
        system.Terminate(null, Timeout);
    }

    [Fact]
    public async Task CancellingABlockedReadOrWriteReleasesItAndTheStreamGoesOn()
    {
        using var system = Running("cancel-io");
        using var child = await ComputeProcess.CreateAsync(system,
            "{\"CommandLine\":\"cat\",\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}");
        byte[] buffer = new byte[64];

        // A read blocked on cat's idle stdout, cancelled: zlhcs's interrupt releases it (no polling).
        using (var cancel = new CancellationTokenSource())
        {
            ValueTask<int> read = child.StandardOutput.ReadAsync(buffer, cancel.Token);
            await BlockedInZlhcs(1);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
        }
        // The interrupt was cleared: the same stream reads on.
        child.StandardInput.Write("again\n"u8);
        int got = await child.StandardOutput.ReadAsync(buffer);
        Assert.Equal("again\n", Encoding.UTF8.GetString(buffer, 0, got));

        // A write blocked on a full pipe (nobody reads cat's output), cancelled likewise.
        byte[] data = new byte[8 * 1024 * 1024];
        using (var cancel = new CancellationTokenSource())
        {
            ValueTask write = child.StandardInput.WriteAsync(data, cancel.Token);
            await BlockedInZlhcs(1);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await write);
        }
        child.StandardInput.Dispose(); // end of stdin: cat copies what stdin took, then exits
        var rest = new MemoryStream();
        await child.StandardOutput.CopyToAsync(rest);
        Assert.True(rest.Length > 0 && rest.Length < data.Length, $"cat copied {rest.Length} of {data.Length} bytes");
        Assert.Equal(0u, await child.WaitForExitAsync());
        system.Terminate(null, Timeout);
    }

    // Until `calls` calls are blocked in a wait inside zlhcs (tests run one at a time).
    private static async Task BlockedInZlhcs(ulong calls)
    {
        while (ZlhcsLibrary.GetDebugCounts().WaitingCalls < calls) await Task.Delay(1);
    }

    [Fact]
    public async Task EventsAsAnAsyncStreamEndAfterTheExit()
    {
        using var system = Running("events");
        EventStream events = system.Events();
        system.Shutdown(null, Timeout);
        var received = new List<HcsEvent>();
        await foreach (HcsEvent item in events) received.Add(item);
        HcsEvent exited = Assert.Single(received);
        Assert.Equal(HcsEventKind.SystemExited, exited.Kind);
        Assert.Equal(1UL, exited.Sequence);
        Assert.Equal(global::Zlhcs.Schema.NotificationType.GracefulExit, exited.SystemExitStatus!.ExitType);
    }

    [Fact]
    public async Task CallbackSubscriptionRunsOffZlhcsThreadsAndSurvivesAThrowingHandler()
    {
        using var system = Running("callback");
        var seen = new TaskCompletionSource<HcsEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using EventCallback callback = system.Subscribe(EventMask.SystemExited, e =>
        {
            seen.TrySetResult(e);
            throw new InvalidOperationException("a throwing handler must not reach zlhcs");
        });
        system.Terminate(null, Timeout);
        Assert.Equal(HcsEventKind.SystemExited, (await seen.Task.WaitAsync(Timeout)).Kind);
        await callback.Completion.WaitAsync(Timeout);
        Assert.Equal(1, callback.Faults);
    }

    [Fact]
    public async Task ExitWatchAfterTheExitAlreadyHappened()
    {
        using var system = Running("exit");
        using var child = ComputeProcess.Create(system, "{\"CommandLine\":\"exit 3\"}", Timeout);
        Assert.Equal(3u, child.WaitForExit(Timeout));
        Assert.Equal(3u, await child.WaitForExitAsync()); // from zlhcs's latch, at once
        Assert.Equal(3u, child.ExitCode);
        using var sleeper = await ComputeProcess.CreateAsync(system, "{\"CommandLine\":\"sleep 600000\"}");
        EventStream events = sleeper.Events();
        Assert.True(sleeper.Terminate(Timeout));
        var received = new List<HcsEvent>();
        await foreach (HcsEvent item in events) received.Add(item);
        Assert.Equal(HcsEventKind.ProcessExited, Assert.Single(received).Kind);
        Assert.Equal(1u, received[0].ProcessStatus!.ExitCode);
        system.Terminate(null, Timeout);
        Assert.Equal(global::Zlhcs.Schema.NotificationType.ForcedExit, (await system.WaitForExitAsync()).Status!.ExitType);
    }

    [Fact]
    public async Task ErrorsCarryHcsDocumentsAndErrorEvents()
    {
        using var system = Running("errors");
        var error = await Assert.ThrowsAsync<ZlhcsException>(() => ComputeProcess.CreateAsync(system, "{\"CommandLine\":\"no-such-program\"}"));
        Assert.Equal(unchecked((int)0x80070002), error.HResult);
        Assert.True(error.Is(ErrorCategory.NotFound));
        Assert.Equal(unchecked((int)0x80070002), error.ResultError!.Error);
        Assert.NotNull(error.Document);
        var again = Assert.Throws<ZlhcsException>(() => ComputeProcess.Create(system, "{\"CommandLine\":\"no-such-program\"}", Timeout));
        Assert.Equal(error.HResult, again.HResult);
        Assert.NotNull(again.Document);
        var duplicate = Assert.Throws<ZlhcsException>(() => ComputeSystem.Create(system.Id, Container(), Timeout));
        Assert.Equal(NativeMethods.ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS, duplicate.HResult);
        var malformed = Assert.Throws<ZlhcsException>(() => ComputeSystem.Create(null, "{\"Container\":", Timeout));
        Assert.Equal(NativeMethods.ZLHCS_HCS_E_INVALID_JSON, malformed.HResult);
        var nul = Assert.Throws<ZlhcsException>(() => ComputeSystem.Open("a\0b"));
        Assert.Equal(NativeMethods.ZLHCS_E_INVALID_ARGUMENT, nul.HResult);
        system.Terminate(null, Timeout);
    }

    [Fact]
    public async Task TypedCreateAndStatisticsTwiceGiveCpuUsage()
    {
        global::Zlhcs.Schema.ComputeSystem config = Container() with { Container = new global::Zlhcs.Schema.Container { Processor = new global::Zlhcs.Schema.ContainerProcessor { Count = 2 } } };
        using var system = await ComputeSystem.CreateAsync(UniqueId("stats"), config);
        await system.StartAsync();
        global::Zlhcs.Schema.Statistics earlier = await system.GetStatisticsAsync();
        global::Zlhcs.Schema.Statistics later = await system.GetStatisticsAsync();
        Assert.Equal(2u, StatisticsMath.ProcessorCount(config));
        double? cpu = StatisticsMath.CpuUsage(earlier, later, 2);
        Assert.True(cpu is >= 0, $"{cpu}");
        Assert.True(StatisticsMath.MemoryOf(later).CommitBytes > 0);
        Assert.Empty(await system.GetProcessListAsync());
        await system.TerminateAsync();
    }

    [Fact]
    public void ValidationReportsProblemsWithASuggestion()
    {
        ValidationReport report = SchemaValidator.Validate("ComputeSystem", "{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Contianer\":{}}");
        Assert.False(report.Valid);
        ValidationProblem problem = Assert.Single(report.Problems, p => p.Path == "/Contianer");
        Assert.Equal("Container", problem.Suggestion);
        Assert.True(SchemaValidator.Validate(Container()).Valid);
        var unknownType = Assert.Throws<ZlhcsException>(() => SchemaValidator.Validate("ComputeSystm", "{}"));
        Assert.Contains("ComputeSystem", unknownType.Message);
    }

    [Fact]
    public async Task EmptyAndBlankOptionsAreNoOptions()
    {
        using var system = ComputeSystem.Create(UniqueId("empty"), Container(), Timeout);
        await system.StartAsync("");
        Assert.Contains("\"State\":\"Running\"", system.GetPropertiesJson("  ", Timeout));
        Assert.True(system.Terminate("", Timeout));
    }

    [Fact]
    public async Task CancellingAPendingTaskAbandonsTheWaitNotTheWork()
    {
        using var system = ComputeSystem.Create(UniqueId("cancel"), Container(), Timeout);
        Hcsim.SetLatency("HcsStartComputeSystem", 300);
        using var cancel = new CancellationTokenSource();
        Task start = system.StartAsync(cancellationToken: cancel.Token);
        cancel.Cancel();
        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.Contains("HCS may still complete the work", cancelled.Message);
        Assert.Equal(0UL, ZlhcsLibrary.GetDebugCounts().Operations); // the operation handle is closed
        // The exit watch of a live system, cancelled: the same.
        using var watch = new CancellationTokenSource();
        Task<SystemExit> exit = system.WaitForExitAsync(watch.Token);
        watch.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exit);
        // HCS still started the system.
        Hcsim.SetLatency("HcsStartComputeSystem", 0);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await system.GetPropertiesAsync()).State != global::Zlhcs.Schema.State.Running)
        {
            Assert.True(DateTime.UtcNow < deadline, "the abandoned start never completed");
            await Task.Delay(5);
        }
        system.Terminate(null, Timeout);
    }

    [Fact]
    public async Task CompletionsInsideTheStartingCall()
    {
        Hcsim.SetBehavior(Hcsim.InlineCompletion | Hcsim.SpuriousProcessResult);
        using var system = await ComputeSystem.CreateAsync(UniqueId("inline"), Container());
        await system.StartAsync("");
        // A process that waits for its stdin: one that exits before zlhcs recovers its pipes from the broken
        // result (HcsGetProcessInfo) has lost them, as on Windows (docs/hcsim.md), and the test would race.
        using var child = await ComputeProcess.CreateAsync(system,
            "{\"CommandLine\":\"cat\",\"CreateStdInPipe\":true,\"CreateStdOutPipe\":true}");
        child.StandardInput.Write("inline"u8);
        child.StandardInput.Dispose(); // end of stdin: cat exits after copying it
        using var reader = new StreamReader(child.StandardOutput, Encoding.UTF8);
        Assert.Equal("inline", await reader.ReadToEndAsync());
        Assert.Equal(0u, await child.WaitForExitAsync());
        await system.TerminateAsync();
        await system.WaitForExitAsync();
    }

    [Fact]
    public async Task FailuresWithoutAnErrorDocumentStillExplainThemselves()
    {
        Hcsim.SetBehavior(Hcsim.OmitErrorDocuments);
        using var system = Running("nodoc");
        var error = await Assert.ThrowsAsync<ZlhcsException>(() => ComputeProcess.CreateAsync(system, "{\"CommandLine\":\"no-such-program\"}"));
        Assert.Equal(unchecked((int)0x80070002), error.HResult);
        Assert.Null(error.Document);
        Assert.Null(error.ResultError);
        Assert.Empty(error.ErrorEvents);
        Assert.False(string.IsNullOrEmpty(error.Message));
        system.Terminate(null, Timeout);
    }

    [Fact]
    public async Task InjectedFailuresAtTheStartAndInTheOperation()
    {
        using var system = ComputeSystem.Create(UniqueId("fault"), Container(), Timeout);
        Hcsim.FailNextCalls("HcsStartComputeSystem", 1, Hcsim.EFail, Hcsim.FaultImmediate);
        // Thrown by the starting call itself, before any Task exists.
        var immediate = Assert.Throws<ZlhcsException>(() => { _ = system.StartAsync(); });
        Assert.Equal(Hcsim.EFail, immediate.HResult);
        Hcsim.FailNextCalls("HcsStartComputeSystem", 1, Hcsim.EFail, Hcsim.FaultAsync);
        var completed = await Assert.ThrowsAsync<ZlhcsException>(() => system.StartAsync());
        Assert.Equal(Hcsim.EFail, completed.HResult);
        Assert.NotNull(completed.Document);
        await system.StartAsync();
        Hcsim.FailNextCalls("HcsCreateComputeSystem", 1, Hcsim.EFail, Hcsim.FaultAsync);
        await Assert.ThrowsAsync<ZlhcsException>(() => ComputeSystem.CreateAsync(UniqueId("fault-create"), Container()));
        Assert.Equal(1UL, ZlhcsLibrary.GetDebugCounts().Systems); // the failed create's handle is closed
        system.Terminate(null, Timeout);
    }

    [Fact]
    public async Task ListByOwnerAndServiceProperties()
    {
        using var system = Running("list");
        var mine = await HcsService.ListByOwnerAsync(Owner);
        Assert.Equal(system.Id, Assert.Single(mine).Id);
        Assert.Empty(await HcsService.ListByOwnerAsync("somebody-else"));
        Assert.NotNull(HcsService.GetServiceProperties());
        system.Terminate(null, Timeout);
    }
}
