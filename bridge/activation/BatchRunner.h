#pragma once
// Runs a batch in this process: queues its pages one transaction at a time while delivery
// workers send them, reports progress, and waits until nothing of the batch is pending (or
// it was cancelled elsewhere, or a stop was asked for, or the wait limit passed). A stopped
// batch stays resumable. Runs in the caller's thread; the workers are its own.
#include "bridge/Clock.h"
#include "bridge/Config.h"
#include "bridge/activation/MassPosts.h"

#include <chrono>
#include <functional>
#include <optional>

namespace dpp::bridge {

struct BatchRunResult {
    BatchProgress progress;
    BatchStatus status = BatchStatus::Queueing; // the batch's status at the end
    bool interrupted = false;
    bool timedOut = false;
    std::int64_t elapsedMs = 0;
    bool succeeded() const {
        return !interrupted && !timedOut && status == BatchStatus::Finished &&
               progress.failed == 0 && progress.dead == 0 && progress.pending == 0;
    }
};

struct BatchRunOptions {
    std::size_t pageSize = 500;
    bool wait = true;                                 // false: return once everything is queued
    std::optional<std::chrono::milliseconds> maxWait; // from the start of the run
    std::chrono::milliseconds reportEvery{1000};
};

class BatchRunner {
public:
    // Waits at most the given time for a stop request; true when one came.
    using StopWait = std::function<bool(std::chrono::milliseconds)>;
    using Report =
        std::function<void(const Batch&, const BatchProgress&, std::int64_t elapsedMs, bool final)>;

    BatchRunner(const Config& config, Database& database, const Clock& clock);
    BatchRunResult run(std::int64_t batchId, const BatchRunOptions& options, const StopWait& stop,
                       const Report& report);

private:
    const Config& config_;
    Database& database_;
    const Clock& clock_;
};

} // namespace dpp::bridge
