#include "mapping/Sensitive.h"

#include <array>
#include <cctype>

namespace dpp::mapping {

namespace {
std::string squeeze(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return out;
}

constexpr std::array<std::string_view, 17> kSensitiveParts{
    "password", "passwd",    "pwd",           "secret",     "token",   "apikey",
    "apihash",  "hash",      "ssn",           "socialsec",  "routing", "bankaccount",
    "iban",     "accountno", "accountnumber", "cardnumber", "cvv"};
} // namespace

bool isSensitiveName(std::string_view name) {
    std::string squeezed = squeeze(name);
    if (squeezed == "pass" || squeezed == "pin" || squeezed == "authorization")
        return true;
    for (std::string_view part : kSensitiveParts)
        if (squeezed.find(part) != std::string::npos)
            return true;
    return false;
}

std::string maskValue(std::string_view value) {
    std::size_t digits = 0;
    for (char c : value)
        if (std::isdigit(static_cast<unsigned char>(c)))
            ++digits;
    if (value.size() < 8 || digits * 2 < value.size())
        return std::string(kSecretMask);
    std::string out(value.size() - 4, '*');
    out.append(value.substr(value.size() - 4));
    return out;
}

} // namespace dpp::mapping
