#include "bridge/activation/NightlyJobs.h"

#include "bridge/InputError.h"

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
    NightlyWindow window = NightlyJobStore(database_).window(job);
    selection.changedAfter = window.watermark;
    selection.changedAtMost = window.newestChange;
    return MassPosts(database_).create(BatchKind::Nightly, job, webhookId, selection, actor);
}

void NightlyJobs::succeeded(const std::string& job, const Batch& batch) {
    NightlyJobStore(database_).succeeded(
        job, ContactSelection::fromJson(batch.selection).changedAtMost.value_or(0), batch.id);
}

std::vector<NightlyJob> NightlyJobs::all() {
    return NightlyJobStore(database_).all();
}

} // namespace dpp::bridge
