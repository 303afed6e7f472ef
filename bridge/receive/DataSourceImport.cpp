#include "bridge/receive/DataSourceImport.h"

#include "bridge/InputError.h"
#include "bridge/receive/DataSourceCache.h"
#include "bridge/receive/PostIntake.h"
#include "bridge/store/ContactExtrasStore.h"
#include "mapping/PostedRows.h"

#include <chrono>
#include <fstream>

namespace dpp::bridge {

namespace {

constexpr std::size_t kRowsPerCommit = 500;

std::int64_t steadyNowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::ifstream openRows(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + file.string());
    return in;
}

std::string where(const std::filesystem::path& file, std::size_t line, const std::string& key) {
    return file.string() + " line " + std::to_string(line) +
           (key.empty() ? std::string() : ", key '" + key + "'");
}

// The key a limit message names ("the key 'x' is ..."), for the error's prefix.
std::string limitKey(const mapping::KeyValues& pairs, const PostLimits& limits) {
    for (const auto& [key, value] : pairs)
        if (key.size() > limits.maxKeyBytes || value.size() > limits.maxValueBytes)
            return key;
    return "";
}

// First pass: every row read and checked as a post would be; returns the number of rows.
std::int64_t checkRows(const std::filesystem::path& file, mapping::PostedRowFormat format,
                       const PostLimits& limits) {
    std::ifstream in = openRows(file);
    mapping::PostedRowReader reader(in, format, limits.maxJsonDepth);
    mapping::PostedRow row;
    std::int64_t rows = 0;
    try {
        while (reader.next(row)) {
            ++rows;
            if (row.pairs.empty())
                throw InputError(where(file, row.line, "") +
                                 ": the row carries no key/value pairs");
            if (auto broken = postLimitBroken(row.pairs, limits))
                throw InputError(where(file, row.line, limitKey(row.pairs, limits)) + ": " +
                                 *broken);
        }
    } catch (const mapping::PostedRowError& error) {
        throw InputError(where(file, error.line(), error.key()) + ": " + error.message());
    }
    return rows;
}

void count(const PostIntake::Post& post, DataSourceImportCounts& counts) {
    const ReceivedContact& received = post.received;
    // Stored (200, or 303 to a redirect) or rejected as a duplicate (409); anything else is a
    // row refused before storing or whose storing failed.
    using Poco::Net::HTTPResponse;
    HTTPResponse::HTTPStatus status = post.reply->status;
    bool taken =
        status == HTTPResponse::HTTP_OK || status == HTTPResponse::HTTP_SEE_OTHER ||
        (status == HTTPResponse::HTTP_CONFLICT && received.match == MatchOutcome::Rejected);
    if (!taken) {
        ++counts.failed;
        return;
    }
    if (received.duplicate)
        ++counts.repeated;
    else if (received.match == MatchOutcome::Rejected)
        ++counts.rejected;
    else if (received.match == MatchOutcome::Updated)
        ++(received.changed.empty() ? counts.unchanged : counts.updated);
    else {
        ++counts.created;
        if (received.match == MatchOutcome::CreatedAsDuplicate)
            ++counts.duplicates;
    }
    if (!received.duplicate) {
        counts.problems +=
            static_cast<std::int64_t>(post.extras.problems.size() + received.problems.size());
        for (const std::string& key : received.ignoredKeys)
            ++counts.ignoredKeys[key];
        if (received.postedOnBy)
            ++counts.postedOn;
    }
}

} // namespace

DataSourceImportCounts importThroughDataSource(Database& database, const Config& config,
                                               std::int64_t dataSourceId,
                                               const std::filesystem::path& file,
                                               const ImportProgress& progress) {
    auto format = mapping::postedRowFormatFor(file.extension().string());
    if (!format)
        throw InputError(file.string() + ": unknown file type '" + file.extension().string() +
                         "' (an import through a data source takes .csv with a header row of "
                         "posted keys, .jsonl or .json)");
    DataSourceStore store(database);
    DataSource source = store.require(dataSourceId);
    PostLimits limits = PostLimits::from(config);
    std::int64_t rowsInFile = checkRows(file, *format, limits);
    // 80 bits of the file's SHA-256 tell files apart; the store keeps every row's key twice
    // (its table and index), so it stays short.
    std::string fileKey = "imp_" + fileSizeAndSha256(file).second.substr(0, 20) + "_";

    DataSourceCache sources(database, store);
    PostRateLimiter unbounded(0);
    ReceiveTally tally;
    ReceivedPosts received(database);
    PostIntake intake(config, received, sources, limits, unbounded, tally);

    DataSourceImportCounts counts;
    std::ifstream in = openRows(file);
    mapping::PostedRowReader reader(in, *format, limits.maxJsonDepth);
    std::vector<PostIntake::Post> posts;
    posts.reserve(kRowsPerCommit);
    auto storeChunk = [&] {
        std::vector<PostIntake::Post*> pointers;
        for (PostIntake::Post& post : posts)
            pointers.push_back(&post);
        intake.storeAll(pointers);
        for (const PostIntake::Post& post : posts) {
            ++counts.rows;
            if (post.reply)
                count(post, counts);
        }
        posts.clear();
        if (progress)
            progress(counts.rows, rowsInFile);
    };
    mapping::PostedRow row;
    try {
        while (reader.next(row)) {
            PostIntake::Post& post = posts.emplace_back();
            intake.admit(post, source.token, "POST", steadyNowMs());
            if (!post.reply)
                intake.prepareKeys(post, std::move(row.pairs), fileKey + std::to_string(row.line),
                                   "");
            if (post.reply && !post.known)
                throw NotFound("data source " + std::to_string(dataSourceId) + " no longer exists");
            if (posts.size() == kRowsPerCommit)
                storeChunk();
        }
    } catch (const mapping::PostedRowError& error) {
        // The file changed between the two readings.
        throw InputError(where(file, error.line(), error.key()) + ": " + error.message());
    }
    if (!posts.empty() || counts.rows == 0)
        storeChunk();
    return counts;
}

} // namespace dpp::bridge
