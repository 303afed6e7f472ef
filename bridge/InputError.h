#pragma once
// Bad input from a user: a file, a flag, a definition. The CLI prints the message and exits 2;
// the operation that threw has changed nothing.
#include <stdexcept>

namespace dpp::bridge {

class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A missing thing the user named (webhook 7, contact 12): exit 2 with the message.
class NotFound : public InputError {
public:
    using InputError::InputError;
};

} // namespace dpp::bridge
