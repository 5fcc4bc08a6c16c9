// Small text helpers (text.cpp).
#pragma once

#include <string>
#include <string_view>

#include "clock.h"

namespace hcsim {

std::string lower_ascii(std::string_view text);
std::string iso8601(wall::time_point when);

}  // namespace hcsim
