#pragma once
// `contact import --datasource ID FILE`: each row of the file is a post to that data source
// (its key map, the DPP default keys, special parameters, budget tags, de-dupe and post-on),
// stored exactly as a posted lead. The file is read twice, streaming, a row at a time: once
// to check every row (a malformed file throws InputError naming file, line and key, and
// changes nothing), then to store the rows in group commits of a few hundred. Each row's
// Idempotency-Key is the file's SHA-256 (its first 80 bits) and its line, so importing the
// same file again, or after a crash, stores nothing twice. Not synchronised; run from one thread.
#include "bridge/Config.h"
#include "bridge/store/Database.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace dpp::bridge {

struct DataSourceImportCounts {
    std::int64_t rows = 0;
    std::int64_t created = 0;    // new contacts (duplicates stored as such included)
    std::int64_t duplicates = 0; // of them, stored marked duplicate_of (on-duplicate create)
    std::int64_t updated = 0;    // matched and changed
    std::int64_t unchanged = 0;  // matched, nothing to change
    std::int64_t rejected = 0;   // matched and refused (on-duplicate reject)
    std::int64_t repeated = 0;   // rows this file's earlier import stored already
    std::int64_t failed = 0;     // rows that could not be stored (the log says why)
    std::int64_t problems = 0;   // parts left out (a bad __plan_data, a budget amount, ...)
    std::int64_t postedOn = 0;   // deliveries queued by the post-on webhook
    std::map<std::string, std::int64_t> ignoredKeys; // key -> rows carrying it
};

// rowsDone, rowsInFile: called after each group commit and once at the end.
using ImportProgress = std::function<void(std::int64_t rowsDone, std::int64_t rowsInFile)>;

// Throws InputError naming file, line and key for a malformed file, NotFound for an unknown
// data source; nothing is stored then.
DataSourceImportCounts importThroughDataSource(Database& database, const Config& config,
                                               std::int64_t dataSourceId,
                                               const std::filesystem::path& file,
                                               const ImportProgress& progress = {});

} // namespace dpp::bridge
