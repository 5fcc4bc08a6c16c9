// The C++17 unit of the mixed-mode test (see mixed_mode.h). Compiled with CXX_STANDARD 17.
#include "mixed_mode.h"

#include <utility>

#if __cplusplus >= 202002L
#error "this unit must be compiled as C++17"
#endif

namespace mixed_mode {

long cxx17_unit_standard() { return __cplusplus; }

layout cxx17_layout() { return this_unit_layout(); }

zlhcs::async_result cxx17_properties_async(const zlhcs::compute_system& system) { return system.properties_async(); }

std::string cxx17_wait(const zlhcs::async_result& result) { return result.wait(std::chrono::seconds(30)); }

std::future<std::string> cxx17_future(zlhcs::async_result& result) { return result.get_future(); }

}  // namespace mixed_mode
