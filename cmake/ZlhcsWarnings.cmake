# Warnings as errors for the project's own targets.
#
# Not enabled, on purpose: -Wnull-dereference and -Wrestrict. At -O2/-O3 GCC 12 reports both
# inside inlined RapidJSON allocator and libstdc++ std::string code (GCC bug 105329 and
# friends), attributing them to our translation units where SYSTEM includes cannot hide them.
add_library(zlhcs_warnings INTERFACE)
if(MSVC)
  # MSVC and clang-cl (the msvc / clang-cl presets; clang-cl also reads /W4, and -Wall would
  # mean /Wall there, -Weverything). /permissive-: standard conformance; /utf-8: sources and
  # literals are UTF-8; /Zc:__cplusplus: __cplusplus tells the real standard (<zlhcs/zlhcs.h>
  # picks [[nodiscard]] by it). _CRT_SECURE_NO_WARNINGS: getenv and friends are used as the
  # standard defines them. No /WX yet: these builds have never run (no Windows machine in
  # this project's CI); once a Windows run is clean, add /WX to match -Werror.
  # (C and C++ only: not for rc.exe, which compiles the version resources.)
  target_compile_options(zlhcs_warnings INTERFACE
    "$<$<COMPILE_LANGUAGE:C,CXX>:/W4;/permissive-;/utf-8>"
    "$<$<COMPILE_LANGUAGE:CXX>:/Zc:__cplusplus>")
  target_compile_definitions(zlhcs_warnings INTERFACE _CRT_SECURE_NO_WARNINGS)
else()
  target_compile_options(zlhcs_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wdouble-promotion -Werror
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
    # RapidJSON 1.1.0's iterator comparisons are ambiguous under C++20's reversed operators;
    # clang warns at every use site in our code.
    $<$<CXX_COMPILER_ID:Clang>:-Wno-ambiguous-reversed-operator>)
endif()
