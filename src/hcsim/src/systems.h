// Compute systems: stopping and cleaning them up, their id namespaces (systems.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "objects.h"

namespace hcsim {

/** Stops a system (lock held): state, clocks, exit info, events to its handles, waiters. */
void stop_system_locked(State& s, System& system, const char* exit_type, HRESULT status,
                        std::vector<PendingEvent>& events);
/** Removes a stopped system from the registry (lock held): HCS cleans a stopped system up,
 *  whatever handles are still open (they keep only its exit status). */
void maybe_unregister_locked(State& s, System& system);
/** The open handles of `system` (lock held); walks only that system's own handles. */
std::vector<std::shared_ptr<SystemHandle>> handles_of_locked(State& s, const System& system);
u16string exit_status_document(const System& system);

// --- id namespaces (systems.cpp) -------------------------------------------------------
/** The registry key of system `id` in namespace `id_namespace` ("" = the default namespace):
 *  both ASCII-lower-cased, joined by a NUL (which neither can contain). */
std::string registry_key(std::string_view id_namespace, std::string_view id);
/** The key prefix shared by every system of the namespace. */
std::string namespace_prefix(std::string_view id_namespace);
/** True if some system of the namespace exists (lock held). */
bool namespace_exists_locked(const State& s, std::string_view id_namespace);
/** A caller's id namespace, UTF-8: nullopt for NULL, empty or invalid UTF-16 (assumption:
 *  any other string names a namespace). */
std::optional<std::string> input_namespace(PCWSTR id_namespace);

}  // namespace hcsim
