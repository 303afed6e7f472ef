#include "bridge/Version.h"

namespace dpp::bridge {
const char* version() {
    return "0.1.0";
}
const char* userAgent() {
    return "dppbridge/0.1.0";
}
} // namespace dpp::bridge
