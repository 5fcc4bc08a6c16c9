using System.Collections.Generic;
using System.Text.Json;

namespace Zlhcs.Schema;

/// <summary>
/// A schema struct: every record of <c>Zlhcs.Schema</c> generated from the HCS JSON schema
/// (scripts/generate_schema.py). It names the type to the DLL (to validate a document against
/// it, say) and holds the fields the schema does not know.
/// </summary>
/// <remarks>
/// <para>Every field is a nullable property, <c>null</c> when absent: the schema requires none
/// (zlhcs's own few rules are checked by the DLL's validator, and their fields say "required by
/// zlhcs"). A null property is not written, never as <c>null</c>. Properties are written in
/// schema order under the exact wire names, then the unknown fields.</para>
/// <para>Records compare by value, but a list, a dictionary or a <see cref="JsonElement"/> in
/// them compares by reference: compare two documents by their JSON.</para>
/// </remarks>
public interface ISchemaType
{
    /// <summary>The schema's name of the type (<c>"Container_Processor"</c> for
    /// <c>ContainerProcessor</c>): the name the DLL's validator knows it by.</summary>
    static abstract string SchemaName { get; }

    /// <summary>The schema version that introduced the type (<c>"2.1"</c>): that of its oldest
    /// field (the schema data dates fields, not types).</summary>
    static abstract string Since { get; }

    /// <summary>The fields of this value the schema does not know, as received (or set), written
    /// back after the known ones; <c>null</c> when there are none. A key that is a known field's
    /// wire name would be written twice: set the property instead.</summary>
    Dictionary<string, JsonElement>? UnknownFields { get; set; }
}
