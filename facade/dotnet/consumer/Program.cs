// A short scenario as a user of the Zlhcs package writes it: a container on the default backend (hcsim
// beside libzlhcs.so on Linux), a process whose output and exit code are read, the exit event, and the
// leak counters at zero. Exits non-zero on any mismatch.
using System;
using System.IO;
using System.Threading.Tasks;
using Zlhcs;

internal static class Program
{
    private static async Task<int> Main()
    {
        Console.WriteLine($"zlhcs {ZlhcsLibrary.Version}");
        using (var system = await ComputeSystem.CreateAsync("zlhcs-dotnet-consumer", new Zlhcs.Schema.ComputeSystem
        {
            Owner = "zlhcs-dotnet-consumer",
            SchemaVersion = new Zlhcs.Schema.Version { Major = 2, Minor = 1 },
            ShouldTerminateOnLastHandleClosed = true,
            Container = new Zlhcs.Schema.Container(),
        }))
        {
            EventStream events = system.Events(EventMask.SystemExited);
            await system.StartAsync();
            using var child = await ComputeProcess.CreateAsync(system, new Zlhcs.Schema.ProcessParameters
            {
                CommandLine = "cmd /c echo hello from the package",
                CreateStdOutPipe = true,
            });
            string output = await new StreamReader(child.StandardOutput).ReadToEndAsync();
            uint code = await child.WaitForExitAsync();
            Zlhcs.Schema.Statistics stats = await system.GetStatisticsAsync();
            await system.ShutdownAsync();
            HcsEvent? exit = null;
            await foreach (HcsEvent e in events) exit = e;
            Console.WriteLine($"output {output.Trim()}, exit code {code}, uptime {stats.Uptime100ns}, exit {exit?.SystemExitStatus?.ExitType}");
            if (output != "hello from the package\r\n" || code != 0 || exit?.Kind != HcsEventKind.SystemExited) return 1;
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < 5000 && !ZlhcsLibrary.GetDebugCounts().IsClear; i++) await Task.Delay(2);
        DebugCounts counts = ZlhcsLibrary.GetDebugCounts();
        Console.WriteLine($"counts {counts}");
        return counts.IsClear ? 0 : 2;
    }
}
