// What every harness of tests/fuzz defines, besides libFuzzer's LLVMFuzzerTestOneInput: the
// same source builds a libFuzzer executable (clang, ZLHCS_FUZZ) and a replay executable
// (every build: replay_main.cpp feeds it the committed corpus and regressions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

extern "C" {
/// libFuzzer calls it once before the first input; replay_main.cpp calls it too. Every
/// harness defines it (an empty one returns 0), so the replay build needs no weak symbols.
int LLVMFuzzerInitialize(int* argc, char*** argv);
/// One input: returns 0; a violated property aborts (check.hpp).
int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
}

namespace zlhcs_fuzz {

/// The harness's input for a real HCS document of tests/data/schema (its schema type as
/// manifest.json names it), or nullopt if the harness has no use for that type. The seed
/// corpus is made of these plus the hand-made files of tests/fuzz/corpus/<harness>/.
std::optional<std::string> seed_from_document(std::string_view type, std::string_view document);

}  // namespace zlhcs_fuzz
