// masspost (preview, post, list, status, cancel, resume) and nightly (run, list).
#include "bridge/InputError.h"
#include "bridge/activation/BatchRunner.h"
#include "bridge/activation/MassPosts.h"
#include "bridge/activation/NightlyJobs.h"
#include "bridge/cli/Commands.h"
#include "bridge/cli/Signals.h"
#include "bridge/send/HttpSender.h"
#include "bridge/store/BatchStore.h"
#include "bridge/store/WebhookStore.h"
#include "bridge/views/RecordViews.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace dpp::bridge {

namespace {

ContactSelection selectionFrom(const Arguments& arguments,
                               const mapping::WebhookDefinition& webhook) {
    ContactSelection selection;
    if (auto account = arguments.integer("account"))
        selection.accountId = *account;
    else if (webhook.account)
        selection.accountId = *webhook.account;
    else
        throw UsageError("webhook " + std::to_string(webhook.id) +
                         " names no account; say whose contacts to post with --account N");
    for (const std::string& text : arguments.values("where"))
        selection.where.push_back(parseCondition(text, "where"));
    if (auto status = arguments.value("status"))
        selection.where.push_back(parseCondition("STATUS=" + *status, "status"));
    std::int64_t now = SystemClock().nowMs();
    auto time = [&](const char* flag, std::string& into) {
        if (auto text = arguments.value(flag))
            into = formatTime(parseTime(*text, now));
    };
    time("created-since", selection.createdSince);
    time("created-before", selection.createdBefore);
    time("updated-since", selection.updatedSince);
    time("updated-before", selection.updatedBefore);
    return selection;
}

std::string clockText(std::int64_t ms) {
    std::int64_t seconds = ms / 1000;
    char text[32];
    std::snprintf(text, sizeof(text), "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
    return text;
}

// Progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds
// otherwise (logs, cron mail).
class ProgressPrinter {
public:
    explicit ProgressPrinter(std::ostream& err) : err_(err), terminal_(::isatty(STDERR_FILENO)) {}

    void operator()(const Batch& batch, const BatchProgress& progress, std::int64_t elapsedMs,
                    bool final) {
        if (!final && !terminal_ && elapsedMs - lastPlainMs_ < 5000 && lastPlainMs_ >= 0)
            return;
        lastPlainMs_ = elapsedMs;
        std::int64_t total = std::max<std::int64_t>(batch.selected, progress.queuedSoFar);
        std::int64_t done = progress.done();
        double rate = elapsedMs > 0 ? done * 1000.0 / static_cast<double>(elapsedMs) : 0;
        std::ostringstream line;
        if (terminal_) {
            int width = 30;
            int filled = total > 0 ? static_cast<int>(width * done / total) : width;
            line << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
                 << std::string(static_cast<std::size_t>(width - filled), '.') << "] ";
        } else {
            line << "batch " << batch.id << ": ";
        }
        line << withThousands(done) << "/" << withThousands(total) << " done, "
             << withThousands(progress.failed + progress.dead) << " failed, "
             << withThousands(static_cast<std::int64_t>(rate)) << "/s";
        if (rate > 0 && total > done)
            line << ", " << clockText(static_cast<std::int64_t>((total - done) / rate * 1000))
                 << " left";
        line << ", " << clockText(elapsedMs) << " elapsed";
        if (terminal_)
            line << "   ";
        err_ << line.str() << (terminal_ && !final ? "" : "\n") << std::flush;
    }

private:
    std::ostream& err_;
    bool terminal_;
    std::int64_t lastPlainMs_ = -1;
};

void printSummary(std::ostream& out, const Batch& batch, const BatchRunResult& result) {
    const BatchProgress& progress = result.progress;
    out << "batch " << batch.id << " " << batchStatusName(result.status) << ": selected "
        << withThousands(batch.selected) << ", delivered " << withThousands(progress.delivered);
    if (progress.alreadyDelivered)
        out << " (+" << withThousands(progress.alreadyDelivered) << " delivered by an earlier run)";
    out << ", failed " << withThousands(progress.failed) << ", dead "
        << withThousands(progress.dead) << ", cancelled " << withThousands(progress.cancelled)
        << ", pending " << withThousands(progress.pending) << ", time "
        << clockText(result.elapsedMs) << "\n";
    if (result.interrupted)
        out << "interrupted: resume with `dppbridge masspost resume " << batch.id << "`\n";
    if (result.timedOut)
        out << "--max-wait passed; what is pending stays queued for `serve` or `work`\n";
    if (progress.failed + progress.dead > 0)
        out << "see them with `dppbridge deliveries list --batch " << batch.id
            << " --status failed` (or dead); replay with `dppbridge replay ID...`\n";
}

BatchRunOptions runOptionsFrom(const Arguments& arguments) {
    BatchRunOptions options;
    options.wait = !arguments.has("no-wait");
    if (auto limit = arguments.value("max-wait"))
        options.maxWait = parseDuration(*limit, "--max-wait");
    if (auto size = arguments.integer("page-size")) {
        if (*size < 1 || *size > 10000)
            throw UsageError("--page-size must be between 1 and 10000");
        options.pageSize = static_cast<std::size_t>(*size);
    }
    return options;
}

int runBatch(std::int64_t batchId, const Arguments& arguments, CommandContext& context,
             TerminationSignals& signals) {
    SystemClock clock;
    BatchRunner runner(context.config(), context.database(), clock);
    ProgressPrinter printer(context.err());
    BatchRunResult result = runner.run(
        batchId, runOptionsFrom(arguments),
        [&](std::chrono::milliseconds wait) { return signals.waitFor(wait).has_value(); },
        std::ref(printer));
    Batch batch = BatchStore(context.database()).require(batchId);
    printSummary(context.out(), batch, result);
    if (!runOptionsFrom(arguments).wait && !result.interrupted)
        return 0;
    return result.succeeded() ? 0 : 1;
}

bool confirmedPost(const Arguments& arguments, CommandContext& context, std::int64_t count) {
    if (arguments.has("yes"))
        return true;
    if (!::isatty(STDIN_FILENO))
        throw UsageError("posting " + std::to_string(count) +
                         " contact(s) needs --yes when not run from a terminal (or --preview "
                         "to look first)");
    context.err() << "post " << count << " contact(s)? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

int masspost(const Arguments& arguments, CommandContext& context) {
    TerminationSignals signals;
    auto webhook = WebhookStore(context.database()).require(arguments.requireInteger("webhook"));
    int ways = arguments.has("all") + arguments.has("ids") + arguments.has("ids-file");
    if (ways != 1)
        throw UsageError("choose the contacts with exactly one of --all (the list), --ids 1,2,3 "
                         "or --ids-file FILE (the selected ones)");
    ContactSelection selection = selectionFrom(arguments, webhook);
    PreparedWebhook prepared(context.database(), webhook); // refuses a webhook that cannot render
    MassPosts posts(context.database());
    BatchStore batches(context.database());
    std::unique_ptr<std::istream> ids;
    if (auto list = arguments.value("ids"))
        ids = std::make_unique<std::istringstream>(*list);
    else if (auto file = arguments.value("ids-file")) {
        auto in = std::make_unique<std::ifstream>(*file);
        if (!*in)
            throw InputError("cannot read --ids-file " + *file);
        ids = std::move(in);
    }
    if (arguments.has("preview") || !arguments.has("yes")) {
        // A preview needs the selection; selected ids live in a batch, so make one and drop it
        // unless the user goes on to post.
        std::int64_t total = 0;
        std::optional<mapping::Contact> contact;
        std::int64_t record = arguments.integer("record").value_or(1);
        std::optional<Batch> held;
        if (ids) {
            held = posts.create(BatchKind::MassPost, "", webhook.id, selection, actorOf(arguments),
                                ids.get());
            total = held->selected;
            contact =
                posts.contactAt(ContactSelection::fromJson(held->selection), record, held->id);
        } else {
            total = posts.count(selection);
            contact = posts.contactAt(selection, record);
        }
        if (arguments.has("preview") || total == 0) {
            if (held)
                batches.discard(held->id);
            if (total == 0) {
                context.out() << "no contacts match (" << selection.describe() << ")\n";
                return 0;
            }
            if (!contact)
                throw UsageError("--record " + std::to_string(record) + " is past the last of " +
                                 std::to_string(total) + " record(s)");
            context.out() << "record " << record << " of " << total << ": contact " << contact->id
                          << " (" << selection.describe() << ")\n"
                          << HttpSender::describe(prepared.compiled(), prepared.render(*contact),
                                                  "(a new key for each contact)")
                          << "\n";
            if (record < total)
                context.out() << "next record: add --record " << record + 1 << "\n";
            context.out() << "nothing was posted; post all " << total
                          << " with --yes instead of --preview\n";
            return 0;
        }
        bool confirmed = false;
        try {
            confirmed = confirmedPost(arguments, context, total);
        } catch (...) {
            if (held)
                batches.discard(held->id);
            throw;
        }
        if (!confirmed) {
            if (held)
                batches.discard(held->id);
            context.err() << "nothing posted\n";
            return 0;
        }
        if (held)
            return runBatch(held->id, arguments, context, signals);
    }
    Batch batch =
        posts.create(BatchKind::MassPost, "", webhook.id, selection, actorOf(arguments), ids.get());
    context.err() << "batch " << batch.id << ": posting " << batch.selected
                  << " contact(s) through webhook " << webhook.id << " '" << webhook.title << "' ("
                  << selection.describe() << ")\n";
    return runBatch(batch.id, arguments, context, signals);
}

std::string batchJson(const Batch& batch, const BatchProgress& progress) {
    return "{\"id\": " + std::to_string(batch.id) +
           ", \"kind\": " + quoteJson(batchKindName(batch.kind)) +
           ", \"job\": " + quoteJson(batch.job) +
           ", \"webhook\": " + std::to_string(batch.webhookId) +
           ", \"selection\": " + quoteJson(ContactSelection::fromJson(batch.selection).describe()) +
           ", \"status\": " + quoteJson(batchStatusName(batch.status)) +
           ", \"selected\": " + std::to_string(batch.selected) +
           ", \"delivered\": " + std::to_string(progress.delivered) +
           ", \"already_delivered\": " + std::to_string(progress.alreadyDelivered) +
           ", \"failed\": " + std::to_string(progress.failed) +
           ", \"dead\": " + std::to_string(progress.dead) +
           ", \"cancelled\": " + std::to_string(progress.cancelled) +
           ", \"pending\": " + std::to_string(progress.pending) +
           ", \"created_by\": " + quoteJson(batch.createdBy) +
           ", \"created_at\": " + quoteJson(batch.createdAt) + ", \"finished_at\": " +
           (batch.finishedAt.empty() ? "null" : quoteJson(batch.finishedAt)) + "}";
}

std::string batchLine(const Batch& batch, const BatchProgress& progress) {
    return std::to_string(batch.id) + "  " + std::string(batchKindName(batch.kind)) +
           (batch.job.empty() ? "" : " " + batch.job) + "  " +
           std::string(batchStatusName(batch.status)) + "  webhook " +
           std::to_string(batch.webhookId) + "  selected " + withThousands(batch.selected) +
           ", delivered " + withThousands(progress.delivered) + ", failed " +
           withThousands(progress.failed) + ", dead " + withThousands(progress.dead) +
           ", cancelled " + withThousands(progress.cancelled) + ", pending " +
           withThousands(progress.pending) + "  " + batch.createdAt + "  " + batch.createdBy;
}

int masspostList(const Arguments& arguments, CommandContext& context) {
    BatchStore batches(context.database());
    MassPosts posts(context.database());
    auto all = batches.list(static_cast<std::size_t>(arguments.integer("limit").value_or(20)));
    bool json = arguments.has("json");
    if (json)
        context.out() << "[";
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto progress = batches.progress(all[i]);
        all[i] = posts.settle(all[i], progress);
        if (json)
            context.out() << (i ? ",\n  " : "\n  ") << batchJson(all[i], progress);
        else
            context.out() << batchLine(all[i], progress) << "\n";
    }
    if (json)
        context.out() << (all.empty() ? "]\n" : "\n]\n");
    return 0;
}

int masspostStatus(const Arguments& arguments, CommandContext& context) {
    BatchStore batches(context.database());
    MassPosts posts(context.database());
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "batch ID");
    TerminationSignals signals;
    for (;;) {
        Batch batch = batches.require(id);
        auto progress = batches.progress(batch);
        batch = posts.settle(batch, progress);
        bool settled =
            batch.status == BatchStatus::Finished || batch.status == BatchStatus::Cancelled;
        if (!arguments.has("watch") || settled) {
            context.out() << (arguments.has("json") ? batchJson(batch, progress)
                                                    : batchLine(batch, progress))
                          << "\n";
            return 0;
        }
        context.err() << batchLine(batch, progress) << "\n";
        if (signals.waitFor(std::chrono::seconds(2)))
            return 1;
    }
}

int masspostCancel(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "batch ID");
    MassPosts(context.database()).cancel(id, actorOf(arguments));
    BatchStore batches(context.database());
    Batch batch = batches.require(id);
    context.out() << "batch " << id << " cancelled: " << batches.progress(batch).cancelled
                  << " queued deliveries will not be sent; resume with `dppbridge masspost "
                     "resume "
                  << id << "`\n";
    return 0;
}

int masspostResume(const Arguments& arguments, CommandContext& context) {
    TerminationSignals signals;
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "batch ID");
    Batch batch = MassPosts(context.database()).resume(id, actorOf(arguments));
    context.err() << "batch " << id << " resumed at contact id " << batch.position << "\n";
    return runBatch(id, arguments, context, signals);
}

int nightlyRun(const Arguments& arguments, CommandContext& context) {
    TerminationSignals signals;
    auto webhook = WebhookStore(context.database()).require(arguments.requireInteger("webhook"));
    std::string job = arguments.require("job");
    ContactSelection selection = selectionFrom(arguments, webhook);
    PreparedWebhook prepared(context.database(), webhook);
    NightlyJobs jobs(context.database());
    Batch batch = jobs.start(job, webhook.id, selection, actorOf(arguments));
    context.err() << "nightly job " << job << ": batch " << batch.id << " posts " << batch.selected
                  << " changed contact(s) ("
                  << ContactSelection::fromJson(batch.selection).describe() << ")\n";
    SystemClock clock;
    BatchRunner runner(context.config(), context.database(), clock);
    ProgressPrinter printer(context.err());
    BatchRunOptions options = runOptionsFrom(arguments);
    options.wait = true;
    BatchRunResult result = runner.run(
        batch.id, options,
        [&](std::chrono::milliseconds wait) { return signals.waitFor(wait).has_value(); },
        std::ref(printer));
    batch = BatchStore(context.database()).require(batch.id);
    printSummary(context.out(), batch, result);
    if (!result.succeeded()) {
        context.out() << "nightly job " << job
                      << " did not succeed; its watermark stays, so the next run posts these "
                         "changes again (each change is delivered once)\n";
        return 1;
    }
    jobs.succeeded(job, batch);
    context.out() << "nightly job " << job << " succeeded; next run posts changes after "
                  << ContactSelection::fromJson(batch.selection).changedAtMost.value_or(0) << "\n";
    return 0;
}

int nightlyList(const Arguments& arguments, CommandContext& context) {
    auto jobs = NightlyJobs(context.database()).all();
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < jobs.size(); ++i)
            context.out() << (i ? ",\n  " : "\n  ") << "{\"job\": " << quoteJson(jobs[i].name)
                          << ", \"watermark\": "
                          << (jobs[i].watermark ? std::to_string(*jobs[i].watermark) : "null")
                          << ", \"last_batch\": "
                          << (jobs[i].lastBatchId ? std::to_string(*jobs[i].lastBatchId) : "null")
                          << ", \"last_success_at\": "
                          << (jobs[i].lastSuccessAt.empty() ? "null"
                                                            : quoteJson(jobs[i].lastSuccessAt))
                          << "}";
        context.out() << (jobs.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    if (jobs.empty())
        context.out() << "no nightly job has run yet\n";
    for (const auto& job : jobs)
        context.out() << job.name << "  last success "
                      << (job.lastSuccessAt.empty() ? "never" : job.lastSuccessAt) << "  watermark "
                      << (job.watermark ? std::to_string(*job.watermark) : "-") << "  last batch "
                      << (job.lastBatchId ? std::to_string(*job.lastBatchId) : "-") << "\n";
    return 0;
}

const std::vector<FlagSpec> kSelectionFlags = {
    {"account"},       {"where"},          {"status"},   {"created-since"}, {"created-before"},
    {"updated-since"}, {"updated-before"}, {"max-wait"}, {"page-size"},     {"by"}};

std::vector<FlagSpec> withSelectionFlags(std::vector<FlagSpec> flags) {
    flags.insert(flags.end(), kSelectionFlags.begin(), kSelectionFlags.end());
    return flags;
}

} // namespace

void addBatchCommands(std::vector<Command>& commands) {
    commands.push_back(
        {"masspost",
         "masspost --webhook ID (--all [--where F=V] [--status S] [--created-since T] "
         "[--updated-since T] ... | --ids 1,2,3 | --ids-file F) [--preview [--record K]] "
         "[--yes] [--no-wait] [--max-wait D]",
         "post a list or selected contacts; --preview steps through records, --yes posts",
         withSelectionFlags({{"webhook"},
                             {"all", false},
                             {"ids"},
                             {"ids-file"},
                             {"preview", false},
                             {"record"},
                             {"yes", false},
                             {"no-wait", false}}),
         masspost});
    commands.push_back({"masspost list",
                        "masspost list [--limit N] [--json]",
                        "mass posts and nightly runs, newest first",
                        {{"limit"}, {"json", false}},
                        masspostList});
    commands.push_back({"masspost status",
                        "masspost status ID [--watch] [--json]",
                        "a batch's progress (--watch follows it to the end)",
                        {{"watch", false}, {"json", false}},
                        masspostStatus});
    commands.push_back({"masspost cancel",
                        "masspost cancel ID",
                        "stop a batch: its queued deliveries are not sent",
                        {{"by"}},
                        masspostCancel});
    commands.push_back({"masspost resume",
                        "masspost resume ID [--no-wait] [--max-wait D]",
                        "go on with a cancelled or interrupted batch; no contact is posted twice",
                        {{"no-wait", false}, {"max-wait"}, {"page-size"}, {"by"}},
                        masspostResume});
    commands.push_back(
        {"nightly run",
         "nightly run --job NAME --webhook ID [--account N] [--where F=V] [--max-wait D]",
         "post what changed since the job's last successful run; exit 0 only if all delivered",
         withSelectionFlags({{"job"}, {"webhook"}}), nightlyRun});
    commands.push_back({"nightly list",
                        "nightly list [--json]",
                        "nightly jobs and their watermarks",
                        {{"json", false}},
                        nightlyList});
}

} // namespace dpp::bridge
