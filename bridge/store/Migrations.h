#pragma once
// The store's schema as numbered migrations. Each migration runs once, inside the caller's
// write transaction, and is recorded in schema_migrations. Never edit a released migration:
// add the next number.
#include <Poco/Data/Session.h>

namespace dpp::bridge {

int currentSchemaVersion(Poco::Data::Session& session);
int latestSchemaVersion();
// Applies every migration above the current version, up to upTo (all by default; a lower
// one builds an older store, for tests of the next migration); returns how many ran.
int applyMigrations(Poco::Data::Session& session, int upTo = 1 << 30);

} // namespace dpp::bridge
