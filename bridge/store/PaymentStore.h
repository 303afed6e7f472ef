#pragma once
// A contact's payments: date, exact amount and status (pending, cleared, returned, nsf).
// Static members work inside the caller's transaction; the others lease their own session.
// Thread-safe through Database. Throws InputError naming the field for bad values.
#include "bridge/store/Database.h"
#include "mapping/Money.h"

#include <optional>
#include <string>
#include <vector>

namespace dpp::bridge {

struct Payment {
    std::int64_t id = 0; // kept when not 0 on insert
    std::int64_t contactId = 0;
    std::string date; // YYYY-MM-DD
    mapping::Money amount;
    std::string status = "pending";
    std::string createdAt;
    std::string updatedAt;
};

// "Returned", "NSF", "cleared" ... as the store keeps them; throws InputError naming the
// field and the statuses there are.
std::string paymentStatus(const std::string& text, const std::string& field);
// Checks date and amount texts as the import takes them; throws InputError naming the field.
Payment paymentFrom(const std::string& date, const std::string& amount, const std::string& status,
                    const std::string& field);
// The event a payment reaching this status raises ("payment.returned"), or "".
std::string paymentEventFor(const std::string& status);

class PaymentStore {
public:
    explicit PaymentStore(Database& database) : database_(database) {}

    static std::int64_t insert(Poco::Data::Session& session, Payment& payment);
    static std::optional<Payment> load(Poco::Data::Session& session, std::int64_t id);
    // Returns the status it had.
    static std::string setStatus(Poco::Data::Session& session, std::int64_t id,
                                 const std::string& status);
    std::vector<Payment> forContact(std::int64_t contactId);

private:
    Database& database_;
};

} // namespace dpp::bridge
