// Enrollment plans: {EP_DATA} rendering, __plan_data and import parsing, validation
// (see EnrollmentPlan.h for the format and the rules).
#include "specialparams/EnrollmentPlan.h"

#include "mapping/Encoding.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <unordered_set>

namespace dpp::specialparams {

using mapping::Date;
using mapping::Money;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

constexpr std::array<std::string_view, 4> kFrequencyNames = {"weekly", "biweekly", "semimonthly",
                                                             "monthly"};
constexpr std::size_t kQuotedValueLimit = 60;

// ---------------------------------------------------------------------------------------------
// Messages

// 'text' for a message, cut after kQuotedValueLimit bytes (at a UTF-8 character boundary).
std::string quoted(std::string_view text) {
    if (text.size() <= kQuotedValueLimit)
        return "'" + std::string(text) + "'";
    std::size_t cut = kQuotedValueLimit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return "'" + std::string(text.substr(0, cut)) + "...'";
}

std::string indexed(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

std::string member(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// ---------------------------------------------------------------------------------------------
// Validation

void validateName(const std::string& field, const std::string& name) {
    if (name.empty())
        throw PlanDataError(field, "is empty");
    if (name.size() > kMaxPlanNameBytes)
        throw PlanDataError(field,
                            "is longer than " + std::to_string(kMaxPlanNameBytes) + " bytes");
    if (!mapping::isValidUtf8(name))
        throw PlanDataError(field, "is not valid UTF-8");
}

void requireNotNegative(const std::string& field, Money amount) {
    if (amount.isNegative())
        throw PlanDataError(field, amount.toString() + " is negative");
}

void validatePlanAt(const std::string& path, const EnrollmentPlan& plan) {
    validateName(member(path, "name"), plan.name);
    if (plan.length < 1 || plan.length > kMaxPlanLength)
        throw PlanDataError(member(path, "length"), std::to_string(plan.length) +
                                                        " is not a number of payments (1.." +
                                                        std::to_string(kMaxPlanLength) + ")");
    if (static_cast<std::size_t>(plan.frequency) >= kFrequencyNames.size())
        throw PlanDataError(member(path, "frequency"), "is not a known frequency");
    if (plan.paymentAmount <= Money())
        throw PlanDataError(member(path, "payment_amount"),
                            plan.paymentAmount.toString() + " is not more than 0.00");
    if (plan.fees.size() > kMaxPlanFees)
        throw PlanDataError(member(path, "fees"), std::to_string(plan.fees.size()) +
                                                      " fees are more than " +
                                                      std::to_string(kMaxPlanFees));
    for (std::size_t i = 0; i < plan.fees.size(); ++i) {
        const std::string fee = indexed(member(path, "fees"), i);
        validateName(member(fee, "name"), plan.fees[i].name);
        requireNotNegative(member(fee, "amount"), plan.fees[i].amount);
    }
    const std::string payments = member(path, "payments");
    if (plan.payments.empty())
        return;
    if (plan.payments.size() != static_cast<std::size_t>(plan.length))
        throw PlanDataError(payments, "has " + std::to_string(plan.payments.size()) +
                                          " payments but length is " + std::to_string(plan.length));
    for (std::size_t i = 0; i < plan.payments.size(); ++i) {
        const ScheduledPayment& payment = plan.payments[i];
        const std::string at = indexed(payments, i);
        const auto expected = static_cast<int>(i + 1);
        if (payment.n != expected)
            throw PlanDataError(member(at, "n"), "is " + std::to_string(payment.n) +
                                                     " but the payments must be numbered 1.." +
                                                     std::to_string(plan.length) +
                                                     " in order, so it should be " +
                                                     std::to_string(expected));
        if (i == 0 && payment.date != plan.firstPaymentDate)
            throw PlanDataError(member(at, "date"), payment.date.toString() +
                                                        " is not first_payment_date " +
                                                        plan.firstPaymentDate.toString());
        if (i > 0 && payment.date < plan.payments[i - 1].date)
            throw PlanDataError(member(at, "date"), payment.date.toString() +
                                                        " is before the previous payment's " +
                                                        plan.payments[i - 1].date.toString());
        requireNotNegative(member(at, "amount"), payment.amount);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

void appendKey(std::string_view key, std::string& out) {
    out.push_back('"');
    out.append(key);
    out.append("\":");
}

void appendQuotedMoney(Money amount, std::string& out) {
    out.push_back('"');
    amount.appendTo(out);
    out.push_back('"');
}

void appendQuotedDate(Date date, std::string& out) {
    out.push_back('"');
    date.appendTo(out);
    out.push_back('"');
}

void appendInteger(long long value, std::string& out) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
}

// The plan's members, without braces; each starts with ',' unless first is true.
void appendPlanMembers(const EnrollmentPlan& plan, bool first, std::string& out) {
    if (!first)
        out.push_back(',');
    appendKey("name", out);
    mapping::appendJsonString(plan.name, out);
    out.push_back(',');
    appendKey("length", out);
    appendInteger(plan.length, out);
    out.push_back(',');
    appendKey("frequency", out);
    out.push_back('"');
    out.append(toString(plan.frequency));
    out.append("\",");
    appendKey("payment_amount", out);
    appendQuotedMoney(plan.paymentAmount, out);
    out.push_back(',');
    appendKey("first_payment_date", out);
    appendQuotedDate(plan.firstPaymentDate, out);
    out.push_back(',');
    appendKey("fees", out);
    out.push_back('[');
    for (std::size_t i = 0; i < plan.fees.size(); ++i) {
        if (i > 0)
            out.push_back(',');
        out.append("{\"name\":");
        mapping::appendJsonString(plan.fees[i].name, out);
        out.append(",\"amount\":");
        appendQuotedMoney(plan.fees[i].amount, out);
        out.push_back('}');
    }
    out.append("],");
    appendKey("payments", out);
    out.push_back('[');
    // The schedule is most of the document: room for all of it is made once and each payment
    // is written through a cursor (no per-piece capacity checks), then the rest is cut off.
    static constexpr std::string_view kOpen = "{\"n\":";
    static constexpr std::string_view kDate = ",\"date\":\"";
    static constexpr std::string_view kAmount = "\",\"amount\":\"";
    static constexpr std::string_view kClose = "\"}";
    static constexpr std::size_t kMaxPaymentBytes = 1 + kOpen.size() + 11 + kDate.size() + 10 +
                                                    kAmount.size() + Money::kMaxTextBytes +
                                                    kClose.size();
    const std::size_t start = out.size();
    out.resize(start + plan.payments.size() * kMaxPaymentBytes);
    char* cursor = out.data() + start;
    for (std::size_t i = 0; i < plan.payments.size(); ++i) {
        const ScheduledPayment& payment = plan.payments[i];
        if (i > 0)
            *cursor++ = ',';
        std::memcpy(cursor, kOpen.data(), kOpen.size());
        cursor = std::to_chars(cursor + kOpen.size(), cursor + kOpen.size() + 11, payment.n).ptr;
        std::memcpy(cursor, kDate.data(), kDate.size());
        cursor = payment.date.write(cursor + kDate.size());
        std::memcpy(cursor, kAmount.data(), kAmount.size());
        cursor = payment.amount.write(cursor + kAmount.size());
        std::memcpy(cursor, kClose.data(), kClose.size());
        cursor += kClose.size();
    }
    out.resize(static_cast<std::size_t>(cursor - out.data()));
    out.push_back(']');
}

// ---------------------------------------------------------------------------------------------
// Reading

// ParseHandler that refuses a key repeated in one object (Poco would keep the last silently).
class DuplicateKeyRefusingHandler : public Poco::JSON::ParseHandler {
public:
    struct DuplicateKey {
        std::string key;
    };
    void reset() override {
        ParseHandler::reset();
        keys_.clear();
    }
    void startObject() override {
        keys_.emplace_back();
        ParseHandler::startObject();
    }
    void endObject() override {
        keys_.pop_back();
        ParseHandler::endObject();
    }
    void key(const std::string& name) override {
        if (!keys_.back().insert(name).second)
            throw DuplicateKey{name};
        ParseHandler::key(name);
    }

private:
    std::vector<std::unordered_set<std::string>> keys_; // per open object: linear, not quadratic
};

Object::Ptr objectOf(const Var& value) {
    if (value.type() == typeid(Object::Ptr))
        return value.extract<Object::Ptr>();
    if (value.type() == typeid(Object))
        return new Object(value.extract<Object>());
    return nullptr;
}

Array::Ptr arrayOf(const Var& value) {
    if (value.type() == typeid(Array::Ptr))
        return value.extract<Array::Ptr>();
    if (value.type() == typeid(Array))
        return new Array(value.extract<Array>());
    return nullptr;
}

// Reads one plan object. `path` prefixes every field name ("" or "plan").
class PlanReader {
public:
    PlanReader(std::string path, bool numbersAreAmounts)
        : path_(std::move(path)), numbersAreAmounts_(numbersAreAmounts) {}

    EnrollmentPlan read(const Object& object, bool versioned) const {
        if (versioned) {
            // The version first: a newer document may well have other keys.
            const std::string field = member(path_, "v");
            if (!object.has("v"))
                throw PlanDataError(field, "is missing (the plan data's version)");
            const Var version = object.get("v");
            if (!isInteger(version))
                throw PlanDataError(field, describe(version) +
                                               " is not a version number (a whole number)");
            if (version.convert<std::string>() != std::to_string(kPlanDataVersion))
                throw PlanDataError(field, "version " + version.convert<std::string>() +
                                               " is not supported; this reader knows version " +
                                               std::to_string(kPlanDataVersion));
            requireKeys(object, path_,
                        {"v", "name", "length", "frequency", "payment_amount", "first_payment_date",
                         "fees", "payments"});
        } else {
            requireKeys(object, path_,
                        {"name", "length", "frequency", "payment_amount", "first_payment_date",
                         "fees", "payments"});
        }
        EnrollmentPlan plan;
        plan.name = readString(object, path_, "name");
        plan.length = readInteger(object, path_, "length");
        const std::string frequency = readString(object, path_, "frequency");
        const auto parsedFrequency = frequencyByName(frequency);
        if (!parsedFrequency)
            throw PlanDataError(member(path_, "frequency"),
                                quoted(frequency) +
                                    " is not weekly, biweekly, semimonthly or monthly");
        plan.frequency = *parsedFrequency;
        plan.paymentAmount = readMoney(object, path_, "payment_amount");
        plan.firstPaymentDate = readDate(object, path_, "first_payment_date");
        const std::string feesPath = member(path_, "fees");
        const Array::Ptr fees = readArray(object, path_, "fees");
        if (fees->size() > kMaxPlanFees)
            throw PlanDataError(feesPath, std::to_string(fees->size()) + " fees are more than " +
                                              std::to_string(kMaxPlanFees));
        for (std::size_t i = 0; i < fees->size(); ++i) {
            const std::string at = indexed(feesPath, i);
            const Object::Ptr fee = requireObject(fees->get(static_cast<unsigned>(i)), at);
            requireKeys(*fee, at, {"name", "amount"});
            plan.fees.push_back(
                PlanFee{readString(*fee, at, "name"), readMoney(*fee, at, "amount")});
        }
        const std::string paymentsPath = member(path_, "payments");
        const Array::Ptr payments = readArray(object, path_, "payments");
        if (payments->size() > static_cast<std::size_t>(kMaxPlanLength))
            throw PlanDataError(paymentsPath, std::to_string(payments->size()) +
                                                  " payments are more than " +
                                                  std::to_string(kMaxPlanLength));
        for (std::size_t i = 0; i < payments->size(); ++i) {
            const std::string at = indexed(paymentsPath, i);
            const Object::Ptr payment = requireObject(payments->get(static_cast<unsigned>(i)), at);
            requireKeys(*payment, at, {"n", "date", "amount"});
            plan.payments.push_back(ScheduledPayment{readInteger(*payment, at, "n"),
                                                     readDate(*payment, at, "date"),
                                                     readMoney(*payment, at, "amount")});
        }
        validatePlanAt(path_, plan);
        return plan;
    }

private:
    static bool isInteger(const Var& value) {
        return !value.isEmpty() && !value.isBoolean() && value.isInteger();
    }

    static std::string describe(const Var& value) {
        if (value.isEmpty())
            return "null";
        if (value.isBoolean())
            return value.convert<bool>() ? "true" : "false";
        if (value.isString())
            return quoted(value.extract<std::string>());
        if (value.isNumeric())
            return value.convert<std::string>();
        if (objectOf(value))
            return "an object";
        if (arrayOf(value))
            return "an array";
        return "a value";
    }

    // Every key in `keys` is present and no other key is.
    static void requireKeys(const Object& object, const std::string& path,
                            std::initializer_list<std::string_view> keys) {
        for (const auto& [name, value] : object)
            if (std::find(keys.begin(), keys.end(), name) == keys.end())
                throw PlanDataError(member(path, name), "is not a known key");
        for (std::string_view key : keys)
            if (!object.has(std::string(key)))
                throw PlanDataError(member(path, key), "is missing");
    }

    static Object::Ptr requireObject(const Var& value, const std::string& field) {
        Object::Ptr object = objectOf(value);
        if (!object)
            throw PlanDataError(field, describe(value) + " is not an object");
        return object;
    }

    static Array::Ptr readArray(const Object& object, const std::string& path,
                                std::string_view key) {
        const Var value = object.get(std::string(key));
        Array::Ptr array = arrayOf(value);
        if (!array)
            throw PlanDataError(member(path, key), describe(value) + " is not an array");
        return array;
    }

    static std::string readString(const Object& object, const std::string& path,
                                  std::string_view key) {
        const Var value = object.get(std::string(key));
        if (!value.isString())
            throw PlanDataError(member(path, key), describe(value) + " is not a string");
        return value.extract<std::string>();
    }

    static int readInteger(const Object& object, const std::string& path, std::string_view key) {
        const Var value = object.get(std::string(key));
        if (!isInteger(value))
            throw PlanDataError(member(path, key), describe(value) + " is not a whole number");
        const std::string text = value.convert<std::string>();
        int number = 0;
        const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
        if (result.ec != std::errc() || result.ptr != text.data() + text.size())
            throw PlanDataError(member(path, key), text + " is out of range");
        return number;
    }

    Money readMoney(const Object& object, const std::string& path, std::string_view key) const {
        const Var value = object.get(std::string(key));
        const std::string field = member(path, key);
        std::string text;
        if (value.isString()) {
            text = value.extract<std::string>();
        } else if (numbersAreAmounts_ && isInteger(value)) {
            text = value.convert<std::string>();
        } else if (numbersAreAmounts_ && !value.isEmpty() && !value.isBoolean() &&
                   value.isNumeric()) {
            std::array<char, 40> buffer{};
            const double number = value.convert<double>();
            const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                              std::chars_format::fixed);
            if (result.ec != std::errc())
                throw PlanDataError(field, describe(value) + " is not an amount");
            text.assign(buffer.data(), result.ptr);
        } else {
            throw PlanDataError(field, describe(value) +
                                           " is not an amount; write it as a string such as "
                                           "\"312.50\"");
        }
        const auto amount = Money::parse(text);
        if (!amount)
            throw PlanDataError(field, quoted(text) + " is not an amount");
        return *amount;
    }

    static Date readDate(const Object& object, const std::string& path, std::string_view key) {
        const std::string text = readString(object, path, key);
        const auto date = Date::parse(text);
        if (!date)
            throw PlanDataError(member(path, key), quoted(text) + " is not a date (YYYY-MM-DD)");
        return *date;
    }

    std::string path_;
    bool numbersAreAmounts_;
};

} // namespace

PlanDataError::PlanDataError(std::string field, const std::string& problem)
    : std::runtime_error(field.empty() ? problem : field + ": " + problem),
      field_(std::move(field)) {}

std::string_view toString(PaymentFrequency frequency) {
    const auto index = static_cast<std::size_t>(frequency);
    return index < kFrequencyNames.size() ? kFrequencyNames[index] : std::string_view("unknown");
}

std::optional<PaymentFrequency> frequencyByName(std::string_view name) {
    for (std::size_t i = 0; i < kFrequencyNames.size(); ++i)
        if (kFrequencyNames[i] == name)
            return static_cast<PaymentFrequency>(i);
    return std::nullopt;
}

void validatePlan(const EnrollmentPlan& plan) {
    validatePlanAt("", plan);
}

void appendPlanData(const EnrollmentPlan& plan, std::string& out) {
    out.append("{\"v\":");
    appendInteger(kPlanDataVersion, out);
    appendPlanMembers(plan, false, out);
    out.push_back('}');
}

std::string renderPlanData(const EnrollmentPlan& plan) {
    std::string out;
    out.reserve(160 + 80 * plan.payments.size() + 48 * plan.fees.size() + plan.name.size());
    appendPlanData(plan, out);
    return out;
}

std::string renderPlanData(const std::optional<EnrollmentPlan>& plan) {
    return plan ? renderPlanData(*plan) : std::string();
}

namespace {

// Reads a document written exactly as appendPlanData writes it (what a dppbridge sender
// posts), without building a JSON tree: a quarter of a receiving serve's CPU went to
// Poco::JSON for plans. Anything else (whitespace, another key order, escapes in a name)
// returns nothing and takes the full parser. The caller accepts a result only if it renders
// back to the very same text and is valid, so this reader can never accept a document the
// full parser would read differently or refuse.
class CanonicalPlanReader {
public:
    explicit CanonicalPlanReader(std::string_view text) : rest_(text) {}

    std::optional<EnrollmentPlan> read() {
        EnrollmentPlan plan;
        std::string_view frequency, amount, date;
        if (!expect("{\"v\":1,\"name\":\"") || !until(plan.name) || !expect("\",\"length\":") ||
            !integer(plan.length) || !expect(",\"frequency\":\"") || !until(frequency) ||
            !expect("\",\"payment_amount\":\"") || !until(amount) ||
            !money(amount, plan.paymentAmount) || !expect("\",\"first_payment_date\":\"") ||
            !until(date) || !day(date, plan.firstPaymentDate) || !expect("\",\"fees\":["))
            return std::nullopt;
        auto known = frequencyByName(frequency);
        if (!known)
            return std::nullopt;
        plan.frequency = *known;
        if (!expect("]")) {
            do {
                PlanFee fee;
                if (!expect("{\"name\":\"") || !until(fee.name) || !expect("\",\"amount\":\"") ||
                    !until(amount) || !money(amount, fee.amount) || !expect("\"}"))
                    return std::nullopt;
                plan.fees.push_back(std::move(fee));
            } while (expect(","));
            if (!expect("]"))
                return std::nullopt;
        }
        if (!expect(",\"payments\":["))
            return std::nullopt;
        if (!expect("]")) {
            plan.payments.reserve(static_cast<std::size_t>(std::max(plan.length, 0)));
            do {
                ScheduledPayment payment;
                if (!expect("{\"n\":") || !integer(payment.n) || !expect(",\"date\":\"") ||
                    !until(date) || !day(date, payment.date) || !expect("\",\"amount\":\"") ||
                    !until(amount) || !money(amount, payment.amount) || !expect("\"}"))
                    return std::nullopt;
                plan.payments.push_back(payment);
            } while (expect(","));
            if (!expect("]"))
                return std::nullopt;
        }
        if (!expect("}") || !rest_.empty())
            return std::nullopt;
        return plan;
    }

private:
    bool expect(std::string_view part) {
        if (!rest_.starts_with(part))
            return false;
        rest_.remove_prefix(part.size());
        return true;
    }
    // The text up to the next quote; a backslash or a control character leaves it to the
    // full parser.
    bool until(std::string_view& value) {
        std::size_t end = 0;
        while (end < rest_.size() && rest_[end] != '"') {
            if (rest_[end] == '\\' || static_cast<unsigned char>(rest_[end]) < 0x20)
                return false;
            ++end;
        }
        if (end == rest_.size())
            return false;
        value = rest_.substr(0, end);
        rest_.remove_prefix(end);
        return true;
    }
    bool until(std::string& value) {
        std::string_view view;
        if (!until(view))
            return false;
        value.assign(view);
        return true;
    }
    bool integer(int& value) {
        std::size_t end = 0;
        while (end < rest_.size() && end < 9 && rest_[end] >= '0' && rest_[end] <= '9')
            ++end;
        if (end == 0)
            return false;
        value = 0;
        for (std::size_t i = 0; i < end; ++i)
            value = value * 10 + (rest_[i] - '0');
        rest_.remove_prefix(end);
        return true;
    }
    static bool money(std::string_view text, Money& value) {
        auto parsed = Money::parse(text);
        if (parsed)
            value = *parsed;
        return parsed.has_value();
    }
    static bool day(std::string_view text, Date& value) {
        auto parsed = Date::parse(text);
        if (parsed)
            value = *parsed;
        return parsed.has_value();
    }

    std::string_view rest_;
};

} // namespace

std::optional<EnrollmentPlan> parsePlanData(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    if (text.size() <= kMaxPlanDataBytes && mapping::isValidUtf8(text)) {
        if (auto plan = CanonicalPlanReader(text).read()) {
            bool valid = true;
            try {
                validatePlan(*plan);
            } catch (const PlanDataError&) {
                valid = false; // the full parser names the problem
            }
            if (valid && renderPlanData(*plan) == text)
                return plan;
        }
    }
    return parsePlanDataAsJson(text);
}

std::optional<EnrollmentPlan> parsePlanDataAsJson(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    if (text.size() > kMaxPlanDataBytes)
        throw PlanDataError("", "the plan data has " + std::to_string(text.size()) +
                                    " bytes, more than " + std::to_string(kMaxPlanDataBytes));
    if (!mapping::isValidUtf8(text))
        throw PlanDataError("", "the plan data is not valid UTF-8");
    Var parsed;
    try {
        Poco::JSON::Parser parser(new DuplicateKeyRefusingHandler);
        parsed = parser.parse(std::string(text));
    } catch (const DuplicateKeyRefusingHandler::DuplicateKey& duplicate) {
        throw PlanDataError("", "the plan data repeats the key " + quoted(duplicate.key));
    } catch (const Poco::Exception& error) {
        throw PlanDataError("", "the plan data is not JSON: " + error.message());
    }
    const Object::Ptr object = objectOf(parsed);
    if (!object)
        throw PlanDataError("", "the plan data is not a JSON object");
    return PlanReader("", false).read(*object, true);
}

EnrollmentPlan planFromImportJson(const Object& plan) {
    return PlanReader("plan", true).read(plan, false);
}

std::string planToImportJson(const EnrollmentPlan& plan) {
    std::string out;
    out.push_back('{');
    appendPlanMembers(plan, true, out);
    out.push_back('}');
    return out;
}

} // namespace dpp::specialparams
