#pragma once
// Named nightly jobs and their watermarks: the last change number a successful run posted
// (kept by NightlyJobStore). A run selects the changes after the watermark up to the newest
// change at its start; only a run that delivered everything moves the watermark. Thread-safe
// through Database.
#include "bridge/activation/MassPosts.h"
#include "bridge/store/NightlyJobStore.h"

#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

class NightlyJobs {
public:
    explicit NightlyJobs(Database& database) : database_(database) {}

    // Makes the run's batch: selection narrowed to changes (watermark, newest]. The job name
    // is letters, digits, '-', '_' and '.' (InputError otherwise).
    Batch start(const std::string& job, std::int64_t webhookId, ContactSelection selection,
                const std::string& actor);
    void succeeded(const std::string& job, const Batch& batch);
    std::vector<NightlyJob> all();

private:
    Database& database_;
};

} // namespace dpp::bridge
