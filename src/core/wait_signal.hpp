// An OS object a caller's own event loop can wait on (zlhcs_subscription_wait_handle): a
// manual-reset event on Windows, an eventfd elsewhere. Level-triggered: set() and reset() are
// idempotent and track whether it is signalled.
#pragma once

#include <cstdint>

namespace zlhcs::core {

class wait_signal {
public:
    /// Creates the OS object; false if the OS refused (out of handles).
    [[nodiscard]] bool create() noexcept;
    ~wait_signal();
    wait_signal() = default;
    wait_signal(const wait_signal&) = delete;
    wait_signal& operator=(const wait_signal&) = delete;

    [[nodiscard]] bool created() const noexcept { return created_; }
    /// The HANDLE or file descriptor, as the ABI hands it out.
    [[nodiscard]] std::uint64_t native() const noexcept;
    void set() noexcept;
    void reset() noexcept;

private:
    bool created_ = false;
    bool signalled_ = false;
#ifdef _WIN32
    void* event_ = nullptr;
#else
    int fd_ = -1;
#endif
};

}  // namespace zlhcs::core
