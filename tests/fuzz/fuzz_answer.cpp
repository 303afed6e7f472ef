// Fuzzes the reader of plain-http answers (bridge/send/PlainWire.h), which reads what any
// partner's endpoint sends back.
// Input: a first byte choosing how the rest arrives (recv sizes from 1 byte up), then any bytes.
//
// Properties:
//   - only POCO's network and message exceptions come out;
//   - the body kept is never longer than the limit;
//   - the answer (or the exception's type) is the same whether the bytes come all at once or
//     in pieces: nothing depends on how recv splits them.
#include "FuzzSupport.h"

#include "bridge/send/PlainWire.h"

#include <Poco/Net/NetException.h>

#include <algorithm>
#include <cstring>
#include <string>

using namespace dpp;
using bridge::wire::Answer;
using bridge::wire::readAnswer;

namespace {

constexpr std::size_t kLimit = 64;

// What one read gives: the answer, or the name of what was thrown.
struct Outcome {
    bool threw = false;
    std::string what;
    Answer answer;
};

Outcome readIn(std::string_view bytes, std::size_t piece) {
    std::size_t at = 0;
    auto receive = [&](char* buffer, int size) {
        std::size_t n = std::min({bytes.size() - at, piece, static_cast<std::size_t>(size)});
        std::memcpy(buffer, bytes.data() + at, n);
        at += n;
        return static_cast<int>(n);
    };
    Outcome outcome;
    try {
        outcome.answer = readAnswer(receive, kLimit);
    } catch (const Poco::Net::NetException& error) {
        outcome.threw = true;
        outcome.what = error.className();
    } catch (const Poco::Exception& error) {
        FUZZ_CHECK(false, std::string("unexpected POCO exception ") + error.className() + ": " +
                              fuzz::printable(bytes));
    }
    return outcome;
}

bool same(const Answer& a, const Answer& b) {
    if (a.status != b.status || a.reason != b.reason || a.body != b.body ||
        a.readToEnd != b.readToEnd || a.keepAlive != b.keepAlive ||
        a.headers.size() != b.headers.size())
        return false;
    for (std::size_t i = 0; i < a.headers.size(); ++i)
        if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value)
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    std::size_t piece = 1 + data[0] % 17;
    std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    Outcome whole = readIn(bytes, bytes.size() + 1);
    Outcome pieces = readIn(bytes, piece);
    if (!whole.threw)
        FUZZ_CHECK(whole.answer.body.size() <= kLimit,
                   "body over the limit: " + fuzz::printable(bytes));
    FUZZ_CHECK(whole.threw == pieces.threw && whole.what == pieces.what &&
                   (whole.threw || same(whole.answer, pieces.answer)),
               "the answer depends on how the bytes arrive (pieces of " + std::to_string(piece) +
                   "): " + fuzz::printable(bytes));
    return 0;
}
