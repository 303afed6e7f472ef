#pragma once
// How Boost.Test prints the domain value types in failure messages (found by ADL).
#include "budget/BudgetCatalog.h"
#include "budget/BudgetTranslation.h"
#include "mapping/Date.h"
#include "mapping/Money.h"
#include "specialparams/CopyDocs.h"
#include "specialparams/EnrollmentPlan.h"

#include <ostream>

namespace dpp::mapping {

inline std::ostream& boost_test_print_type(std::ostream& out, const Money& money) {
    return out << money.toString();
}

inline std::ostream& boost_test_print_type(std::ostream& out, const Date& date) {
    return out << date.toString();
}

} // namespace dpp::mapping

namespace dpp::specialparams {

inline std::ostream& boost_test_print_type(std::ostream& out, PaymentFrequency frequency) {
    return out << toString(frequency);
}

inline std::ostream& boost_test_print_type(std::ostream& out, const EnrollmentPlan& plan) {
    return out << renderPlanData(plan);
}

inline std::ostream& boost_test_print_type(std::ostream& out, const CopyDocsRequest& request) {
    return out << renderCopyDocs(request);
}

} // namespace dpp::specialparams

namespace dpp::budget {

inline std::ostream& boost_test_print_type(std::ostream& out, const BudgetField& field) {
    return out << field.name << " {" << field.tag << "}";
}

inline std::ostream& boost_test_print_type(std::ostream& out, const TagPair& pair) {
    return out << pair.key << "=" << pair.value;
}

} // namespace dpp::budget
