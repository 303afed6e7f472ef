#include "bridge/receive/DataSourceCache.h"

#include "bridge/store/ContactExtrasStore.h"

namespace dpp::bridge {

std::shared_ptr<const DataSourceCache::Entry> DataSourceCache::find(const std::string& token,
                                                                    std::int64_t nowMs) {
    {
        std::lock_guard lock(mutex_);
        auto found = kept_.find(token);
        if (found != kept_.end() && nowMs - found->second.loadedMs < maxAgeMs_)
            return found->second.entry;
    }
    std::optional<DataSource> source = store_.findByToken(token);
    if (!source) {
        std::lock_guard lock(mutex_);
        kept_.erase(token); // deleted since it was kept
        return nullptr;
    }
    auto entry = std::make_shared<Entry>();
    entry->catalog = ContactExtrasStore(database_).catalog(source->accountId);
    entry->keyMap = mapping::ReceiveKeyMap(source->mappings, source->customMappings);
    entry->source = std::move(*source);
    std::lock_guard lock(mutex_);
    if (kept_.size() >= kMostKept)
        kept_.clear();
    kept_.insert_or_assign(token, Kept{entry, nowMs});
    return entry;
}

} // namespace dpp::bridge
