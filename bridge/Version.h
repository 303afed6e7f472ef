#pragma once
// The version printed by `dppbridge --version` and sent in the User-Agent header.
namespace dpp::bridge {
const char* version();
const char* userAgent();
} // namespace dpp::bridge
