#pragma once
// `contact import`: reads a .jsonl, .json or .csv file of contacts and stores all of them in
// one transaction, or none. A bad record throws InputError naming the file, the line and the
// field. Events (contact.created, document.uploaded, payment events) are raised in the same
// transaction. Not synchronised; run from one thread.
#include "bridge/store/Database.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace dpp::bridge {

struct ImportResult {
    std::vector<std::int64_t> contactIds;
    std::size_t deliveriesQueued = 0; // by triggers on contact.created and the like
};

ImportResult importContacts(Database& database, std::int64_t accountId,
                            const std::filesystem::path& file);

} // namespace dpp::bridge
