// Fuzzes merge-tag templates (mapping/Template.h) against the vocabulary a real webhook gets
// (system fields, {CF:...}, {EP_DATA}, {UPLOAD_DOC_IDS} and the demo's budget tags {BF_1}..),
// rendered against the demo contact with a plan, documents and budget values, both directly and
// through a CompiledWebhook (GET query, form and JSON bodies, masked copies).
//
// Input: the template text, optionally followed by '\0'-separated values that replace the
// contact's FIRSTNAME, LASTNAME, CAMPAIGN, CITY, {CF:Lead Score} and {CF:Note} (so rendered
// text can hold any bytes).
//
// Expected: TemplateError from Template::parse. Properties:
//   - TemplateError's position is inside the text;
//   - rendering is deterministic and needs no extension renderer when the template uses none;
//   - the rendered text, with '{' written '{{', parses as a constant template rendering to it;
//   - tags() agrees with isConstant() and usesField(), and each tag parses alone as itself;
//   - a webhook whose values are the template compiles; its form body and query are exactly
//     formEncode() of the rendered pairs and, for UTF-8 values, decodeForm / decodeJsonObject
//     give the pairs back; the masked copies decode too and hide the secret pair.
#include "FuzzSupport.h"

#include "budget/BudgetTags.h"
#include "mapping/CompiledWebhook.h"
#include "mapping/ExtensionRouter.h"
#include "mapping/Sensitive.h"
#include "mapping/Template.h"
#include "specialparams/SpecialTags.h"

using namespace dpp;
using namespace dpp::mapping;

namespace {

struct World {
    TagVocabulary vocabulary;
    specialparams::ExtrasByContactId extras;
    budget::BudgetValuesByContactId budgets;
    specialparams::SpecialTagRenderer special{extras};
    budget::BudgetTagRenderer budgetTags{fuzz::demoCatalog(), budgets};
    ExtensionRouter router;

    World() {
        specialparams::registerSpecialTags(vocabulary);
        budget::registerBudgetTags(fuzz::demoCatalog(), vocabulary);
        specialparams::EnrollmentPlan plan;
        plan.name = "Standard \"3\" \\ {EP}";
        plan.length = 3;
        plan.frequency = specialparams::PaymentFrequency::Monthly;
        plan.paymentAmount = Money::fromCents(31250);
        plan.firstPaymentDate = *Date::parse("2026-12-15");
        plan.fees.push_back({"Enrollment fee", Money::fromCents(4900)});
        for (int n = 1; n <= 3; ++n)
            plan.payments.push_back({n,
                                     *Date::fromParts(2026 + (n + 10) / 12, (n + 10) % 12 + 1, 15),
                                     Money::fromCents(31250)});
        extras.setPlan(55, plan);
        extras.setDocumentIds(55, {12, 13});
        budgets.set(55, {{"BF_1", Money::fromCents(120000)}, {"BF_3", Money::fromCents(-5)}});
        router.route(specialparams::kFirstSpecialTagId, specialparams::kLastSpecialTagId, special);
        router.route(budget::kFirstBudgetTagId, budget::kLastBudgetTagId, budgetTags);
    }
};

const World& world() {
    static const World instance;
    return instance;
}

constexpr std::string_view kBaseUrl = "https://partner.example/post/abc/?src=dpp";

std::string escapedBraces(std::string_view text) {
    std::string out;
    for (char c : text) {
        out.push_back(c);
        if (c == '{')
            out.push_back('{');
    }
    return out;
}

bool sameTag(const TagReference& a, const TagReference& b) {
    return a.kind == b.kind && a.name == b.name &&
           (a.kind != TagKind::System || a.field == b.field) &&
           (a.kind != TagKind::Extension || a.extensionId == b.extensionId);
}

// Whether a pair whose value is `value` is masked in records (CompiledWebhook's rule: the SSN,
// or a custom field whose name is a secret's).
bool masksValue(const Template& value) {
    if (value.usesField(SystemField::Ssn))
        return true;
    for (const TagReference& tag : value.tags())
        if (tag.kind == TagKind::Custom && isSensitiveName(std::string_view(tag.name).substr(3)))
            return true;
    return false;
}

void checkWebhook(std::string_view text, const Template& parsed, const Contact& contact) {
    const World& w = world();
    const bool valueMasked = masksValue(parsed);
    for (int variant = 0; variant < 3; ++variant) {
        WebhookDefinition definition;
        definition.title = "fuzz";
        definition.url = std::string(kBaseUrl) + "#frag";
        definition.method = variant == 0 ? HttpMethod::Get : HttpMethod::Post;
        definition.format = variant == 2 ? BodyFormat::Json : BodyFormat::Form;
        definition.pairs.push_back({.key = "value", .value = std::string(text)});
        definition.pairs.push_back({.key = "ssn", .field = SystemField::Ssn});
        definition.pairs.push_back({.key = "api_hash", .value = std::string(text), .secret = true});
        definition.pairs.push_back({.key = "n*o te", .value = std::string(text)});
        definition.pairs.push_back({.key = "__plan_data", .value = "{EP_DATA}"});
        const CompiledWebhook compiled = fuzz::mustNotThrow("CompiledWebhook::compile", [&] {
            return CompiledWebhook::compile(definition, w.vocabulary);
        });
        const RenderContext context{contact, &w.router};
        const RenderedRequest request = compiled.render(context);
        std::vector<CompiledWebhook::RenderedPair> rendered;
        compiled.renderPairs(context, rendered);
        KeyValues plain;
        bool utf8 = true;
        for (const auto& pair : rendered) {
            plain.emplace_back(*pair.key, pair.value);
            utf8 = utf8 && isValidUtf8(pair.value);
        }
        const std::string form = formEncode(plain);
        if (variant == 0) {
            // The fragment is never sent; the pairs follow the URL's own query.
            const std::string expected = appendQueryToUrl(kBaseUrl, form);
            FUZZ_CHECK(request.url == expected,
                       fuzz::printable(request.url) + " instead of " + fuzz::printable(expected));
            FUZZ_CHECK(request.body.empty(), "a GET has a body");
        } else if (variant == 1) {
            FUZZ_CHECK(request.body == form, "form body " + fuzz::printable(request.body) +
                                                 " is not formEncode of the pairs " +
                                                 fuzz::printable(form));
        }
        if (!utf8)
            continue;
        KeyValues decoded;
        KeyValues maskedDecoded;
        if (variant == 0) {
            const std::string_view url = request.url;
            const std::string_view maskedUrl = request.maskedUrl;
            const auto queryOf = [](std::string_view u) {
                u = u.substr(0, u.find('#'));
                return u.substr(u.find('?') + 1);
            };
            decoded =
                fuzz::mustNotThrow("decodeForm(query)", [&] { return decodeForm(queryOf(url)); });
            maskedDecoded = fuzz::mustNotThrow("decodeForm(masked query)",
                                               [&] { return decodeForm(queryOf(maskedUrl)); });
            // The URL's own "src=dpp" comes first.
            FUZZ_CHECK(!decoded.empty() &&
                           decoded.front() == (std::pair<std::string, std::string>("src", "dpp")),
                       fuzz::printable(request.url));
            decoded.erase(decoded.begin());
            FUZZ_CHECK(!maskedDecoded.empty(), fuzz::printable(request.maskedUrl));
            maskedDecoded.erase(maskedDecoded.begin());
        } else if (variant == 1) {
            decoded =
                fuzz::mustNotThrow("decodeForm(body)", [&] { return decodeForm(request.body); });
            maskedDecoded = fuzz::mustNotThrow("decodeForm(masked body)",
                                               [&] { return decodeForm(request.maskedBody); });
        } else {
            decoded = fuzz::mustNotThrow("decodeJsonObject(body)",
                                         [&] { return decodeJsonObject(request.body); });
            maskedDecoded = fuzz::mustNotThrow("decodeJsonObject(masked body)", [&] {
                return decodeJsonObject(request.maskedBody);
            });
        }
        FUZZ_CHECK(decoded == plain, "the encoded request does not decode to the rendered pairs: " +
                                         fuzz::printable(request.body + request.url));
        FUZZ_CHECK(maskedDecoded.size() == plain.size(), fuzz::printable(request.maskedBody));
        for (std::size_t i = 0; i < plain.size(); ++i) {
            FUZZ_CHECK(maskedDecoded[i].first == plain[i].first, "masked keys differ");
            if (plain[i].first == "api_hash" && !plain[i].second.empty())
                FUZZ_CHECK(maskedDecoded[i].second == kSecretMask,
                           "secret shown as " + fuzz::printable(maskedDecoded[i].second));
            if (plain[i].first == "value" && !valueMasked)
                FUZZ_CHECK(maskedDecoded[i].second == plain[i].second,
                           "a value that is not secret was masked");
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const World& w = world();
    const std::vector<std::string_view> parts = fuzz::splitAll(fuzz::asText(data, size), '\0');
    const std::string_view text = parts[0];
    Contact contact = fuzz::demoContact();
    static constexpr SystemField kReplaced[] = {SystemField::FirstName, SystemField::LastName,
                                                SystemField::Campaign, SystemField::City};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (i - 1 < std::size(kReplaced))
            contact.set(kReplaced[i - 1], std::string(parts[i]));
        else if (i - 1 == std::size(kReplaced))
            contact.custom["Lead Score"] = std::string(parts[i]);
        else
            contact.custom["Note"] = std::string(parts[i]);
    }

    Template parsed;
    try {
        parsed = Template::parse(text, w.vocabulary);
    } catch (const TemplateError& error) {
        FUZZ_CHECK(error.position() < text.size(), "position " + std::to_string(error.position()) +
                                                       " of " + std::to_string(text.size()) +
                                                       " bytes");
        return 0;
    }
    FUZZ_CHECK(parsed.source() == text, "source() differs from the text");

    const RenderContext context{contact, &w.router};
    const std::string rendered = parsed.render(context);
    FUZZ_CHECK(parsed.render(context) == rendered, "rendering is not deterministic");
    std::string appended = "prefix";
    parsed.render(context, appended);
    FUZZ_CHECK(appended == "prefix" + rendered, "render(out) does not append");

    const std::vector<TagReference> tags = parsed.tags();
    FUZZ_CHECK(parsed.isConstant() == tags.empty(), "isConstant() disagrees with tags()");
    bool usesExtension = false;
    for (const TagReference& tag : tags) {
        usesExtension = usesExtension || tag.kind == TagKind::Extension;
        if (tag.kind == TagKind::System)
            FUZZ_CHECK(parsed.usesField(tag.field), "usesField() misses " + tag.name);
        const Template alone = fuzz::mustNotThrow("Template::parse('{' + tag + '}')", [&] {
            return Template::parse("{" + tag.name + "}", w.vocabulary);
        });
        const std::vector<TagReference> aloneTags = alone.tags();
        FUZZ_CHECK(aloneTags.size() == 1 && sameTag(aloneTags[0], tag),
                   "tag " + fuzz::printable(tag.name) + " parses alone as something else");
    }
    if (!usesExtension)
        FUZZ_CHECK(parsed.render(RenderContext{contact, nullptr}) == rendered,
                   "rendering without an extension renderer differs");

    // Rendered text as a Custom Value of its own: '{' escaped, nothing else to expand.
    const Template constant = fuzz::mustNotThrow("Template::parse(escaped rendered text)", [&] {
        return Template::parse(escapedBraces(rendered), w.vocabulary);
    });
    FUZZ_CHECK(constant.isConstant(), "escaped text has tags: " + fuzz::printable(rendered));
    FUZZ_CHECK(constant.render(context) == rendered,
               "escaped text renders differently: " + fuzz::printable(rendered));

    checkWebhook(text, parsed, contact);
    return 0;
}
