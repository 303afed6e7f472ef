// {EP_DATA} and {UPLOAD_DOC_IDS} in webhook templates: registration, rendering for contacts
// with and without a plan and documents, and routing several extension renderers.
#include "specialparams/SpecialTags.h"
#include "budget/BudgetTags.h"
#include "mapping/ExtensionRouter.h"
#include "mapping/Template.h"
#include "specialparams/CopyDocs.h"
#include "specialparams/SpecialParameters.h"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

using namespace dpp::specialparams;
using dpp::mapping::Contact;
using dpp::mapping::ExtensionRouter;
using dpp::mapping::Money;
using dpp::mapping::RenderContext;
using dpp::mapping::SystemField;
using dpp::mapping::TagKind;
using dpp::mapping::TagVocabulary;
using dpp::mapping::Template;

namespace {

Contact contact(std::int64_t id, std::int64_t account = 1001) {
    Contact result;
    result.setIds(id, account);
    result.set(SystemField::FirstName, "Mike");
    return result;
}

EnrollmentPlan onePaymentPlan() {
    EnrollmentPlan plan;
    plan.name = "Quick \"1\"";
    plan.length = 1;
    plan.frequency = PaymentFrequency::Monthly;
    plan.paymentAmount = *Money::parse("312.50");
    plan.firstPaymentDate = *dpp::mapping::Date::parse("2026-12-15");
    plan.payments = {{1, plan.firstPaymentDate, plan.paymentAmount}};
    return plan;
}

const std::string kOnePaymentPlanData =
    R"({"v":1,"name":"Quick \"1\"","length":1,"frequency":"monthly","payment_amount":"312.50",)"
    R"("first_payment_date":"2026-12-15","fees":[],)"
    R"("payments":[{"n":1,"date":"2026-12-15","amount":"312.50"}]})";

TagVocabulary specialVocabulary() {
    TagVocabulary vocabulary;
    registerSpecialTags(vocabulary);
    return vocabulary;
}

} // namespace

BOOST_AUTO_TEST_SUITE(special_tags)

BOOST_AUTO_TEST_CASE(tags_are_registered_with_fixed_ids) {
    const TagVocabulary vocabulary = specialVocabulary();
    BOOST_TEST(vocabulary.find("EP_DATA").value() == kEpDataTagId);
    BOOST_TEST(vocabulary.find("UPLOAD_DOC_IDS").value() == kUploadDocIdsTagId);
    BOOST_TEST(kEpDataTagId == 1u);
    BOOST_TEST(kUploadDocIdsTagId == 2u);
    BOOST_TEST(vocabulary.all().size() == 2u);
    BOOST_TEST(isSpecialTagId(kEpDataTagId));
    BOOST_TEST(!isSpecialTagId(0));
    BOOST_TEST(!isSpecialTagId(dpp::budget::kFirstBudgetTagId));
}

BOOST_AUTO_TEST_CASE(the_articles_values_parse_as_extension_tags) {
    const TagVocabulary vocabulary = specialVocabulary();
    const auto tags = Template::parse(kCopyDocsValue, vocabulary).tags();
    BOOST_REQUIRE(tags.size() == 3u);
    BOOST_TEST((tags[0].kind == TagKind::System && tags[0].field == SystemField::AccountId));
    BOOST_TEST((tags[1].kind == TagKind::System && tags[1].field == SystemField::Id));
    BOOST_TEST((tags[2].kind == TagKind::Extension && tags[2].extensionId == kUploadDocIdsTagId));
    const auto planTags = Template::parse(kPlanDataValue, vocabulary).tags();
    BOOST_TEST(
        (planTags.at(0).kind == TagKind::Extension && planTags.at(0).extensionId == kEpDataTagId));
    BOOST_CHECK_THROW(Template::parse(kPlanDataValue, TagVocabulary()),
                      dpp::mapping::TemplateError);
}

BOOST_AUTO_TEST_CASE(a_contact_with_plan_and_documents_renders_both) {
    const TagVocabulary vocabulary = specialVocabulary();
    ExtrasByContactId extras;
    extras.setPlan(55, onePaymentPlan());
    extras.setDocumentIds(55, {12, 13, 20});
    const SpecialTagRenderer renderer(extras);
    const Contact mike = contact(55);
    const RenderContext context{mike, &renderer};
    BOOST_TEST(Template::parse(kPlanDataValue, vocabulary).render(context) == kOnePaymentPlanData);
    BOOST_TEST(Template::parse(kCopyDocsValue, vocabulary).render(context) == "1001-55-12,13,20");
    // What the receiver does with them gives the same plan and request back.
    BOOST_TEST((parsePlanData(Template::parse(kPlanDataValue, vocabulary).render(context)) ==
                onePaymentPlan()));
    const CopyDocsRequest request =
        parseCopyDocs(Template::parse(kCopyDocsValue, vocabulary).render(context));
    BOOST_TEST(request.sourceAccount == 1001);
    BOOST_TEST(request.sourceContact == 55);
    BOOST_TEST(request.documentIds == std::vector<std::int64_t>({12, 13, 20}));
}

BOOST_AUTO_TEST_CASE(a_contact_without_plan_or_documents_renders_empty_but_well_formed) {
    const TagVocabulary vocabulary = specialVocabulary();
    ExtrasByContactId extras;
    extras.setPlan(55, onePaymentPlan()); // someone else's
    const SpecialTagRenderer renderer(extras);
    const Contact other = contact(56);
    const RenderContext context{other, &renderer};
    const std::string planData = Template::parse(kPlanDataValue, vocabulary).render(context);
    BOOST_TEST(planData == "");
    BOOST_TEST(!parsePlanData(planData).has_value());
    const std::string copyDocs = Template::parse(kCopyDocsValue, vocabulary).render(context);
    BOOST_TEST(copyDocs == "1001-56-");
    BOOST_TEST(parseCopyDocs(copyDocs).documentIds.empty());
}

BOOST_AUTO_TEST_CASE(documents_without_a_plan_and_a_plan_without_documents) {
    const TagVocabulary vocabulary = specialVocabulary();
    ExtrasByContactId extras;
    extras.setDocumentIds(1, {7});
    extras.setPlan(2, onePaymentPlan());
    const SpecialTagRenderer renderer(extras);
    const Template plan = Template::parse(kPlanDataValue, vocabulary);
    const Template docs = Template::parse(kCopyDocsValue, vocabulary);
    const Contact first = contact(1, 1001);
    const Contact second = contact(2, 1001);
    BOOST_TEST(plan.render(RenderContext{first, &renderer}) == "");
    BOOST_TEST(docs.render(RenderContext{first, &renderer}) == "1001-1-7");
    BOOST_TEST(plan.render(RenderContext{second, &renderer}) == kOnePaymentPlanData);
    BOOST_TEST(docs.render(RenderContext{second, &renderer}) == "1001-2-");
}

BOOST_AUTO_TEST_CASE(tags_mix_with_literals_and_system_fields) {
    const TagVocabulary vocabulary = specialVocabulary();
    ExtrasByContactId extras;
    extras.setDocumentIds(55, {4, 5});
    const SpecialTagRenderer renderer(extras);
    const Contact mike = contact(55);
    BOOST_TEST(Template::parse("{FIRSTNAME}: docs [{UPLOAD_DOC_IDS}] {{literal}", vocabulary)
                   .render(RenderContext{mike, &renderer}) == "Mike: docs [4,5] {literal}");
}

BOOST_AUTO_TEST_CASE(rendering_appends_to_the_output) {
    const TagVocabulary vocabulary = specialVocabulary();
    ExtrasByContactId extras;
    extras.setDocumentIds(55, {4});
    const SpecialTagRenderer renderer(extras);
    const Contact mike = contact(55);
    std::string out = "__copydocs=";
    Template::parse(kCopyDocsValue, vocabulary).render(RenderContext{mike, &renderer}, out);
    BOOST_TEST(out == "__copydocs=1001-55-4");
}

BOOST_AUTO_TEST_CASE(an_id_the_renderer_does_not_own_is_a_logic_error) {
    ExtrasByContactId extras;
    const SpecialTagRenderer renderer(extras);
    std::string out;
    BOOST_CHECK_THROW(renderer.appendExtension(99, contact(1), out), std::logic_error);
}

BOOST_AUTO_TEST_CASE(a_router_sends_each_id_to_the_renderer_that_owns_it) {
    TagVocabulary vocabulary = specialVocabulary();
    dpp::budget::BudgetCatalog catalog;
    catalog.add("Rent", "BF_1");
    dpp::budget::registerBudgetTags(catalog, vocabulary);
    ExtrasByContactId extras;
    extras.setDocumentIds(55, {12});
    dpp::budget::BudgetValuesByContactId budgets;
    budgets.set(55, {{"BF_1", *Money::parse("1200")}});
    const SpecialTagRenderer special(extras);
    const dpp::budget::BudgetTagRenderer budget(catalog, budgets);
    ExtensionRouter router;
    router.route(kFirstSpecialTagId, kLastSpecialTagId, special);
    router.route(dpp::budget::kFirstBudgetTagId, dpp::budget::kLastBudgetTagId, budget);
    const Contact mike = contact(55);
    BOOST_TEST(Template::parse("{ACCTID}-{ID}-{UPLOAD_DOC_IDS} rent {BF_1}", vocabulary)
                   .render(RenderContext{mike, &router}) == "1001-55-12 rent 1200.00");
    std::string out;
    BOOST_CHECK_THROW(router.appendExtension(20, mike, out), std::logic_error);
    BOOST_CHECK_THROW(router.route(10, 20, special), std::logic_error);
    BOOST_CHECK_THROW(router.route(30, 20, special), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
