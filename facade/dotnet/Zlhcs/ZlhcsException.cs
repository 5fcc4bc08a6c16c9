using System;
using System.Collections.Generic;
using System.Text.Json;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>What kind of failure a code is (zlhcs_error_category).</summary>
public enum ErrorCategory
{
    /// <summary>No failure.</summary>
    None = 0,
    /// <summary>The system, process or file does not exist (or is gone).</summary>
    NotFound = 1,
    /// <summary>Access denied.</summary>
    AccessDenied = 2,
    /// <summary>A document is not valid JSON or not what HCS takes.</summary>
    InvalidJson = 3,
    /// <summary>The object's state forbids the call.</summary>
    InvalidState = 4,
    /// <summary>A system with that id exists.</summary>
    AlreadyExists = 5,
    /// <summary>The system or process has stopped already.</summary>
    AlreadyStopped = 6,
    /// <summary>The wait ended before the work (which goes on).</summary>
    Timeout = 7,
    /// <summary>The work has not completed.</summary>
    Pending = 8,
    /// <summary>The work was cancelled.</summary>
    Cancelled = 9,
    /// <summary>The HCS service is unavailable or disconnected.</summary>
    ServiceUnavailable = 10,
    /// <summary>The backend or the system does not support the call.</summary>
    NotSupported = 11,
    /// <summary>An argument is invalid.</summary>
    InvalidArgument = 12,
    /// <summary>A handle is closed, stale or of the wrong kind.</summary>
    InvalidHandle = 13,
    /// <summary>Anything else.</summary>
    Other = 14,
    /// <summary>The system or process was terminated.</summary>
    Terminated = 15,
}

/// <summary>
/// A failure of zlhcs or of HCS: the HRESULT (<see cref="Exception.HResult"/>), its category, zlhcs's
/// message, the HCS function that failed and HCS's error document. Everything is captured in the same
/// native call sequence as the failure (the thread's last error read right after the failing call, before
/// any <c>await</c>; or the operation's own error, valid on any thread), never from a later call.
/// </summary>
public sealed class ZlhcsException : Exception
{
    /// <summary>The code's primary category.</summary>
    public ErrorCategory Category { get; }
    /// <summary>The failing function: the HCS entry point when HCS refused, else the zlhcs function.</summary>
    public string? Function { get; }
    /// <summary>HCS's error document (ResultError JSON), or zlhcs's validation report; null if none.</summary>
    public string? Document { get; }

    internal ZlhcsException(int code, ErrorCategory category, string message, string? function, string? document)
        : base(message)
    {
        HResult = code;
        Category = category;
        Function = string.IsNullOrEmpty(function) ? null : function;
        Document = string.IsNullOrEmpty(document) ? null : document;
    }

    /// <summary>The error document as the typed ResultError, when there is one and it reads as one.</summary>
    public Schema.ResultError? ResultError
    {
        get
        {
            if (Document is null) return null;
            try { return Schema.SchemaJson.Deserialize<Schema.ResultError>(Document); }
            catch (JsonException) { return null; }
        }
    }

    /// <summary>HCS's ErrorEvents (the detail behind "the parameter is incorrect"); empty if none.</summary>
    public IReadOnlyList<Schema.ErrorEvent> ErrorEvents =>
        (IReadOnlyList<Schema.ErrorEvent>?)ResultError?.ErrorEvents ?? Array.Empty<Schema.ErrorEvent>();

    /// <summary>Whether the code belongs to <paramref name="category"/>: a code can be in several (zlhcs
    /// follows hcsshim's predicates), so test with this rather than comparing <see cref="Category"/>.</summary>
    public bool Is(ErrorCategory category) => NativeMethods.zlhcs_error_matches(HResult, (uint)category) == 0;

    /// <summary>The failure of the zlhcs call that just returned <paramref name="code"/> on this thread.</summary>
    internal static unsafe ZlhcsException Last(int code, string function, string? document)
    {
        zlhcs_error raw = default;
        raw.struct_size = (uint)sizeof(zlhcs_error);
        if (NativeMethods.zlhcs_last_error(&raw) == 0 && raw.code == code)
        {
            string? rawDocument = Strings.From(raw.result_document);
            return new ZlhcsException(code, (ErrorCategory)raw.category, Strings.From(raw.message) ?? function,
                Strings.From(raw.function), string.IsNullOrEmpty(rawDocument) ? document : rawDocument);
        }
        return new ZlhcsException(code, CategoryOf(code), function + " failed: " + Describe(code), function, document);
    }

    /// <summary>The failure of a completed operation (zlhcs_operation_error: any thread).</summary>
    internal static unsafe ZlhcsException OfOperation(ulong operation, int code, string function)
    {
        zlhcs_error raw = default;
        raw.struct_size = (uint)sizeof(zlhcs_error);
        if (NativeMethods.zlhcs_operation_error(operation, &raw) == 0 && raw.code == code)
        {
            return new ZlhcsException(code, (ErrorCategory)raw.category, Strings.From(raw.message) ?? function,
                Strings.From(raw.function), Strings.From(raw.result_document));
        }
        return new ZlhcsException(code, CategoryOf(code), function + " failed: " + Describe(code), function, null);
    }

    /// <summary>An error this library detects itself (nothing reached zlhcs).</summary>
    internal static ZlhcsException Local(int code, string message, string function, string? document = null) =>
        new(code, CategoryOf(code), message, function, document);

    /// <summary>The category of any code.</summary>
    public static unsafe ErrorCategory CategoryOf(int code)
    {
        uint category;
        return NativeMethods.zlhcs_error_category_of(code, &category) < 0 ? ErrorCategory.Other : (ErrorCategory)category;
    }

    /// <summary>zlhcs's text for a code, or its hex.</summary>
    public static unsafe string Describe(int code)
    {
        byte* text = null;
        if (NativeMethods.zlhcs_error_describe(code, &text) >= 0 && text != null)
        {
            return Strings.Take(text) ?? "";
        }
        return "0x" + code.ToString("X8");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().FullName}: {Message} (0x{HResult:X8})" +
        (Function is null ? "" : $" in {Function}") + (Document is null ? "" : $"\n{Document}") +
        (StackTrace is null ? "" : "\n" + StackTrace);
}
