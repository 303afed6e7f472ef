#include "bridge/activation/NightlyJobs.h"

#include "bridge/InputError.h"

#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

void checkJobName(const std::string& job) {
    bool good = !job.empty() && job.size() <= 64;
    for (char c : job)
        good = good && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
    if (!good)
        throw InputError("--job '" + job +
                         "': a job name is 1 to 64 letters, digits, '-', '_' or '.'");
}

} // namespace

Batch NightlyJobs::start(const std::string& job, std::int64_t webhookId, ContactSelection selection,
                         const std::string& actor) {
    checkJobName(job);
    std::optional<std::int64_t> watermark;
    std::int64_t newest = 0;
    database_.read([&](Poco::Data::Session& session) {
        std::vector<Poco::Nullable<std::int64_t>> marks;
        session << "SELECT watermark FROM nightly_jobs WHERE name = ?", bind(job), into(marks), now;
        if (!marks.empty() && !marks.front().isNull())
            watermark = marks.front().value();
        session << "SELECT COALESCE(MAX(change_seq), 0) FROM contacts", into(newest), now;
    });
    selection.changedAfter = watermark;
    selection.changedAtMost = newest;
    return MassPosts(database_).create(BatchKind::Nightly, job, webhookId, selection, actor);
}

void NightlyJobs::succeeded(const std::string& job, const Batch& batch) {
    database_.write([&](Poco::Data::Session& session) {
        std::int64_t watermark =
            ContactSelection::fromJson(batch.selection).changedAtMost.value_or(0);
        std::string at = nowText();
        session << "INSERT INTO nightly_jobs (name, watermark, last_batch_id, last_success_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                   "watermark = excluded.watermark, last_batch_id = excluded.last_batch_id, "
                   "last_success_at = excluded.last_success_at, updated_at = excluded.updated_at",
            bind(job), use(watermark), bind(batch.id), use(at), use(at), now;
    });
}

std::vector<NightlyJob> NightlyJobs::all() {
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
