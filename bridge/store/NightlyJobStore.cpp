#include "bridge/store/NightlyJobStore.h"

#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

NightlyWindow NightlyJobStore::window(const std::string& job) {
    NightlyWindow window;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<Poco::Nullable<std::int64_t>> marks;
        session << "SELECT watermark FROM nightly_jobs WHERE name = ?", bind(job), into(marks), now;
        if (!marks.empty() && !marks.front().isNull())
            window.watermark = marks.front().value();
        session << "SELECT COALESCE(MAX(change_seq), 0) FROM contacts", into(window.newestChange),
            now;
    });
    return window;
}

void NightlyJobStore::succeeded(const std::string& job, std::int64_t watermark,
                                std::int64_t batchId) {
    database_.write([&](Poco::Data::Session& session) {
        std::string at = nowText();
        session << "INSERT INTO nightly_jobs (name, watermark, last_batch_id, last_success_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                   "watermark = excluded.watermark, last_batch_id = excluded.last_batch_id, "
                   "last_success_at = excluded.last_success_at, updated_at = excluded.updated_at",
            bind(job), use(watermark), use(batchId), use(at), use(at), now;
    });
}

std::vector<NightlyJob> NightlyJobStore::all() {
    std::vector<NightlyJob> jobs;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<std::string> names;
        std::vector<Poco::Nullable<std::int64_t>> marks, batches;
        std::vector<Poco::Nullable<std::string>> successes;
        session << "SELECT name, watermark, last_batch_id, last_success_at FROM nightly_jobs "
                   "ORDER BY name",
            into(names), into(marks), into(batches), into(successes), now;
        for (std::size_t i = 0; i < names.size(); ++i) {
            NightlyJob job;
            job.name = names[i];
            if (!marks[i].isNull())
                job.watermark = marks[i].value();
            if (!batches[i].isNull())
                job.lastBatchId = batches[i].value();
            if (!successes[i].isNull())
                job.lastSuccessAt = successes[i].value();
            jobs.push_back(std::move(job));
        }
    });
    return jobs;
}

} // namespace dpp::bridge
