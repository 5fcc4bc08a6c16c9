using System;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Zlhcs.Schema;

/// <summary>
/// Reads and writes schema documents through <see cref="SchemaJsonContext"/>, the
/// source-generated metadata: no reflection, so it works trimmed and under Native AOT.
/// </summary>
/// <remarks>
/// Writing leaves out null properties and keeps the unknown fields. Reading keeps what the
/// schema does not know (fields in <see cref="ISchemaType.UnknownFields"/>, enum values in the
/// open enum), reads a name given twice as its last value, and throws
/// <see cref="JsonException"/> for a value of the wrong JSON type (<c>"Count":"two"</c>),
/// naming its path; the DLL's validator reports every problem of a document instead.
/// </remarks>
public static class SchemaJson
{
    /// <summary>A schema document as compact JSON text.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public static string Serialize<T>(T value)
        where T : ISchemaType
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.Serialize(value, TypeInfo<T>());
    }

    /// <summary>Reads a document of type <typeparamref name="T"/>: a schema struct or enum, or
    /// another type <see cref="SchemaJsonContext"/> knows (a list of <c>Properties</c> or of
    /// <c>ProcessDetails</c>).</summary>
    /// <exception cref="JsonException">The text is not JSON, is <c>null</c>, or does not fit
    /// <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="SchemaJsonContext"/> does not know
    /// <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, TypeInfo<T>()) ?? throw NullDocument<T>();
    }

    /// <summary>Reads a document of type <typeparamref name="T"/> from UTF-8 JSON.</summary>
    /// <exception cref="JsonException">The text is not JSON, is <c>null</c>, or does not fit
    /// <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="SchemaJsonContext"/> does not know
    /// <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json)
    {
        return JsonSerializer.Deserialize(utf8Json, TypeInfo<T>()) ?? throw NullDocument<T>();
    }

    /// <summary>Reads a JSON value as a document of type <typeparamref name="T"/>: a field of
    /// schema type <c>Any</c> (<c>ComputeSystem.HostedSystem</c>), an unknown field.</summary>
    /// <exception cref="JsonException">The value is <c>null</c> or does not fit
    /// <typeparamref name="T"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="SchemaJsonContext"/> does not know
    /// <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(JsonElement element)
    {
        return element.Deserialize(TypeInfo<T>()) ?? throw NullDocument<T>();
    }

    /// <summary>The source-generated metadata of <typeparamref name="T"/>, for
    /// <see cref="JsonSerializer"/>'s overloads that take one (streams, writers, other types
    /// than schema structs).</summary>
    /// <exception cref="NotSupportedException"><see cref="SchemaJsonContext"/> does not know
    /// <typeparamref name="T"/>.</exception>
    public static JsonTypeInfo<T> TypeInfo<T>()
    {
        return SchemaJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
            ?? throw new NotSupportedException($"SchemaJsonContext does not know {typeof(T)}");
    }

    private static JsonException NullDocument<T>()
    {
        return new JsonException($"the document is null, not a {typeof(T).Name}");
    }
}
