#include "clock.h"

namespace hcsim {

Clock& sim_clock() {
    static Clock* instance = new Clock;  // never destroyed: detached threads read it
    return *instance;
}

Clock::Reading Clock::read() const {
    std::lock_guard lock(mutex_);
    if (manual_) return Reading{manual_now_, true};
    return Reading{steady::now() + offset_, false};
}

wall::time_point Clock::wall_now() const {
    std::lock_guard lock(mutex_);
    if (!manual_) return wall::now();
    return manual_start_wall_ + std::chrono::duration_cast<wall::duration>(manual_now_ - manual_start_);
}

void Clock::set_manual(bool manual) {
    std::lock_guard lock(mutex_);
    if (manual == manual_) return;
    const steady::time_point real = steady::now();
    if (manual) {
        manual_now_ = real + offset_;
        manual_start_ = manual_now_;
        manual_start_wall_ = wall::now();
    } else {
        offset_ = manual_now_ - real;  // continue from the manual time: never back
    }
    manual_ = manual;
    wake_all_locked();
}

bool Clock::advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    if (!manual_) return false;
    manual_now_ += by;
    wake_all_locked();
    return true;
}

void Clock::wake_all_locked() {
    for (const auto& [id, wake] : wakers_) wake();
}

Clock::Waker::Waker(Clock& clock, std::function<void()> wake) : clock_(clock) {
    std::lock_guard lock(clock_.mutex_);
    id_ = clock_.next_waker_++;
    clock_.wakers_.emplace(id_, std::move(wake));
}

Clock::Waker::~Waker() {
    std::lock_guard lock(clock_.mutex_);
    clock_.wakers_.erase(id_);
}

}  // namespace hcsim
