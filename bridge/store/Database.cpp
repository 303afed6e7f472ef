#include "bridge/store/Database.h"

#include "bridge/store/CachedStatement.h"

#include "bridge/store/Migrations.h"
#include "bridge/store/StoreSecrets.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <sqlite3.h>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

StoreLocation StoreLocation::parse(const std::string& uri) {
    StoreLocation location;
    auto colon = uri.find(':');
    if (colon == std::string::npos)
        throw StoreError("store URI '" + uri + "' must look like sqlite:PATH");
    location.backend = uri.substr(0, colon);
    location.target = uri.substr(colon + 1);
    if (location.backend == "postgresql")
        throw StoreError("store URI '" + uri +
                         "': the PostgreSQL backend is not available in this build yet; use "
                         "sqlite:PATH");
    if (location.backend != "sqlite")
        throw StoreError("store URI '" + uri + "': unknown backend '" + location.backend +
                         "' (expected sqlite)");
    if (location.target.empty())
        throw StoreError("store URI '" + uri + "' names no file");
    std::filesystem::path file(location.target);
    location.folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    return location;
}

Database::Database(const std::string& uri, std::size_t maxSessions)
    : location_(StoreLocation::parse(uri)), maxSessions_(maxSessions) {
    static std::once_flag registered;
    std::call_once(registered, [] {
        // Before SQLite's first use in the process (later calls fail harmlessly): no mutex on
        // every connection call (a connection is leased to one thread at a time) and no
        // process-wide memory statistics (a mutex around every allocation). Together 12 - 15 %
        // of a mass post's CPU (bench/NOTES.md, 2026-11-29, evening).
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        Poco::Data::SQLite::Connector::registerConnector();
    });
    std::error_code error;
    std::filesystem::create_directories(location_.folder, error);
    if (error)
        throw StoreError("cannot create the store folder " + location_.folder.string() + ": " +
                         error.message());
    idle_.push_back(open());
    openSessions_ = 1;
}

Database::~Database() {
    for (auto& session : idle_)
        forgetCachedStatements(*session); // SQLite closes no connection with live statements
}

std::unique_ptr<Poco::Data::Session> Database::open() {
    try {
        auto session = std::make_unique<Poco::Data::Session>("SQLite", location_.target);
        *session << "PRAGMA busy_timeout = 30000", now;
        *session << "PRAGMA journal_mode = WAL", now;
        *session << "PRAGMA synchronous = FULL", now;
        *session << "PRAGMA foreign_keys = ON", now;
        // A page cache of 4 MiB per connection (SQLite's default is 2): the outbox's indexes
        // stay cached across claims (bench/NOTES.md, Send 3). Not mmap: mapped pages of a
        // large store would count in the resident memory a mass post must keep flat.
        *session << "PRAGMA cache_size = -4096", now;
        // Savepoints of writes that share a transaction journal in memory, not in temp files.
        *session << "PRAGMA temp_store = MEMORY", now;
        return session;
    } catch (const Poco::Exception& error) {
        throw StoreError("cannot open the store " + location_.target + ": " + error.displayText());
    }
}

Database::Lease Database::lease() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (!idle_.empty()) {
            auto session = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(session));
        }
        if (openSessions_ < maxSessions_) {
            ++openSessions_;
            lock.unlock();
            try {
                return Lease(*this, open());
            } catch (...) {
                std::lock_guard relock(mutex_);
                --openSessions_;
                throw;
            }
        }
        available_.wait(lock);
    }
}

void Database::giveBack(std::unique_ptr<Poco::Data::Session> session) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(session));
    }
    available_.notify_one();
}

Database::Lease::Lease(Database& database, std::unique_ptr<Poco::Data::Session> session)
    : database_(&database), session_(std::move(session)) {}

Database::Lease::Lease(Lease&& other) noexcept
    : database_(other.database_), session_(std::move(other.session_)) {}

Database::Lease::~Lease() {
    if (session_)
        database_->giveBack(std::move(session_));
}

void Database::write(const std::function<void(Poco::Data::Session&)>& work) {
    auto mine = std::make_shared<PendingWrite>();
    mine->work = &work;
    mine->writer = std::make_shared<Writer>();
    writeTogether({mine});
    if (mine->error)
        std::rethrow_exception(mine->error);
}

std::vector<std::exception_ptr>
Database::writeAll(const std::vector<std::function<void(Poco::Data::Session&)>>& works) {
    auto writer = std::make_shared<Writer>();
    std::vector<PendingWritePtr> mine;
    mine.reserve(works.size());
    for (const auto& work : works) {
        mine.push_back(std::make_shared<PendingWrite>());
        mine.back()->work = &work;
        mine.back()->writer = writer;
    }
    if (!mine.empty())
        writeTogether(mine);
    std::vector<std::exception_ptr> errors;
    errors.reserve(mine.size());
    for (const PendingWritePtr& pending : mine)
        errors.push_back(pending->error);
    return errors;
}

void Database::writeTogether(const std::vector<PendingWritePtr>& mine) {
    // Writers of this process queue here rather than in SQLite's busy handler, which sleeps
    // and retries; whoever finds no transaction running runs the next one for everybody
    // waiting. Transactions take waiting writes in order, so the last of mine is done last.
    const PendingWritePtr& last = mine.back();
    Writer& me = *last->writer;
    std::unique_lock lock(writersMutex_);
    waitingWrites_.insert(waitingWrites_.end(), mine.begin(), mine.end());
    while (!last->done) {
        if (transactionRunning_) {
            me.wake.wait(lock, [&] { return last->done || !transactionRunning_; });
            continue;
        }
        transactionRunning_ = true;
        std::vector<PendingWritePtr> batch;
        while (!waitingWrites_.empty() && batch.size() < kMostWritesTogether) {
            batch.push_back(waitingWrites_.front());
            waitingWrites_.pop_front();
        }
        lock.unlock();
        runTogether(batch);
        lock.lock();
        transactionRunning_ = false;
        for (const PendingWritePtr& pending : batch)
            pending->done = true;
        std::shared_ptr<Writer> nextLeader =
            waitingWrites_.empty() ? nullptr : waitingWrites_.front()->writer;
        bool finished = last->done;
        // Woken after the lock is released, so that each wakes to a free mutex rather than
        // to wait for it again (two context switches per writer instead of one).
        // batch keeps every writer alive until notified, though each may return once the
        // lock is released. A writer with several writes in the batch is woken once.
        lock.unlock();
        const Writer* notified = &me;
        for (const PendingWritePtr& pending : batch)
            if (pending->writer.get() != notified && pending->writer.get() != &me) {
                notified = pending->writer.get();
                pending->writer->wake.notify_one();
            }
        if (nextLeader && nextLeader.get() != &me)
            nextLeader->wake.notify_one(); // it runs the next transaction
        if (finished)
            break;
        lock.lock(); // more than kMostWritesTogether were waiting, some of mine among the rest
    }
}

void Database::runTogether(const std::vector<PendingWritePtr>& batch) {
    try {
        Lease session = lease();
        WriteTransaction transaction(*session);
        if (batch.size() == 1) {
            try {
                (*batch.front()->work)(*session);
            } catch (...) {
                batch.front()->error = std::current_exception();
                return; // the transaction rolls back
            }
        } else {
            for (const PendingWritePtr& pending : batch) {
                CachedStatement(*session, "SAVEPOINT write").run();
                try {
                    (*pending->work)(*session);
                    CachedStatement(*session, "RELEASE write").run();
                } catch (...) {
                    pending->error = std::current_exception();
                    CachedStatement(*session, "ROLLBACK TO write").run();
                    CachedStatement(*session, "RELEASE write").run();
                }
            }
        }
        transaction.commit();
    } catch (...) {
        // Beginning, a rollback to a savepoint, or the commit failed: nothing of the batch
        // was committed, and every writer learns it.
        for (const PendingWritePtr& pending : batch)
            if (!pending->error)
                pending->error = std::current_exception();
    }
}

void Database::read(const std::function<void(Poco::Data::Session&)>& work) {
    Lease session = lease();
    work(*session);
}

int Database::schemaVersion() {
    int version = 0;
    read([&](Poco::Data::Session& session) { version = currentSchemaVersion(session); });
    return version;
}

int Database::migrate() {
    int applied = 0;
    write([&](Poco::Data::Session& session) { applied = applyMigrations(session); });
    return applied;
}

WriteTransaction::WriteTransaction(Poco::Data::Session& session) : session_(session) {
    CachedStatement(session_, "BEGIN IMMEDIATE").run();
}

WriteTransaction::~WriteTransaction() {
    if (!open_)
        return;
    try {
        session_ << "ROLLBACK", now;
    } catch (...) {
        // The connection is unusable; nothing more can be done while unwinding.
    }
}

void WriteTransaction::commit() {
    CachedStatement(session_, "COMMIT").run();
    open_ = false;
}

void Database::setSecretBox(std::shared_ptr<const SecretBox> box) {
    secretBox_ = std::move(box);
    StoreSecrets::attach(location_.target, secretBox_);
}

} // namespace dpp::bridge
