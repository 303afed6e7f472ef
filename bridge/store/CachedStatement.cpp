#include "bridge/store/CachedStatement.h"

#include <Poco/Data/SQLite/Utility.h>

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>

namespace dpp::bridge {

namespace {

// Looked up by the SQL text as a string_view: no allocation per borrowing.
struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
        return std::hash<std::string_view>{}(sql);
    }
};
struct Kept {
    sqlite3_stmt* statement = nullptr;
    bool borrowed = false;
};
using Compiled = std::unordered_map<std::string, Kept, SqlHash, std::equal_to<>>;

struct Registry {
    std::mutex mutex;
    std::unordered_map<sqlite3*, Compiled> byConnection;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

} // namespace

CachedStatement::CachedStatement(Poco::Data::Session& session, std::string_view sql)
    : connection_(Poco::Data::SQLite::Utility::dbHandle(session)), statement_(nullptr) {
    Registry& all = registry();
    {
        std::lock_guard lock(all.mutex);
        Compiled& compiled = all.byConnection[connection_];
        auto found = compiled.find(sql);
        if (found != compiled.end() && !found->second.borrowed) {
            found->second.borrowed = true;
            statement_ = found->second.statement;
            cached_ = true;
        }
    }
    if (statement_)
        return;
    int code = sqlite3_prepare_v3(connection_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
    if (code != SQLITE_OK) {
        sqlite3_finalize(statement_);
        statement_ = nullptr;
        fail(code, "compiling " + std::string(sql.substr(0, 80)));
    }
    // Kept for the connection, unless the same SQL is borrowed already (a nested use, never
    // on the hot paths): that twin is finalized after its one use.
    std::lock_guard lock(all.mutex);
    auto [slot, added] = all.byConnection[connection_].try_emplace(std::string(sql));
    if (added) {
        slot->second = Kept{statement_, true};
        cached_ = true;
    }
}

CachedStatement::~CachedStatement() {
    if (!statement_)
        return;
    if (!cached_) {
        sqlite3_finalize(statement_);
        return;
    }
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    Registry& all = registry();
    std::lock_guard lock(all.mutex);
    all.byConnection[connection_].find(std::string_view(sqlite3_sql(statement_)))->second.borrowed =
        false;
}

void CachedStatement::fail(int code, std::string_view doing) const {
    throw StoreError("store: " + std::string(doing) + ": " + sqlite3_errstr(code) +
                     (connection_ ? std::string(" (") + sqlite3_errmsg(connection_) + ")" : ""));
}

CachedStatement& CachedStatement::bind(int index, std::int64_t value) {
    if (int code = sqlite3_bind_int64(statement_, index, value); code != SQLITE_OK)
        fail(code, "binding parameter " + std::to_string(index));
    return *this;
}

CachedStatement& CachedStatement::bind(int index, std::string_view text) {
    if (int code = sqlite3_bind_text64(statement_, index, text.data(), text.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
        code != SQLITE_OK)
        fail(code, "binding parameter " + std::to_string(index));
    return *this;
}

CachedStatement& CachedStatement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

CachedStatement& CachedStatement::bindNull(int index) {
    if (int code = sqlite3_bind_null(statement_, index); code != SQLITE_OK)
        fail(code, "binding parameter " + std::to_string(index));
    return *this;
}

bool CachedStatement::step() {
    int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW)
        return true;
    if (code == SQLITE_DONE)
        return false;
    fail(code, "running " + std::string(std::string_view(sqlite3_sql(statement_)).substr(0, 80)));
}

void CachedStatement::run() {
    while (step()) {
    }
}

void CachedStatement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::int64_t CachedStatement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::optional<std::int64_t> CachedStatement::optionalInteger(int column) const {
    if (isNull(column))
        return std::nullopt;
    return integer(column);
}

std::string CachedStatement::text(int column) const {
    const auto* bytes = sqlite3_column_text(statement_, column);
    int size = sqlite3_column_bytes(statement_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size))
                 : std::string();
}

bool CachedStatement::isNull(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

void forgetCachedStatements(Poco::Data::Session& session) {
    sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(session);
    Registry& all = registry();
    std::lock_guard lock(all.mutex);
    auto found = all.byConnection.find(connection);
    if (found == all.byConnection.end())
        return;
    for (auto& [sql, kept] : found->second)
        sqlite3_finalize(kept.statement);
    all.byConnection.erase(found);
}

} // namespace dpp::bridge
