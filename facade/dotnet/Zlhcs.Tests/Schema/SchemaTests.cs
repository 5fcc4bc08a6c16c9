using System;
using System.Collections.Generic;
using System.Text.Json;
using Xunit;

namespace Zlhcs.Tests;

// Inside the namespace, so that the schema's names come before those of namespace Zlhcs (its
// ComputeSystem class) and of the usings above (System.Version).
using Zlhcs.Schema;

/// <summary>The schema types as a caller uses them: built with object initializers, read as HCS
/// sends them, with what this schema does not know kept.</summary>
public sealed class SchemaTests
{
    [Fact]
    public void AContainerDocumentWritesItsWireNamesAndNoNulls()
    {
        var document = new ComputeSystem
        {
            Owner = "example",
            SchemaVersion = new Version { Major = 2, Minor = 1 },
            Container = new Container
            {
                Storage = new Storage
                {
                    Layers = [new Layer { Id = "a1b2c3d4-0000-4000-8000-000000000001", Path = @"C:\layers\base" }],
                    Path = @"\\?\Volume{0a1b2c3d-0000-4000-8000-000000000002}\",
                },
                MappedDirectories = [new MappedDirectory { HostPath = @"C:\data", ContainerPath = @"C:\data", ReadOnly = true }],
                Memory = new ContainerMemory { SizeInMB = 512 },
                Processor = new ContainerProcessor { Count = 2 },
                Networking = new Networking { AllowUnqualifiedDnsQuery = true, NetworkAdapters = [] },
            },
            ShouldTerminateOnLastHandleClosed = true,
        };

        Assert.Equal(
            """{"Owner":"example","SchemaVersion":{"Major":2,"Minor":1},"Container":{"Storage":{"Layers":[{"Id":"a1b2c3d4-0000-4000-8000-000000000001","Path":"C:\\layers\\base"}],"Path":"\\\\?\\Volume{0a1b2c3d-0000-4000-8000-000000000002}\\"},"MappedDirectories":[{"HostPath":"C:\\data","ContainerPath":"C:\\data","ReadOnly":true}],"Memory":{"SizeInMB":512},"Processor":{"Count":2},"Networking":{"AllowUnqualifiedDnsQuery":true,"NetworkAdapters":[]}},"ShouldTerminateOnLastHandleClosed":true}""",
            SchemaJson.Serialize(document));
        Assert.Equal("{}", SchemaJson.Serialize(new ComputeSystem()));
    }

    [Fact]
    public void IntegersKeepTheirExtremes()
    {
        var processor = new ContainerProcessor { Count = uint.MaxValue, Weight = long.MinValue, Maximum = long.MaxValue };
        string json = SchemaJson.Serialize(processor);
        Assert.Equal("""{"Count":4294967295,"Weight":-9223372036854775808,"Maximum":9223372036854775807}""", json);
        Assert.Equal(processor, SchemaJson.Deserialize<ContainerProcessor>(json));

        var statistics = SchemaJson.Deserialize<Statistics>("""{"Uptime100ns":18446744073709551615}""");
        Assert.Equal(ulong.MaxValue, statistics.Uptime100ns);
        Assert.Equal("""{"Uptime100ns":18446744073709551615}""", SchemaJson.Serialize(statistics));
    }

    [Fact]
    public void UnknownFieldsAndEnumValuesSurviveAtEveryDepth()
    {
        const string Sent = """
            {"Id":"demo","SystemType":"Container","State":"Hibernating","ZlhcsTop":{"List":[1,"two",null]},
             "Statistics":{"Uptime100ns":1,"Processor":{"TotalRuntime100ns":5,"ZlhcsCores":[0,1]},"ZlhcsStats":18446744073709551615},
             "ProcessList":[{"ProcessId":4,"ZlhcsCgroup":"/demo"}],
             "PropertyResponses":{"Memory":{"Response":{"Anything":true},"ZlhcsError":-1}}}
            """;
        Properties properties = SchemaJson.Deserialize<Properties>(Sent);

        Assert.Equal(SystemType.Container, properties.SystemType);
        Assert.True(properties.SystemType!.Value.IsKnown);
        State state = properties.State!.Value;
        Assert.False(state.IsKnown);
        Assert.Equal("Hibernating", state.ToString());
        Assert.NotEqual(State.Running, state);
        Assert.Equal(["ZlhcsTop"], properties.UnknownFields!.Keys);
        Assert.Equal("[1,\"two\",null]", properties.UnknownFields["ZlhcsTop"].GetProperty("List").GetRawText());
        Assert.Equal(["ZlhcsStats"], properties.Statistics!.UnknownFields!.Keys);
        Assert.Equal(["ZlhcsCores"], properties.Statistics.Processor!.UnknownFields!.Keys);
        Assert.Equal(5UL, properties.Statistics.Processor.TotalRuntime100ns);
        Assert.Equal(["ZlhcsCgroup"], properties.ProcessList![0].UnknownFields!.Keys);
        PropertyResponse response = properties.PropertyResponses!["Memory"];
        Assert.Equal(["ZlhcsError"], response.UnknownFields!.Keys);
        Assert.True(response.Response!.Value.GetProperty("Anything").GetBoolean());

        RoundTripChecks.AssertSameJson(Sent, SchemaJson.Serialize(properties));

        // A copy changed with `with` keeps them too (the same dictionaries).
        Properties renamed = properties with { Id = "renamed", State = State.Stopped };
        string written = SchemaJson.Serialize(renamed);
        RoundTripChecks.AssertSameJson(Sent.Replace("\"demo\"", "\"renamed\"").Replace("Hibernating", "Stopped"), written);
    }

    [Fact]
    public void OpenEnumsCompareTheirWireValues()
    {
        State running = "Running";
        Assert.Equal(State.Running, running);
        Assert.True(running == new State("Running"));
        Assert.True(running != State.Paused);
        Assert.True(State.Unknown.IsKnown); // a value of the schema, not "a value the schema does not know"
        Assert.Equal("2.1", State.Unknown.KnownSince);
        Assert.False(new State("running").IsKnown); // case-sensitive, as HCS
        Assert.Equal(["Created", "Running", "Paused", "Stopped", "SavedAsTemplate", "Unknown"], State.Values);
        Assert.Equal("State", State.SchemaName);
        Assert.Equal("Xsave_Opt", XsaveProcessorFeature.XsaveOpt.ToString());
        Assert.Equal("Sse4_1", ProcessorFeature.Sse4_1.ToString());
        Assert.Equal("false", ObjectDirectoryShadow.False.ToString());
        Assert.Throws<ArgumentNullException>(() => new State(null!));

        var seen = new HashSet<State> { State.Running, "Running", "Hibernating" };
        Assert.Equal(2, seen.Count);
        Assert.Equal("""{"Running":1}""", JsonSerializer.Serialize(new Dictionary<State, int> { [State.Running] = 1 }, OpenEnumDictionaryContext.Default.DictionaryStateInt32));
    }

    [Fact]
    public void AValueOfTheWrongTypeIsAJsonExceptionWithItsPath()
    {
        var top = Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ContainerProcessor>("""{"Count":"two"}"""));
        Assert.Equal("$.Count", top.Path);
        var nested = Assert.Throws<JsonException>(
            () => SchemaJson.Deserialize<ComputeSystem>("""{"Container":{"Processor":{"Count":"two"}}}"""));
        Assert.Equal("$.Container.Processor.Count", nested.Path);
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ContainerProcessor>("""{"Count":-1}"""));
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ContainerProcessor>("""{"Count":4294967296}"""));
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<Properties>("""{"State":3}"""));
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ContainerProcessor>("null"));
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ContainerProcessor>("""{"Count":1"""));
        Assert.Throws<NotSupportedException>(() => SchemaJson.TypeInfo<Uri>());
    }

    [Fact]
    public void NullReadsAsAbsentAndALaterDuplicateWins()
    {
        var processor = SchemaJson.Deserialize<ContainerProcessor>("""{"Count":null,"Weight":1,"Weight":7}""");
        Assert.Null(processor.Count);
        Assert.Equal(7L, processor.Weight);
        Assert.Equal("""{"Weight":7}""", SchemaJson.Serialize(processor));
    }

    [Fact]
    public void StatisticsAsHcsSendsThem()
    {
        Statistics statistics = SchemaJson.Deserialize<Statistics>(
            """{"Timestamp":"2024-05-01T12:00:10.0000000Z","ContainerStartTime":"2024-05-01T12:00:00.0000000Z","Uptime100ns":100000000,"Processor":{"TotalRuntime100ns":50000000,"RuntimeUser100ns":30000000,"RuntimeKernel100ns":20000000},"Memory":{"MemoryUsageCommitBytes":1048576,"MemoryUsageCommitPeakBytes":2097152,"MemoryUsagePrivateWorkingSetBytes":524288},"Storage":{"ReadCountNormalized":10,"ReadSizeBytes":4096,"WriteCountNormalized":5,"WriteSizeBytes":2048}}""");

        Assert.Equal("2024-05-01T12:00:10.0000000Z", statistics.Timestamp);
        Assert.Equal("2024-05-01T12:00:00.0000000Z", statistics.ContainerStartTime);
        Assert.Equal(100_000_000UL, statistics.Uptime100ns);
        Assert.Equal(new ProcessorStats { TotalRuntime100ns = 50_000_000, RuntimeUser100ns = 30_000_000, RuntimeKernel100ns = 20_000_000 }, statistics.Processor);
        Assert.Equal(new MemoryStats { MemoryUsageCommitBytes = 1_048_576, MemoryUsageCommitPeakBytes = 2_097_152, MemoryUsagePrivateWorkingSetBytes = 524_288 }, statistics.Memory);
        Assert.Equal(new StorageStats { ReadCountNormalized = 10, ReadSizeBytes = 4096, WriteCountNormalized = 5, WriteSizeBytes = 2048 }, statistics.Storage);
        Assert.Null(statistics.UnknownFields);
    }

    [Fact]
    public void ListsAndAnyFieldsRead()
    {
        List<Properties> systems = SchemaJson.Deserialize<List<Properties>>(
            """[{"Id":"a","State":"Running","SystemType":"Container"},{"Id":"b","State":"Stopped"}]""");
        Assert.Equal(["a", "b"], systems.ConvertAll(s => s.Id));
        Assert.Equal(State.Stopped, systems[1].State);

        List<ProcessDetails> processes = SchemaJson.Deserialize<List<ProcessDetails>>("""[{"ProcessId":4,"ImageName":"System"}]""");
        Assert.Equal(4u, processes[0].ProcessId);

        ComputeSystem system = SchemaJson.Deserialize<ComputeSystem>(
            """{"HostedSystem":{"SchemaVersion":{"Major":2,"Minor":1},"Container":{"Processor":{"Count":1}}}}""");
        HostedSystem hosted = SchemaJson.Deserialize<HostedSystem>(system.HostedSystem!.Value);
        Assert.Equal(1u, hosted.Container!.Processor!.Count);
    }

    [Fact]
    public void SelfContainingTypesNestUpToTheJsonDepthLimit()
    {
        string json = SchemaJson.Serialize(Nested(32));
        Assert.Equal(32, Depth(SchemaJson.Deserialize<ObjectDirectory>(json)));
        Assert.Throws<JsonException>(() => SchemaJson.Serialize(Nested(33)));
        string deeper = "{\"name\":\"level\",\"objdir\":[" + json + "]}";
        Assert.Throws<JsonException>(() => SchemaJson.Deserialize<ObjectDirectory>(deeper));

        static ObjectDirectory Nested(int levels)
        {
            var node = new ObjectDirectory { Name = "leaf" };
            for (int level = 1; level < levels; level++)
            {
                node = new ObjectDirectory { Name = "level", Objdir = [node] };
            }
            return node;
        }

        static int Depth(ObjectDirectory? node)
        {
            int depth = 0;
            for (; node is not null; node = node.Objdir?[0])
            {
                depth++;
            }
            return depth;
        }
    }

    [Fact]
    public void SchemaTypesNameThemselves()
    {
        Assert.Equal("Container_Processor", ContainerProcessor.SchemaName);
        Assert.Equal("ContainersDef_Container", NameOf<ContainersDefContainer>());
        Assert.Equal("ComputeSystem", NameOf<ComputeSystem>());
        Assert.Equal("2.0", ContainerProcessor.Since);
        Assert.Equal("2.3", ContainersDefContainer.Since);
    }

    private static string NameOf<T>()
        where T : ISchemaType => T.SchemaName;
}
