using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Zlhcs.Tests;

// Inside the namespace, so that the schema's names come before those of namespace Zlhcs (its
// ComputeSystem class) and of the usings above (System.Version).
using Zlhcs.Schema;

/// <summary>The checks of SchemaRoundTripTests.g.cs (generated): one generic method per kind of
/// schema type, called once per type from its table.</summary>
internal static class RoundTripChecks
{
    /// <summary>A field no schema version has, with nested content and an integer only a
    /// uint64 holds.</summary>
    private const string FutureValue = """{"Deep":[1,{"Null":null}],"Big":18446744073709551615}""";

    /// <summary>The sample (every field set, integers at their extremes) reads with no unknown
    /// field, writes back the same JSON value, and reads back writing the same text; a field
    /// the schema does not know is kept and written back; the type knows its schema name.</summary>
    public static void Struct<T>(string name, string sample)
        where T : ISchemaType
    {
        Assert.Equal(name, T.SchemaName);
        Assert.Matches(@"^2\.[0-9]+$", T.Since);

        T parsed = SchemaJson.Deserialize<T>(sample);
        Assert.True(parsed.UnknownFields is null, $"fields not known: {string.Join(", ", parsed.UnknownFields?.Keys ?? (IEnumerable<string>)[])}");
        string written = SchemaJson.Serialize(parsed);
        AssertSameJson(sample, written);
        Assert.Equal(written, SchemaJson.Serialize(SchemaJson.Deserialize<T>(written)));
        using (JsonDocument document = JsonDocument.Parse(sample))
        {
            Assert.Equal(written, SchemaJson.Serialize(SchemaJson.Deserialize<T>(document.RootElement)));
        }

        string more = sample == "{}"
            ? "{\"ZlhcsFutureField\":" + FutureValue + "}"
            : sample[..^1] + ",\"ZlhcsFutureField\":" + FutureValue + "}";
        T withFuture = SchemaJson.Deserialize<T>(more);
        Dictionary<string, JsonElement> unknown = Assert.IsType<Dictionary<string, JsonElement>>(withFuture.UnknownFields);
        KeyValuePair<string, JsonElement> field = Assert.Single(unknown);
        Assert.Equal("ZlhcsFutureField", field.Key);
        AssertSameJson(FutureValue, field.Value.GetRawText());
        Assert.Equal("18446744073709551615", field.Value.GetProperty("Big").GetRawText());
        AssertSameJson(more, SchemaJson.Serialize(withFuture));
        withFuture.UnknownFields = null;
        Assert.Equal(written, SchemaJson.Serialize(withFuture));
    }

    /// <summary>The enum knows the schema's values; every one reads known, writes back its name
    /// and has a version; "FutureValue" is kept and written back; a number is an error.</summary>
    public static void Enum<TEnum>(string name, string[] values)
        where TEnum : struct, IOpenEnum<TEnum>
    {
        Assert.Equal(name, TEnum.SchemaName);
        Assert.Matches(@"^2\.[0-9]+$", TEnum.Since);
        Assert.Equal(values, TEnum.Values);
        foreach (string wire in values)
        {
            string json = "\"" + wire + "\"";
            TEnum parsed = SchemaJson.Deserialize<TEnum>(json);
            Assert.True(parsed.IsKnown, wire);
            Assert.Equal(wire, parsed.ToString());
            Assert.NotNull(parsed.KnownSince);
            Assert.True(parsed == TEnum.FromWire(wire), wire);
            Assert.Equal(TEnum.FromWire(wire).GetHashCode(), parsed.GetHashCode());
            Assert.Equal(json, JsonSerializer.Serialize(parsed, SchemaJson.TypeInfo<TEnum>()));
        }

        TEnum future = SchemaJson.Deserialize<TEnum>("\"FutureValue\"");
        Assert.False(future.IsKnown);
        Assert.Null(future.KnownSince);
        Assert.Equal("FutureValue", future.ToString());
        Assert.True(future != TEnum.FromWire(values[0]));
        Assert.Equal("\"FutureValue\"", JsonSerializer.Serialize(future, SchemaJson.TypeInfo<TEnum>()));

        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<TEnum>("7"));
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<TEnum>("null"));
        Assert.False(default(TEnum).IsKnown);
        Assert.Equal("", default(TEnum).ToString());
    }

    /// <summary>Both texts are the same JSON value (objects compared by their members).</summary>
    public static void AssertSameJson(string expected, string actual)
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nwritten  {actual}");
    }
}
