#pragma once
// Reading a file that holds one secret (a key, a token): like ssh, a file that group or others
// may read, write or execute is refused, naming the path and its mode; symbolic links are
// followed and the file that was opened is the one checked. Errors are ConfigErrors naming the
// file as `described` ("key file '/etc/k'") and never quote its content. Stateless.
#include <string>

namespace dpp::bridge {

// Reads the whole file into `content` (replacing it), which the caller may wipe afterwards.
// `kind` names such files in advice ("a key file must be private..."); a file larger than
// maximumBytes is refused with a message saying it holds `expected`.
void readPrivateFile(const std::string& path, const std::string& described, const std::string& kind,
                     std::size_t maximumBytes, const std::string& expected, std::string& content);

} // namespace dpp::bridge
