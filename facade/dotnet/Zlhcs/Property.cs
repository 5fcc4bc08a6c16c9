using System;
using System.Text.Json;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>Typed properties: the query that asks for one, and where it is in HCS's Properties answer.</summary>
internal static class Property
{
    internal static string Query(string propertyType) => "{\"PropertyTypes\":[\"" + propertyType + "\"]}";

    /// <summary>Reads HCS's answer as Properties and takes one property from it. An answer that is not
    /// Properties is ZLHCS_HCS_E_INVALID_JSON; a missing property ZLHCS_E_NOT_SUPPORTED; both carry the answer.</summary>
    internal static T Read<T>(string? document, string name, Func<Properties, T?> take) where T : class
    {
        const string function = "HcsGetComputeSystemProperties";
        Properties? properties;
        try
        {
            properties = SchemaJson.Deserialize<Properties>(document ?? "");
        }
        catch (JsonException error)
        {
            throw ZlhcsException.Local(NativeMethods.ZLHCS_HCS_E_INVALID_JSON,
                "HCS's properties answer does not read as Properties: " + error.Message, function, document);
        }
        return (properties is null ? null : take(properties)) ?? throw ZlhcsException.Local(NativeMethods.ZLHCS_E_NOT_SUPPORTED,
            $"HCS answered the {name} query without {name}", function, document);
    }

    /// <summary>A document as T, or null if it does not read as one.</summary>
    internal static T? TryRead<T>(string document) where T : class, ISchemaType
    {
        try { return SchemaJson.Deserialize<T>(document); }
        catch (JsonException) { return null; }
    }
}
