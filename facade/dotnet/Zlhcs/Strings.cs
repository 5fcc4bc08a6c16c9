using System.Runtime.InteropServices;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>UTF-8 strings coming out of zlhcs.</summary>
internal static unsafe class Strings
{
    /// <summary>A borrowed string (a struct member), copied; null for NULL.</summary>
    internal static string? From(byte* text) => text == null ? null : Marshal.PtrToStringUTF8((nint)text);

    /// <summary>A string zlhcs handed out (own=free): copied, then freed with zlhcs_free.</summary>
    internal static string? Take(byte* text)
    {
        if (text == null) return null;
        try { return Marshal.PtrToStringUTF8((nint)text); }
        finally { NativeMethods.zlhcs_free(text); }
    }

    /// <summary>An optional document: null, "" and blanks reach zlhcs as NULL (HCS's callers pass "").</summary>
    internal static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>A string .NET cannot pass as NUL-terminated UTF-8 (an embedded NUL) is refused up front.</summary>
    internal static string Required(string? text, string function, string parameter)
    {
        if (text is null) throw ZlhcsException.Local(NativeMethods.ZLHCS_E_INVALID_ARGUMENT, $"{function}: {parameter} must not be null", function);
        CheckNul(text, function, parameter);
        return text;
    }

    internal static void CheckNul(string? text, string function, string parameter)
    {
        if (text is not null && text.IndexOf('\0') >= 0)
            throw ZlhcsException.Local(NativeMethods.ZLHCS_E_INVALID_ARGUMENT, $"{function}: {parameter} contains a NUL character", function);
    }

    /// <summary>milliseconds for zlhcs: infinite for Timeout.InfiniteTimeSpan, else rounded up, below INFINITE.</summary>
    internal static uint TimeoutMs(System.TimeSpan timeout)
    {
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan) return NativeMethods.ZLHCS_INFINITE;
        if (timeout < System.TimeSpan.Zero) throw new System.ArgumentOutOfRangeException(nameof(timeout));
        double ms = System.Math.Ceiling(timeout.TotalMilliseconds);
        return ms >= NativeMethods.ZLHCS_INFINITE ? NativeMethods.ZLHCS_INFINITE - 1 : (uint)ms;
    }
}
