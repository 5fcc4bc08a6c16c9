// Validated handles: a slot + generation table per handle kind.
//
// A handle is 53 bits: [kind:4][generation:21][slot index + 1:28], so that every value is
// below 2^53 (ZLHCS_HANDLE_LIMIT) and survives a trip through a double: JavaScript and Lua
// numbers, JSON. A handle resolves only if its kind matches the table, the slot exists, and the
// slot's current generation equals the handle's: closed (generation moved on), stale, forged
// and wrong-kind handles all fail to resolve, and resolving never dereferences anything the
// caller made up; any bit at or above bit 53 makes a value unresolvable.
//
// The slot bits are never 0 and kinds are nonzero, so no handle is 0 or negative as a signed
// 64-bit integer. A slot's generation runs 1, 2, ... max_generation (2^21 - 1) and never wraps:
// when the handle of generation max_generation is removed the slot is retired for good (it
// never goes back on the free list), so a stale handle can never resolve to a later object.
// 2^28 - 1 slots are live at most. Insert, find and remove are O(1) (amortised for insert).
#pragma once

#include <zlhcs/zlhcs.h>

#include <gsl/gsl>

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

namespace zlhcs::core {

/// The kind of a handle (bits 49..52). Distinct per kind, nonzero, below 16.
enum class handle_kind : std::uint8_t { system = 1, operation = 2, process = 3, subscription = 4 };

/// The bit layout of a handle value.
inline constexpr unsigned handle_slot_bits = 28;
inline constexpr unsigned handle_generation_bits = 21;
inline constexpr unsigned handle_kind_bits = 4;
inline constexpr unsigned handle_generation_shift = handle_slot_bits;
inline constexpr unsigned handle_kind_shift = handle_slot_bits + handle_generation_bits;
inline constexpr unsigned handle_value_bits = handle_kind_shift + handle_kind_bits;
static_assert(handle_value_bits == 53, "handles stay below 2^53 (ZLHCS_HANDLE_LIMIT)");
static_assert((std::uint64_t{1} << handle_value_bits) == ZLHCS_HANDLE_LIMIT);
inline constexpr std::uint64_t handle_slot_mask = (std::uint64_t{1} << handle_slot_bits) - 1;

/// The largest generation the generation field holds.
inline constexpr std::uint32_t handle_generation_bits_max = (1u << handle_generation_bits) - 1;

/// `MaxGeneration` is the last generation a slot reaches before it is retired. Production
/// tables use the full 24 bits; tests instantiate a small limit to exercise retirement.
template <typename T, handle_kind Kind, std::uint32_t MaxGeneration = handle_generation_bits_max>
class handle_table {
    static_assert(static_cast<std::uint8_t>(Kind) != 0 &&
                      static_cast<std::uint8_t>(Kind) < (1u << handle_kind_bits),
                  "a handle kind is nonzero and fits its field, so every handle is in [1, 2^53)");
    static_assert(MaxGeneration >= 1 && MaxGeneration <= handle_generation_bits_max,
                  "generations are 1..MaxGeneration and fit 24 bits");

public:
    static constexpr std::uint32_t max_generation = MaxGeneration;

    /// Stores `object` and returns its new handle (in [1, 2^53), never 0). Throws
    /// std::bad_alloc when out of memory or when every slot index is in use or retired.
    std::uint64_t insert(std::shared_ptr<T> object) {
        Expects(object != nullptr);
        std::lock_guard lock(mutex_);
        std::uint32_t index;
        if (!free_slots_.empty()) {
            index = free_slots_.back();
            free_slots_.pop_back();
        } else {
            // Slot index + 1 must fit the slot field.
            if (slots_.size() >= handle_slot_mask) throw std::bad_alloc();
            index = static_cast<std::uint32_t>(slots_.size());
            slots_.emplace_back();
        }
        slot& s = slots_[index];
        s.object = std::move(object);
        return encode(index, s.generation);
    }

    /// The object behind `handle`, or nullptr if the handle is not live.
    [[nodiscard]] std::shared_ptr<T> find(std::uint64_t handle) const {
        std::lock_guard lock(mutex_);
        const slot* s = resolve(handle);
        return s != nullptr ? s->object : nullptr;
    }

    /// Removes `handle` and returns its object (nullptr if it was not live). The slot's
    /// generation moves on, so the handle value never resolves again; a slot whose generation
    /// is used up is retired instead of reused.
    std::shared_ptr<T> remove(std::uint64_t handle) {
        std::lock_guard lock(mutex_);
        slot* s = const_cast<slot*>(resolve(handle));
        if (s == nullptr) return nullptr;
        std::shared_ptr<T> object = std::move(s->object);
        if (s->generation == max_generation) {
            // Never reused: a next generation would have to wrap to one an old handle holds.
            s->generation = retired;
            ++retired_slots_;
        } else {
            ++s->generation;
            free_slots_.push_back(index_of(handle));
        }
        return object;
    }

    /// Live handles.
    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock(mutex_);
        return slots_.size() - free_slots_.size() - retired_slots_;
    }

    /// Slots retired for good (their generations are used up).
    [[nodiscard]] std::size_t retired_slots() const {
        std::lock_guard lock(mutex_);
        return retired_slots_;
    }

private:
    static constexpr std::uint32_t generation_mask = handle_generation_bits_max;
    // A retired slot's generation: no handle carries it (a handle's generation is at most
    // max_generation, and 0 is never issued), so nothing resolves to the slot again.
    static constexpr std::uint32_t retired = 0;

    struct slot {
        std::shared_ptr<T> object;
        std::uint32_t generation = 1;
    };

    static std::uint64_t encode(std::uint32_t index, std::uint32_t generation) noexcept {
        return (std::uint64_t{static_cast<std::uint8_t>(Kind)} << handle_kind_shift) |
               (std::uint64_t{generation & generation_mask} << handle_generation_shift) |
               (std::uint64_t{index} + 1);
    }
    static std::uint32_t index_of(std::uint64_t handle) noexcept {
        return static_cast<std::uint32_t>(handle & handle_slot_mask) - 1;
    }

    const slot* resolve(std::uint64_t handle) const noexcept {
        // The kind field and nothing above it: a value with any bit at 53 or higher is foreign.
        if ((handle >> handle_kind_shift) != static_cast<std::uint8_t>(Kind)) return nullptr;
        const auto low = static_cast<std::uint32_t>(handle & handle_slot_mask);
        if (low == 0 || low > slots_.size()) return nullptr;
        const slot& s = slots_[low - 1];
        const auto generation = static_cast<std::uint32_t>((handle >> handle_generation_shift) & generation_mask);
        if (s.object == nullptr || s.generation == retired || s.generation != generation) {
            return nullptr;
        }
        return &s;
    }

    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::size_t retired_slots_ = 0;
};

}  // namespace zlhcs::core
