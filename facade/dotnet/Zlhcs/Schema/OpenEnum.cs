using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Zlhcs.Schema;

/// <summary>
/// A schema enum, open: HCS is newer than any schema and may send a value this one does not
/// know, which is kept as received and written back unchanged.
/// </summary>
/// <remarks>
/// <para>Each enum is a <c>readonly struct</c> around the wire string, with a static property
/// per known value (<c>State.Running</c>), the "extensible enum" pattern of the Azure SDK. A
/// value is made from any string (<c>State s = "Running";</c>, <c>new State("Running")</c>);
/// equality compares the wire value, ordinal and case-sensitive. There is no
/// "unrecognized" member: several schema enums, such as <c>State</c>, have a value
/// <c>"Unknown"</c> of their own; <see cref="IsKnown"/> tells a value the schema knows.</para>
/// <para>In JSON a value is a string; anything else is a <see cref="JsonException"/>. A
/// <c>default</c> value has the wire value <c>""</c>.</para>
/// </remarks>
/// <typeparam name="TSelf">The enum itself.</typeparam>
public interface IOpenEnum<TSelf> : IEquatable<TSelf>, IEqualityOperators<TSelf, TSelf, bool>
    where TSelf : struct, IOpenEnum<TSelf>
{
    /// <summary>The schema's name of the enum.</summary>
    static abstract string SchemaName { get; }

    /// <summary>The schema version that introduced the enum (that of its oldest value).</summary>
    static abstract string Since { get; }

    /// <summary>Every value the schema knows, in schema order, as spelt on the wire.</summary>
    static abstract IReadOnlyList<string> Values { get; }

    /// <summary>The value spelt <paramref name="value"/> (exact, case-sensitive), known or not.</summary>
    static abstract TSelf FromWire(string value);

    /// <summary>Whether the schema knows this value.</summary>
    bool IsKnown { get; }

    /// <summary>The schema version that introduced this value; <c>null</c> if the schema does
    /// not know it.</summary>
    string? KnownSince { get; }
}

/// <summary>Reads and writes any open enum as a JSON string (also as a dictionary key).</summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class OpenEnumConverter<T> : JsonConverter<T>
    where T : struct, IOpenEnum<T>
{
    /// <inheritdoc/>
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a {T.SchemaName} value is a JSON string, not {reader.TokenType}");
        }
        return T.FromWire(reader.GetString()!);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        writer.WriteStringValue(value.ToString());
    }

    /// <inheritdoc/>
    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return T.FromWire(reader.GetString()!);
    }

    /// <inheritdoc/>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        writer.WritePropertyName(value.ToString()!);
    }
}

/// <summary>What the generated open enums share, written once.</summary>
internal static class OpenEnum
{
    /// <summary>A wire value, refusing null.</summary>
    internal static string Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value;
    }

    /// <summary>The version that introduced <paramref name="value"/>, from the tables of an
    /// enum; null if it is not one of <paramref name="values"/>.</summary>
    internal static string? SinceOf(ReadOnlyCollection<string> values, string[] since, string value)
    {
        int index = values.IndexOf(value);
        return index < 0 ? null : since[index];
    }
}
