// Budget catalogs, the catalog CSV and imported budget values (see BudgetCatalog.h).
#include "budget/BudgetCatalog.h"

#include "mapping/ContactRecord.h"
#include "mapping/Encoding.h"
#include "mapping/SystemField.h"

#include <array>
#include <charconv>
#include <sstream>

namespace dpp::budget {

namespace {

constexpr std::array<std::string_view, 2> kSpecialTags = {"EP_DATA", "UPLOAD_DOC_IDS"};

bool isTagCharacter(char character) {
    return (character >= 'A' && character <= 'Z') || (character >= '0' && character <= '9') ||
           character == '_';
}

bool isAsciiLetterOrDigit(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
           (character >= '0' && character <= '9');
}

std::string_view trimmed(std::string_view text) {
    const auto isSpace = [](char character) { return character == ' ' || character == '\t'; };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    return text;
}

std::string lowerAscii(std::string_view text) {
    std::string result(text);
    for (char& character : result)
        if (character >= 'A' && character <= 'Z')
            character = static_cast<char>(character - 'A' + 'a');
    return result;
}

std::string upperAscii(std::string_view text) {
    std::string result(text);
    for (char& character : result)
        if (character >= 'a' && character <= 'z')
            character = static_cast<char>(character - 'a' + 'A');
    return result;
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Why `written` is not a usable budget tag, or nothing when it is.
std::optional<std::string> tagProblem(std::string_view written) {
    const auto bare = bareBudgetTag(written);
    if (!bare) {
        const std::string upper = upperAscii(written);
        if (upper != written && bareBudgetTag(upper))
            return "tag " + quoted(written) + " must be upper case: " + quoted(upper);
        return "tag " + quoted(written) +
               " is not a budget tag (A-Z, 0-9 and '_', optionally in braces: {BF_1})";
    }
    if (bare->size() > kMaxBudgetTagLength)
        return "tag " + quoted(*bare) + " is longer than " + std::to_string(kMaxBudgetTagLength) +
               " characters";
    if (mapping::fieldByTag(*bare))
        return "tag " + quoted(*bare) + " is a system merge tag ({" + std::string(*bare) + "})";
    for (std::string_view special : kSpecialTags)
        if (*bare == special)
            return "tag " + quoted(*bare) + " is a special merge tag ({" + std::string(*bare) +
                   "})";
    return std::nullopt;
}

} // namespace

std::optional<std::string_view> bareBudgetTag(std::string_view written) {
    if (written.size() >= 2 && written.front() == '{' && written.back() == '}')
        written = written.substr(1, written.size() - 2);
    if (written.empty())
        return std::nullopt;
    for (char character : written)
        if (!isTagCharacter(character))
            return std::nullopt;
    return written;
}

std::string bracedTag(std::string_view bareTag) {
    std::string text;
    text.reserve(bareTag.size() + 2);
    text.push_back('{');
    text.append(bareTag);
    text.push_back('}');
    return text;
}

std::string budgetNameKey(std::string_view name) {
    std::string key;
    key.reserve(name.size());
    for (char character : name) {
        const auto byte = static_cast<unsigned char>(character);
        if (byte >= 0x80)
            key.push_back(character);
        else if (isAsciiLetterOrDigit(character))
            key.push_back(character >= 'A' && character <= 'Z'
                              ? static_cast<char>(character - 'A' + 'a')
                              : character);
    }
    return key;
}

void BudgetCatalog::add(std::string_view untrimmedName, std::string_view tag) {
    const std::string_view name = trimmed(untrimmedName);
    if (name.empty())
        throw BudgetError("a budget field needs a name (tag " + quoted(tag) + ")");
    if (name.size() > kMaxBudgetNameBytes)
        throw BudgetError("budget field name " + quoted(name.substr(0, 40)) +
                          "... is longer than " + std::to_string(kMaxBudgetNameBytes) + " bytes");
    if (!mapping::isValidUtf8(name))
        throw BudgetError("budget field name is not valid UTF-8");
    std::string nameKey = budgetNameKey(name);
    if (nameKey.empty())
        throw BudgetError("budget field name " + quoted(name) + " has no letter or digit");
    if (auto problem = tagProblem(trimmed(tag)))
        throw BudgetError("budget field " + quoted(name) + ": " + *problem);
    const std::string_view bare = *bareBudgetTag(trimmed(tag));
    if (auto it = byTag_.find(bare); it != byTag_.end())
        throw BudgetError("budget field " + quoted(name) + ": tag " + quoted(bare) +
                          " is already the tag of " + quoted(fields_[it->second].name));
    if (auto it = byNameKey_.find(nameKey); it != byNameKey_.end())
        throw BudgetError("budget field " + quoted(name) + " is the same name as " +
                          quoted(fields_[it->second].name) +
                          " (names are compared ignoring case, spacing and punctuation)");
    byTag_.emplace(std::string(bare), fields_.size());
    byNameKey_.emplace(std::move(nameKey), fields_.size());
    fields_.push_back(BudgetField{std::string(name), std::string(bare)});
}

std::optional<std::size_t> BudgetCatalog::indexOfTag(std::string_view tag) const {
    const auto bare = bareBudgetTag(tag);
    if (!bare)
        return std::nullopt;
    const auto it = byTag_.find(*bare);
    if (it == byTag_.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::size_t> BudgetCatalog::indexOfName(std::string_view name) const {
    for (std::size_t i = 0; i < fields_.size(); ++i)
        if (fields_[i].name == name)
            return i;
    const auto it = byNameKey_.find(budgetNameKey(name));
    if (it == byNameKey_.end() || it->first.empty())
        return std::nullopt;
    return it->second;
}

const BudgetField* BudgetCatalog::findByTag(std::string_view tag) const {
    const auto index = indexOfTag(tag);
    return index ? &fields_[*index] : nullptr;
}

const BudgetField* BudgetCatalog::findByName(std::string_view name) const {
    const auto index = indexOfName(name);
    return index ? &fields_[*index] : nullptr;
}

BudgetCatalog parseBudgetCatalogCsv(std::string_view csvText) {
    std::istringstream in{std::string(csvText)};
    mapping::CsvReader reader(in);
    std::vector<std::string> row;
    const auto atLine = [&](const std::string& message) {
        return BudgetError("line " + std::to_string(reader.lineNumber()) + ": " + message);
    };
    BudgetCatalog catalog;
    try {
        if (!reader.next(row))
            throw BudgetError("the budget catalog CSV is empty; it needs a header line 'name,tag'");
        std::optional<std::size_t> nameColumn;
        std::optional<std::size_t> tagColumn;
        for (std::size_t column = 0; column < row.size(); ++column) {
            const std::string header = lowerAscii(trimmed(row[column]));
            if (header != "name" && header != "tag")
                throw atLine("column " + quoted(row[column]) +
                             " is not 'name' or 'tag'; the header must be 'name,tag'");
            std::optional<std::size_t>& slot = header == "name" ? nameColumn : tagColumn;
            if (slot)
                throw atLine("column " + quoted(header) + " appears twice in the header");
            slot = column;
        }
        if (!nameColumn || !tagColumn)
            throw atLine("the header must name the columns 'name' and 'tag'");
        while (reader.next(row)) {
            if (row.size() != 2)
                throw atLine(std::to_string(row.size()) + " columns where the header has 2");
            try {
                catalog.add(row[*nameColumn], row[*tagColumn]);
            } catch (const BudgetError& error) {
                throw atLine(error.what());
            }
        }
    } catch (const mapping::RecordError& error) {
        throw BudgetError(error.what());
    }
    return catalog;
}

BudgetValues budgetValuesFromImportJson(const BudgetCatalog& catalog,
                                        const Poco::JSON::Object& budget) {
    BudgetValues values;
    std::map<std::size_t, std::string> nameUsedFor;
    for (const auto& [name, value] : budget) {
        const std::string field = "budget." + name;
        const auto index = catalog.indexOfName(name);
        if (!index)
            throw BudgetError(field + ": the account has no budget field named " + quoted(name));
        const BudgetField& budgetField = catalog.fields()[*index];
        if (auto [it, added] = nameUsedFor.emplace(*index, name); !added)
            throw BudgetError(field + ": " + quoted(name) + " and " + quoted(it->second) +
                              " are both the budget field " + quoted(budgetField.name));
        std::string text;
        if (value.isEmpty()) {
            continue;
        } else if (value.isString()) {
            text = value.extract<std::string>();
            if (text.empty())
                continue;
        } else if (!value.isBoolean() && value.isInteger()) {
            text = value.convert<std::string>();
        } else if (!value.isBoolean() && value.isNumeric()) {
            std::array<char, 40> buffer{};
            const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                              value.convert<double>(), std::chars_format::fixed);
            if (result.ec == std::errc())
                text.assign(buffer.data(), result.ptr);
        } else {
            throw BudgetError(field + ": the amount must be a string such as \"1200.00\"");
        }
        const auto amount = mapping::Money::parse(text);
        if (!amount)
            throw BudgetError(field + ": " + quoted(text) + " is not an amount");
        values[budgetField.tag] = *amount;
    }
    return values;
}

} // namespace dpp::budget
