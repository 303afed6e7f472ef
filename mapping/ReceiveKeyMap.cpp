#include "mapping/ReceiveKeyMap.h"

#include <algorithm>

namespace dpp::mapping {

ReceiveKeyMap::ReceiveKeyMap(std::map<std::string, SystemField> extraKeys,
                             std::map<std::string, std::string> customKeys) {
    for (const auto& field : systemFields())
        if (!field.dataSourceKey.empty())
            keys_.emplace(std::string(field.dataSourceKey), field.field);
    for (auto& [key, field] : extraKeys)
        if (isPostable(field)) // ID, ACCTID and CREATED belong to the store
            keys_[key] = field;
    for (auto& [key, name] : customKeys) { // the data source's own map before the defaults
        keys_.erase(key);
        customKeys_.emplace(key, name);
    }
}

bool ReceiveKeyMap::isPostable(SystemField field) {
    return !info(field).assignedByStore;
}

ReceiveKeyMap::Result ReceiveKeyMap::apply(const KeyValues& posted) const {
    Result result;
    for (const auto& [key, value] : posted) {
        auto it = keys_.find(key);
        if (it != keys_.end()) {
            result.contact.set(it->second, value);
            if (std::find(result.postedFields.begin(), result.postedFields.end(), it->second) ==
                result.postedFields.end())
                result.postedFields.push_back(it->second);
            continue;
        }
        if (auto custom = customKeys_.find(key); custom != customKeys_.end()) {
            result.contact.custom[custom->second] = value;
            continue;
        }
        result.unmapped.emplace_back(key, value);
        if (std::find(result.ignoredKeys.begin(), result.ignoredKeys.end(), key) ==
            result.ignoredKeys.end())
            result.ignoredKeys.push_back(key);
    }
    return result;
}

} // namespace dpp::mapping
