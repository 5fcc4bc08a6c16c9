// The main() of a harness's replay executable (built in every build, without libFuzzer):
//   <harness>_replay                     feeds every committed input to the harness: its
//                                        corpus and regressions, and the seeds it makes from
//                                        the real documents of tests/data/schema (ctest runs this)
//   <harness>_replay FILE|DIR...         feeds those files (a crash input to reproduce)
//   <harness>_replay --write-corpus DIR  writes the committed inputs into DIR as files: the
//                                        seed corpus of a libFuzzer run (scripts/fuzz.sh)
// A failed property aborts (check.hpp); the input's origin is printed before it runs.
#include "embedded_inputs.hpp"
#include "harness.hpp"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct named_input {
    std::string name;
    std::string bytes;
};

std::vector<named_input> committed_inputs() {
    std::vector<named_input> inputs;
    for (const zlhcs_fuzz::embedded_input& input : zlhcs_fuzz::harness_inputs()) {
        inputs.push_back({input.origin, std::string(input.bytes())});
    }
    for (const zlhcs_fuzz::embedded_input& document : zlhcs_fuzz::real_documents()) {
        if (auto seed = zlhcs_fuzz::seed_from_document(document.type, document.bytes())) {
            inputs.push_back({std::string(document.origin) + " as " + document.type, std::move(*seed)});
        }
    }
    return inputs;
}

void run(const std::string& name, const std::string& bytes) {
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", name.c_str(), bytes.size());
    std::fflush(stderr);
    // A copy of exactly the input's size, as libFuzzer passes it: ASan sees a read past the end.
    const std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    (void)LLVMFuzzerTestOneInput(copy.data(), copy.size());
}

bool read_file(const fs::path& path, std::string& out) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return false;
    out.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    return true;
}

/// A file name for an origin: its path with '/' and ' ' made '_'.
std::string file_name_of(const std::string& origin) {
    std::string name = origin;
    for (char& c : name) {
        if (c == '/' || c == '\\' || c == ' ' || c == ':') c = '_';
    }
    return name;
}

}  // namespace

int main(int argc, char** argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    if (argc >= 2 && std::strcmp(argv[1], "--write-corpus") == 0) {
        if (argc != 3) {
            std::fprintf(stderr, "usage: %s --write-corpus DIR\n", argv[0]);
            return 2;
        }
        const fs::path dir = argv[2];
        fs::create_directories(dir);
        std::size_t written = 0;
        for (const named_input& input : committed_inputs()) {
            std::ofstream file(dir / file_name_of(input.name), std::ios::binary);
            file.write(input.bytes.data(), static_cast<std::streamsize>(input.bytes.size()));
            if (!file) {
                std::fprintf(stderr, "cannot write into %s\n", dir.string().c_str());
                return 1;
            }
            ++written;
        }
        std::printf("%zu inputs written to %s\n", written, dir.string().c_str());
        return 0;
    }
    std::size_t replayed = 0;
    if (argc >= 2) {
        for (int i = 1; i < argc; ++i) {
            std::vector<fs::path> files;
            if (fs::is_directory(argv[i])) {
                for (const auto& entry : fs::directory_iterator(argv[i])) {
                    if (entry.is_regular_file()) files.push_back(entry.path());
                }
            } else {
                files.emplace_back(argv[i]);
            }
            for (const fs::path& path : files) {
                std::string bytes;
                if (!read_file(path, bytes)) {
                    std::fprintf(stderr, "cannot read %s\n", path.string().c_str());
                    return 1;
                }
                run(path.string(), bytes);
                ++replayed;
            }
        }
    } else {
        for (const named_input& input : committed_inputs()) {
            run(input.name, input.bytes);
            ++replayed;
        }
    }
    std::printf("%zu inputs replayed, every property held\n", replayed);
    return replayed > 0 ? 0 : 1;
}
