#include "registry.hpp"

namespace zlhcs::core {

// Intentionally leaked: HCS threads may complete operations while the process exits, after
// static destructors would have run.
system_table& systems() noexcept {
    static auto* table = new system_table();
    return *table;
}

operation_table& operations() noexcept {
    static auto* table = new operation_table();
    return *table;
}

process_table& processes() noexcept {
    static auto* table = new process_table();
    return *table;
}

subscription_table& subscriptions() noexcept {
    static auto* table = new subscription_table();
    return *table;
}

}  // namespace zlhcs::core
