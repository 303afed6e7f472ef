#include "mapping/WebhookJson.h"

#include "mapping/Encoding.h"
#include "mapping/Sensitive.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <map>
#include <set>

namespace dpp::mapping {

namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
    std::string message = "invalid webhook definition:";
    for (const auto& problem : problems)
        message += "\n  - " + problem;
    return message;
}

class FieldReader {
public:
    FieldReader(const Poco::JSON::Object& object, std::string prefix,
                std::vector<std::string>& problems)
        : object_(object), prefix_(std::move(prefix)), problems_(problems) {}

    std::string name(const std::string& key) const { return prefix_ + key; }

    std::optional<std::string> text(const std::string& key, bool required) {
        seen_.insert(key);
        if (!object_.has(key) || object_.isNull(key)) {
            if (required)
                problems_.push_back(name(key) + " is required");
            return std::nullopt;
        }
        Poco::Dynamic::Var value = object_.get(key);
        if (!value.isString()) {
            problems_.push_back(name(key) + " must be a string");
            return std::nullopt;
        }
        return value.extract<std::string>();
    }

    std::optional<std::int64_t> integer(const std::string& key) {
        seen_.insert(key);
        if (!object_.has(key) || object_.isNull(key))
            return std::nullopt;
        Poco::Dynamic::Var value = object_.get(key);
        if (!value.isInteger()) {
            problems_.push_back(name(key) + " must be an integer");
            return std::nullopt;
        }
        try {
            return value.convert<std::int64_t>();
        } catch (const Poco::RangeException&) {
            problems_.push_back(name(key) + " is out of range");
            return std::nullopt;
        }
    }

    std::optional<bool> boolean(const std::string& key) {
        seen_.insert(key);
        if (!object_.has(key) || object_.isNull(key))
            return std::nullopt;
        Poco::Dynamic::Var value = object_.get(key);
        if (!value.isBoolean()) {
            problems_.push_back(name(key) + " must be true or false");
            return std::nullopt;
        }
        return value.extract<bool>();
    }

    Poco::JSON::Object::Ptr object(const std::string& key) {
        seen_.insert(key);
        if (!object_.has(key) || object_.isNull(key))
            return nullptr;
        auto child = object_.getObject(key);
        if (!child)
            problems_.push_back(name(key) + " must be an object");
        return child;
    }

    Poco::JSON::Array::Ptr array(const std::string& key) {
        seen_.insert(key);
        if (!object_.has(key) || object_.isNull(key))
            return nullptr;
        auto child = object_.getArray(key);
        if (!child)
            problems_.push_back(name(key) + " must be an array");
        return child;
    }

    void reportUnknown() {
        for (const auto& [key, value] : object_)
            if (!seen_.count(key))
                problems_.push_back(name(key) + " is not a known field");
    }

private:
    const Poco::JSON::Object& object_;
    std::string prefix_;
    std::vector<std::string>& problems_;
    std::set<std::string> seen_;
};

WebhookPair readPair(const Poco::JSON::Object& object, std::size_t index,
                     std::vector<std::string>& problems) {
    std::string prefix = "pairs[" + std::to_string(index + 1) + "].";
    FieldReader reader(object, prefix, problems);
    WebhookPair pair;
    pair.key = reader.text("key", true).value_or("");
    std::string label = "pair " + std::to_string(index + 1) + " '" + pair.key + "'";
    auto field = reader.text("field", false);
    auto value = reader.text("value", false);
    pair.secret = reader.boolean("secret").value_or(false);
    pair.sample = reader.text("sample", false).value_or("");
    reader.reportUnknown();
    if (field && value)
        problems.push_back(label + " has both a field and a value: keep one");
    else if (field) {
        std::string tag = *field;
        if (tag.size() > 2 && tag.front() == '{' && tag.back() == '}')
            tag = tag.substr(1, tag.size() - 2);
        if (auto systemField = fieldByTag(tag))
            pair.field = systemField;
        else
            problems.push_back(label + " maps to unknown system field '" + *field +
                               "' (use a tag such as FIRSTNAME, or a \"value\" with merge tags)");
    } else if (value)
        pair.value = *value;
    else
        problems.push_back(label +
                           " has no field or value: map it to a system field (\"field\") or give "
                           "a Custom Value (\"value\")");
    return pair;
}

void writeKey(std::string& out, std::string_view key) {
    appendJsonString(key, out);
    out += ": ";
}

} // namespace

DefinitionError::DefinitionError(std::vector<std::string> problems)
    : std::runtime_error(joinProblems(problems)), problems_(std::move(problems)) {}

std::string_view toString(HttpMethod method) {
    return method == HttpMethod::Get ? "GET" : "POST";
}
std::string_view toString(BodyFormat format) {
    return format == BodyFormat::Form ? "form" : "json";
}
std::string_view toString(ExecutionMode mode) {
    return mode == ExecutionMode::Inline ? "inline" : "background";
}

std::optional<HttpMethod> parseHttpMethod(std::string_view text) {
    if (text == "GET" || text == "get")
        return HttpMethod::Get;
    if (text == "POST" || text == "post")
        return HttpMethod::Post;
    return std::nullopt;
}

std::optional<BodyFormat> parseBodyFormat(std::string_view text) {
    if (text == "form")
        return BodyFormat::Form;
    if (text == "json")
        return BodyFormat::Json;
    return std::nullopt;
}

std::optional<ExecutionMode> parseExecutionMode(std::string_view text) {
    if (text == "background")
        return ExecutionMode::Background;
    if (text == "inline")
        return ExecutionMode::Inline;
    return std::nullopt;
}

WebhookDefinition parseWebhookDefinition(std::string_view jsonText) {
    if (!isValidUtf8(jsonText))
        throw DefinitionError({"the file is not valid UTF-8"});
    Poco::JSON::Object::Ptr root;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(std::string(jsonText));
        root = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& error) {
        throw DefinitionError({"not a JSON object: " + error.message()});
    } catch (const std::exception&) {
        throw DefinitionError({"not a JSON object"});
    }
    std::vector<std::string> problems;
    FieldReader reader(*root, "", problems);
    WebhookDefinition webhook;
    webhook.id = reader.integer("id").value_or(0);
    webhook.title = reader.text("title", true).value_or("");
    webhook.url = reader.text("url", true).value_or("");
    if (auto method = reader.text("method", false)) {
        if (auto parsed = parseHttpMethod(*method))
            webhook.method = *parsed;
        else
            problems.push_back("method must be GET or POST, not '" + *method + "'");
    }
    if (auto format = reader.text("format", false)) {
        if (auto parsed = parseBodyFormat(*format))
            webhook.format = *parsed;
        else
            problems.push_back("format must be form or json, not '" + *format + "'");
    }
    if (auto mode = reader.text("mode", false)) {
        if (auto parsed = parseExecutionMode(*mode))
            webhook.mode = *parsed;
        else
            problems.push_back("mode must be background or inline, not '" + *mode + "'");
    }
    if (auto port = reader.integer("port")) {
        if (*port < 1 || *port > 65535)
            problems.push_back("port must be between 1 and 65535, not " + std::to_string(*port));
        else
            webhook.port = static_cast<int>(*port);
    }
    if (auto auth = reader.object("auth")) {
        FieldReader authReader(*auth, "auth.", problems);
        BasicAuth basic;
        basic.username = authReader.text("username", true).value_or("");
        basic.password = authReader.text("password", false).value_or("");
        authReader.reportUnknown();
        if (basic.username.find(':') != std::string::npos)
            problems.push_back("auth.username must not contain ':' (HTTP Basic authentication)");
        webhook.auth = basic;
    }
    if (auto success = reader.object("success")) {
        FieldReader successReader(*success, "success.", problems);
        webhook.success.bodyContains = successReader.text("body_contains", false).value_or("");
        successReader.reportUnknown();
    }
    webhook.account = reader.integer("account");
    webhook.destinationAccount = reader.integer("destination_account");
    if (auto pairs = reader.array("pairs")) {
        for (std::size_t i = 0; i < pairs->size(); ++i) {
            auto pairObject = pairs->getObject(static_cast<unsigned>(i));
            if (!pairObject) {
                problems.push_back("pairs[" + std::to_string(i + 1) + "] must be an object");
                continue;
            }
            webhook.pairs.push_back(readPair(*pairObject, i, problems));
        }
    } else if (!root->has("pairs") || root->isNull("pairs")) {
        problems.push_back("pairs is required: the list of key/value pairs to send");
    }
    reader.reportUnknown();
    if (!problems.empty())
        throw DefinitionError(std::move(problems));
    return webhook;
}

std::string webhookToJson(const WebhookDefinition& webhook, bool maskSecrets) {
    std::string out = "{\n";
    auto line = [&](std::string_view key, const std::string& rendered, bool last = false) {
        out += "  ";
        writeKey(out, key);
        out += rendered;
        out += last ? "\n" : ",\n";
    };
    auto quoted = [](std::string_view text) {
        std::string out;
        appendJsonString(text, out);
        return out;
    };
    if (webhook.id != 0)
        line("id", std::to_string(webhook.id));
    line("title", quoted(webhook.title));
    line("url", quoted(webhook.url));
    line("method", quoted(toString(webhook.method)));
    line("format", quoted(toString(webhook.format)));
    line("mode", quoted(toString(webhook.mode)));
    if (webhook.port)
        line("port", std::to_string(*webhook.port));
    if (webhook.account)
        line("account", std::to_string(*webhook.account));
    if (webhook.destinationAccount)
        line("destination_account", std::to_string(*webhook.destinationAccount));
    if (webhook.auth) {
        std::string password = maskSecrets && !webhook.auth->password.empty()
                                   ? std::string(kSecretMask)
                                   : webhook.auth->password;
        line("auth", "{\"username\": " + quoted(webhook.auth->username) +
                         ", \"password\": " + quoted(password) + "}");
    }
    if (!webhook.success.bodyContains.empty())
        line("success", "{\"body_contains\": " + quoted(webhook.success.bodyContains) + "}");
    out += "  \"pairs\": [";
    for (std::size_t i = 0; i < webhook.pairs.size(); ++i) {
        const WebhookPair& pair = webhook.pairs[i];
        out += i == 0 ? "\n    {" : ",\n    {";
        writeKey(out, "key");
        appendJsonString(pair.key, out);
        out += ", ";
        if (pair.field) {
            writeKey(out, "field");
            appendJsonString(info(*pair.field).tag, out);
        } else if (pair.needsMapping) {
            // From a sample string and not mapped yet: apply refuses it until it is.
            out += "\"field\": null";
        } else {
            writeKey(out, "value");
            bool masked = maskSecrets && isSecretPair(pair) && !pair.value.empty();
            appendJsonString(masked ? kSecretMask : pair.value, out);
        }
        if (pair.secret)
            out += ", \"secret\": true";
        if (!pair.sample.empty()) {
            out += ", ";
            writeKey(out, "sample");
            // A sample string may have shown the real secret.
            appendJsonString(maskSecrets && isSecretPair(pair) ? kSecretMask : pair.sample, out);
        }
        out += "}";
    }
    out += webhook.pairs.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

bool isSecretPair(const WebhookPair& pair) {
    return pair.secret || isSensitiveName(pair.key);
}

void keepStoredSecrets(WebhookDefinition& applied, const WebhookDefinition& stored) {
    if (applied.auth && stored.auth && applied.auth->password == kSecretMask)
        applied.auth->password = stored.auth->password;
    // The n-th secret pair with a key takes the value (and sample) of the n-th stored one
    // with that key.
    std::map<std::string, std::size_t, std::less<>> occurrences;
    for (WebhookPair& pair : applied.pairs) {
        if (!isSecretPair(pair))
            continue;
        std::size_t occurrence = occurrences[pair.key]++;
        if (pair.value != kSecretMask && pair.sample != kSecretMask)
            continue;
        for (const WebhookPair& old : stored.pairs)
            if (isSecretPair(old) && old.key == pair.key && occurrence-- == 0) {
                if (pair.value == kSecretMask)
                    pair.value = old.value;
                if (pair.sample == kSecretMask)
                    pair.sample = old.sample;
                break;
            }
    }
}

} // namespace dpp::mapping
