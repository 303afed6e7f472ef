#pragma once
// A contact's enrollment plan and its two text forms:
//   - {EP_DATA} / __plan_data: a versioned compact JSON document, keys in a fixed order,
//     amounts as strings with two decimals, dates YYYY-MM-DD:
//       {"v":1,"name":"Standard 36","length":36,"frequency":"monthly",
//        "payment_amount":"312.50","first_payment_date":"2026-12-15",
//        "fees":[{"name":"Enrollment fee","amount":"49.00"}],
//        "payments":[{"n":1,"date":"2026-12-15","amount":"312.50"},...]}
//     A contact without a plan renders "" and "" parses back to "no plan".
//   - the "plan" object of a contacts import file (DESIGN section 4): the same keys without "v".
// Plain value types and pure functions; thread-safe. Rendering never throws (but for
// std::bad_alloc); parsing and validation throw PlanDataError whose field() is a path such as
// "payments[3].amount" (indexes count from 0, as in JSON paths) and whose what() is
// "<field>: <problem>".
//
// What a valid plan is (checked by validatePlan, parsePlanData and planFromImportJson):
//   name         1..255 bytes of UTF-8
//   length       number of payments, 1..1000
//   frequency    weekly | biweekly | semimonthly | monthly
//   payment_amount  more than 0.00
//   first_payment_date  a real date
//   fees         at most 100; each a name (1..255 bytes of UTF-8) and an amount >= 0.00
//                (a waived fee is 0.00; two fees may share a name)
//   payments     the schedule: either empty (the sender had no schedule; the receiver must not
//                invent one) or exactly `length` payments numbered n = 1..length in that order,
//                dates never going backwards (two on one day are tolerated), the first on
//                first_payment_date, each amount >= 0.00.
// Tolerated, because real plans are edited by hand: payment dates that do not follow the
// frequency, and amounts that differ from payment_amount or do not add up to anything.
// Refused: an unknown "v" (only 1 exists), a missing or unknown key, a wrong JSON type, an
// amount written as a JSON number in {EP_DATA} (the import file accepts numbers, see below).
#include "mapping/Date.h"
#include "mapping/Money.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace dpp::specialparams {

class PlanDataError : public std::runtime_error {
public:
    PlanDataError(std::string field, const std::string& problem);
    const std::string& field() const { return field_; }

private:
    std::string field_;
};

enum class PaymentFrequency : std::uint8_t { Weekly, Biweekly, Semimonthly, Monthly };

std::string_view toString(PaymentFrequency frequency);                  // "weekly", ...
std::optional<PaymentFrequency> frequencyByName(std::string_view name); // exact, lower case

struct PlanFee {
    std::string name;
    mapping::Money amount;
    bool operator==(const PlanFee&) const = default;
};

struct ScheduledPayment {
    int n = 0; // 1-based position in the schedule
    mapping::Date date;
    mapping::Money amount;
    bool operator==(const ScheduledPayment&) const = default;
};

struct EnrollmentPlan {
    std::string name;
    int length = 0; // number of payments
    PaymentFrequency frequency = PaymentFrequency::Monthly;
    mapping::Money paymentAmount;
    mapping::Date firstPaymentDate;
    std::vector<PlanFee> fees;
    std::vector<ScheduledPayment> payments; // empty, or `length` entries
    bool operator==(const EnrollmentPlan&) const = default;
};

inline constexpr int kPlanDataVersion = 1;
inline constexpr int kMaxPlanLength = 1000;
inline constexpr std::size_t kMaxPlanFees = 100;
inline constexpr std::size_t kMaxPlanNameBytes = 255;
inline constexpr std::size_t kMaxPlanDataBytes = 1024 * 1024;

// Throws PlanDataError for the first rule above the plan breaks, naming the field.
void validatePlan(const EnrollmentPlan& plan);

// {EP_DATA}: appends the document (or nothing for no plan) to out without other allocations.
// The plan is written as it is; plans are validated where they enter (import, parsePlanData).
void appendPlanData(const EnrollmentPlan& plan, std::string& out);
std::string renderPlanData(const EnrollmentPlan& plan);
std::string renderPlanData(const std::optional<EnrollmentPlan>& plan); // "" for no plan

// __plan_data: "" is no plan; anything else must be a valid version-1 document of at most
// kMaxPlanDataBytes (JSON whitespace around and between tokens is allowed, so a document
// pretty-printed by someone's tool still parses). Throws PlanDataError; field() is "" when the
// text as a whole is wrong (not UTF-8, not JSON, not an object, too large).
std::optional<EnrollmentPlan> parsePlanData(std::string_view text);
// The same through a JSON parser alone. parsePlanData first reads the form renderPlanData
// writes without building a JSON tree, and keeps that only when the plan renders back to the
// same text; the two must agree on every input (tests and the plan fuzz target check it).
std::optional<EnrollmentPlan> parsePlanDataAsJson(std::string_view text);

// The "plan" object of a contacts import record. Same keys as {EP_DATA} without "v"; "length"
// and "n" are JSON integers; amounts are strings ("312.50") or JSON numbers (312.5; exact as
// long as they have at most 15 significant digits). Fields in errors start with "plan."
// ("plan.fees[0].amount").
EnrollmentPlan planFromImportJson(const Poco::JSON::Object& plan);

// The plan in the import file's form (compact JSON, the {EP_DATA} keys without "v"): what
// `contact show --json` and an export print, and what planFromImportJson reads back.
std::string planToImportJson(const EnrollmentPlan& plan);

} // namespace dpp::specialparams
