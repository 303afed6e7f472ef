// Enrollment plans: the {EP_DATA} document (exact text, round trips with odd amounts, long
// schedules and Unicode names), __plan_data errors that name the field, and the import "plan".
#include "specialparams/EnrollmentPlan.h"
#include "mapping/Encoding.h"
#include "support/DomainPrinters.h"

#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace dpp::specialparams;
using dpp::mapping::Date;
using dpp::mapping::Money;

namespace {

Money money(std::string_view text) {
    const auto amount = Money::parse(text);
    BOOST_REQUIRE_MESSAGE(amount.has_value(), "not an amount: " << text);
    return *amount;
}

Date date(std::string_view text) {
    const auto parsed = Date::parse(text);
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), "not a date: " << text);
    return *parsed;
}

// The n-th (0-based) monthly date after first, clamped to the 28th to stay a real date.
Date monthsAfter(Date first, int months) {
    const int monthIndex = first.month() - 1 + months;
    return *Date::fromParts(first.year() + monthIndex / 12, monthIndex % 12 + 1,
                            std::min(first.day(), 28));
}

// Payments numbered 1..n, one a month from first, with the given amounts.
std::vector<ScheduledPayment> monthlySchedule(Date first, const std::vector<Money>& amounts) {
    std::vector<ScheduledPayment> payments;
    for (std::size_t i = 0; i < amounts.size(); ++i)
        payments.push_back(
            {static_cast<int>(i + 1), monthsAfter(first, static_cast<int>(i)), amounts[i]});
    return payments;
}

// 100.00 in three payments: 33.33, 33.33, 33.34.
EnrollmentPlan thirdsPlan() {
    EnrollmentPlan plan;
    plan.name = "Standard 3";
    plan.length = 3;
    plan.frequency = PaymentFrequency::Monthly;
    plan.paymentAmount = money("33.33");
    plan.firstPaymentDate = date("2026-12-15");
    plan.fees = {{"Enrollment fee", money("49.00")}};
    plan.payments =
        monthlySchedule(plan.firstPaymentDate, {money("33.33"), money("33.33"), money("33.34")});
    return plan;
}

const std::string kThirdsPlanData =
    R"({"v":1,"name":"Standard 3","length":3,"frequency":"monthly","payment_amount":"33.33",)"
    R"("first_payment_date":"2026-12-15","fees":[{"name":"Enrollment fee","amount":"49.00"}],)"
    R"("payments":[{"n":1,"date":"2026-12-15","amount":"33.33"},)"
    R"({"n":2,"date":"2027-01-15","amount":"33.33"},)"
    R"({"n":3,"date":"2027-02-15","amount":"33.34"}]})";

EnrollmentPlan roundTrip(const EnrollmentPlan& plan) {
    const std::string text = renderPlanData(plan);
    BOOST_TEST(dpp::mapping::isValidUtf8(text));
    const auto parsed = parsePlanData(text);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(renderPlanData(*parsed) == text);
    return *parsed;
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const std::size_t at = text.find(from);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" << from << "' not in the document");
    return text.replace(at, from.size(), to);
}

PlanDataError planDataError(const std::string& text) {
    try {
        parsePlanData(text);
    } catch (const PlanDataError& error) {
        return error;
    }
    BOOST_FAIL("parsePlanData accepted " + text);
    return PlanDataError("", "unreachable");
}

// Checks field() and that what() is "<field>: <problem>" with the problem containing `part`.
void expectError(const std::string& text, const std::string& field, std::string_view part) {
    const PlanDataError error = planDataError(text);
    BOOST_TEST(error.field() == field);
    const std::string message = error.what();
    BOOST_TEST(message.find(part) != std::string::npos, message);
    if (!field.empty())
        BOOST_TEST(message.starts_with(field + ": "), message);
}

Poco::JSON::Object::Ptr jsonObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

PlanDataError importError(const std::string& text) {
    try {
        planFromImportJson(*jsonObject(text));
    } catch (const PlanDataError& error) {
        return error;
    }
    BOOST_FAIL("planFromImportJson accepted " + text);
    return PlanDataError("", "unreachable");
}

} // namespace

BOOST_AUTO_TEST_SUITE(enrollment_plan)

BOOST_AUTO_TEST_CASE(renders_the_versioned_compact_document_with_keys_in_fixed_order) {
    BOOST_TEST(renderPlanData(thirdsPlan()) == kThirdsPlanData);
    std::string out = "prefix:";
    appendPlanData(thirdsPlan(), out);
    BOOST_TEST(out == "prefix:" + kThirdsPlanData);
}

BOOST_AUTO_TEST_CASE(parses_its_document_back_field_by_field) {
    const auto plan = parsePlanData(kThirdsPlanData);
    BOOST_REQUIRE(plan.has_value());
    BOOST_TEST(plan->name == "Standard 3");
    BOOST_TEST(plan->length == 3);
    BOOST_TEST(plan->frequency == PaymentFrequency::Monthly);
    BOOST_TEST(plan->paymentAmount.cents() == 3333);
    BOOST_TEST(plan->firstPaymentDate.toString() == "2026-12-15");
    BOOST_REQUIRE(plan->fees.size() == 1u);
    BOOST_TEST(plan->fees[0].name == "Enrollment fee");
    BOOST_TEST(plan->fees[0].amount.cents() == 4900);
    BOOST_REQUIRE(plan->payments.size() == 3u);
    BOOST_TEST(plan->payments[2].n == 3);
    BOOST_TEST(plan->payments[2].date.toString() == "2027-02-15");
    BOOST_TEST(plan->payments[2].amount.toString() == "33.34");
    Money total;
    for (const ScheduledPayment& payment : plan->payments)
        total += payment.amount;
    BOOST_TEST(total.toString() == "100.00");
    BOOST_TEST(*plan == thirdsPlan());
}

BOOST_AUTO_TEST_CASE(no_plan_is_the_empty_string_both_ways) {
    BOOST_TEST(renderPlanData(std::optional<EnrollmentPlan>()) == "");
    BOOST_TEST(!parsePlanData("").has_value());
    BOOST_TEST(renderPlanData(std::optional<EnrollmentPlan>(thirdsPlan())) == kThirdsPlanData);
}

BOOST_AUTO_TEST_CASE(odd_amounts_round_trip) {
    EnrollmentPlan plan = thirdsPlan();
    plan.paymentAmount = money("0.01");
    plan.fees = {{"Tiny", money("0.01")}, {"Waived", money("0.00")}, {"Big", money("999999.99")}};
    plan.payments =
        monthlySchedule(plan.firstPaymentDate, {money("0.01"), money("999999.99"), money("0.00")});
    const EnrollmentPlan back = roundTrip(plan);
    BOOST_TEST(back == plan);
    BOOST_TEST(back.paymentAmount.toString() == "0.01");
    BOOST_TEST(back.payments[1].amount.toString() == "999999.99");
    BOOST_TEST(back.fees[1].amount.toString() == "0.00");
}

BOOST_AUTO_TEST_CASE(a_seventh_split_round_trips_and_adds_up) {
    // 1000.00 in 7 payments: six of 142.85 and a last of 142.90.
    EnrollmentPlan plan = thirdsPlan();
    plan.length = 7;
    plan.paymentAmount = money("142.85");
    std::vector<Money> amounts(6, money("142.85"));
    amounts.push_back(money("1000.00") - money("142.85") - money("142.85") - money("142.85") -
                      money("142.85") - money("142.85") - money("142.85"));
    plan.payments = monthlySchedule(plan.firstPaymentDate, amounts);
    const EnrollmentPlan back = roundTrip(plan);
    BOOST_TEST(back.payments.back().amount.toString() == "142.90");
    Money total;
    for (const ScheduledPayment& payment : back.payments)
        total += payment.amount;
    BOOST_TEST(total.toString() == "1000.00");
}

BOOST_AUTO_TEST_CASE(a_120_payment_weekly_schedule_round_trips) {
    EnrollmentPlan plan;
    plan.name = "Weekly 120";
    plan.length = 120;
    plan.frequency = PaymentFrequency::Weekly;
    plan.paymentAmount = money("83.33");
    plan.firstPaymentDate = date("2026-01-05");
    int year = 2026, month = 1, day = 5;
    for (int n = 1; n <= 120; ++n) {
        plan.payments.push_back(
            {n, *Date::fromParts(year, month, day), n == 120 ? money("83.73") : money("83.33")});
        day += 7;
        const int monthDays = month == 2 ? (year % 4 == 0 ? 29 : 28)
                              : (month == 4 || month == 6 || month == 9 || month == 11) ? 30
                                                                                        : 31;
        if (day > monthDays) {
            day -= monthDays;
            if (++month == 13) {
                month = 1;
                ++year;
            }
        }
    }
    const std::string text = renderPlanData(plan);
    BOOST_TEST(text.find(R"({"n":120,"date":"2028-04-17","amount":"83.73"}]})") !=
               std::string::npos);
    const EnrollmentPlan back = roundTrip(plan);
    BOOST_TEST(back == plan);
    BOOST_TEST(back.payments.size() == 120u);
    BOOST_TEST(back.payments[59].date.toString() == "2027-02-22");
}

BOOST_AUTO_TEST_CASE(unicode_quotes_and_backslashes_in_names_round_trip) {
    EnrollmentPlan plan = thirdsPlan();
    plan.name = "Plan \"Gold\" \\ 金牌计划 😀 — café\ttab\nnewline";
    plan.fees = {{"Frais d'adhésion ✅", money("49.00")},
                 {"C:\\fees\\\"quoted\"", money("1.00")},
                 {"手数料 🧾", money("2.50")}};
    const std::string text = renderPlanData(plan);
    BOOST_TEST(text.find(R"("name":"Plan \"Gold\" \\ 金牌计划 😀 — café\ttab\nnewline")") !=
               std::string::npos);
    BOOST_TEST(roundTrip(plan) == plan);
}

BOOST_AUTO_TEST_CASE(accepts_json_whitespace_and_unicode_escapes) {
    const std::string pretty = R"({
        "v": 1, "name": "caf\u00e9 \ud83d\ude00", "length": 1, "frequency": "weekly",
        "payment_amount": "10.00", "first_payment_date": "2026-12-15",
        "fees": [], "payments": [ {"n": 1, "date": "2026-12-15", "amount": "10.00"} ]
    })";
    const auto plan = parsePlanData(pretty);
    BOOST_REQUIRE(plan.has_value());
    BOOST_TEST(plan->name == "café 😀");
    BOOST_TEST(plan->frequency == PaymentFrequency::Weekly);
}

BOOST_AUTO_TEST_CASE(every_frequency_round_trips) {
    for (const char* name : {"weekly", "biweekly", "semimonthly", "monthly"}) {
        const auto frequency = frequencyByName(name);
        BOOST_REQUIRE(frequency.has_value());
        BOOST_TEST(toString(*frequency) == name);
        EnrollmentPlan plan = thirdsPlan();
        plan.frequency = *frequency;
        BOOST_TEST(roundTrip(plan).frequency == *frequency);
    }
    BOOST_TEST(!frequencyByName("Monthly").has_value());
    BOOST_TEST(!frequencyByName("quarterly").has_value());
}

BOOST_AUTO_TEST_CASE(an_empty_schedule_is_tolerated) {
    EnrollmentPlan plan = thirdsPlan();
    plan.payments.clear();
    const std::string text = renderPlanData(plan);
    BOOST_TEST(text.ends_with(R"("payments":[]})"));
    BOOST_TEST(roundTrip(plan).payments.empty());
}

BOOST_AUTO_TEST_CASE(hand_edited_schedules_are_tolerated) {
    // Two payments on one day, dates off the frequency, amounts not adding up to anything.
    const std::string text =
        replaced(replaced(kThirdsPlanData, R"("date":"2027-01-15","amount":"33.33")",
                          R"("date":"2026-12-15","amount":"12.00")"),
                 R"("date":"2027-02-15")", R"("date":"2027-06-03")");
    const auto plan = parsePlanData(text);
    BOOST_REQUIRE(plan.has_value());
    BOOST_TEST(plan->payments[1].date.toString() == "2026-12-15");
    BOOST_TEST(plan->payments[2].date.toString() == "2027-06-03");
}

BOOST_AUTO_TEST_CASE(a_bad_amount_names_the_payment) {
    expectError(replaced(kThirdsPlanData, R"("amount":"33.34")", R"("amount":"31x")"),
                "payments[2].amount", "'31x' is not an amount");
    const PlanDataError error =
        planDataError(replaced(kThirdsPlanData, R"("amount":"33.34")", R"("amount":"31x")"));
    BOOST_TEST(std::string(error.what()) == "payments[2].amount: '31x' is not an amount");
    expectError(replaced(kThirdsPlanData, R"("amount":"49.00")", R"("amount":"49.001")"),
                "fees[0].amount", "'49.001' is not an amount");
    expectError(
        replaced(kThirdsPlanData, R"("payment_amount":"33.33")", R"("payment_amount":"1e3")"),
        "payment_amount", "'1e3' is not an amount");
}

BOOST_AUTO_TEST_CASE(amounts_must_be_strings_in_plan_data) {
    expectError(
        replaced(kThirdsPlanData, R"("payment_amount":"33.33")", R"("payment_amount":33.33)"),
        "payment_amount", "write it as a string");
    expectError(replaced(kThirdsPlanData, R"("amount":"49.00")", R"("amount":null)"),
                "fees[0].amount", "null is not an amount");
}

BOOST_AUTO_TEST_CASE(only_version_1_is_read) {
    expectError(replaced(kThirdsPlanData, R"("v":1)", R"("v":2)"), "v",
                "version 2 is not supported; this reader knows version 1");
    expectError(replaced(kThirdsPlanData, R"("v":1)", R"("v":"1")"), "v",
                "'1' is not a version number");
    expectError(replaced(kThirdsPlanData, R"("v":1)", R"("v":1.0)"), "v",
                "is not a version number");
    expectError(replaced(kThirdsPlanData, R"("v":1,)", ""), "v", "is missing");
    // A newer version with keys this reader does not know is refused for its version.
    expectError(replaced(kThirdsPlanData, R"("v":1,)", R"("v":2,"currency":"USD",)"), "v",
                "version 2 is not supported");
}

BOOST_AUTO_TEST_CASE(missing_and_unknown_keys_are_named) {
    expectError(replaced(kThirdsPlanData, R"("length":3,)", ""), "length", "is missing");
    expectError(
        replaced(kThirdsPlanData, R"("fees":[{"name":"Enrollment fee","amount":"49.00"}],)", ""),
        "fees", "is missing");
    expectError(replaced(kThirdsPlanData, R"({"n":2,)", R"({)"), "payments[1].n", "is missing");
    expectError(replaced(kThirdsPlanData, R"("v":1,)", R"("v":1,"status":"active",)"), "status",
                "is not a known key");
    expectError(
        replaced(kThirdsPlanData, R"("amount":"49.00")", R"("amount":"49.00","taxable":true)"),
        "fees[0].taxable", "is not a known key");
}

BOOST_AUTO_TEST_CASE(wrong_json_types_are_named) {
    expectError(replaced(kThirdsPlanData, R"("length":3)", R"("length":"3")"), "length",
                "'3' is not a whole number");
    expectError(replaced(kThirdsPlanData, R"("length":3)", R"("length":3.5)"), "length",
                "is not a whole number");
    expectError(replaced(kThirdsPlanData, R"("length":3)", R"("length":99999999999)"), "length",
                "is out of range");
    expectError(replaced(kThirdsPlanData, R"("name":"Standard 3")", R"("name":7)"), "name",
                "7 is not a string");
    expectError(replaced(kThirdsPlanData, R"("fees":[)", R"("fees":{"a":[)") + "", "", "not JSON");
    expectError(replaced(kThirdsPlanData, R"("fees":[{"name":"Enrollment fee","amount":"49.00"}])",
                         R"("fees":{})"),
                "fees", "an object is not an array");
    expectError(replaced(kThirdsPlanData, R"({"name":"Enrollment fee","amount":"49.00"})",
                         R"("Enrollment fee")"),
                "fees[0]", "'Enrollment fee' is not an object");
}

BOOST_AUTO_TEST_CASE(bad_dates_and_frequencies_are_named) {
    expectError(replaced(kThirdsPlanData, R"("first_payment_date":"2026-12-15")",
                         R"("first_payment_date":"2026-02-30")"),
                "first_payment_date", "'2026-02-30' is not a date (YYYY-MM-DD)");
    expectError(replaced(kThirdsPlanData, R"("date":"2027-01-15")", R"("date":"01/15/2027")"),
                "payments[1].date", "'01/15/2027' is not a date");
    expectError(replaced(kThirdsPlanData, R"("frequency":"monthly")", R"("frequency":"Monthly")"),
                "frequency", "'Monthly' is not weekly, biweekly, semimonthly or monthly");
}

BOOST_AUTO_TEST_CASE(inconsistent_schedules_are_refused) {
    expectError(replaced(kThirdsPlanData, R"("length":3)", R"("length":4)"), "payments",
                "has 3 payments but length is 4");
    expectError(replaced(kThirdsPlanData, R"({"n":2,)", R"({"n":3,)"), "payments[1].n",
                "is 3 but the payments must be numbered 1..3 in order, so it should be 2");
    expectError(replaced(kThirdsPlanData, R"({"n":1,)", R"({"n":0,)"), "payments[0].n",
                "should be 1");
    expectError(replaced(kThirdsPlanData, R"("date":"2027-02-15")", R"("date":"2027-01-14")"),
                "payments[2].date", "2027-01-14 is before the previous payment's 2027-01-15");
    expectError(
        replaced(kThirdsPlanData, R"({"n":1,"date":"2026-12-15")", R"({"n":1,"date":"2026-12-14")"),
        "payments[0].date", "2026-12-14 is not first_payment_date 2026-12-15");
    expectError(replaced(kThirdsPlanData, R"("amount":"33.34")", R"("amount":"-33.34")"),
                "payments[2].amount", "-33.34 is negative");
}

BOOST_AUTO_TEST_CASE(plan_level_rules_are_named) {
    expectError(replaced(kThirdsPlanData, R"("name":"Standard 3")", R"("name":"")"), "name",
                "is empty");
    expectError(
        replaced(kThirdsPlanData, R"("payment_amount":"33.33")", R"("payment_amount":"0.00")"),
        "payment_amount", "0.00 is not more than 0.00");
    expectError(replaced(kThirdsPlanData, R"("amount":"49.00")", R"("amount":"-1.00")"),
                "fees[0].amount", "-1.00 is negative");
    expectError(replaced(kThirdsPlanData, R"("name":"Enrollment fee")", R"("name":"")"),
                "fees[0].name", "is empty");
    expectError(replaced(kThirdsPlanData, R"("name":"Standard 3")",
                         "\"name\":\"" + std::string(256, 'x') + "\""),
                "name", "longer than 255 bytes");
    EnrollmentPlan noPayments = thirdsPlan();
    noPayments.payments.clear();
    noPayments.length = 0;
    BOOST_CHECK_EXCEPTION(validatePlan(noPayments), PlanDataError,
                          [](const PlanDataError& error) { return error.field() == "length"; });
    BOOST_CHECK_NO_THROW(validatePlan(thirdsPlan()));
}

// parsePlanData reads the form renderPlanData writes without a JSON parser; whatever the
// document, the outcome (the plan, or the error and its message) is the JSON parser's.
BOOST_AUTO_TEST_CASE(the_shortcut_for_written_documents_agrees_with_the_json_parser) {
    auto outcome = [](auto parse, const std::string& text) -> std::string {
        try {
            auto plan = parse(text);
            return plan ? "plan " + renderPlanData(*plan) : "no plan";
        } catch (const PlanDataError& error) {
            return std::string("error ") + error.what();
        }
    };
    const std::string written = renderPlanData(thirdsPlan());
    const std::vector<std::string> documents = {
        "",
        written,
        kThirdsPlanData,
        written + " ",
        " " + written,
        replaced(written, R"("length":3)", R"("length":4)"),
        replaced(written, R"("length":3)", R"("length":03)"),
        replaced(written, R"({"n":2,)", R"({"n":3,)"),
        replaced(written, R"("payment_amount":"33.33")", R"("payment_amount":"33.3300")"),
        replaced(written, R"("payment_amount":"33.33")", R"("payment_amount":"0.00")"),
        replaced(written, R"("date":"2027-02-15")", R"("date":"2027-01-14")"),
        replaced(written, R"("date":"2027-02-15")", R"("date":"2027-02-30")"),
        replaced(written, R"("frequency":"monthly")", R"("frequency":"Monthly")"),
        replaced(written, R"("name":"Standard 3")", R"("name":"Standard "3"")"),
        replaced(written, R"("name":"Standard 3")", R"("name":"Standard 3")"),
        replaced(written, R"("name":"Standard 3")", R"("name":"")"),
        replaced(written, R"("v":1,)", R"("v":2,)"),
        replaced(written, R"("v":1,)", R"("v":1,"name":"Other",)"),
        replaced(written, R"("fees":[)", R"("fees":[{"name":"Setup","amount":"5.00"},)"),
        replaced(written, R"(,"payments":[)", R"(,"payments":[],"x":[)"),
        written.substr(0, written.size() - 1),
    };
    for (const std::string& document : documents)
        BOOST_TEST(outcome(parsePlanData, document) == outcome(parsePlanDataAsJson, document),
                   document);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_document_is_refused_as_a_whole) {
    expectError("   ", "", "not JSON");
    expectError("{", "", "not JSON");
    expectError("[1,2]", "", "not a JSON object");
    expectError("no plan", "", "not JSON");
    expectError(std::string("{\"v\":1,\"name\":\"\xff\"}"), "", "not valid UTF-8");
    expectError(std::string(kMaxPlanDataBytes + 1, ' '), "", "more than");
    expectError(replaced(kThirdsPlanData, R"("v":1,)", R"("v":1,"name":"Other",)"), "",
                "repeats the key 'name'");
}

BOOST_AUTO_TEST_CASE(the_import_plan_of_design_section_4_is_read) {
    const auto object = jsonObject(R"({"name": "Standard 36", "length": 2,
        "frequency": "monthly", "payment_amount": "312.50", "first_payment_date": "2026-12-15",
        "fees": [{"name": "Enrollment fee", "amount": "49.00"}],
        "payments": [{"n": 1, "date": "2026-12-15", "amount": "312.50"},
                     {"n": 2, "date": "2027-01-15", "amount": 312.5}]})");
    const EnrollmentPlan plan = planFromImportJson(*object);
    BOOST_TEST(plan.name == "Standard 36");
    BOOST_TEST(plan.length == 2);
    BOOST_TEST(plan.paymentAmount.toString() == "312.50");
    BOOST_TEST(plan.payments[1].amount.toString() == "312.50");
    BOOST_TEST(planToImportJson(plan) ==
               R"({"name":"Standard 36","length":2,"frequency":"monthly",)"
               R"("payment_amount":"312.50","first_payment_date":"2026-12-15",)"
               R"("fees":[{"name":"Enrollment fee","amount":"49.00"}],)"
               R"("payments":[{"n":1,"date":"2026-12-15","amount":"312.50"},)"
               R"({"n":2,"date":"2027-01-15","amount":"312.50"}]})");
    BOOST_TEST(planFromImportJson(*jsonObject(planToImportJson(plan))) == plan);
}

BOOST_AUTO_TEST_CASE(import_numbers_are_exact_amounts_or_refused) {
    const std::string base = R"({"name":"P","length":1,"frequency":"weekly",)"
                             R"("first_payment_date":"2026-12-15","fees":[],"payments":[],)";
    BOOST_TEST(planFromImportJson(*jsonObject(base + R"("payment_amount":1200})"))
                   .paymentAmount.toString() == "1200.00");
    BOOST_TEST(planFromImportJson(*jsonObject(base + R"("payment_amount":0.1})"))
                   .paymentAmount.toString() == "0.10");
    BOOST_TEST(planFromImportJson(*jsonObject(base + R"("payment_amount":999999.99})"))
                   .paymentAmount.toString() == "999999.99");
    PlanDataError error = importError(base + R"("payment_amount":312.505})");
    BOOST_TEST(error.field() == "plan.payment_amount");
    BOOST_TEST(std::string(error.what()) == "plan.payment_amount: '312.505' is not an amount");
    error = importError(base + R"("payment_amount":true})");
    BOOST_TEST(error.field() == "plan.payment_amount");
}

BOOST_AUTO_TEST_CASE(import_errors_are_prefixed_with_plan) {
    const std::string good = planToImportJson(thirdsPlan());
    PlanDataError error = importError(replaced(good, R"("amount":"33.34")", R"("amount":"31x")"));
    BOOST_TEST(std::string(error.what()) == "plan.payments[2].amount: '31x' is not an amount");
    error = importError(replaced(good, R"({"name":"Standard 3",)", R"({"v":1,"name":"S",)"));
    BOOST_TEST(error.field() == "plan.v");
    BOOST_TEST(std::string(error.what()) == "plan.v: is not a known key");
    error = importError(replaced(good, R"("frequency":"monthly",)", ""));
    BOOST_TEST(std::string(error.what()) == "plan.frequency: is missing");
}

BOOST_AUTO_TEST_CASE(an_object_with_many_keys_is_refused_quickly_and_duplicates_still_are) {
    // Found while fuzzing: the duplicate-key check was quadratic in the number of keys.
    std::string text = "{\"v\": 1";
    for (int i = 0; i < 60000; ++i)
        text += ", \"k" + std::to_string(i) + "\": 0";
    text += "}";
    BOOST_CHECK_THROW(parsePlanData(text), PlanDataError);
    const std::string duplicate = planDataError(R"({"v": 1, "v": 1})").what();
    BOOST_TEST(duplicate.find("'v'") != std::string::npos, duplicate);
}

BOOST_AUTO_TEST_SUITE_END()
