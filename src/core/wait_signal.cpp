#include "wait_signal.hpp"

#ifdef _WIN32
#include <windows.h>
#else
#include <sys/eventfd.h>
#include <unistd.h>
#endif

namespace zlhcs::core {

#ifdef _WIN32

bool wait_signal::create() noexcept {
    event_ = CreateEventW(nullptr, TRUE, FALSE, nullptr);
    created_ = event_ != nullptr;
    return created_;
}

wait_signal::~wait_signal() {
    if (event_ != nullptr) CloseHandle(event_);
}

std::uint64_t wait_signal::native() const noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(event_));
}

void wait_signal::set() noexcept {
    if (!created_ || signalled_) return;
    signalled_ = SetEvent(event_) != FALSE;
}

void wait_signal::reset() noexcept {
    if (!created_ || !signalled_) return;
    signalled_ = ResetEvent(event_) == FALSE;
}

#else

bool wait_signal::create() noexcept {
    fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    created_ = fd_ >= 0;
    return created_;
}

wait_signal::~wait_signal() {
    if (fd_ >= 0) close(fd_);
}

std::uint64_t wait_signal::native() const noexcept { return static_cast<std::uint64_t>(fd_); }

void wait_signal::set() noexcept {
    if (!created_ || signalled_) return;
    const std::uint64_t one = 1;
    signalled_ = write(fd_, &one, sizeof one) == static_cast<ssize_t>(sizeof one);
}

void wait_signal::reset() noexcept {
    if (!created_ || !signalled_) return;
    std::uint64_t count = 0;
    // Non-blocking: reads the counter back to 0 (it was 1).
    signalled_ = read(fd_, &count, sizeof count) != static_cast<ssize_t>(sizeof count);
}

#endif

}  // namespace zlhcs::core
