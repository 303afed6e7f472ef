#include "mapping/KeyCheck.h"

#include "mapping/EditDistance.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace dpp::mapping {

namespace {

constexpr std::array<std::string_view, 11> kCredentialKeys{
    "username", "user", "login",        "password",     "pass",     "passwd",
    "pwd",      "auth", "authusername", "authpassword", "basicauth"};

bool isWhitespace(char character) {
    return character == ' ' || character == '\t' || character == '\n' || character == '\r' ||
           character == '\f' || character == '\v';
}

bool isBlank(std::string_view key) {
    return std::all_of(key.begin(), key.end(), isWhitespace);
}

bool hasSurroundingWhitespace(std::string_view key) {
    return !key.empty() && (isWhitespace(key.front()) || isWhitespace(key.back()));
}

bool isArrayKey(std::string_view key) {
    return key.ends_with("[]");
}

bool looksLikeCredential(std::string_view key) {
    const std::string normalized = normalizedKey(key);
    return std::find(kCredentialKeys.begin(), kCredentialKeys.end(), normalized) !=
           kCredentialKeys.end();
}

std::string quoted(std::string_view key) {
    std::string text;
    text.reserve(key.size() + 2);
    text += '\'';
    text += key;
    text += '\'';
    return text;
}

std::string pairLabel(std::size_t index, std::string_view key) {
    return "pair " + std::to_string(index + 1) + " key " + quoted(key);
}

struct NearMiss {
    std::string_view known;
    std::string reason;
};

// The candidate `key` resembles most: one differing only by case, spacing or punctuation
// first, then the one with the smallest edit distance; the earliest wins a tie.
template <typename Candidates>
std::optional<NearMiss> closestNearMiss(std::string_view key, const Candidates& candidates) {
    std::optional<NearMiss> best;
    std::size_t bestDistance = 0;
    const std::string normalized = normalizedKey(key);
    for (std::string_view candidate : candidates) {
        std::optional<std::string> reason = nearMissReason(key, candidate);
        if (!reason)
            continue;
        const std::size_t distance = editDistance(normalized, normalizedKey(candidate));
        if (!best || distance < bestDistance) {
            best = NearMiss{candidate, std::move(*reason)};
            bestDistance = distance;
        }
    }
    return best;
}

std::vector<std::string_view> dataSourceKeys() {
    std::vector<std::string_view> keys;
    for (const SystemFieldInfo& field : systemFields())
        if (!field.dataSourceKey.empty())
            keys.push_back(field.dataSourceKey);
    return keys;
}

class KeyChecker {
public:
    KeyChecker(const WebhookDefinition& webhook, const std::vector<std::string>& expectedKeys)
        : webhook_(webhook), expectedKeys_(expectedKeys),
          expectedSet_(expectedKeys.begin(), expectedKeys.end()) {}

    std::vector<Finding> run() {
        for (std::size_t index = 0; index < webhook_.pairs.size(); ++index)
            checkPair(index, webhook_.pairs[index]);
        if (!expectedKeys_.empty())
            checkMissingExpectedKeys();
        return std::move(findings_);
    }

private:
    void add(Severity severity, std::optional<std::size_t> pairIndex, std::string_view key,
             std::string message) {
        findings_.push_back(Finding{severity, pairIndex, std::string(key), std::move(message)});
    }

    void checkPair(std::size_t index, const WebhookPair& pair) {
        const std::string& key = pair.key;
        if (isBlank(key)) {
            add(Severity::Error, index, key,
                "pair " + std::to_string(index + 1) + " has an empty key " + quoted(key) +
                    "; enter the key exactly as the posting instructions give it");
            return;
        }
        const bool surroundingWhitespace = hasSurroundingWhitespace(key);
        if (surroundingWhitespace)
            add(Severity::Error, index, key,
                pairLabel(index, key) +
                    " begins or ends with whitespace; keys are sent verbatim, so remove the "
                    "whitespace or the receiver will not recognise the key");
        checkDuplicate(index, key);
        if (!surroundingWhitespace) {
            if (expectedKeys_.empty())
                checkAgainstDataSourceKeys(index, key);
            else
                checkAgainstExpectedKeys(index, key);
        }
        checkCredentials(index, pair);
    }

    void checkDuplicate(std::size_t index, const std::string& key) {
        const auto [first, inserted] = firstPairWithKey_.emplace(key, index);
        if (inserted || isArrayKey(key))
            return;
        add(Severity::Error, index, key,
            pairLabel(index, key) + " repeats pair " + std::to_string(first->second + 1) +
                "; remove one of them (only array keys ending in '[]' may repeat)");
    }

    void checkAgainstExpectedKeys(std::size_t index, const std::string& key) {
        if (expectedSet_.contains(key))
            return;
        if (std::optional<NearMiss> nearMiss = closestNearMiss(key, expectedKeys_)) {
            add(Severity::Error, index, key,
                pairLabel(index, key) + " differs from expected key " + quoted(nearMiss->known) +
                    " (" + nearMiss->reason + "); keys must be entered verbatim: change it to " +
                    quoted(nearMiss->known));
            return;
        }
        add(Severity::Warning, index, key,
            pairLabel(index, key) +
                " is not among the expected keys; the receiver will likely omit it. Remove the "
                "pair or check the posting instructions");
    }

    void checkAgainstDataSourceKeys(std::size_t index, const std::string& key) {
        static const std::vector<std::string_view> knownKeys = dataSourceKeys();
        if (std::find(knownKeys.begin(), knownKeys.end(), key) != knownKeys.end())
            return;
        if (std::optional<NearMiss> nearMiss = closestNearMiss(key, knownKeys))
            add(Severity::Warning, index, key,
                pairLabel(index, key) + " differs from the DPP data source key " +
                    quoted(nearMiss->known) + " (" + nearMiss->reason +
                    "); the receiving system may expect " + quoted(nearMiss->known) + ". Keep " +
                    quoted(key) +
                    " verbatim only if the posting instructions "
                    "really say so");
    }

    void checkCredentials(std::size_t index, const WebhookPair& pair) {
        const bool credentialKey = looksLikeCredential(pair.key);
        const std::optional<BasicAuth>& auth = webhook_.auth;
        const bool customValue = !pair.field.has_value();
        const bool repeatsPassword =
            auth && customValue && !auth->password.empty() && pair.value == auth->password;
        const bool repeatsUsername = auth && customValue && credentialKey &&
                                     !auth->username.empty() && pair.value == auth->username;
        if (repeatsPassword || repeatsUsername) {
            add(Severity::Error, index, pair.key,
                pairLabel(index, pair.key) + " repeats the webhook's auth " +
                    (repeatsPassword ? "password" : "username") +
                    " in the body; remove the pair: the credentials are already sent as HTTP "
                    "Basic authentication");
            return;
        }
        if (credentialKey)
            add(Severity::Warning, index, pair.key,
                pairLabel(index, pair.key) +
                    " looks like a credential; if the posting instructions ask for "
                    "authentication, enter it in the webhook's \"auth\" (HTTP Basic "
                    "authentication, separate from the pairs) and remove the pair. Keep it only "
                    "if the instructions list " +
                    quoted(pair.key) + " as a key to pass");
    }

    void checkMissingExpectedKeys() {
        std::unordered_set<std::string_view> reported;
        for (const std::string& expected : expectedKeys_) {
            if (isBlank(expected) || firstPairWithKey_.contains(expected) ||
                !reported.insert(expected).second)
                continue;
            std::string message = "expected key " + quoted(expected) +
                                  " has no pair; add a pair with the key " + quoted(expected) +
                                  " exactly";
            for (std::size_t index = 0; index < webhook_.pairs.size(); ++index) {
                const std::string& key = webhook_.pairs[index].key;
                if (!expectedSet_.contains(key) && isNearMiss(key, expected)) {
                    message += " (" + pairLabel(index, key) + " looks meant to be it)";
                    break;
                }
            }
            add(Severity::Error, std::nullopt, expected, std::move(message));
        }
    }

    const WebhookDefinition& webhook_;
    const std::vector<std::string>& expectedKeys_;
    const std::unordered_set<std::string> expectedSet_;
    std::unordered_map<std::string, std::size_t> firstPairWithKey_;
    std::vector<Finding> findings_;
};

} // namespace

std::vector<Finding> checkKeys(const WebhookDefinition& webhook,
                               const std::vector<std::string>& expectedKeys) {
    return KeyChecker(webhook, expectedKeys).run();
}

bool hasErrors(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& finding) { return finding.severity == Severity::Error; });
}

} // namespace dpp::mapping
