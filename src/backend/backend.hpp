// The backend table: one function pointer per HCS entry point, resolved one by one from the
// loaded backend module (computecore.dll from System32, or an explicitly chosen library such
// as hcsim). A missing entry point stays NULL and calling it yields ZLHCS_E_NOT_SUPPORTED
// naming the function: newer entry points are absent on older hosts.
#pragma once

#include "hcs_entry_points.h"

#include <zlhcs/zlhcs.h>

#include <cstdint>
#include <string>

namespace zlhcs::backend {

/// The entry points every zlhcs call depends on: an operation (create, close, result) is how
/// zlhcs runs any HCS work, and a system handle (create, open, close) is what every system
/// call works on. They all exist since computecore.dll's first release (Windows 10 1809).
/// A backend lacking one of them is refused.
#define ZLHCS_CORE_ENTRY_POINTS(CORE)                                                           \
    CORE(HcsCreateOperation)                                                                    \
    CORE(HcsCloseOperation)                                                                     \
    CORE(HcsGetOperationResult)                                                                 \
    CORE(HcsCreateComputeSystem)                                                                \
    CORE(HcsOpenComputeSystem)                                                                  \
    CORE(HcsCloseComputeSystem)

inline constexpr const char* core_entry_points[] = {
#define ZLHCS_CORE_ENTRY_NAME(name) #name,
    ZLHCS_CORE_ENTRY_POINTS(ZLHCS_CORE_ENTRY_NAME)
#undef ZLHCS_CORE_ENTRY_NAME
};

struct table {
#define ZLHCS_BACKEND_MEMBER(ret, name, params) ret(WINAPI* name) params = nullptr;
    HCS_ENTRY_POINTS(ZLHCS_BACKEND_MEMBER)
#undef ZLHCS_BACKEND_MEMBER

    /// Frees a string HCS returned (LocalFree on Windows; the backend's LocalFree elsewhere).
    void free_string(void* text) const noexcept;

    /// Absolute path of the loaded module, UTF-8.
    std::string module_path;
    zlhcs_backend_kind kind = ZLHCS_BACKEND_DEFAULT;
    std::string requested_path;
    /// ZLHCS_VALIDATE_* bits chosen with the backend (zlhcs_init_options.validation): create
    /// and modify documents are validated before they reach HCS.
    std::uint32_t validation = 0;

#ifndef _WIN32
    void*(WINAPI* local_free)(void*) = nullptr;
#endif
};

/// The core entry points `backend` lacks, comma-separated in core_entry_points order ("" if
/// none).
std::string missing_core_entry_points(const table& backend);

/// Loads the backend the options ask for (NULL: default) unless one is loaded already.
/// Returns S_OK on first load, S_FALSE if the same backend was already loaded; failures are
/// recorded as the thread's last error. A library that lacks a core entry point is refused
/// (ZLHCS_E_BACKEND_UNAVAILABLE), unloaded, and leaves zlhcs uninitialised.
zlhcs_hresult initialize(const zlhcs_init_options* options) noexcept;

/// The loaded backend, loading the default one on first use. Returns nullptr (with the last
/// error set) if it cannot be loaded.
const table* get() noexcept;

}  // namespace zlhcs::backend
