// Result strings handed to callers: LocalAlloc'd UTF-16, freed by the caller with LocalFree.
#pragma once

#include <cstdint>

#include "objects.h"

namespace hcsim {

/** Copies `text` into a new LocalAlloc block (NUL-terminated). NULL if out of memory. */
PWSTR allocate_result_string(u16string_view text);

/** Stores a copy of `text` in *out if out is not NULL. Returns false if out of memory. */
bool store_result_string(PWSTR* out, const std::optional<u16string>& text);

/** Result strings handed out and not yet freed (0 on Windows: kernel32 frees them). */
uint32_t live_result_strings();

}  // namespace hcsim
