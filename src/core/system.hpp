// A compute system handle: owns one HCS_SYSTEM, closed when the last reference goes (the
// zlhcs handle, or an operation still running on the system).
#pragma once

#include "../backend/backend.hpp"

#include <atomic>
#include <string>

namespace zlhcs::core {

class system_object {
public:
    system_object(const backend::table& backend, HCS_SYSTEM system, std::string id)
        : backend_(backend), system_(system), id_(std::move(id)) {}
    ~system_object() {
        if (system_ != nullptr && backend_.HcsCloseComputeSystem != nullptr) {
            backend_.HcsCloseComputeSystem(system_);
        }
    }
    system_object(const system_object&) = delete;
    system_object& operator=(const system_object&) = delete;

    [[nodiscard]] HCS_SYSTEM hcs_system() const noexcept { return system_; }
    [[nodiscard]] const std::string& id() const noexcept { return id_; }

    /// The zlhcs handle was closed: waits on the system give up (the HCS handle stays open
    /// until the last reference goes).
    void close() noexcept { closed_.store(true); }
    [[nodiscard]] bool is_closed() const noexcept { return closed_.load(); }

private:
    const backend::table& backend_;
    HCS_SYSTEM system_;
    std::string id_;
    std::atomic<bool> closed_{false};
};

}  // namespace zlhcs::core
