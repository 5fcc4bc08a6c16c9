using System;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;
using Zlhcs.Native;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // hcsim's switches are process-wide

namespace Zlhcs.Tests;

/// <summary>hcsim's control surface, resolved from the very backend zlhcs loaded.</summary>
internal static unsafe class Hcsim
{
    public const uint InlineCompletion = 0x2, SpuriousProcessResult = 0x4, OmitErrorDocuments = 0x8;
    public const uint FaultImmediate = 0, FaultAsync = 1;
    public const int EFail = unchecked((int)0x80004005);

    [StructLayout(LayoutKind.Sequential)]
    public struct LiveObjects
    {
        public uint StructSize, Operations, SystemHandles, Systems, ProcessHandles, PendingCompletions, Strings;
        public override readonly string ToString() =>
            $"operations {Operations}, system handles {SystemHandles}, systems {Systems}, process handles {ProcessHandles}, pending completions {PendingCompletions}, strings {Strings}";
        public readonly bool IsClear => Operations == 0 && SystemHandles == 0 && Systems == 0 && ProcessHandles == 0 && PendingCompletions == 0 && Strings == 0;
    }

    private static readonly nint Module = Load();

    private static nint Load()
    {
        byte* path = null;
        Assert.True(NativeMethods.zlhcs_backend_path(&path) >= 0, "zlhcs has no backend");
        string text = Marshal.PtrToStringUTF8((nint)path)!;
        NativeMethods.zlhcs_free(path);
        return NativeLibrary.Load(text); // the module zlhcs loaded: the same instance
    }

    private static nint Export(string name) => NativeLibrary.GetExport(Module, name);

    public static void SetBehavior(uint flags) =>
        Assert.Equal(0, ((delegate* unmanaged[Stdcall]<uint, int>)Export("HcsimSetBehavior"))(flags));

    public static void Reset() => Assert.Equal(0, ((delegate* unmanaged[Stdcall]<int>)Export("HcsimReset"))());

    public static void FailNextCalls(string function, uint count, int failure, uint mode)
    {
        nint name = Marshal.StringToCoTaskMemUTF8(function);
        try { Assert.Equal(0, ((delegate* unmanaged[Stdcall]<nint, uint, int, uint, int>)Export("HcsimFailNextCalls"))(name, count, failure, mode)); }
        finally { Marshal.FreeCoTaskMem(name); }
    }

    public static void SetLatency(string function, uint milliseconds)
    {
        nint name = Marshal.StringToCoTaskMemUTF8(function);
        try { Assert.Equal(0, ((delegate* unmanaged[Stdcall]<nint, uint, int>)Export("HcsimSetLatency"))(name, milliseconds)); }
        finally { Marshal.FreeCoTaskMem(name); }
    }

    public static LiveObjects Live()
    {
        LiveObjects counts = default;
        counts.StructSize = (uint)sizeof(LiveObjects);
        Assert.Equal(0, ((delegate* unmanaged[Stdcall]<LiveObjects*, int>)Export("HcsimGetLiveObjects"))(&counts));
        return counts;
    }
}

/// <summary>Every test class derives from this: hcsim's defaults at the start; at the end (Dispose) every
/// SafeHandle the test dropped is finalized and zlhcs's counters and hcsim's live objects are zero.</summary>
public abstract class HcsimTest : IDisposable
{
    public const string Owner = "zlhcs-dotnet-tests";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30); // a bound against hangs, not a timing assertion
    private static int _next;

    protected HcsimTest()
    {
        Hcsim.SetBehavior(0);
        Hcsim.Reset();
    }

    public static string UniqueId(string name) => $"zlhcs-dotnet-{name}-{Environment.ProcessId}-{Interlocked.Increment(ref _next)}";

    public static global::Zlhcs.Schema.ComputeSystem Container() => new()
    {
        Owner = Owner,
        SchemaVersion = new global::Zlhcs.Schema.Version { Major = 2, Minor = 1 },
        ShouldTerminateOnLastHandleClosed = true,
        Container = new global::Zlhcs.Schema.Container(),
    };

    public static ComputeSystem Running(string name)
    {
        var system = ComputeSystem.Create(UniqueId(name), Container(), Timeout);
        system.Start(null, Timeout);
        return system;
    }

    /// <summary>Waits (bounded) until nothing is left: releases and completions finish on other threads a
    /// moment after the last close, and dropped SafeHandles need the finalizer.</summary>
    public static void AssertNoLeaks()
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            DebugCounts counts = ZlhcsLibrary.GetDebugCounts();
            Hcsim.LiveObjects live = Hcsim.Live();
            if (counts.IsClear && live.IsClear) return;
            if (DateTime.UtcNow >= deadline) Assert.Fail($"leaked: zlhcs {counts}; hcsim {live}");
            Thread.Sleep(2);
        }
    }

    public void Dispose()
    {
        Hcsim.SetBehavior(0);
        AssertNoLeaks();
        Hcsim.Reset();
        GC.SuppressFinalize(this);
    }
}
