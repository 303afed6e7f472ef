#pragma once
// How a receiving data source turns posted keys into contact fields: keys are matched
// verbatim (case and spelling count, as the article says), first against the data source's
// own map, then against the keys every DPP data source knows (firstname, lastname, ssn, ...).
// Keys that match nothing are omitted and reported. Immutable; thread-safe.
#include "mapping/Contact.h"
#include "mapping/Encoding.h"

#include <map>
#include <string>
#include <vector>

namespace dpp::mapping {

class ReceiveKeyMap {
public:
    // customKeys: posted key -> custom field name (checked after the system keys).
    explicit ReceiveKeyMap(std::map<std::string, SystemField> extraKeys = {},
                           std::map<std::string, std::string> customKeys = {});

    struct Result {
        Contact contact;
        std::vector<SystemField> postedFields; // the system fields posted, each once
        std::vector<std::string> ignoredKeys;  // in the order posted, each once
        KeyValues unmapped;                    // the ignored pairs, for special parameters
    };
    // A key posted twice keeps its last value (as PHP-based receivers do).
    Result apply(const KeyValues& posted) const;

    // Whether a system field can be the target of a posted key (not ID, ACCTID, CREATED).
    static bool isPostable(SystemField field);

private:
    std::map<std::string, SystemField, std::less<>> keys_;
    std::map<std::string, std::string, std::less<>> customKeys_;
};

} // namespace dpp::mapping
