# Warnings as errors for the project's own targets.
#
# Not enabled, on purpose: -Wnull-dereference and -Wrestrict. At -O2/-O3 GCC 12 reports both
# inside inlined RapidJSON allocator and libstdc++ std::string code (GCC bug 105329 and
# friends), attributing them to our translation units where SYSTEM includes cannot hide them.
add_library(zlhcs_warnings INTERFACE)
target_compile_options(zlhcs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wdouble-promotion -Werror
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  # RapidJSON 1.1.0's iterator comparisons are ambiguous under C++20's reversed operators;
  # clang warns at every use site in our code.
  $<$<CXX_COMPILER_ID:Clang>:-Wno-ambiguous-reversed-operator>)
