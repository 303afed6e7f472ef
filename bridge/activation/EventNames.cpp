#include "bridge/activation/EventNames.h"

#include "bridge/InputError.h"
#include "mapping/EditDistance.h"

namespace dpp::bridge {

const std::vector<std::string_view>& builtInEvents() {
    static const std::vector<std::string_view> events{
        kContactCreated, kContactUpdated,   kContactStatusChanged, kPaymentReturned,
        kPaymentCleared, kDocumentUploaded, kDataSourceImported};
    return events;
}

namespace {

bool isCustomName(std::string_view name) {
    constexpr std::string_view prefix = "custom.";
    if (name.substr(0, prefix.size()) != prefix || name.size() == prefix.size() ||
        name.size() > 100)
        return false;
    for (char c : name.substr(prefix.size()))
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
            return false;
    return true;
}

} // namespace

void checkEventName(std::string_view name) {
    std::string known;
    std::string_view closest;
    std::size_t closestDistance = 3;
    for (std::string_view event : builtInEvents()) {
        if (event == name)
            return;
        known += (known.empty() ? "" : ", ") + std::string(event);
        std::size_t distance = mapping::editDistance(name, event);
        if (distance < closestDistance) {
            closest = event;
            closestDistance = distance;
        }
    }
    if (isCustomName(name))
        return;
    throw InputError("unknown event '" + std::string(name) + "'" +
                     (closest.empty() ? "" : " (did you mean '" + std::string(closest) + "'?)") +
                     "; events are " + known +
                     ", or custom.<name> (lower-case letters, digits, '_', '-', '.') for events "
                     "raised by `event emit`");
}

} // namespace dpp::bridge
