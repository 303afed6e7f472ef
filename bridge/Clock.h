#pragma once
// Time as the running system sees it: milliseconds since the Unix epoch. Code that decides
// when to retry or when a lease expires takes a Clock so tests can move time by hand.
// SystemClock is thread-safe; ManualClock is thread-safe too (an atomic).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace dpp::bridge {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t nowMs() const = 0;
};

class SystemClock : public Clock {
public:
    std::int64_t nowMs() const override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

class ManualClock : public Clock {
public:
    explicit ManualClock(std::int64_t startMs = 1'800'000'000'000) : now_(startMs) {}
    std::int64_t nowMs() const override { return now_.load(); }
    void advance(std::chrono::milliseconds by) { now_ += by.count(); }
    void set(std::int64_t ms) { now_ = ms; }

private:
    std::atomic<std::int64_t> now_;
};

// ISO 8601 UTC with milliseconds, the store's text format for times ("2026-11-29T05:30:00.000Z").
std::string formatTime(std::int64_t epochMs);
// The system clock's now in that format.
std::string nowText();
// Reads that format, a date "2026-11-29", or a relative "-2h" / "-30m" / "-7d" (before now).
// Throws InputError naming the text.
std::int64_t parseTime(const std::string& text, std::int64_t nowMs);

} // namespace dpp::bridge
