using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Zlhcs.Tests;

/// <summary>Forced collections while thousands of callbacks and events are in flight: no callback may reach a
/// collected object, nothing may crash, and every dropped SafeHandle and context is released.</summary>
public sealed class GcStressTests : HcsimTest
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DropStreams(ComputeSystem system, int count)
    {
        for (int i = 0; i < count; i++) system.Events();
    }

    [Fact]
    public void AStreamDroppedWithoutDisposeIsClosedByTheFinalizer()
    {
        using var system = Running("dropped-streams");
        DropStreams(system, 10);
        Assert.Equal(10UL, ZlhcsLibrary.GetDebugCounts().Subscriptions);
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ZlhcsLibrary.GetDebugCounts().Subscriptions != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dropped streams' subscriptions were never closed");
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        system.Terminate(null, Timeout); // the system outlived its dropped streams
    }

    [Fact]
    public async Task CollectionsDuringThousandsOfCallbacksAndEvents()
    {
        Hcsim.SetLatency("HcsGetComputeSystemProperties", 1);
        using var stop = new CancellationTokenSource();
        Task collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }
        });
        try
        {
            for (int round = 0; round < 4; round++)
            {
                var systems = Enumerable.Range(0, 8).Select(i => Running($"gc-{round}-{i}")).ToList();
                var work = new List<Task>();
                var streams = new List<EventStream>();
                foreach (ComputeSystem system in systems)
                {
                    for (int i = 0; i < 60; i++) work.Add(system.GetPropertiesJsonAsync());
                    work.Add(system.WaitForExitAsync());
                    for (int i = 0; i < 8; i++) streams.Add(system.Events());
                    DropStreams(system, 8); // undisposed: their finalizers close them
                    using var abandon = new CancellationTokenSource();
                    Task abandoned = system.GetPropertiesJsonAsync(cancellationToken: abandon.Token);
                    abandon.Cancel();
                    work.Add(abandoned.ContinueWith(_ => { }, TaskScheduler.Default));
                }
                var drained = streams.Select(async s => { int n = 0; await foreach (var _ in s) n++; return n; }).ToList();
                foreach (ComputeSystem system in systems) system.Terminate(null, Timeout);
                await Task.WhenAll(work).WaitAsync(Timeout);
                int[] counts = await Task.WhenAll(drained).WaitAsync(Timeout);
                Assert.All(counts, n => Assert.Equal(1, n)); // each stream saw its system's exit, then ended
                foreach (ComputeSystem system in systems) system.Dispose();
            }
        }
        finally
        {
            stop.Cancel();
            await collector;
            Hcsim.SetLatency("HcsGetComputeSystemProperties", 0);
        }
    }
}
