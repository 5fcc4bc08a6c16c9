// Validated handles: a slot + generation table per handle kind.
//
// A handle is 64 bits: [kind:8][generation:24][slot index + 1:32]. A handle resolves only if
// its kind matches the table, the slot exists, and the slot's current generation equals the
// handle's: closed (generation moved on), stale, forged and wrong-kind handles all fail to
// resolve, and resolving never dereferences anything the caller made up.
#pragma once

#include <gsl/gsl>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace zlhcs::core {

enum class handle_kind : std::uint8_t { system = 0x5A, operation = 0x0B, process = 0x9C };

template <typename T, handle_kind Kind>
class handle_table {
public:
    /// Stores `object` and returns its new handle (never 0).
    std::uint64_t insert(std::shared_ptr<T> object) {
        Expects(object != nullptr);
        std::lock_guard lock(mutex_);
        std::uint32_t index;
        if (!free_slots_.empty()) {
            index = free_slots_.back();
            free_slots_.pop_back();
        } else {
            index = gsl::narrow<std::uint32_t>(slots_.size());
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
    /// generation moves on, so the handle value never resolves again.
    std::shared_ptr<T> remove(std::uint64_t handle) {
        std::lock_guard lock(mutex_);
        slot* s = const_cast<slot*>(resolve(handle));
        if (s == nullptr) return nullptr;
        std::shared_ptr<T> object = std::move(s->object);
        s->generation = (s->generation + 1) & generation_mask;
        free_slots_.push_back(index_of(handle));
        return object;
    }

    [[nodiscard]] std::size_t size() const {
        std::lock_guard lock(mutex_);
        return slots_.size() - free_slots_.size();
    }

private:
    static constexpr std::uint32_t generation_mask = 0xFFFFFFu;

    struct slot {
        std::shared_ptr<T> object;
        std::uint32_t generation = 1;
    };

    static std::uint64_t encode(std::uint32_t index, std::uint32_t generation) noexcept {
        return (std::uint64_t{static_cast<std::uint8_t>(Kind)} << 56) |
               (std::uint64_t{generation & generation_mask} << 32) | (std::uint64_t{index} + 1);
    }
    static std::uint32_t index_of(std::uint64_t handle) noexcept {
        return static_cast<std::uint32_t>(handle & 0xFFFFFFFFu) - 1;
    }

    const slot* resolve(std::uint64_t handle) const noexcept {
        if ((handle >> 56) != static_cast<std::uint8_t>(Kind)) return nullptr;
        const auto low = static_cast<std::uint32_t>(handle & 0xFFFFFFFFu);
        if (low == 0 || low > slots_.size()) return nullptr;
        const slot& s = slots_[low - 1];
        const auto generation = static_cast<std::uint32_t>((handle >> 32) & generation_mask);
        if (s.object == nullptr || s.generation != generation) return nullptr;
        return &s;
    }

    mutable std::mutex mutex_;
    std::vector<slot> slots_;
    std::vector<std::uint32_t> free_slots_;
};

}  // namespace zlhcs::core
