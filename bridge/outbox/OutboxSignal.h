#pragma once
// Tells this process's delivery workers that new work was committed (a trigger fired, a data
// source posted on), so that they need not wait for their idle poll. Work queued by other
// processes is still found by the poll. Thread-safe.
#include <functional>

namespace dpp::bridge {

class OutboxSignal {
public:
    using Listener = std::function<void()>;
    // Returns a handle for unsubscribe().
    static int subscribe(Listener listener);
    static void unsubscribe(int handle);
    static void notify();
};

} // namespace dpp::bridge
