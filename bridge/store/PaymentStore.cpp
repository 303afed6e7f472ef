#include "bridge/store/PaymentStore.h"

#include "bridge/InputError.h"
#include "mapping/Date.h"

#include <algorithm>
#include <cctype>

using namespace Poco::Data::Keywords;

namespace dpp::bridge {

std::string paymentStatus(const std::string& text, const std::string& field) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* known : {"pending", "cleared", "returned", "nsf"})
        if (lower == known)
            return lower;
    throw InputError("field '" + field + "': payment status '" + text +
                     "' is not one of pending, cleared, returned, nsf");
}

Payment paymentFrom(const std::string& date, const std::string& amount, const std::string& status,
                    const std::string& field) {
    Payment payment;
    if (!mapping::Date::parse(date))
        throw InputError("field '" + field + ".date': '" + date + "' is not a date (YYYY-MM-DD)");
    payment.date = date;
    auto money = mapping::Money::parse(amount);
    if (!money)
        throw InputError("field '" + field + ".amount': '" + amount +
                         "' is not an amount such as 312.50");
    payment.amount = *money;
    payment.status = paymentStatus(status.empty() ? "pending" : status, field + ".status");
    return payment;
}

std::string paymentEventFor(const std::string& status) {
    if (status == "returned" || status == "nsf")
        return "payment.returned";
    if (status == "cleared")
        return "payment.cleared";
    return "";
}

std::int64_t PaymentStore::insert(Poco::Data::Session& session, Payment& payment) {
    payment.createdAt = payment.updatedAt = nowText();
    std::int64_t cents = payment.amount.cents();
    if (payment.id != 0) {
        int clash = 0;
        session << "SELECT COUNT(*) FROM payments WHERE id = ?", use(payment.id), into(clash), now;
        if (clash)
            throw InputError("payment id " + std::to_string(payment.id) + " is already in use");
        session << "INSERT INTO payments (id, contact_id, payment_date, cents, status, "
                   "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            use(payment.id), use(payment.contactId), useRef(payment.date), use(cents),
            useRef(payment.status), useRef(payment.createdAt), useRef(payment.updatedAt), now;
        return payment.id;
    }
    session << "INSERT INTO payments (contact_id, payment_date, cents, status, created_at, "
               "updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        use(payment.contactId), useRef(payment.date), use(cents), useRef(payment.status),
        useRef(payment.createdAt), useRef(payment.updatedAt), into(payment.id), now;
    return payment.id;
}

namespace {

std::vector<Payment> selectPayments(Poco::Data::Session& session, const std::string& where,
                                    std::int64_t value) {
    std::vector<std::int64_t> ids, contacts, cents;
    std::vector<std::string> dates, statuses, created, updated;
    session << "SELECT id, contact_id, payment_date, cents, status, created_at, updated_at "
               "FROM payments WHERE " +
                   where + " ORDER BY payment_date, id",
        use(value), into(ids), into(contacts), into(dates), into(cents), into(statuses),
        into(created), into(updated), now;
    std::vector<Payment> payments;
    for (std::size_t i = 0; i < ids.size(); ++i)
        payments.push_back(Payment{ids[i], contacts[i], dates[i],
                                   mapping::Money::fromCents(cents[i]), statuses[i], created[i],
                                   updated[i]});
    return payments;
}

} // namespace

std::optional<Payment> PaymentStore::load(Poco::Data::Session& session, std::int64_t id) {
    auto found = selectPayments(session, "id = ?", id);
    if (found.empty())
        return std::nullopt;
    return found.front();
}

std::string PaymentStore::setStatus(Poco::Data::Session& session, std::int64_t id,
                                    const std::string& status) {
    auto payment = load(session, id);
    if (!payment)
        throw NotFound("payment " + std::to_string(id) + " does not exist");
    std::string updatedAt = nowText();
    session << "UPDATE payments SET status = ?, updated_at = ? WHERE id = ?", bind(status),
        use(updatedAt), use(id), now;
    return payment->status;
}

std::vector<Payment> PaymentStore::forContact(std::int64_t contactId) {
    std::vector<Payment> result;
    database_.read([&](Poco::Data::Session& session) {
        result = selectPayments(session, "contact_id = ?", contactId);
    });
    return result;
}

} // namespace dpp::bridge
