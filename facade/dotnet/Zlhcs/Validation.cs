using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using Zlhcs.Native;
using Zlhcs.Schema;

namespace Zlhcs;

/// <summary>zlhcs's validation report (zlhcs.h, "Schema validation"); unknown members are kept.</summary>
public sealed record ValidationReport
{
    /// <summary>The schema type validated against.</summary>
    [JsonPropertyName("Type")] public string TypeName { get; init; } = "";
    /// <summary>The schema version in force ("2.1"), or null.</summary>
    [JsonPropertyName("SchemaVersion")] public string? SchemaVersion { get; init; }
    /// <summary>"caller", "document" or "none".</summary>
    [JsonPropertyName("SchemaVersionFrom")] public string? SchemaVersionFrom { get; init; }
    /// <summary>Why no version checks were made, when none were.</summary>
    [JsonPropertyName("Note")] public string? Note { get; init; }
    /// <summary>True if there is no error.</summary>
    [JsonPropertyName("Valid")] public bool Valid { get; init; }
    /// <summary>How many errors were found (all of them, also past the listed ones).</summary>
    [JsonPropertyName("Errors")] public ulong Errors { get; init; }
    /// <summary>How many warnings were found.</summary>
    [JsonPropertyName("Warnings")] public ulong Warnings { get; init; }
    /// <summary>The problems, in document order.</summary>
    [JsonPropertyName("Problems")] public List<ValidationProblem> Problems { get; init; } = new();
    /// <summary>More problems were found than listed.</summary>
    [JsonPropertyName("Truncated")] public bool Truncated { get; init; }
    /// <summary>Members this version does not know, kept.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? UnknownFields { get; set; }
}

/// <summary>One problem of a document.</summary>
public sealed record ValidationProblem
{
    /// <summary>A JSON pointer ("/Container/Storage/Layers/0/Path").</summary>
    [JsonPropertyName("Path")] public string Path { get; init; } = "";
    /// <summary>"error" or "warning".</summary>
    [JsonPropertyName("Severity")] public string Severity { get; init; } = "";
    /// <summary>The rule: json, type, range, length, format, enum, required, any-of, unknown-field, since, version, depth, duplicate (more may come).</summary>
    [JsonPropertyName("Rule")] public string Rule { get; init; } = "";
    /// <summary>What is wrong.</summary>
    [JsonPropertyName("Message")] public string Message { get; init; } = "";
    /// <summary>What was expected: a type name or the allowed values.</summary>
    [JsonPropertyName("Expected")] public JsonElement? Expected { get; init; }
    /// <summary>What was found.</summary>
    [JsonPropertyName("Actual")] public string? Actual { get; init; }
    /// <summary>The nearest known field or value ("did you mean").</summary>
    [JsonPropertyName("Suggestion")] public string? Suggestion { get; init; }
    /// <summary>The schema version that introduced the field or value.</summary>
    [JsonPropertyName("Since")] public string? Since { get; init; }
    /// <summary>Members this version does not know, kept.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? UnknownFields { get; set; }
    /// <summary>An error, not a warning.</summary>
    public bool IsError => Severity == "error";
}

[JsonSerializable(typeof(ValidationReport))]
internal sealed partial class ValidationJsonContext : JsonSerializerContext { }

/// <summary>Schema validation through the DLL (never calls HCS).</summary>
public static unsafe class SchemaValidator
{
    /// <summary>Validates <paramref name="document"/> as the schema struct <paramref name="typeName"/>
    /// ("ComputeSystem", ...). Returns the report whether or not the document is valid; throws only when
    /// nothing could be validated (an unknown type name: the message names the nearest one).</summary>
    public static ValidationReport Validate(string typeName, string document)
    {
        const string function = "zlhcs_schema_validate";
        string type = Strings.Required(typeName, function, nameof(typeName));
        string text = Strings.Required(document, function, nameof(document));
        byte* report = null;
        int status = NativeMethods.zlhcs_schema_validate(type, text, null, &report);
        string? answer = Strings.Take(report);
        if (answer is null || (status < 0 && status != NativeMethods.ZLHCS_E_SCHEMA_INVALID))
            throw ZlhcsException.Last(status, function, answer);
        try
        {
            return JsonSerializer.Deserialize(answer, ValidationJsonContext.Default.ValidationReport)!;
        }
        catch (JsonException error)
        {
            throw ZlhcsException.Local(NativeMethods.ZLHCS_E_INTERNAL, "zlhcs's validation report does not read: " + error.Message, function, answer);
        }
    }

    /// <summary>Validates a typed value as its own schema type.</summary>
    public static ValidationReport Validate<T>(T value) where T : ISchemaType =>
        Validate(T.SchemaName, SchemaJson.Serialize(value));
}
