// Properties of a compute system (properties.cpp).
#pragma once

#include <rapidjson/document.h>

#include "objects.h"

namespace hcsim {

Outcome query_properties_locked(State& s, System& system, const rapidjson::Document* query,
                                const char* function);
void basic_properties(const System& system, rapidjson::Value& out,
                      rapidjson::Document::AllocatorType& allocator);
steady::duration uptime_of(const System& system, steady::time_point now);
uint64_t memory_size_mb(const System& system);

}  // namespace hcsim
