#include "bridge/outbox/Hops.h"

#include <charconv>

namespace dpp::bridge {

namespace {

std::optional<std::int64_t> positive(std::string_view text) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0)
        return std::nullopt;
    return value;
}

} // namespace

Hops Hops::parse(std::string_view text) {
    Hops result;
    while (!text.empty() && result.hops_.size() <= kMaxHops) {
        std::size_t end = text.find('>');
        std::string_view part = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        std::size_t colon = part.find(':');
        if (colon == std::string_view::npos)
            continue;
        auto account = positive(part.substr(0, colon));
        auto contact = positive(part.substr(colon + 1));
        if (account && contact)
            result.hops_.push_back({*account, *contact});
    }
    return result;
}

Hops Hops::start(std::int64_t account, std::int64_t contact) {
    return Hops().then(account, contact);
}

Hops Hops::then(std::int64_t account, std::int64_t contact) const {
    Hops next = *this;
    next.hops_.push_back({account, contact});
    return next;
}

bool Hops::passedThrough(std::int64_t account) const {
    for (const Hop& hop : hops_)
        if (hop.account == account)
            return true;
    return false;
}

std::string Hops::text() const {
    std::string out;
    for (const Hop& hop : hops_) {
        if (!out.empty())
            out += '>';
        out += std::to_string(hop.account) + ":" + std::to_string(hop.contact);
    }
    return out;
}

std::optional<std::string> Hops::loopReason(std::optional<std::int64_t> destination) const {
    if (hops_.empty())
        return std::nullopt;
    if (tooLong())
        return "the contact has already been posted on " + std::to_string(hops_.size() - 1) +
               " times (" + text() + "); at most " + std::to_string(kMaxHops - 1) + " are allowed";
    if (destination && passedThrough(*destination))
        return "the contact came from account " + std::to_string(*destination) + " (" + text() +
               "); posting it back would loop";
    const Hop& here = hops_.back();
    for (std::size_t i = 0; i + 1 < hops_.size(); ++i)
        if (hops_[i].account == here.account)
            return "the contact has come back to account " + std::to_string(here.account) + " (" +
                   text() + "); posting it on again would loop";
    return std::nullopt;
}

} // namespace dpp::bridge
