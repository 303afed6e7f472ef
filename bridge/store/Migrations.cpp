#include "bridge/store/Migrations.h"

#include "bridge/store/DataSourceStore.h"
#include "bridge/store/Database.h"

#include <string>
#include <vector>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

namespace {

struct Migration {
    int version;
    const char* description;
    std::vector<std::string> statements;
    // Work SQL alone cannot do (run after the statements, in the same transaction).
    void (*after)(Poco::Data::Session&) = nullptr;
};

// Data sources are found by the SHA-256 of their token, so that looking one up takes the
// same time whatever part of a guessed token is right.
void hashDataSourceTokens(Poco::Data::Session& session) {
    std::vector<std::int64_t> ids;
    std::vector<std::string> tokens;
    session << "SELECT id, token FROM data_sources WHERE token_sha256 IS NULL", into(ids),
        into(tokens), now;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::string hash = tokenSha256(tokens[i]);
        session << "UPDATE data_sources SET token_sha256 = ? WHERE id = ?", use(hash), use(ids[i]),
            now;
    }
}

// Portable SQL: TEXT timestamps (ISO 8601 UTC), INTEGER ids, no SQLite-only types.
const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all{
        {1,
         "accounts, contacts, webhooks, data sources, deliveries",
         {
             "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "created_at TEXT NOT NULL)",
             "CREATE TABLE contacts (id INTEGER PRIMARY KEY, "
             "account_id INTEGER NOT NULL REFERENCES accounts(id), "
             "firstname TEXT NOT NULL DEFAULT '', lastname TEXT NOT NULL DEFAULT '', "
             "email TEXT NOT NULL DEFAULT '', homephone TEXT NOT NULL DEFAULT '', "
             "cellphone TEXT NOT NULL DEFAULT '', workphone TEXT NOT NULL DEFAULT '', "
             "address1 TEXT NOT NULL DEFAULT '', address2 TEXT NOT NULL DEFAULT '', "
             "city TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '', "
             "zip TEXT NOT NULL DEFAULT '', dob TEXT NOT NULL DEFAULT '', "
             "ssn TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT '', "
             "campaign TEXT NOT NULL DEFAULT '', externalid TEXT NOT NULL DEFAULT '', "
             "assigned_to TEXT NOT NULL DEFAULT '', "
             "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
             "CREATE INDEX contacts_by_account ON contacts(account_id, id)",
             "CREATE TABLE contact_custom_fields (contact_id INTEGER NOT NULL "
             "REFERENCES contacts(id) ON DELETE CASCADE, name TEXT NOT NULL, "
             "value TEXT NOT NULL, PRIMARY KEY (contact_id, name))",
             "CREATE TABLE webhooks (id INTEGER PRIMARY KEY, title TEXT NOT NULL UNIQUE, "
             "account_id INTEGER, destination_account INTEGER, url TEXT NOT NULL, "
             "method TEXT NOT NULL, format TEXT NOT NULL, mode TEXT NOT NULL, port INTEGER, "
             "auth_username TEXT, auth_password TEXT, "
             "success_body_contains TEXT NOT NULL DEFAULT '', "
             "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
             "CREATE TABLE webhook_pairs (webhook_id INTEGER NOT NULL "
             "REFERENCES webhooks(id) ON DELETE CASCADE, position INTEGER NOT NULL, "
             "pair_key TEXT NOT NULL, field TEXT, value TEXT NOT NULL DEFAULT '', "
             "secret INTEGER NOT NULL DEFAULT 0, sample TEXT NOT NULL DEFAULT '', "
             "PRIMARY KEY (webhook_id, position))",
             "CREATE TABLE data_sources (id INTEGER PRIMARY KEY, "
             "account_id INTEGER NOT NULL REFERENCES accounts(id), name TEXT NOT NULL, "
             "token TEXT NOT NULL UNIQUE, webhook_id INTEGER REFERENCES webhooks(id), "
             "created_at TEXT NOT NULL, UNIQUE (account_id, name))",
             "CREATE TABLE data_source_mappings (data_source_id INTEGER NOT NULL "
             "REFERENCES data_sources(id) ON DELETE CASCADE, post_key TEXT NOT NULL, "
             "field TEXT NOT NULL, PRIMARY KEY (data_source_id, post_key))",
             "CREATE TABLE received_posts (data_source_id INTEGER NOT NULL "
             "REFERENCES data_sources(id), idempotency_key TEXT NOT NULL, "
             "contact_id INTEGER NOT NULL REFERENCES contacts(id), "
             "ignored_keys TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL, "
             "PRIMARY KEY (data_source_id, idempotency_key))",
             // The outbox: one row per request of one webhook for one contact. The wire
             // request is what gets sent; url and body are the same with secrets masked.
             // A claimed row is 'sending' with a lease; an expired lease is claimed again.
             "CREATE TABLE deliveries (id INTEGER PRIMARY KEY, "
             "idempotency_key TEXT NOT NULL UNIQUE, "
             "webhook_id INTEGER NOT NULL REFERENCES webhooks(id), "
             "contact_id INTEGER NOT NULL REFERENCES contacts(id), status TEXT NOT NULL, "
             "method TEXT NOT NULL, url TEXT NOT NULL, content_type TEXT NOT NULL, "
             "body TEXT NOT NULL, wire_url TEXT NOT NULL, wire_body TEXT NOT NULL, "
             "destination TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
             "next_attempt_ms INTEGER, lease_owner TEXT, lease_until_ms INTEGER, "
             "origin TEXT NOT NULL DEFAULT '', replay_of INTEGER REFERENCES deliveries(id), "
             "last_error TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, "
             "updated_at TEXT NOT NULL)",
             "CREATE INDEX deliveries_due ON deliveries(status, next_attempt_ms)",
             "CREATE INDEX deliveries_by_webhook ON deliveries(webhook_id, id)",
             "CREATE INDEX deliveries_by_contact ON deliveries(contact_id, id)",
             "CREATE TABLE delivery_attempts (id INTEGER PRIMARY KEY, "
             "delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE, "
             "attempt INTEGER NOT NULL, started_at TEXT NOT NULL, "
             "duration_ms INTEGER NOT NULL, status_code INTEGER NOT NULL DEFAULT 0, "
             "outcome TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', "
             "response_excerpt TEXT NOT NULL DEFAULT '')",
             // Who asked for what (replays, releases on shutdown), for support staff.
             "CREATE TABLE delivery_events (id INTEGER PRIMARY KEY, "
             "delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE, "
             "at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, "
             "detail TEXT NOT NULL DEFAULT '')",
             "CREATE INDEX delivery_events_by_delivery ON delivery_events(delivery_id)",
             // Destinations failing continuously are paused instead of hammered.
             "CREATE TABLE destinations (destination TEXT PRIMARY KEY, "
             "failing_since_ms INTEGER, consecutive_failures INTEGER NOT NULL DEFAULT 0, "
             "paused_until_ms INTEGER, last_error TEXT NOT NULL DEFAULT '', "
             "updated_at TEXT NOT NULL)",
             "CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id)",
         }},
        {2,
         "enrollment plans, documents, budget catalogs and values, document grants and copies",
         {
             // The plan as its {EP_DATA} document: versioned JSON with exact decimal strings.
             "CREATE TABLE plans (contact_id INTEGER PRIMARY KEY "
             "REFERENCES contacts(id) ON DELETE CASCADE, plan_data TEXT NOT NULL, "
             "updated_at TEXT NOT NULL)",
             // Uploaded documents: metadata here, bytes in a file under the store's folder.
             "CREATE TABLE documents (id INTEGER PRIMARY KEY, "
             "contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, "
             "name TEXT NOT NULL, content_type TEXT NOT NULL, size INTEGER NOT NULL, "
             "sha256 TEXT NOT NULL, stored_path TEXT NOT NULL, created_at TEXT NOT NULL)",
             "CREATE INDEX documents_by_contact ON documents(contact_id, id)",
             "CREATE TABLE budget_fields (account_id INTEGER NOT NULL REFERENCES accounts(id), "
             "position INTEGER NOT NULL, name TEXT NOT NULL, tag TEXT NOT NULL, "
             "PRIMARY KEY (account_id, tag), UNIQUE (account_id, name))",
             "CREATE TABLE budget_values (contact_id INTEGER NOT NULL "
             "REFERENCES contacts(id) ON DELETE CASCADE, tag TEXT NOT NULL, "
             "cents INTEGER NOT NULL, PRIMARY KEY (contact_id, tag))",
             // Documents named in a __copydocs this account sent, and to which account: the
             // document endpoint serves nothing else.
             "CREATE TABLE document_grants (id INTEGER PRIMARY KEY, "
             "document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE, "
             "contact_id INTEGER NOT NULL, source_account INTEGER NOT NULL, "
             "peer_account INTEGER NOT NULL, delivery_id INTEGER, "
             "expires_at_ms INTEGER NOT NULL, created_at TEXT NOT NULL)",
             "CREATE INDEX document_grants_lookup ON document_grants(document_id, peer_account)",
             // Receiving side: each document named in a received __copydocs, fetched on its own.
             "CREATE TABLE document_copies (id INTEGER PRIMARY KEY, "
             "contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, "
             "source_account INTEGER NOT NULL, source_contact INTEGER NOT NULL, "
             "source_document INTEGER NOT NULL, status TEXT NOT NULL, "
             "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER, "
             "lease_owner TEXT, lease_until_ms INTEGER, last_error TEXT NOT NULL DEFAULT '', "
             "document_id INTEGER REFERENCES documents(id), created_at TEXT NOT NULL, "
             "updated_at TEXT NOT NULL, UNIQUE (contact_id, source_account, source_document))",
             "CREATE INDEX document_copies_due ON document_copies(status, next_attempt_ms)",
         }},
        {3,
         "payments, change sequence, events and triggers, batches, nightly jobs, delivery hops",
         {
             // Every change to a contact takes the next number: nightly jobs select by it, so
             // a change committed during a run is never skipped (numbers follow commit order,
             // as writers are serialised).
             "ALTER TABLE contacts ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0",
             "UPDATE contacts SET change_seq = id",
             "CREATE INDEX contacts_by_change ON contacts(change_seq)",
             "CREATE INDEX contacts_by_account_change ON contacts(account_id, change_seq)",
             "CREATE TABLE payments (id INTEGER PRIMARY KEY, "
             "contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, "
             "payment_date TEXT NOT NULL, cents INTEGER NOT NULL, status TEXT NOT NULL, "
             "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
             "CREATE INDEX payments_by_contact ON payments(contact_id, id)",
             "CREATE TABLE triggers (id INTEGER PRIMARY KEY, event TEXT NOT NULL, "
             "webhook_id INTEGER NOT NULL REFERENCES webhooks(id), account_id INTEGER, "
             "when_field TEXT NOT NULL DEFAULT '', when_value TEXT NOT NULL DEFAULT '', "
             "created_by TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL)",
             // An event is recorded when some trigger listens to it; external events (event
             // emit) may carry a key so that a repeated emit fires nothing twice.
             "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "account_id INTEGER NOT NULL, contact_id INTEGER NOT NULL, "
             "subject TEXT NOT NULL DEFAULT '', raised_by TEXT NOT NULL, "
             "external_key TEXT, raised_at TEXT NOT NULL, UNIQUE (name, external_key))",
             "CREATE TABLE trigger_firings (id INTEGER PRIMARY KEY, "
             "trigger_id INTEGER NOT NULL, event_id INTEGER NOT NULL REFERENCES events(id), "
             "delivery_id INTEGER, outcome TEXT NOT NULL, fired_at TEXT NOT NULL, "
             "UNIQUE (trigger_id, event_id))",
             "CREATE INDEX trigger_firings_by_trigger ON trigger_firings(trigger_id, id)",
             // A mass post or a nightly run: what it selects, how far it has queued, its state.
             "CREATE TABLE batches (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
             "job TEXT NOT NULL DEFAULT '', webhook_id INTEGER NOT NULL REFERENCES webhooks(id), "
             "account_id INTEGER NOT NULL, selection TEXT NOT NULL, status TEXT NOT NULL, "
             "position INTEGER NOT NULL DEFAULT 0, selected INTEGER NOT NULL DEFAULT 0, "
             "already_delivered INTEGER NOT NULL DEFAULT 0, "
             "change_low INTEGER, change_high INTEGER, created_by TEXT NOT NULL DEFAULT '', "
             "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, finished_at TEXT)",
             "CREATE TABLE batch_selection (batch_id INTEGER NOT NULL REFERENCES batches(id) "
             "ON DELETE CASCADE, contact_id INTEGER NOT NULL, PRIMARY KEY (batch_id, contact_id))",
             "CREATE TABLE nightly_jobs (name TEXT PRIMARY KEY, watermark INTEGER, "
             "last_batch_id INTEGER, last_success_at TEXT, updated_at TEXT NOT NULL)",
             "ALTER TABLE deliveries ADD COLUMN batch_id INTEGER",
             // The accounts a contact passed through before this delivery ("1001:55>2002:7"),
             // sent as X-Dppbridge-Hops so that receivers posting on can stop loops.
             "ALTER TABLE deliveries ADD COLUMN hops TEXT NOT NULL DEFAULT ''",
             "CREATE INDEX deliveries_by_batch ON deliveries(batch_id, status)",
             // A batch posts a contact once: resuming can never queue it twice.
             "CREATE UNIQUE INDEX deliveries_once_per_batch ON deliveries(batch_id, contact_id) "
             "WHERE batch_id IS NOT NULL",
         }},
        {4,
         "data sources found by the hash of their token",
         {
             "ALTER TABLE data_sources ADD COLUMN token_sha256 TEXT",
         },
         hashDataSourceTokens},
        {5,
         "a unique index on the token hashes",
         {
             "CREATE UNIQUE INDEX data_sources_by_token_hash ON data_sources(token_sha256)",
         }},
        {6,
         "delivery requests apart from the delivery's state",
         {
             // A delivery's state changes at least twice (claimed, finished); its request, a
             // few KB with a plan, never. Apart, a state change rewrites a small row instead
             // of the request and its overflow pages (bench/NOTES.md, 2026-11-29, afternoon).
             // wire_url '' means the wire request is the masked one: it carries nothing
             // secret and this store seals nothing, so it is not stored twice.
             "CREATE TABLE delivery_requests (delivery_id INTEGER PRIMARY KEY "
             "REFERENCES deliveries(id) ON DELETE CASCADE, url TEXT NOT NULL, "
             "body TEXT NOT NULL, wire_url TEXT NOT NULL, wire_body TEXT NOT NULL)",
             "INSERT INTO delivery_requests (delivery_id, url, body, wire_url, wire_body) "
             "SELECT id, url, body, "
             "CASE WHEN wire_url = url AND wire_body = body THEN '' ELSE wire_url END, "
             "CASE WHEN wire_url = url AND wire_body = body THEN '' ELSE wire_body END "
             "FROM deliveries",
             "ALTER TABLE deliveries DROP COLUMN url",
             "ALTER TABLE deliveries DROP COLUMN body",
             "ALTER TABLE deliveries DROP COLUMN wire_url",
             "ALTER TABLE deliveries DROP COLUMN wire_body",
         }},
        {7,
         "mass post pages leased to their workers, deliveries written with their first attempt",
         {
             // A mass post's page handed to its own workers is one row while it is on the
             // wire; each delivery is written once, with its first attempt, instead of queued,
             // leased and then updated (bench/NOTES.md, 2026-12-06, evening). A page whose lease
             // runs out (its process died) is queued again from its contacts
             // (activation/MassPosts).
             "CREATE TABLE batch_pages (id INTEGER PRIMARY KEY, batch_id INTEGER NOT NULL "
             "REFERENCES batches(id), first_contact_id INTEGER NOT NULL, "
             "last_contact_id INTEGER NOT NULL, contacts INTEGER NOT NULL, "
             "lease_owner TEXT NOT NULL, lease_until_ms INTEGER NOT NULL)",
         }},
        {8,
         "de-dupe settings of data sources, their match keys, redirects, duplicate contacts, "
         "change numbers sent and applied",
         {
             // A data source with de-dupe rules matches each post against the contacts it
             // stored before, by normalised values (email case-folded, phones as digits, the
             // sender's account:contact). One row per (data source, rule, value): the primary
             // key is what keeps two posts of the same person from making two contacts.
             "ALTER TABLE data_sources ADD COLUMN dedupe_rules TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE data_sources ADD COLUMN on_duplicate TEXT NOT NULL DEFAULT 'reject'",
             "ALTER TABLE data_sources ADD COLUMN redirect_url TEXT NOT NULL DEFAULT ''",
             "CREATE TABLE dedupe_keys (data_source_id INTEGER NOT NULL "
             "REFERENCES data_sources(id) ON DELETE CASCADE, rule TEXT NOT NULL, "
             "match_value TEXT NOT NULL, contact_id INTEGER NOT NULL "
             "REFERENCES contacts(id) ON DELETE CASCADE, "
             "PRIMARY KEY (data_source_id, rule, match_value))",
             "CREATE INDEX dedupe_keys_by_contact ON dedupe_keys(data_source_id, contact_id)",
             // A contact stored as a duplicate of another (on-duplicate create).
             "ALTER TABLE contacts ADD COLUMN duplicate_of INTEGER",
             // The source contact's change number when a delivery was rendered, sent as
             // X-Dppbridge-Change; a receiver keeps the newest change it applied per sender
             // identity, so posts that arrive out of order (a retry after a later change) never
             // take a copy back to an older version.
             "ALTER TABLE deliveries ADD COLUMN source_change INTEGER NOT NULL DEFAULT 0",
             "CREATE TABLE source_changes (data_source_id INTEGER NOT NULL "
             "REFERENCES data_sources(id) ON DELETE CASCADE, source_identity TEXT NOT NULL, "
             "change_no INTEGER NOT NULL, PRIMARY KEY (data_source_id, source_identity))",
         }},
    };
    return all;
}

void ensureMigrationTable(Poco::Data::Session& session) {
    session << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
               "description TEXT NOT NULL, applied_at TEXT NOT NULL)",
        now;
}

} // namespace

int latestSchemaVersion() {
    return migrations().back().version;
}

int currentSchemaVersion(Poco::Data::Session& session) {
    ensureMigrationTable(session);
    int version = 0;
    session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(version), now;
    return version;
}

int applyMigrations(Poco::Data::Session& session, int upTo) {
    int current = currentSchemaVersion(session);
    int applied = 0;
    for (const Migration& migration : migrations()) {
        if (migration.version <= current || migration.version > upTo)
            continue;
        for (const std::string& statement : migration.statements)
            session << statement, now;
        if (migration.after)
            migration.after(session);
        int version = migration.version;
        std::string description = migration.description;
        std::string appliedAt = nowText();
        session << "INSERT INTO schema_migrations (version, description, applied_at) "
                   "VALUES (?, ?, ?)",
            use(version), use(description), use(appliedAt), now;
        ++applied;
    }
    return applied;
}

} // namespace dpp::bridge
