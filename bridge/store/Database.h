#pragma once
// The connection to the store: a small pool of POCO Data sessions on one database, the
// numbered migrations, and write transactions. Thread-safe: any thread may lease a session;
// a leased session is used by one thread at a time.
// SQLite is opened in WAL mode with a busy timeout; writes use BEGIN IMMEDIATE so that
// concurrent writers queue instead of failing with "database is locked".
#include "bridge/Clock.h"

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dpp::bridge {

class SecretBox;

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct StoreLocation {
    std::string backend;          // "sqlite" (PostgreSQL to come)
    std::string target;           // the file path for SQLite
    std::filesystem::path folder; // where documents and other files live beside it
    static StoreLocation parse(const std::string& uri); // throws StoreError naming the URI
};

class Database {
public:
    explicit Database(const std::string& uri, std::size_t maxSessions = 8);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const StoreLocation& location() const { return location_; }

    // Secrets at rest (bridge/store/StoreSecrets.h): the box that seals this store's webhook
    // passwords, secret pair values and wire requests; none means they are stored in clear.
    // Set once by whoever opened the store (the CLI: DPPBRIDGE_SECRET_KEY or
    // secrets.key_file), right after opening and before the Database is shared between
    // threads. The store's code reaches it through its sessions (StoreSecrets).
    void setSecretBox(std::shared_ptr<const SecretBox> box);
    const std::shared_ptr<const SecretBox>& secretBox() const { return secretBox_; }

    // Applies the migrations not yet applied; idempotent. Returns how many were applied.
    int migrate();
    int schemaVersion();

    // A session borrowed from the pool and returned when the lease ends.
    class Lease {
    public:
        Lease(Database& database, std::unique_ptr<Poco::Data::Session> session);
        Lease(Lease&& other) noexcept;
        ~Lease();
        Poco::Data::Session& operator*() { return *session_; }
        Poco::Data::Session* operator->() { return session_.get(); }

    private:
        Database* database_;
        std::unique_ptr<Poco::Data::Session> session_;
    };
    Lease lease();

    // Runs work inside BEGIN IMMEDIATE ... COMMIT and returns once it is committed; an
    // exception rolls back that work alone and propagates. Writers of this process share
    // transactions (group commit): while one transaction runs, the works that arrive wait
    // and then run together in the next one, each in a savepoint of its own, so that one
    // fsync serves many writers (receiving posts, workers claiming and recording). The first
    // waiting writer runs the next transaction itself: a lone writer never changes thread.
    // work must not call write() again.
    void write(const std::function<void(Poco::Data::Session&)>& work);
    // Runs several works as write() would, each in a savepoint of its own, in as few
    // transactions as the group commit allows (one, when at most 256 writes wait), and returns
    // once all are committed: what each threw, or null, at its position. A thread serving many
    // connections stores their posts with one call and one wait.
    std::vector<std::exception_ptr>
    writeAll(const std::vector<std::function<void(Poco::Data::Session&)>>& works);
    // Runs work on a leased session without a transaction (single reads).
    void read(const std::function<void(Poco::Data::Session&)>& work);

private:
    std::unique_ptr<Poco::Data::Session> open();
    void giveBack(std::unique_ptr<Poco::Data::Session> session);

    StoreLocation location_;
    std::size_t maxSessions_;
    std::size_t openSessions_ = 0;
    std::vector<std::unique_ptr<Poco::Data::Session>> idle_;
    std::mutex mutex_;
    std::condition_variable available_;
    // The thread waiting in write() or writeAll(). Shared: a writer is woken after the lock is
    // released, and may return (dropping its reference) before the one who woke it is done
    // with it.
    struct Writer {
        std::condition_variable wake;
    };
    struct PendingWrite {
        const std::function<void(Poco::Data::Session&)>* work = nullptr;
        std::exception_ptr error;
        bool done = false;
        std::shared_ptr<Writer> writer;
    };
    using PendingWritePtr = std::shared_ptr<PendingWrite>;
    // Queues the works and returns when all are committed (or rolled back).
    void writeTogether(const std::vector<PendingWritePtr>& mine);
    void runTogether(const std::vector<PendingWritePtr>& batch);
    static constexpr std::size_t kMostWritesTogether = 256;
    std::mutex writersMutex_;                   // guards the two below
    std::deque<PendingWritePtr> waitingWrites_; // arrived, not yet taken into a transaction
    bool transactionRunning_ = false;           // one transaction at a time in this process
    std::shared_ptr<const SecretBox> secretBox_;
};

// Rolls back on unwind unless commit() was called. Used by Database::write().
class WriteTransaction {
public:
    explicit WriteTransaction(Poco::Data::Session& session);
    ~WriteTransaction();
    void commit();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

private:
    Poco::Data::Session& session_;
    bool open_ = true;
};

} // namespace dpp::bridge
