// hcsim's one source of random values (random.cpp): random, or replayable after HcsimSetSeed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hcsim {

/** A random version-4 GUID, lower case, from the random source (see seed_random). */
std::string new_guid();
/** Seeds the random source (HcsimSetSeed); nullopt: from std::random_device again. */
void seed_random(std::optional<uint64_t> seed);

}  // namespace hcsim
