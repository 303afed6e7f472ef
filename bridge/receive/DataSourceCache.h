#pragma once
// What a post needs to know about its data source before it is stored: the data source (by
// its token) and its account's budget catalog, kept for a short time so that a busy data
// source does not read both from the store for every post (bench/NOTES.md, Receive 4). A
// change made by another process (`datasource map`, `budget add`) applies to posts within
// maxAgeMs. Unknown tokens are never kept (a stranger cannot fill the memory). Thread-safe.
#include "bridge/store/DataSourceStore.h"
#include "budget/BudgetCatalog.h"
#include "mapping/ReceiveKeyMap.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace dpp::bridge {

class DataSourceCache {
public:
    struct Entry {
        DataSource source;
        budget::BudgetCatalog catalog;
        mapping::ReceiveKeyMap keyMap; // the DPP keys and the data source's own mappings
    };

    DataSourceCache(Database& database, DataSourceStore& store, std::int64_t maxAgeMs = 2000)
        : database_(database), store_(store), maxAgeMs_(maxAgeMs) {}

    // The data source at token with its catalog, read again when older than maxAgeMs;
    // nothing for an unknown token. nowMs is a steady clock's milliseconds.
    std::shared_ptr<const Entry> find(const std::string& token, std::int64_t nowMs);

private:
    struct Kept {
        std::shared_ptr<const Entry> entry;
        std::int64_t loadedMs = 0;
    };
    static constexpr std::size_t kMostKept = 10000;

    Database& database_;
    DataSourceStore& store_;
    std::int64_t maxAgeMs_;
    std::mutex mutex_;
    std::unordered_map<std::string, Kept> kept_;
};

} // namespace dpp::bridge
