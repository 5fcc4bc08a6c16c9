// Declarations of everything libhcsim.so / hcsim.dll exports besides the control surface:
// the computecore.dll entry points (exact signatures, from the X-macro list in
// src/backend/hcs_entry_points.h) and, natively only, LocalAlloc/LocalFree.
//
// For code that links hcsim directly (its own test suite). The zlhcs core resolves the same
// names at run time through its backend table instead.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../../../backend/hcs_entry_points.h"

#if defined(HCSIM_BUILDING)
#if defined(_WIN32) && defined(HCSIM_EXPORTS_BY_DEF)
#define HCSIM_ENTRY /* exported by the library's .def */
#elif defined(_WIN32)
#define HCSIM_ENTRY __declspec(dllexport)
#else
#define HCSIM_ENTRY __attribute__((visibility("default")))
#endif
#else
#define HCSIM_ENTRY
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define HCSIM_DECLARE_ENTRY(ret, name, params) HCSIM_ENTRY ret WINAPI name params;
HCS_ENTRY_POINTS(HCSIM_DECLARE_ENTRY)
#undef HCSIM_DECLARE_ENTRY

#if !defined(_WIN32)
/** LMEM_FIXED / LMEM_ZEROINIT, as in WinBase.h. Other flags are accepted and ignored. */
#define HCSIM_LMEM_FIXED 0x0000u
#define HCSIM_LMEM_ZEROINIT 0x0040u
/** Native stand-ins for kernel32's functions of the same names: every string hcsim returns
 *  is allocated with LocalAlloc and must be released with LocalFree. LocalFree returns NULL
 *  on success and its argument when that is not a live LocalAlloc block (nothing is freed). */
HCSIM_ENTRY void *LocalAlloc(uint32_t flags, size_t bytes);
HCSIM_ENTRY void *LocalFree(void *memory);
#endif

#ifdef __cplusplus
}
#endif
