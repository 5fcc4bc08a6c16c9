#include "dispatcher.hpp"

namespace zlhcs::core {

common::elastic_pool& dispatcher::instance() noexcept {
    // Intentionally leaked, with its threads: HCS threads may post while the process exits.
    static auto* pool = new common::elastic_pool({base_threads, max_threads, stall_threshold, idle_retirement});
    return *pool;
}

}  // namespace zlhcs::core
