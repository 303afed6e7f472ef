// secrets generate-key | status: the key that seals secrets at rest, and what it sealed.
// Neither command ever prints a key or a secret value; keys are named by their id.
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/secrets/SecretKey.h"
#include "bridge/store/StoreSecrets.h"

#include <ostream>

namespace dpp::bridge {

namespace {

int generateKey(const Arguments& arguments, CommandContext& context) {
    std::string path = arguments.value("output").value_or(context.config().secretKeyFile);
    if (path.empty())
        throw UsageError("secrets generate-key needs --output FILE (or secrets.key_file in the "
                         "configuration)");
    SecretKey key = SecretKey::generateFile(path);
    context.err() << "wrote a new secret key to " << path
                  << " (mode 0600); keep a copy somewhere safe: values sealed with it cannot be "
                     "read without it. Use it with secrets.key_file = "
                  << path << "\n";
    context.out() << key.id() << "\n";
    return 0;
}

void countJson(std::ostream& out, const char* name, const SealedCount& count) {
    out << "  \"" << name << "\": {\"sealed\": " << count.sealed << ", \"clear\": " << count.clear
        << "},\n";
}

void countLine(std::ostream& out, const char* name, const SealedCount& count) {
    out << name << ": " << count.sealed << " sealed, " << count.clear << " in clear\n";
}

int status(const Arguments& arguments, CommandContext& context) {
    const std::shared_ptr<const SecretBox>& box = context.secretBox();
    const std::string& source = context.secretKeySource();
    SecretsCensus census = StoreSecrets::census(context.database());
    std::ostream& out = context.out();
    if (arguments.has("json")) {
        out << "{\n  \"key_id\": " << (box ? "\"" + box->keyId() + "\"" : std::string("null"))
            << ",\n  \"key_source\": " << (box ? "\"" + source + "\"" : std::string("null"))
            << ",\n";
        countJson(out, "webhook_passwords", census.webhookPasswords);
        countJson(out, "secret_pair_values", census.secretPairValues);
        countJson(out, "delivery_requests", census.deliveryRequests);
        out << "  \"sealed_by_key\": {";
        bool first = true;
        for (const auto& [keyId, count] : census.sealedByKeyId) {
            out << (first ? "" : ", ") << "\"" << keyId << "\": " << count;
            first = false;
        }
        out << "}\n}\n";
        return 0;
    }
    if (box)
        out << "key in use: " << box->keyId() << " (from " << source << ")\n";
    else
        out << "key in use: none; secrets are stored in clear (set " << secretKeyHint()
            << "; create a key with: dppbridge secrets generate-key --output FILE)\n";
    countLine(out, "webhook passwords", census.webhookPasswords);
    countLine(out, "secret pair values", census.secretPairValues);
    countLine(out, "delivery requests", census.deliveryRequests);
    for (const auto& [keyId, count] : census.sealedByKeyId) {
        out << "sealed with key " << keyId << ": " << count;
        if (!box || keyId != box->keyId())
            out << " (not the key in use: these cannot be opened)";
        out << "\n";
    }
    return 0;
}

} // namespace

void addSecretsCommands(std::vector<Command>& commands) {
    commands.push_back({"secrets generate-key",
                        "secrets generate-key --output FILE",
                        "create a new secret key file (mode 0600); prints its key id",
                        {{"output"}},
                        generateKey});
    commands.push_back({"secrets status",
                        "secrets status [--json]",
                        "the key in use and how many stored secrets are sealed or in clear",
                        {{"json", false}},
                        status});
}

} // namespace dpp::bridge
