// The typed schema codec against RapidJSON itself, over the same bytes in the same run:
//   <doc>_parse/baseline   RapidJSON's SAX reader with a handler that does nothing
//   <doc>_parse/zlhcs      zlhcs::schema::from_json<T> (the same reader, same flags, filling T)
//   <doc>_write/baseline   RapidJSON writing a DOM of the document (Document::Accept)
//   <doc>_write/zlhcs      zlhcs::schema::to_json(T)
// Both write sides end in a std::string, as to_json returns one. This file is compiled with
// -O2 -DNDEBUG whatever the build type (tests/bench/CMakeLists.txt): all the code measured
// is header-only and inlined here.
#include <benchmark/benchmark.h>

#include <rapidjson/document.h>

#include <string>

#include <zlhcs/schema.hpp>
#include <zlhcs/schema/codec.hpp>

namespace {

// As HCS returns it for {"PropertyTypes":["Statistics"]} (fields of SchemaReference.md's
// Statistics, values of a container that has run for a while).
const std::string statistics_json =
    R"({"Timestamp":"2021-08-17T10:24:51.3718472Z","ContainerStartTime":"2021-08-17T09:58:12.0049311Z",)"
    R"("Uptime100ns":15993670000,"Processor":{"TotalRuntime100ns":3998417500,"RuntimeUser100ns":2998813125,)"
    R"("RuntimeKernel100ns":999604375},"Memory":{"MemoryUsageCommitBytes":268435456,)"
    R"("MemoryUsageCommitPeakBytes":301989888,"MemoryUsagePrivateWorkingSetBytes":134217728},)"
    R"("Storage":{"ReadCountNormalized":1599367,"ReadSizeBytes":6551007232,"WriteCountNormalized":799683,)"
    R"("WriteSizeBytes":3275501568}})";

// A process-isolated container's configuration (hcsshim's functional test document).
const std::string container_json =
    R"({"Owner":"containerd-shim-runhcs-v1","SchemaVersion":{"Major":2,"Minor":1},"Container":{"Storage":{"Layers":[)"
    R"({"Id":"8a8d4a26-3cbd-56a8-a4d6-9b6ba3ea4b2b","Path":"C:\\ProgramData\\containerd\\snapshots\\13"},)"
    R"({"Id":"2b4c9b1a-9f5d-5d34-8f86-4a4e6e4b7c31","Path":"C:\\ProgramData\\containerd\\snapshots\\12"}],)"
    R"("Path":"\\\\?\\Volume{0c6d2f6e-1a7b-4c2e-9c4e-6a1e3b3c2d11}\\"},"MappedDirectories":[{"HostPath":"C:\\data",)"
    R"("ContainerPath":"C:\\data","ReadOnly":true}],"Networking":{"Namespace":"5a1b2c3d-0e4f-4a5b-8c6d-7e8f9a0b1c2d"}},)"
    R"("ShouldTerminateOnLastHandleClosed":true})";

constexpr unsigned flags = zlhcs::schema::parse_flags;

void parse_baseline(benchmark::State& state, const std::string& json) {
    for (auto _ : state) {
        rapidjson::BaseReaderHandler<> handler;
        rapidjson::MemoryStream stream(json.data(), json.size());
        rapidjson::Reader reader;
        benchmark::DoNotOptimize(reader.Parse<flags>(stream, handler));
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}

template <class T>
void parse_zlhcs(benchmark::State& state, const std::string& json) {
    for (auto _ : state) {
        T value = zlhcs::schema::from_json<T>(json);
        benchmark::DoNotOptimize(value);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}

void write_baseline(benchmark::State& state, const std::string& json) {
    rapidjson::Document document;
    document.Parse<flags>(json.data(), json.size());
    for (auto _ : state) {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        document.Accept(writer);
        std::string text(buffer.GetString(), buffer.GetSize());
        benchmark::DoNotOptimize(text);
    }
}

template <class T>
void write_zlhcs(benchmark::State& state, const std::string& json) {
    const T value = zlhcs::schema::from_json<T>(json);
    for (auto _ : state) {
        std::string text = zlhcs::schema::to_json(value);
        benchmark::DoNotOptimize(text);
    }
}

void parse_statistics(benchmark::State& state) { parse_zlhcs<zlhcs::schema::Statistics>(state, statistics_json); }
void write_statistics(benchmark::State& state) { write_zlhcs<zlhcs::schema::Statistics>(state, statistics_json); }
void parse_container(benchmark::State& state) { parse_zlhcs<zlhcs::schema::ComputeSystem>(state, container_json); }
void write_container(benchmark::State& state) { write_zlhcs<zlhcs::schema::ComputeSystem>(state, container_json); }

BENCHMARK_CAPTURE(parse_baseline, statistics, statistics_json)->Name("statistics_parse/baseline");
BENCHMARK(parse_statistics)->Name("statistics_parse/zlhcs");
BENCHMARK_CAPTURE(write_baseline, statistics, statistics_json)->Name("statistics_write/baseline");
BENCHMARK(write_statistics)->Name("statistics_write/zlhcs");
BENCHMARK_CAPTURE(parse_baseline, container, container_json)->Name("container_parse/baseline");
BENCHMARK(parse_container)->Name("container_parse/zlhcs");
BENCHMARK_CAPTURE(write_baseline, container, container_json)->Name("container_write/baseline");
BENCHMARK(write_container)->Name("container_write/zlhcs");

}  // namespace
