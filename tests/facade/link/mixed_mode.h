// A C++17 translation unit (mixed_cxx17.cpp) and a C++20 one (link_test.cpp) of one program
// both use async_result: detail::async_state must have one layout (issue 7, point 16), and a
// state made in one unit must be completed and consumed in the other.
#pragma once

#include <zlhcs/core.hpp>

#include <array>
#include <cstddef>
#include <future>
#include <string>

namespace zlhcs::detail {

/// The size, alignment and member offsets of async_state, as the including unit sees them
/// (a friend of async_state; the same definition in both units).
struct async_state_layout {
    static constexpr std::size_t fields = 14;
    using values = std::array<std::size_t, fields>;

    static values of(const async_state& state) {
        const char* base = reinterpret_cast<const char*>(&state);
        const auto at = [base](const void* member) {
            return static_cast<std::size_t>(static_cast<const char*>(member) - base);
        };
        return {sizeof(async_state),           alignof(async_state),     at(&state.call_),
                at(&state.mutex_),             at(&state.completion_),
                at(&state.completed_),         at(&state.closed_),       at(&state.future_retrieved_),
                at(&state.document_),          at(&state.failure_),      at(&state.promise_),
                at(&state.continuation_),      at(&state.op_),           sizeof(async_state::continuation)};
    }
};

}  // namespace zlhcs::detail

namespace mixed_mode {

/// The facade's types' sizes and async_state's layout.
struct layout {
    zlhcs::detail::async_state_layout::values state{};
    std::size_t async_result = 0;
    std::size_t awaitable_result = 0;
    std::size_t executor = 0;
    std::size_t process = 0;
    std::size_t compute_system = 0;
    std::size_t error = 0;
};

// Defined in mixed_cxx17.cpp (compiled as C++17):
long cxx17_unit_standard();  // its __cplusplus
layout cxx17_layout();
/// properties_async() started in the C++17 unit.
zlhcs::async_result cxx17_properties_async(const zlhcs::compute_system& system);
/// wait() and get_future() in the C++17 unit.
std::string cxx17_wait(const zlhcs::async_result& result);
std::future<std::string> cxx17_future(zlhcs::async_result& result);

/// The layout seen by the including unit.
inline layout this_unit_layout() {
    layout result;
    const zlhcs::detail::async_state state("layout probe");
    result.state = zlhcs::detail::async_state_layout::of(state);
    result.async_result = sizeof(zlhcs::async_result);
    result.awaitable_result = sizeof(zlhcs::awaitable_result);
    result.executor = sizeof(zlhcs::executor);
    result.process = sizeof(zlhcs::process);
    result.compute_system = sizeof(zlhcs::compute_system);
    result.error = sizeof(zlhcs::error);
    return result;
}

}  // namespace mixed_mode
