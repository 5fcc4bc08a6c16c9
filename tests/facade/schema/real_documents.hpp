// The real HCS documents of tests/data/schema, compiled in (see CMakeLists.txt), and their
// manifest entries.
#pragma once

#include <string>
#include <vector>

namespace zlhcs_schema_test {

struct embedded_file {
    std::string name;
    std::string text;
};

/// Every tests/data/schema/*.json file, manifest.json included.
const std::vector<embedded_file>& embedded_documents();

}  // namespace zlhcs_schema_test
