#pragma once
// Realistic budget catalogs of two partner accounts, as catalog CSV text. Account 1001 tags its
// fields BF_1.., account 2002 uses descriptive BUDGET_* tags and spells names its own way.
// Unmatched in 1001: Phone, Dining Out, Public Transportation, School Tuition, Gym Membership,
// Charity / Donations, Miscellaneous. Unmatched in 2002: Home Phone, Restaurants, Charitable
// Donations, Misc, HOA Dues.
#include <string>

namespace dpp::testing {

inline std::string sourceBudgetCsv() {
    return "name,tag\n"
           "Rent,BF_1\n"
           "Mortgage,BF_2\n"
           "Car Payment 1,BF_3\n"
           "Car Payment 2,BF_4\n"
           "Car Insurance,BF_5\n"
           "Utilities - Electric,BF_6\n"
           "Utilities - Gas,BF_7\n"
           "Utilities - Water,BF_8\n"
           "Phone,BF_9\n"
           "Cell Phone,BF_10\n"
           "Internet,BF_11\n"
           "Cable / Satellite TV,BF_12\n"
           "Groceries,BF_13\n"
           "Dining Out,BF_14\n"
           "Gasoline,BF_15\n"
           "Auto Maintenance,BF_16\n"
           "Public Transportation,BF_17\n"
           "Health Insurance,BF_18\n"
           "Life Insurance,BF_19\n"
           "Medical / Dental,BF_20\n"
           "Prescriptions,BF_21\n"
           "Child Care,BF_22\n"
           "Child Support,BF_23\n"
           "Alimony,BF_24\n"
           "School Tuition,BF_25\n"
           "Student Loans,BF_26\n"
           "Clothing,BF_27\n"
           "Laundry / Dry Cleaning,BF_28\n"
           "Personal Care,BF_29\n"
           "Entertainment,BF_30\n"
           "Gym Membership,BF_31\n"
           "Pet Care,BF_32\n"
           "Charity / Donations,BF_33\n"
           "Savings,BF_34\n"
           "Net Income - Primary,BF_35\n"
           "Net Income - Spouse,BF_36\n"
           "Other Income,BF_37\n"
           "Miscellaneous,BF_38\n";
}

inline std::string destinationBudgetCsv() {
    return "tag,name\r\n" // columns in the other order, CRLF line ends
           "{BUDGET_RENT},rent\r\n"
           "{BUDGET_MORTGAGE},MORTGAGE\r\n"
           "{BUDGET_CAR_1},Car payment #1\r\n"
           "{BUDGET_CAR_2},car_payment_2\r\n"
           "{BUDGET_CAR_INSURANCE},Car-Insurance\r\n"
           "{BUDGET_ELECTRIC},Utilities: Electric\r\n"
           "{BUDGET_GAS},utilities / gas\r\n"
           "{BUDGET_WATER},Utilities-Water\r\n"
           "{BUDGET_HOME_PHONE},Home Phone\r\n"
           "{BUDGET_CELL},Cell phone\r\n"
           "{BUDGET_INTERNET},Internet\r\n"
           "{BUDGET_TV},Cable/Satellite TV\r\n"
           "{BUDGET_FOOD},Groceries\r\n"
           "{BUDGET_RESTAURANTS},Restaurants\r\n"
           "{BUDGET_FUEL},Gasoline\r\n"
           "{BUDGET_AUTO_MAINT},Auto maintenance\r\n"
           "{BUDGET_HEALTH_INS},Health insurance\r\n"
           "{BUDGET_LIFE_INS},Life insurance\r\n"
           "{BUDGET_MEDICAL},Medical/Dental\r\n"
           "{BUDGET_RX},Prescriptions\r\n"
           "{BUDGET_CHILDCARE},Childcare\r\n"
           "{BUDGET_CHILD_SUPPORT},Child support\r\n"
           "{BUDGET_ALIMONY},Alimony\r\n"
           "{BUDGET_STUDENT_LOANS},Student loans\r\n"
           "{BUDGET_CLOTHING},Clothing\r\n"
           "{BUDGET_LAUNDRY},Laundry & Dry Cleaning\r\n"
           "{BUDGET_PERSONAL},Personal care\r\n"
           "{BUDGET_FUN},Entertainment\r\n"
           "{BUDGET_PETS},Pet care\r\n"
           "{BUDGET_CHARITY},Charitable Donations\r\n"
           "{BUDGET_SAVINGS},Savings\r\n"
           "{BUDGET_INCOME_1},Net income (primary)\r\n"
           "{BUDGET_INCOME_2},\"Net income, spouse\"\r\n"
           "{BUDGET_OTHER_INCOME},Other income\r\n"
           "{BUDGET_MISC},Misc\r\n"
           "{BUDGET_HOA},HOA Dues\r\n";
}

} // namespace dpp::testing
