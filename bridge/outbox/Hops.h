#pragma once
// The accounts a contact has passed through, oldest first ("1001:55>2002:7": account 1001's
// contact 55, then account 2002's contact 7). Every delivery carries it in the
// X-Dppbridge-Hops header; a data source that posts on adds its own hop and refuses to post a
// contact back into an account it has already been through: that is how a loop between two
// accounts posting to each other stops. A plain value; not synchronised.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::bridge {

struct Hop {
    std::int64_t account = 0;
    std::int64_t contact = 0;
};

// More hops than this is a loop whatever the accounts say.
inline constexpr std::size_t kMaxHops = 8;

class Hops {
public:
    Hops() = default;
    // Reads the header's text. Malformed parts are dropped (a header is not trusted input
    // to fail a post on); at most kMaxHops + 1 hops are kept.
    static Hops parse(std::string_view text);
    static Hops start(std::int64_t account, std::int64_t contact);

    Hops then(std::int64_t account, std::int64_t contact) const;
    bool passedThrough(std::int64_t account) const;
    bool tooLong() const { return hops_.size() > kMaxHops; }
    bool empty() const { return hops_.empty(); }
    const std::vector<Hop>& hops() const { return hops_; }
    std::string text() const;

    // Why posting this contact on into destination would loop, or nothing when it would not.
    // The last hop is where the contact is now; a chain that visits it twice is a loop too.
    std::optional<std::string> loopReason(std::optional<std::int64_t> destination) const;

private:
    std::vector<Hop> hops_;
};

} // namespace dpp::bridge
