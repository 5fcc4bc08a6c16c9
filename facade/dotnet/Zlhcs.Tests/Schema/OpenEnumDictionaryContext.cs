using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Zlhcs.Tests;

// Inside the namespace, so that the schema's names come before those of namespace Zlhcs (its
// ComputeSystem class) and of the usings above (System.Version).
using Zlhcs.Schema;

/// <summary>An open enum as a dictionary key: OpenEnumConverter writes it as a property name.</summary>
[JsonSerializable(typeof(Dictionary<State, int>))]
internal sealed partial class OpenEnumDictionaryContext : JsonSerializerContext
{
}
