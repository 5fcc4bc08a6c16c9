// Hot-path building blocks against the obvious alternative.
#include "core/handle_table.hpp"

#include <zlhcs_common/utf.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace {

// A typical 4 KiB HCS document, ASCII as they nearly always are.
std::string sample_document(const char* layer_path = R"(C:\\layers\\base)") {
    std::string document = R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"bench","Container":{"Storage":{"Layers":[)";
    while (document.size() < 4000) {
        document += R"({"Id":"5f1c7d3e-0d4a-4c36-9d1e-2a8b4f1e0c77","Path":")";
        document += layer_path;
        document += R"("},)";
    }
    document.back() = ']';
    document += "}}}";
    return document;
}

// The same with non-ASCII text in every layer's path, C:\Users\José\Données\图层📦:
// accented letters (2-byte UTF-8), CJK (3 bytes) and an emoji (4 bytes, a surrogate pair in
// UTF-16); 15% of the bytes, in 5 places per layer.
std::string mixed_document() {
    return sample_document("C:\\\\Users\\\\Jos\xC3\xA9\\\\Donn\xC3\xA9\x65s\\\\\xE5\x9B\xBE\xE5\xB1\x82\xF0\x9F\x93\xA6");
}

// Baseline: widening byte by byte with no validation at all.
void widen_baseline(benchmark::State& state, const std::string& document) {
    for (auto _ : state) {
        zlhcs::common::u16string wide(document.begin(), document.end());
        benchmark::DoNotOptimize(wide.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document.size()));
}

void widen_zlhcs(benchmark::State& state, const std::string& document) {
    for (auto _ : state) {
        auto wide = zlhcs::common::utf8_to_utf16(document);
        benchmark::DoNotOptimize(wide->data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * document.size()));
}

// The way back (HCS's answers), over the ASCII document. Baseline: truncating every code
// unit to a byte, with no validation at all.
void narrow_baseline(benchmark::State& state) {
    const zlhcs::common::u16string wide = *zlhcs::common::utf8_to_utf16(sample_document());
    for (auto _ : state) {
        std::string narrow(wide.begin(), wide.end());
        benchmark::DoNotOptimize(narrow.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wide.size()));
}

void narrow_zlhcs(benchmark::State& state) {
    const zlhcs::common::u16string wide = *zlhcs::common::utf8_to_utf16(sample_document());
    for (auto _ : state) {
        auto narrow = zlhcs::common::utf16_to_utf8(wide);
        benchmark::DoNotOptimize(narrow->data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wide.size()));
}

// Baseline: a mutex-guarded hash map from integer to shared_ptr, the usual alternative to a
// slot table.
void lookup_baseline(benchmark::State& state) {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, std::shared_ptr<int>> map;
    for (std::uint64_t i = 1; i <= 1024; ++i) map.emplace(i * 7919, std::make_shared<int>(1));
    std::uint64_t key = 7919;
    for (auto _ : state) {
        std::shared_ptr<int> found;
        {
            std::lock_guard lock(mutex);
            found = map.find(key)->second;
        }
        benchmark::DoNotOptimize(found);
        key = key % (1024 * 7919) + 7919;
    }
}

void lookup_zlhcs(benchmark::State& state) {
    zlhcs::core::handle_table<int, zlhcs::core::handle_kind::system> table;
    std::vector<std::uint64_t> handles;
    for (int i = 0; i < 1024; ++i) handles.push_back(table.insert(std::make_shared<int>(1)));
    std::size_t next = 0;
    for (auto _ : state) {
        auto found = table.find(handles[next]);
        benchmark::DoNotOptimize(found);
        next = (next + 1) % handles.size();
    }
}

BENCHMARK_CAPTURE(widen_zlhcs, ascii, sample_document())->Name("utf8_to_utf16_4k/zlhcs");
BENCHMARK_CAPTURE(widen_baseline, ascii, sample_document())->Name("utf8_to_utf16_4k/baseline");
BENCHMARK_CAPTURE(widen_zlhcs, mixed, mixed_document())->Name("utf8_to_utf16_4k_mixed/zlhcs");
BENCHMARK_CAPTURE(widen_baseline, mixed, mixed_document())->Name("utf8_to_utf16_4k_mixed/baseline");
BENCHMARK(narrow_zlhcs)->Name("utf16_to_utf8_4k/zlhcs");
BENCHMARK(narrow_baseline)->Name("utf16_to_utf8_4k/baseline");
BENCHMARK(lookup_zlhcs)->Name("handle_lookup/zlhcs");
BENCHMARK(lookup_baseline)->Name("handle_lookup/baseline");

}  // namespace
