// webhook apply|list|show|export|from-sample|check|preview.
#include "bridge/InputError.h"
#include "bridge/cli/Commands.h"
#include "bridge/outbox/PreparedWebhook.h"
#include "bridge/send/HttpSender.h"
#include "bridge/store/ContactStore.h"
#include "bridge/store/WebhookStore.h"
#include "bridge/views/RecordViews.h"
#include "mapping/KeyCheck.h"
#include "mapping/SampleString.h"
#include "mapping/Sensitive.h"
#include "specialparams/SpecialParameters.h"

#include <fstream>
#include <ostream>
#include <sstream>

namespace dpp::bridge {

namespace {

using mapping::WebhookDefinition;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

WebhookDefinition parseFile(const std::string& path) {
    try {
        return mapping::parseWebhookDefinition(readFile(path));
    } catch (const mapping::DefinitionError& error) {
        throw InputError(path + ": " + error.what());
    }
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        items.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return items;
}

std::vector<mapping::Finding> allFindings(const WebhookDefinition& webhook,
                                          const std::vector<std::string>& expected) {
    auto findings = mapping::checkKeys(webhook, expected);
    auto special = specialparams::checkSpecialParameters(webhook);
    findings.insert(findings.end(), special.begin(), special.end());
    return findings;
}

void printFindings(std::ostream& out, const std::vector<mapping::Finding>& findings) {
    for (const auto& finding : findings)
        out << (finding.severity == mapping::Severity::Error ? "error: " : "warning: ")
            << finding.message << "\n";
}

// A webhook named on the command line: a stored id, or a definition file.
WebhookDefinition webhookArgument(const std::string& text, CommandContext& context) {
    bool numeric = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (numeric)
        return WebhookStore(context.database()).require(parseId(text, "webhook ID"));
    return parseFile(text);
}

int webhookApply(const Arguments& arguments, CommandContext& context) {
    std::string path = arguments.requirePositional(0, "FILE");
    WebhookDefinition webhook = parseFile(path);
    context.compile(webhook);
    WebhookStore store(context.database());
    bool created = store.save(webhook);
    printFindings(context.err(), allFindings(webhook, {}));
    context.err() << (created ? "created" : "updated") << " webhook " << webhook.id << " '"
                  << webhook.title << "' (" << webhook.pairs.size() << " pairs)\n";
    context.out() << webhook.id << "\n";
    return 0;
}

int webhookList(const Arguments& arguments, CommandContext& context) {
    auto webhooks = WebhookStore(context.database()).all();
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < webhooks.size(); ++i)
            context.out() << (i ? ",\n" : "\n") << mapping::webhookToJson(webhooks[i], true);
        context.out() << "]\n";
        return 0;
    }
    for (const auto& webhook : webhooks)
        context.out() << webhook.id << "  " << webhook.title << "  "
                      << mapping::toString(webhook.method) << " " << webhook.url << "  ("
                      << webhook.pairs.size() << " pairs, " << mapping::toString(webhook.mode)
                      << ")\n";
    return 0;
}

int webhookShow(const Arguments& arguments, CommandContext& context) {
    auto webhook = WebhookStore(context.database())
                       .require(parseId(arguments.requirePositional(0, "ID"), "webhook ID"));
    if (arguments.has("json")) {
        context.out() << mapping::webhookToJson(webhook, true);
        return 0;
    }
    context.out() << "webhook " << webhook.id << " '" << webhook.title << "'\n"
                  << "  " << mapping::toString(webhook.method) << " " << webhook.url
                  << (webhook.port ? " (port " + std::to_string(*webhook.port) + ")" : "") << "\n"
                  << "  format " << mapping::toString(webhook.format) << ", mode "
                  << mapping::toString(webhook.mode) << "\n";
    if (webhook.auth)
        context.out() << "  auth: " << webhook.auth->username << " / ****\n";
    if (!webhook.success.bodyContains.empty())
        context.out() << "  success: 2xx and the body contains '" << webhook.success.bodyContains
                      << "'\n";
    for (std::size_t i = 0; i < webhook.pairs.size(); ++i) {
        const auto& pair = webhook.pairs[i];
        context.out() << "  " << i + 1 << ". " << pair.key << " = "
                      << (pair.field ? "{" + std::string(mapping::info(*pair.field).tag) + "}"
                          : mapping::isSecretPair(pair) ? std::string(mapping::kSecretMask)
                                                        : pair.value)
                      << "\n";
    }
    return 0;
}

int webhookExport(const Arguments& arguments, CommandContext& context) {
    auto webhook = WebhookStore(context.database())
                       .require(parseId(arguments.requirePositional(0, "ID"), "webhook ID"));
    std::string json = mapping::webhookToJson(webhook, true);
    if (auto output = arguments.value("output")) {
        std::ofstream file(*output, std::ios::binary | std::ios::trunc);
        file << json;
        if (!file)
            throw InputError("cannot write " + *output);
        context.err() << "wrote webhook " << webhook.id << " to " << *output << "\n";
    } else {
        context.out() << json;
    }
    return 0;
}

int webhookFromSample(const Arguments& arguments, CommandContext& context) {
    std::string url = arguments.requirePositional(0, "URL");
    mapping::ParsedSample sample;
    try {
        sample = mapping::parseSampleString(url);
    } catch (const mapping::SampleError& error) {
        throw InputError(error.what());
    }
    WebhookDefinition webhook =
        mapping::definitionFromSample(sample, arguments.value("title").value_or(""));
    context.out() << mapping::webhookToJson(webhook, false);
    context.err() << "posting URL: " << sample.postUrl << "\n";
    for (std::size_t i = 0; i < sample.pairs.size(); ++i) {
        const auto& pair = sample.pairs[i];
        context.err() << "  " << i + 1 << ". " << pair.key << "=" << pair.sampleValue;
        if (pair.suggestedField)
            context.err() << "   -> {" << mapping::info(*pair.suggestedField).tag << "}";
        else
            context.err() << "   -> (map it: set \"field\" or \"value\")";
        if (!pair.note.empty())
            context.err() << "   note: " << pair.note;
        context.err() << "\n";
    }
    return 0;
}

int webhookCheck(const Arguments& arguments, CommandContext& context) {
    WebhookDefinition webhook =
        webhookArgument(arguments.requirePositional(0, "ID or FILE"), context);
    std::vector<std::string> expected;
    if (auto keys = arguments.value("expect-keys")) {
        expected = splitList(*keys);
        // Special parameters are DPP-to-DPP additions, never in a partner's posting
        // instructions; they are checked on their own below.
        for (const auto& pair : webhook.pairs)
            if (specialparams::isSpecialParameterKey(pair.key))
                expected.push_back(pair.key);
    }
    int status = 0;
    try {
        context.compile(webhook);
    } catch (const InputError& error) {
        context.out() << "error: " << error.what() << "\n";
        status = 1;
    }
    auto findings = allFindings(webhook, expected);
    printFindings(context.out(), findings);
    if (mapping::hasErrors(findings))
        status = 1;
    std::size_t errors = 0;
    for (const auto& finding : findings)
        errors += finding.severity == mapping::Severity::Error;
    context.out() << webhook.pairs.size() << " pairs checked: " << errors << " error(s), "
                  << findings.size() - errors << " warning(s)\n";
    return status;
}

int webhookPreview(const Arguments& arguments, CommandContext& context) {
    auto webhook = WebhookStore(context.database())
                       .require(parseId(arguments.requirePositional(0, "ID"), "webhook ID"));
    std::int64_t contactId = arguments.requireInteger("contact");
    auto contact = ContactStore(context.database()).contact(contactId);
    if (!contact)
        throw NotFound("contact " + std::to_string(contactId) + " does not exist");
    PreparedWebhook prepared(context.database(), webhook);
    mapping::RenderedRequest request = prepared.render(*contact);
    context.out() << HttpSender::describe(prepared.compiled(), request,
                                          "(a new key at each delivery)")
                  << "\n";
    return 0;
}

} // namespace

void addWebhookCommands(std::vector<Command>& commands) {
    commands.push_back({"webhook apply",
                        "webhook apply FILE",
                        "create or update a webhook from a definition file; prints the id",
                        {},
                        webhookApply});
    commands.push_back({"webhook list",
                        "webhook list [--json]",
                        "the stored webhooks",
                        {{"json", false}},
                        webhookList});
    commands.push_back({"webhook show",
                        "webhook show ID [--json]",
                        "a webhook and its pairs (secrets masked)",
                        {{"json", false}},
                        webhookShow});
    commands.push_back({"webhook export",
                        "webhook export ID [--output FILE]",
                        "a definition file that apply takes back unchanged",
                        {{"output"}},
                        webhookExport});
    commands.push_back({"webhook from-sample",
                        "webhook from-sample URL [--title T]",
                        "split a sample string into a posting URL and pairs (prints JSON)",
                        {{"title"}},
                        webhookFromSample});
    commands.push_back({"webhook check",
                        "webhook check ID|FILE [--expect-keys K1,K2,...]",
                        "double-check keys and pairs; exit 1 on an error",
                        {{"expect-keys"}},
                        webhookCheck});
    commands.push_back({"webhook preview",
                        "webhook preview ID --contact ID",
                        "the exact request for a contact, secrets masked",
                        {{"contact"}},
                        webhookPreview});
}

} // namespace dpp::bridge
