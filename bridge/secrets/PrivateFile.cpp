#include "bridge/secrets/PrivateFile.h"

#include "bridge/Config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dpp::bridge {

namespace {

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

std::string systemError(int error) {
    return std::strerror(error);
}

} // namespace

void readPrivateFile(const std::string& path, const std::string& described, const std::string& kind,
                     std::size_t maximumBytes, const std::string& expected, std::string& content) {
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (descriptor < 0) {
        const int error = errno;
        if (error == ENOENT)
            throw ConfigError(described + " does not exist");
        throw ConfigError("cannot open " + described + ": " + systemError(error));
    }
    struct Closer {
        int descriptor;
        ~Closer() { ::close(descriptor); }
    } closer{descriptor};

    struct stat status {};
    if (::fstat(descriptor, &status) != 0)
        throw ConfigError("cannot read " + described + ": " + systemError(errno));
    if (!S_ISREG(status.st_mode))
        throw ConfigError(described + " is not a regular file");
    if ((status.st_mode & 077) != 0)
        throw ConfigError(described + " has permissions " + modeText(status.st_mode) +
                          ", which let group or others at it; a " + kind +
                          " must be private to its owner: chmod 600 '" + path + "'");
    if (status.st_size > static_cast<off_t>(maximumBytes))
        throw ConfigError(described + " is " + std::to_string(status.st_size) + " bytes; a " +
                          kind + " holds " + expected);
    content.assign(maximumBytes + 1, '\0');
    std::size_t used = 0;
    while (used < content.size()) {
        const ssize_t count = ::read(descriptor, content.data() + used, content.size() - used);
        if (count < 0) {
            if (errno == EINTR)
                continue;
            throw ConfigError("cannot read " + described + ": " + systemError(errno));
        }
        if (count == 0)
            break;
        used += static_cast<std::size_t>(count);
    }
    if (used > maximumBytes)
        throw ConfigError(described + " is over " + std::to_string(maximumBytes) + " bytes; a " +
                          kind + " holds " + expected);
    content.resize(used);
}

} // namespace dpp::bridge
