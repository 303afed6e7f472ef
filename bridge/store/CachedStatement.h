#pragma once
// A SQLite statement compiled once per connection and reused, for the hot paths (receiving a
// post, claiming and finishing deliveries): POCO's `session << "..."` compiles its SQL on
// every call, which was about a quarter of the receive path's CPU (bench/NOTES.md). A
// CachedStatement borrows the connection's compiled statement for one use and resets it when
// it goes out of scope. Columns and parameters are numbered from 1 and 0 as in SQLite.
// Thread-safety: as its session (one thread at a time); the per-connection registry is locked.
// Errors throw StoreError with SQLite's message.
#include "bridge/store/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace dpp::bridge {

class CachedStatement {
public:
    // sql must stay the same text for the same statement (it is the cache key).
    CachedStatement(Poco::Data::Session& session, std::string_view sql);
    ~CachedStatement();
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;

    // Parameters, from 1.
    CachedStatement& bind(int index, std::int64_t value);
    CachedStatement& bind(int index, std::string_view text); // copied by SQLite
    CachedStatement& bind(int index, const std::optional<std::int64_t>& value);
    CachedStatement& bindNull(int index);

    // The next row: true when one is available, false when done.
    bool step();
    // Runs a statement that returns no rows (or whose rows are not needed).
    void run();
    // Makes the statement ready to run again with new parameters (within one borrowing).
    void reset();

    // Columns of the current row, from 0.
    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optionalInteger(int column) const;
    std::string text(int column) const;
    bool isNull(int column) const;

private:
    [[noreturn]] void fail(int code, std::string_view doing) const;

    sqlite3* connection_;
    sqlite3_stmt* statement_;
    bool cached_ = false; // kept for the connection (else finalized after this use)
};

// Finalizes the statements cached for a session's connection; call before it closes.
void forgetCachedStatements(Poco::Data::Session& session);

} // namespace dpp::bridge
