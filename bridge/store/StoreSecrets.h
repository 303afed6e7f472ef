#pragma once
// Secrets at rest: the one place where the store seals values before writing them and opens
// them after reading them. Sealed are webhook passwords (webhooks.auth_password), the values
// of pairs marked secret or named like a secret (webhook_pairs.value), and the outbox's wire
// request (deliveries.wire_url, deliveries.wire_body), each bound by associated data to its
// place ("webhooks.auth_password:12", "deliveries.wire_body:dlv_..."), so that a token copied
// to another row does not open. The masked twins (deliveries.url, .body) stay as they are.
//
// Where the key comes from: Database::setSecretBox, called once by whoever opens the store
// (the CLI, from DPPBRIDGE_SECRET_KEY or secrets.key_file). Code that holds only a session
// (inside a caller's transaction) finds the same box through the session: every session of a
// Database is opened on its store file, and setSecretBox registers the box under that file
// for this process. The box is therefore per store file and process; the latest
// registration of a Database still alive wins.
//
// Policy:
// - With a key, every write seals. Reads accept sealed and clear values, so rows written
//   before a key was configured keep working (they are sealed when next written).
// - Without a key, secrets are written in clear and the process logs one warning naming
//   secrets.key_file; but a store that already holds sealed values refuses clear writes
//   (a cron job started without the key must not undo the sealing).
// - A sealed value that cannot be opened (no key, another key, altered) throws
//   SecretAccessError naming the value's place and both key ids, never the value.
// Thread-safe: a StoreSecrets is a small value made for one operation on one thread.
#include "bridge/InputError.h"
#include "bridge/secrets/SecretBox.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace Poco::Data {
class Session;
}

namespace dpp::bridge {

class Database;

// A secret of the store that cannot be opened or cannot be stored as the policy says.
// An InputError: the operation that threw changed nothing, and the message says what to
// configure.
class SecretAccessError : public InputError {
public:
    using InputError::InputError;
};

// How many secrets of one kind are sealed and how many are still in clear.
struct SealedCount {
    std::int64_t sealed = 0;
    std::int64_t clear = 0;
};

struct SecretsCensus {
    SealedCount webhookPasswords;
    SealedCount secretPairValues; // pairs marked secret or named like a secret
    SealedCount deliveryRequests; // wire URL and body of each outbox row
    std::map<std::string, std::int64_t> sealedByKeyId;
};

class StoreSecrets {
public:
    // The secrets of the store the session belongs to.
    explicit StoreSecrets(Poco::Data::Session& session);

    // True when a key is configured: every write seals.
    bool sealing() const { return box_ != nullptr; }

    // What to write for a value at `place` (associated data: "table.column:row"): a token
    // with a key. Without a key, the value itself; when `secret` (it holds a secret) the
    // process warns once, or refuses with SecretAccessError when the store already holds
    // sealed values. `what` names the value in messages ("webhook 3 auth.password").
    std::string seal(std::string_view value, const std::string& place, const std::string& what,
                     bool secret = true);
    // A value read from `place`: clear text as it is, a token opened with the key. Throws
    // SecretAccessError naming `what`, the key that sealed it and the key in use.
    std::string open(const std::string& stored, const std::string& place,
                     const std::string& what) const;

    // Registers a store file's box for this process (Database::setSecretBox calls it).
    static void attach(const std::string& storeFile, const std::shared_ptr<const SecretBox>& box);
    // Counts sealed and clear secrets in the store (secrets status); reads no plaintext.
    static SecretsCensus census(Database& database);

private:
    // The id of a key that sealed something in this store, if any (checked once per store
    // file and process).
    std::optional<std::string> sealedKeyInStore();

    Poco::Data::Session& session_;
    std::string storeFile_;
    std::shared_ptr<const SecretBox> box_;
};

// "secrets.key_file (or the DPPBRIDGE_SECRET_KEY environment variable)": how to configure a
// key, for messages.
std::string secretKeyHint();

} // namespace dpp::bridge
