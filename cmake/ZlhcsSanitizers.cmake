# Sanitizer builds (native, clang-14): ZLHCS_SANITIZER=address (ASan + UBSan + LSan) or thread
# (TSan). The flags go on every target, GoogleTest included, so all the code in a test
# process is instrumented.
set(ZLHCS_SANITIZER "" CACHE STRING "address | thread | empty for none")
set_property(CACHE ZLHCS_SANITIZER PROPERTY STRINGS "" address thread)

if(ZLHCS_SANITIZER STREQUAL "address")
  # pointer-overflow stays recoverable so that tests/sanitizers/ubsan.supp can silence RapidJSON
  # (suppressions apply only to recoverable checks); UBSAN_OPTIONS=halt_on_error=1 still makes
  # any unsuppressed report fatal.
  set(_zlhcs_sanitize "-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize-recover=pointer-overflow -fno-omit-frame-pointer")
elseif(ZLHCS_SANITIZER STREQUAL "thread")
  set(_zlhcs_sanitize "-fsanitize=thread -fno-omit-frame-pointer")
elseif(NOT ZLHCS_SANITIZER STREQUAL "")
  message(FATAL_ERROR "ZLHCS_SANITIZER must be address, thread or empty")
endif()

if(DEFINED _zlhcs_sanitize)
  string(APPEND CMAKE_C_FLAGS " ${_zlhcs_sanitize}")
  string(APPEND CMAKE_CXX_FLAGS " ${_zlhcs_sanitize}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " ${_zlhcs_sanitize}")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS " ${_zlhcs_sanitize}")
endif()
