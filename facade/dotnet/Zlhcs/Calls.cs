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

    /// <summary>Runs a call without a document; throws its failure at once.</summary>
    internal static int Check(string function, int status)
    {
        if (status < 0) throw ZlhcsException.Last(status, function, null);
        return status;
    }
}
