#include "bridge/outbox/OutboxSignal.h"

#include <map>
#include <mutex>

namespace dpp::bridge {

namespace {

std::mutex& listenersMutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<int, OutboxSignal::Listener>& listeners() {
    static std::map<int, OutboxSignal::Listener> all;
    return all;
}

} // namespace

int OutboxSignal::subscribe(Listener listener) {
    static int next = 0;
    std::lock_guard lock(listenersMutex());
    listeners().emplace(++next, std::move(listener));
    return next;
}

void OutboxSignal::unsubscribe(int handle) {
    std::lock_guard lock(listenersMutex());
    listeners().erase(handle);
}

void OutboxSignal::notify() {
    std::lock_guard lock(listenersMutex());
    for (auto& [handle, listener] : listeners())
        listener();
}

} // namespace dpp::bridge
