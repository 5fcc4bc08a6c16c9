using System;
using System.Text.Json;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>Memory figures of one Statistics sample (levels now).</summary>
public readonly record struct MemoryUsage(ulong CommitBytes, ulong CommitPeakBytes, ulong PrivateWorkingSetBytes);

/// <summary>
/// Usage between two Statistics samples, as the C++ facade's statistics.hpp computes it. HCS computes
/// statistics when asked (each query is a call into the service, and for a VM into the guest): sample at most
/// about once a second per system (every 10-15 s is the usual cadence). Processor and storage counters are
/// cumulative since the start, so a rate needs two samples of the same system; over very short intervals
/// the result is noisy. A system that restarted (counters went back) gives no rate. Never throws.
/// </summary>
public static class StatisticsMath
{
    /// <summary>HCS's DateTime, strictly as HCS writes it ("YYYY-MM-DDTHH:MM:SS.fffffffZ", UTC, 7 digits);
    /// anything else is null.</summary>
    public static DateTime? ParseHcsTimestamp(string? text)
    {
        if (text is null || text.Length != 28) return null;
        if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != '.' || text[27] != 'Z')
            return null;
        int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2), hour = Digits(text, 11, 2),
            minute = Digits(text, 14, 2), second = Digits(text, 17, 2), fraction = Digits(text, 20, 7);
        if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
            second < 0 || second > 59 || fraction < 0 || day > DateTime.DaysInMonth(year, month))
            return null;
        return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
    }

    private static int Digits(string text, int at, int count)
    {
        int value = 0;
        for (int i = at; i < at + count; i++)
        {
            if (text[i] < '0' || text[i] > '9') return -1;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    }

    private static ulong? Delta(ulong? earlier, ulong? later) =>
        earlier is null || later is null || later < earlier ? null : later - earlier;

    /// <summary>The time between two samples: their Timestamps, else their uptimes; null if time did not
    /// advance or the figures are missing.</summary>
    public static TimeSpan? Elapsed(Statistics earlier, Statistics later)
    {
        DateTime? from = ParseHcsTimestamp(earlier.Timestamp), to = ParseHcsTimestamp(later.Timestamp);
        if (from is not null && to is not null) return to > from ? to - from : null;
        ulong? running = Delta(earlier.Uptime100ns, later.Uptime100ns);
        if (running is null || running == 0 || running > long.MaxValue) return null;
        return TimeSpan.FromTicks((long)running.Value);
    }

    /// <summary>The share of <paramref name="processors"/> processors used between the samples (0.25: a
    /// quarter of them), or null.</summary>
    public static double? CpuUsage(Statistics earlier, Statistics later, uint processors)
    {
        if (processors == 0) return null;
        ulong? used = Delta(earlier.Processor?.TotalRuntime100ns, later.Processor?.TotalRuntime100ns);
        TimeSpan? time = Elapsed(earlier, later);
        if (used is null || time is null) return null;
        return used.Value / ((double)time.Value.Ticks * processors);
    }

    /// <summary>The memory figures of a sample (zero where missing).</summary>
    public static MemoryUsage MemoryOf(Statistics sample) => new(
        sample.Memory?.MemoryUsageCommitBytes ?? 0, sample.Memory?.MemoryUsageCommitPeakBytes ?? 0,
        sample.Memory?.MemoryUsagePrivateWorkingSetBytes ?? 0);

    /// <summary>How many processors a system created from <paramref name="configuration"/> has: a VM's
    /// topology count (1 if unset), a container's Processor.Count (else the host's), a hosted container's.</summary>
    public static uint ProcessorCount(Schema.ComputeSystem configuration)
    {
        static bool Positive(uint? count) => count is > 0;
        if (configuration.VirtualMachine is { } vm)
        {
            uint? count = vm.ComputeTopology?.Processor?.Count;
            return Positive(count) ? count!.Value : 1;
        }
        if (configuration.Container is { } container)
        {
            uint? count = container.Processor?.Count;
            return Positive(count) ? count!.Value : HostProcessorCount();
        }
        if (configuration.HostedSystem is JsonElement hosted)
        {
            try
            {
                uint? count = SchemaJson.Deserialize<HostedSystem>(hosted.GetRawText())?.Container?.Processor?.Count;
                if (Positive(count)) return count!.Value;
            }
            catch (JsonException)
            {
                // not a HostedSystem: no count from it
            }
        }
        return HostProcessorCount();
    }

    /// <summary>The host's processor count (at least 1).</summary>
    public static uint HostProcessorCount() => (uint)Math.Max(1, Environment.ProcessorCount);
}
