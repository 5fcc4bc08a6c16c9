#include "debug_counts.hpp"

#include "caller_struct.hpp"
#include "dispatcher.hpp"
#include "registry.hpp"


namespace zlhcs::core {

namespace {

std::uint64_t read(counted which) noexcept {
    const std::int64_t value = debug_counter(which).load(std::memory_order_relaxed);
    return value > 0 ? static_cast<std::uint64_t>(value) : 0;
}

}  // namespace

zlhcs_hresult fill_debug_counts(zlhcs_debug_counts_info& out, std::uint32_t size) noexcept {
    zlhcs_debug_counts_info counts{};
    counts.struct_size = size;
    counts.systems = systems().size();
    counts.processes = processes().size();
    counts.operations = operations().size();
    counts.subscriptions = subscriptions().size();
    counts.contexts = read(counted::contexts);
    counts.strings = read(counted::strings);
    counts.live_subscriptions = read(counted::live_subscriptions);
    counts.live_operations = read(counted::live_operations);
    counts.delivery_threads = dispatcher::instance().threads();
    counts.waiting_calls = read(counted::waiting_calls);
    counts.queued_tasks = dispatcher::instance().tasks();
    write_caller_struct(out, counts, size);
    return ZLHCS_S_OK;
}

}  // namespace zlhcs::core
