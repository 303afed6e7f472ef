// Fuzzes enrollment plans (specialparams/EnrollmentPlan.h): the __plan_data a data source
// receives (parsePlanData) and the "plan" object of a contacts import (planFromImportJson).
// Input: the __plan_data text; when it is also a JSON object, it is read as an import "plan" too.
//
// Expected: PlanDataError (and, for the import path only, the harness's own Poco::JSON parse
// failing with a Poco::Exception, as ContactRecord's parse does). Properties:
//   - "" and only "" is no plan; a plan read is valid (validatePlan);
//   - {EP_DATA} round trip: parsePlanData(renderPlanData(p)) == p, and the rendering is a
//     fixed point (rendering the re-read plan gives the same bytes) and is UTF-8;
//   - import round trip: planFromImportJson(parse(planToImportJson(p))) == p;
//   - a PlanDataError's what() is "<field>: <problem>" or, with field "", the problem;
//   - parsePlanData and parsePlanDataAsJson (no shortcut) give the same plan or error.
#include "FuzzSupport.h"

#include "specialparams/EnrollmentPlan.h"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

using namespace dpp;
using namespace dpp::specialparams;

namespace {

void checkError(const PlanDataError& error) {
    const std::string what = error.what();
    FUZZ_CHECK(error.field().empty() || what.starts_with(error.field() + ": "),
               "message " + fuzz::printable(what) + " does not start with its field " +
                   fuzz::printable(error.field()));
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    const Poco::Dynamic::Var parsed = parser.parse(text);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        return nullptr;
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

void checkRoundTrips(const EnrollmentPlan& plan) {
    fuzz::mustNotThrow("validatePlan", [&] { validatePlan(plan); });

    const std::string rendered = renderPlanData(plan);
    FUZZ_CHECK(mapping::isValidUtf8(rendered), "rendered plan is not UTF-8");
    std::string appended = "x";
    appendPlanData(plan, appended);
    FUZZ_CHECK(appended == "x" + rendered, "appendPlanData differs from renderPlanData");
    const std::optional<EnrollmentPlan> back = fuzz::mustNotThrow(
        "parsePlanData(renderPlanData(p))", [&] { return parsePlanData(rendered); });
    FUZZ_CHECK(back.has_value(), "a rendered plan reads as no plan");
    FUZZ_CHECK(*back == plan,
               "{EP_DATA} round trip changed the plan: " + fuzz::printable(rendered));
    FUZZ_CHECK(renderPlanData(*back) == rendered, "rendering is not canonical");

    const std::string import = planToImportJson(plan);
    const Poco::JSON::Object::Ptr object = fuzz::mustNotThrow("Poco parse of planToImportJson(p)",
                                                              [&] { return parseObject(import); });
    FUZZ_CHECK(object, "planToImportJson is not an object: " + fuzz::printable(import));
    const EnrollmentPlan imported = fuzz::mustNotThrow("planFromImportJson(planToImportJson(p))",
                                                       [&] { return planFromImportJson(*object); });
    FUZZ_CHECK(imported == plan, "import round trip changed the plan: " + fuzz::printable(import));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fuzz::asText(data, size);

    // __plan_data as posted.
    std::string outcome;
    try {
        const std::optional<EnrollmentPlan> plan = parsePlanData(input);
        FUZZ_CHECK(plan.has_value() == !input.empty(), "only \"\" is no plan");
        if (plan)
            checkRoundTrips(*plan);
        outcome = plan ? "plan " + renderPlanData(*plan) : "no plan";
    } catch (const PlanDataError& error) {
        checkError(error);
        outcome = std::string("error ") + error.what();
    }
    // The shortcut for written documents decides nothing the JSON parser would not.
    std::string byJson;
    try {
        const std::optional<EnrollmentPlan> plan = parsePlanDataAsJson(input);
        byJson = plan ? "plan " + renderPlanData(*plan) : "no plan";
    } catch (const PlanDataError& error) {
        byJson = std::string("error ") + error.what();
    }
    FUZZ_CHECK(outcome == byJson, "parsePlanData and parsePlanDataAsJson disagree: " +
                                      fuzz::printable(outcome) + " / " + fuzz::printable(byJson));

    // The same text as the "plan" of an import record (amounts may be JSON numbers).
    if (input.empty() || input.size() > kMaxPlanDataBytes || !mapping::isValidUtf8(input))
        return 0;
    Poco::JSON::Object::Ptr object;
    try {
        object = parseObject(std::string(input));
    } catch (const Poco::Exception&) {
        return 0;
    }
    if (!object)
        return 0;
    try {
        const EnrollmentPlan plan = planFromImportJson(*object);
        checkRoundTrips(plan);
    } catch (const PlanDataError& error) {
        FUZZ_CHECK(error.field().starts_with("plan"),
                   "import error field " + fuzz::printable(error.field()) + " lacks 'plan'");
        checkError(error);
    }
    return 0;
}
