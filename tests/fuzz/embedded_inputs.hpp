// The inputs the replay executables carry inside them (generated at configure time by
// tests/fuzz/CMakeLists.txt), so that a replay needs no file access: the same under Wine.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace zlhcs_fuzz {

struct embedded_input {
    const char* origin;  ///< where it comes from, relative to tests/: "fuzz/corpus/utf/ascii.txt"
    const char* type;    ///< the schema type manifest.json names (real documents), else ""
    const unsigned char* data;
    std::size_t size;

    [[nodiscard]] std::string_view bytes() const { return {reinterpret_cast<const char*>(data), size}; }
};

/// The harness's committed inputs: tests/fuzz/corpus/<harness>/ and tests/fuzz/regressions/<harness>/.
const std::vector<embedded_input>& harness_inputs();

/// The real documents of tests/data/schema, each with its type from manifest.json.
const std::vector<embedded_input>& real_documents();

}  // namespace zlhcs_fuzz
