#pragma once
// Nightly jobs' watermarks: per job name, the last change number a successful run posted
// (nightly_jobs, its only writer), and the newest change number of the contacts, which bounds
// a run's window. Thread-safe through Database; every method is one transaction.
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct NightlyJob {
    std::string name;
    std::optional<std::int64_t> watermark; // none: the job never succeeded; it posts all
    std::optional<std::int64_t> lastBatchId;
    std::string lastSuccessAt;
};

// The changes a run of a job may post: (watermark, newestChange].
struct NightlyWindow {
    std::optional<std::int64_t> watermark; // none: from the first change
    std::int64_t newestChange = 0;         // 0: no contacts yet
};

class NightlyJobStore {
public:
    explicit NightlyJobStore(Database& database) : database_(database) {}

    // The job's watermark and the newest change, read together.
    NightlyWindow window(const std::string& job);
    // A run of the job, made as batch batchId, delivered everything up to watermark.
    void succeeded(const std::string& job, std::int64_t watermark, std::int64_t batchId);
    std::vector<NightlyJob> all(); // by name

private:
    Database& database_;
};

} // namespace dpp::bridge
