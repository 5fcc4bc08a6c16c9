# Warnings as errors for the project's own targets.
add_library(zlhcs_warnings INTERFACE)
target_compile_options(zlhcs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Werror)
