// The worker pools' thread control: wake() rouses every sleeper, wakeOne() one of them (or the
// next to sleep, if none sleeps yet), stop() ends them all.
#include "bridge/outbox/WorkerThreads.h"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>

using namespace dpp::bridge;
using namespace std::chrono_literals;

namespace {

// Counts the sleeps that ended, and lets the test wait for a number of them.
struct Woken {
    std::mutex mutex;
    std::condition_variable changed;
    int count = 0;
    void add() {
        std::lock_guard lock(mutex);
        ++count;
        changed.notify_all();
    }
    bool waitFor(int expected) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 10s, [&] { return count >= expected; });
    }
    bool released = false;
    void release() {
        std::lock_guard lock(mutex);
        released = true;
        changed.notify_all();
    }
    void waitForRelease() {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return released; });
    }
    int now() {
        std::lock_guard lock(mutex);
        return count;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(worker_threads)

BOOST_AUTO_TEST_CASE(a_wake_one_with_nobody_asleep_lets_the_next_sleep_go_on_once) {
    WorkerThreads threads;
    threads.wakeOne();
    auto started = std::chrono::steady_clock::now();
    threads.sleep(60s, threads.wakeCount());
    BOOST_TEST((std::chrono::steady_clock::now() - started < 30s));
    started = std::chrono::steady_clock::now();
    threads.sleep(20ms, threads.wakeCount()); // the ticket was taken: this one waits it out
    BOOST_TEST((std::chrono::steady_clock::now() - started >= 20ms));
}

BOOST_AUTO_TEST_CASE(wake_one_rouses_one_sleeper_and_wake_rouses_them_all) {
    Woken woken;
    std::mutex asleepMutex;
    std::condition_variable asleepChanged;
    int asleep = 0;
    WorkerThreads threads; // joined before what its threads use goes
    struct ReleaseOnExit { // before the threads are joined, however the test ends
        Woken& woken;
        ~ReleaseOnExit() { woken.release(); }
    } releaseOnExit{woken};
    threads.start(3, [&](std::size_t) {
        std::uint64_t seen = threads.wakeCount();
        {
            std::lock_guard lock(asleepMutex);
            ++asleep;
            asleepChanged.notify_all();
        }
        threads.sleep(60s, seen);
        woken.add();
        woken.waitForRelease(); // not asleep again: a second sleep could take a ticket
    });
    {
        std::unique_lock lock(asleepMutex);
        BOOST_REQUIRE(asleepChanged.wait_for(lock, 10s, [&] { return asleep == 3; }));
    }
    threads.wakeOne();
    threads.wakeOne();
    BOOST_REQUIRE(woken.waitFor(2));
    BOOST_TEST(woken.now() == 2); // the third sleeps on
    threads.wake();
    BOOST_REQUIRE(woken.waitFor(3));
    woken.release();
    threads.stop();
}

BOOST_AUTO_TEST_SUITE_END()
