using System;
using System.Threading;
using System.Threading.Tasks;
using Zlhcs.Native;

namespace Zlhcs;

/// <summary>The synchronous shape every blocking call shares: a status and an optional document.</summary>
internal static unsafe class Calls
{
    internal delegate int DocumentCall(byte** document);

    /// <summary>Runs a call that hands out a document; throws its failure (with the document) at once, on this
    /// thread. Returns the status (S_OK or S_FALSE) and the document.</summary>
    internal static (int Status, string? Document) WithDocument(string function, DocumentCall call)
    {
        byte* document = null;
        int status = call(&document);
        string? text = Strings.Take(document);
        if (status < 0) throw ZlhcsException.Last(status, function, text);
        return (status, text);
    }

    internal unsafe delegate int AsyncCall(ulong handle, string? argument, delegate* unmanaged[Stdcall]<ulong, int, void*, void> cb,
        void* ctx, delegate* unmanaged[Stdcall]<void*, void> rel, ulong* op);

    /// <summary>Starts the `_async` call of <paramref name="handle"/> with an optional document (null, ""
    /// and blanks are none); a failure to start throws here, the operation's result comes in the Task.</summary>
    internal static unsafe Task<string?> RunAsync(string function, ZlhcsSafeHandle handle, AsyncCall call, string? argument,
        CancellationToken cancellationToken)
    {
        Strings.CheckNul(argument, function, "options");
        string? text = Strings.Optional(argument);
        ulong value = handle.Value;
        Operation operation = Operation.Start(function, (cb, ctx, rel, op) => call(value, text, cb, ctx, rel, op));
        GC.KeepAlive(handle);
        return operation.ResultAsync(function, cancellationToken);
    }

    /// <summary>Runs a call without a document; throws its failure at once.</summary>
    internal static int Check(string function, int status)
    {
        if (status < 0) throw ZlhcsException.Last(status, function, null);
        return status;
    }
}
