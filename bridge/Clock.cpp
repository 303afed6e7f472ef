#include "bridge/Clock.h"

#include "bridge/Config.h"
#include "bridge/InputError.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

namespace dpp::bridge {

std::string nowText() {
    return formatTime(SystemClock().nowMs());
}

std::string formatTime(std::int64_t epochMs) {
    Poco::Timestamp timestamp(static_cast<Poco::Timestamp::TimeVal>(epochMs) * 1000);
    return Poco::DateTimeFormatter::format(timestamp, "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::int64_t parseTime(const std::string& text, std::int64_t nowMs) {
    if (!text.empty() && text.front() == '-') {
        try {
            return nowMs - parseDuration(text.substr(1), "time").count();
        } catch (const ConfigError&) {
            throw InputError("'" + text +
                             "' is not a time (examples: -2h, -7d, 2026-11-29, "
                             "2026-11-29T05:30:00Z)");
        }
    }
    Poco::DateTime parsed;
    int zone = 0;
    for (const char* format : {"%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"}) {
        if (Poco::DateTimeParser::tryParse(format, text, parsed, zone)) {
            parsed.makeUTC(zone);
            return parsed.timestamp().epochMicroseconds() / 1000;
        }
    }
    throw InputError("'" + text +
                     "' is not a time (examples: -2h, -7d, 2026-11-29, 2026-11-29T05:30:00Z)");
}

} // namespace dpp::bridge
