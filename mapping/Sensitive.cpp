#include "mapping/Sensitive.h"

#include <algorithm>
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

constexpr std::array<std::string_view, 16> kSensitiveParts{
    "password",  "passwd",        "pwd",        "secret",  "token",       "apikey",
    "apihash",   "hash",          "socialsec",  "routing", "bankaccount", "iban",
    "accountno", "accountnumber", "cardnumber", "cvv"};

// "ssn" only at the start or end of a word ("ssn", "client_ssn", "clientSSN", "ssn_last4"):
// inside a word it is ordinary text ("business_name", "classname").
bool hasSsnWord(std::string_view name) {
    std::size_t i = 0;
    while (i < name.size()) {
        while (i < name.size() && !std::isalnum(static_cast<unsigned char>(name[i])))
            ++i;
        std::string word;
        while (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i])))
            word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(name[i++]))));
        if (word.starts_with("ssn") || word.ends_with("ssn"))
            return true;
    }
    return false;
}
} // namespace

bool isSensitiveName(std::string_view name) {
    std::string squeezed = squeeze(name);
    if (squeezed == "pass" || squeezed == "pin" || squeezed == "authorization")
        return true;
    for (std::string_view part : kSensitiveParts)
        if (squeezed.find(part) != std::string::npos)
            return true;
    return hasSsnWord(name);
}

std::string maskValue(std::string_view value) {
    std::size_t digits = 0;
    for (char c : value)
        if (std::isdigit(static_cast<unsigned char>(c)))
            ++digits;
    if (value.size() < 8 || digits * 2 < value.size())
        return std::string(kSecretMask);
    // The last four bytes, less any leading UTF-8 continuation bytes: a mask never splits a
    // character, so it stays valid UTF-8 wherever it is shown or re-encoded.
    std::size_t keptFrom = value.size() - 4;
    while (keptFrom < value.size() && (static_cast<unsigned char>(value[keptFrom]) & 0xC0) == 0x80)
        ++keptFrom;
    std::string out(keptFrom, '*');
    out.append(value.substr(keptFrom));
    return out;
}

bool isIdentifyingNumberName(std::string_view name) {
    constexpr std::array<std::string_view, 8> kNumbers{"ssn",           "socialsec", "routing",
                                                       "bankaccount",   "iban",      "accountno",
                                                       "accountnumber", "cardnumber"};
    constexpr std::array<std::string_view, 8> kSecrets{"pass", "pwd",  "secret", "token",
                                                       "key",  "hash", "cvv",    "pin"};
    std::string squeezedName = squeeze(name);
    auto has = [&](std::string_view part) { return squeezedName.find(part) != std::string::npos; };
    return std::any_of(kNumbers.begin(), kNumbers.end(), has) &&
           std::none_of(kSecrets.begin(), kSecrets.end(), has);
}

std::string maskNamedValue(std::string_view name, std::string_view value) {
    if (value.empty())
        return std::string();
    return isIdentifyingNumberName(name) ? maskValue(value) : std::string(kSecretMask);
}

} // namespace dpp::mapping
