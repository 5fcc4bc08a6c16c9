#include "random.h"

#include <cstdio>
#include <mutex>
#include <random>

namespace hcsim {

namespace {

// Where every random value of hcsim comes from (GUIDs): random unless HcsimSetSeed chose a
// seed, so that a test can replay a run.
struct RandomSource {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
};

RandomSource& random_source() {
    static RandomSource* source = new RandomSource;  // never destroyed, like the state
    return *source;
}

}  // namespace

void seed_random(std::optional<uint64_t> seed) {
    RandomSource& source = random_source();
    const uint64_t value = seed ? *seed : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    std::lock_guard lock(source.mutex);
    source.engine.seed(value);
}

std::string new_guid() {
    RandomSource& source = random_source();
    uint64_t high = 0;
    uint64_t low = 0;
    {
        std::lock_guard lock(source.mutex);
        high = source.engine();
        low = source.engine();
    }
    high = (high & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
    low = (low & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;    // RFC 4122 variant
    char text[40];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                  static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                  static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                  static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFull));
    return text;
}

}  // namespace hcsim
