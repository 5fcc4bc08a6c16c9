// The process-wide handle tables.
#pragma once

#include "handle_table.hpp"
#include "operation.hpp"
#include "process.hpp"
#include "subscription.hpp"
#include "system.hpp"

namespace zlhcs::core {

using system_table = handle_table<system_object, handle_kind::system>;
using operation_table = handle_table<operation_object, handle_kind::operation>;
using process_table = handle_table<process_object, handle_kind::process>;
using subscription_table = handle_table<subscription_object, handle_kind::subscription>;

system_table& systems() noexcept;
operation_table& operations() noexcept;
process_table& processes() noexcept;
subscription_table& subscriptions() noexcept;

}  // namespace zlhcs::core
