// contact update, payment add|set, trigger add|list|remove|log, event emit.
#include "bridge/InputError.h"
#include "bridge/activation/ContactActivity.h"
#include "bridge/activation/EventNames.h"
#include "bridge/cli/Commands.h"
#include "bridge/store/TriggerStore.h"
#include "bridge/views/RecordViews.h"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <ostream>
#include <sstream>

namespace dpp::bridge {

namespace {

void printActivity(std::ostream& out,
                   const std::vector<std::pair<std::string, EventOutcome>>& events) {
    for (const auto& [name, outcome] : events) {
        if (outcome.firings.empty())
            continue;
        for (const FiringOutcome& firing : outcome.firings)
            out << "  " << name << ": trigger " << firing.triggerId << " " << firing.outcome
                << (firing.deliveryId ? " (delivery " + std::to_string(*firing.deliveryId) + ")"
                                      : std::string())
                << "\n";
    }
}

int contactUpdate(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "contact ID");
    std::vector<std::string> assignments(arguments.positional().begin() + 1,
                                         arguments.positional().end());
    if (assignments.empty())
        throw UsageError("name what to change: dppbridge contact update " + std::to_string(id) +
                         " status=Enrolled 'CF:Lead Score=9'");
    ContactChanges changes = parseContactChanges(assignments);
    Activity activity;
    ContactUpdate update =
        updateContact(context.database(), id, changes, actorOf(arguments), activity);
    if (update.changed.empty()) {
        context.out() << "contact " << id << " already holds these values; nothing changed\n";
        return 0;
    }
    std::string changed;
    for (const std::string& name : update.changed)
        changed += (changed.empty() ? "" : ", ") + name;
    context.out() << "contact " << id << " updated: " << changed << "\n";
    printActivity(context.out(), activity.events);
    return 0;
}

int contactPlan(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "contact ID");
    std::string file = arguments.requirePositional(1, "PLAN.json");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw InputError("cannot read " + file);
    std::stringstream text;
    text << in.rdbuf();
    specialparams::EnrollmentPlan plan;
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(text.str());
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
            throw InputError(file + ": a plan is a JSON object (as an import's \"plan\")");
        plan = specialparams::planFromImportJson(*parsed.extract<Poco::JSON::Object::Ptr>());
    } catch (const Poco::Exception& error) {
        throw InputError(file + ": not valid JSON: " + error.message());
    } catch (const specialparams::PlanDataError& error) {
        throw InputError(file + ": " + error.what());
    }
    Activity activity;
    if (!setContactPlan(context.database(), id, plan, actorOf(arguments), activity)) {
        context.out() << "contact " << id << " already has this plan; nothing changed\n";
        return 0;
    }
    context.out() << "contact " << id << ": plan '" << plan.name << "' set\n";
    printActivity(context.out(), activity.events);
    return 0;
}

int contactAttach(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "contact ID");
    std::string file = arguments.requirePositional(1, "FILE");
    specialparams::UploadedDocument document;
    document.name = arguments.value("name").value_or("");
    document.contentType = arguments.value("content-type").value_or("");
    Activity activity;
    std::int64_t documentId =
        attachDocument(context.database(), id, document, file, actorOf(arguments), activity);
    context.out() << "document " << documentId << " attached to contact " << id << "\n";
    printActivity(context.out(), activity.events);
    return 0;
}

int paymentAdd(const Arguments& arguments, CommandContext& context) {
    Payment payment = paymentFrom(arguments.require("date"), arguments.require("amount"),
                                  arguments.value("status").value_or("pending"), "payment");
    payment.contactId = arguments.requireInteger("contact");
    if (auto id = arguments.integer("id"))
        payment.id = *id;
    Activity activity;
    payment = addPayment(context.database(), payment, actorOf(arguments), activity);
    context.out() << "payment " << payment.id << " added to contact " << payment.contactId << " ("
                  << payment.date << ", " << payment.amount.toString() << ", " << payment.status
                  << ")\n";
    printActivity(context.out(), activity.events);
    return 0;
}

int paymentSet(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "payment ID");
    std::string status = paymentStatus(arguments.require("status"), "--status");
    Activity activity;
    std::string before =
        setPaymentStatus(context.database(), id, status, actorOf(arguments), activity);
    if (before == status) {
        context.out() << "payment " << id << " is already " << status << "; nothing changed\n";
        return 0;
    }
    context.out() << "payment " << id << ": " << before << " -> " << status << "\n";
    printActivity(context.out(), activity.events);
    return 0;
}

std::string triggerText(const Trigger& trigger) {
    return "trigger " + std::to_string(trigger.id) + ": on " + trigger.event + " post webhook " +
           std::to_string(trigger.webhookId) +
           (trigger.accountId ? " for contacts of account " + std::to_string(*trigger.accountId)
                              : std::string(" for contacts of every account")) +
           (trigger.when ? " when " + trigger.when->describe() : std::string());
}

int triggerAdd(const Arguments& arguments, CommandContext& context) {
    std::optional<mapping::FieldCondition> when;
    if (auto text = arguments.value("when"))
        when = parseCondition(*text, "when");
    std::string event = arguments.require("event");
    std::int64_t webhookId = arguments.requireInteger("webhook");
    std::optional<std::int64_t> accountId = arguments.integer("account");
    checkEventName(event);
    Trigger trigger =
        TriggerStore(context.database()).add(event, webhookId, accountId, when, actorOf(arguments));
    context.err() << triggerText(trigger) << "\n";
    context.out() << trigger.id << "\n";
    return 0;
}

int triggerList(const Arguments& arguments, CommandContext& context) {
    auto triggers = TriggerStore(context.database()).all();
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < triggers.size(); ++i) {
            const Trigger& trigger = triggers[i];
            context.out() << (i ? ",\n  " : "\n  ") << "{\"id\": " << trigger.id
                          << ", \"event\": " << quoteJson(trigger.event)
                          << ", \"webhook\": " << trigger.webhookId << ", \"account\": "
                          << (trigger.accountId ? std::to_string(*trigger.accountId) : "null")
                          << ", \"when\": "
                          << (trigger.when
                                  ? quoteJson(trigger.when->fieldName() + "=" + trigger.when->value)
                                  : "null")
                          << ", \"created_by\": " << quoteJson(trigger.createdBy)
                          << ", \"created_at\": " << quoteJson(trigger.createdAt) << "}";
        }
        context.out() << (triggers.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    if (triggers.empty())
        context.out() << "no triggers (add one with: dppbridge trigger add --event NAME "
                         "--webhook ID)\n";
    for (const Trigger& trigger : triggers)
        context.out() << triggerText(trigger) << "\n";
    return 0;
}

int triggerRemove(const Arguments& arguments, CommandContext& context) {
    std::int64_t id = parseId(arguments.requirePositional(0, "ID"), "trigger ID");
    TriggerStore(context.database()).remove(id);
    context.out() << "trigger " << id << " removed\n";
    return 0;
}

int triggerLog(const Arguments& arguments, CommandContext& context) {
    std::optional<std::int64_t> triggerId;
    if (!arguments.positional().empty())
        triggerId = parseId(arguments.positional().front(), "trigger ID");
    std::size_t limit = static_cast<std::size_t>(arguments.integer("limit").value_or(50));
    auto firings =
        TriggerStore(context.database()).firings(triggerId, arguments.integer("contact"), limit);
    if (arguments.has("json")) {
        context.out() << "[";
        for (std::size_t i = 0; i < firings.size(); ++i) {
            const TriggerFiring& firing = firings[i];
            context.out() << (i ? ",\n  " : "\n  ") << "{\"trigger\": " << firing.triggerId
                          << ", \"event\": " << quoteJson(firing.event)
                          << ", \"event_id\": " << firing.eventId
                          << ", \"contact\": " << firing.contactId
                          << ", \"subject\": " << quoteJson(firing.subject)
                          << ", \"raised_by\": " << quoteJson(firing.raisedBy) << ", \"delivery\": "
                          << (firing.deliveryId ? std::to_string(*firing.deliveryId) : "null")
                          << ", \"outcome\": " << quoteJson(firing.outcome)
                          << ", \"fired_at\": " << quoteJson(firing.firedAt) << "}";
        }
        context.out() << (firings.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    for (const TriggerFiring& firing : firings)
        context.out() << firing.firedAt << "  trigger " << firing.triggerId << "  " << firing.event
                      << " (event " << firing.eventId << ")  contact " << firing.contactId
                      << (firing.subject.empty() ? "" : ", " + firing.subject) << "  by "
                      << firing.raisedBy << "  " << firing.outcome
                      << (firing.deliveryId ? " delivery " + std::to_string(*firing.deliveryId)
                                            : std::string())
                      << "\n";
    return 0;
}

int eventEmit(const Arguments& arguments, CommandContext& context) {
    std::string name = arguments.requirePositional(0, "NAME");
    EventOutcome outcome = emitEvent(context.database(), name, arguments.requireInteger("contact"),
                                     arguments.value("key").value_or(""), actorOf(arguments));
    context.out() << "event " << outcome.eventId << " " << name
                  << (outcome.repeated ? " was raised before with this key; nothing new fired" : "")
                  << "\n";
    if (outcome.firings.empty())
        context.out() << "  no trigger listens to " << name << " for this contact's account\n";
    printActivity(context.out(), {{name, outcome}});
    return 0;
}

} // namespace

void addActivationCommands(std::vector<Command>& commands) {
    commands.push_back({"contact update",
                        "contact update ID FIELD=VALUE... [--by NAME]",
                        "change fields (status=Enrolled, 'CF:Lead Score=9'); raises events",
                        {{"by"}},
                        contactUpdate});
    commands.push_back({"contact plan",
                        "contact plan ID PLAN.json [--by NAME]",
                        "replace a contact's enrollment plan (the import's \"plan\" object); "
                        "raises contact.updated",
                        {{"by"}},
                        contactPlan});
    commands.push_back({"contact attach",
                        "contact attach ID FILE [--name N] [--content-type T] [--by NAME]",
                        "upload a document to a contact; raises document.uploaded",
                        {{"name"}, {"content-type"}, {"by"}},
                        contactAttach});
    commands.push_back({"payment add",
                        "payment add --contact ID --date D --amount A [--status S] [--id N]",
                        "record a payment (pending, cleared, returned, nsf)",
                        {{"contact"}, {"date"}, {"amount"}, {"status"}, {"id"}, {"by"}},
                        paymentAdd});
    commands.push_back({"payment set",
                        "payment set ID --status S",
                        "mark a payment cleared, returned or nsf; raises payment events",
                        {{"status"}, {"by"}},
                        paymentSet});
    commands.push_back({"trigger add",
                        "trigger add --event NAME --webhook ID [--when FIELD=VALUE] [--account N]",
                        "post a webhook whenever an event happens to a contact; prints the id",
                        {{"event"}, {"webhook"}, {"when"}, {"account"}, {"by"}},
                        triggerAdd});
    commands.push_back(
        {"trigger list", "trigger list [--json]", "the triggers", {{"json", false}}, triggerList});
    commands.push_back({"trigger remove",
                        "trigger remove ID",
                        "delete a trigger (its log stays)",
                        {},
                        triggerRemove});
    commands.push_back({"trigger log",
                        "trigger log [ID] [--contact ID] [--limit N] [--json]",
                        "what fired, when, and which delivery it made",
                        {{"contact"}, {"limit"}, {"json", false}},
                        triggerLog});
    commands.push_back({"event emit",
                        "event emit NAME --contact ID [--key K]",
                        "raise an event from outside (a repeated --key fires nothing twice)",
                        {{"contact"}, {"key"}, {"by"}},
                        eventEmit});
}

} // namespace dpp::bridge
