#include "bridge/send/PlainWire.h"

#include <Poco/Net/NetException.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace dpp::bridge::wire {

namespace {

constexpr std::size_t kMostHeadBytes = 64 * 1024; // as POCO's limits on a message head

bool sameText(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20) || x == y;
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

bool containsToken(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        std::size_t comma = list.find(',');
        if (sameText(trim(list.substr(0, comma)), token))
            return true;
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

// Bytes from the socket, buffered; what is read past one answer is not expected (no
// pipelining) and is dropped with the reader.
class Reader {
public:
    explicit Reader(const Receive& receive) : receive_(receive) {}

    // Reads more; false at the end of the connection.
    bool fill() {
        if (start_ > 0 && start_ == data_.size()) {
            data_.clear();
            start_ = 0;
        }
        char chunk[16 * 1024];
        int got = receive_(chunk, static_cast<int>(sizeof(chunk)));
        if (got <= 0)
            return false;
        data_.append(chunk, static_cast<std::size_t>(got));
        return true;
    }
    std::string_view available() const { return std::string_view(data_).substr(start_); }
    void consume(std::size_t count) { start_ += count; }

    // A line without its CRLF; throws at the end of the connection.
    std::string line() {
        for (;;) {
            std::size_t end = available().find("\r\n");
            if (end != std::string_view::npos) {
                std::string text(available().substr(0, end));
                consume(end + 2);
                return text;
            }
            if (available().size() > kMostHeadBytes)
                throw Poco::Net::MessageException("Malformed message: line too long");
            if (!fill())
                throw Poco::Net::MessageException("Malformed message: unexpected end");
        }
    }

private:
    const Receive& receive_;
    std::string data_;
    std::size_t start_ = 0;
};

void readHead(Reader& reader, Answer& answer) {
    // The status line; the end of the connection before any byte is "no message", as POCO says.
    while (reader.available().find("\r\n") == std::string_view::npos) {
        if (reader.available().size() > kMostHeadBytes)
            throw Poco::Net::MessageException("Malformed message: status line too long");
        if (!reader.fill()) {
            if (reader.available().empty())
                throw Poco::Net::NoMessageException();
            throw Poco::Net::MessageException("Malformed message: unexpected end");
        }
    }
    std::string status = reader.line();
    // HTTP/1.x SP code [SP reason]
    if (status.size() < 12 || status.compare(0, 7, "HTTP/1.") != 0 || status[8] != ' ')
        throw Poco::Net::MessageException("Malformed message: invalid status line");
    bool http10 = status[7] == '0';
    int code = 0;
    auto [end, error] = std::from_chars(status.data() + 9, status.data() + 12, code);
    if (error != std::errc() || end != status.data() + 12 || code < 100)
        throw Poco::Net::MessageException("Malformed message: invalid status code");
    answer.status = code;
    answer.reason = status.size() > 13 ? status.substr(13) : "";
    answer.headers.clear();
    std::size_t headBytes = status.size();
    for (;;) {
        std::string line = reader.line();
        if (line.empty())
            break;
        headBytes += line.size();
        if (headBytes > kMostHeadBytes)
            throw Poco::Net::MessageException("Malformed message: head too long");
        std::size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0)
            throw Poco::Net::MessageException("Malformed message: invalid header");
        answer.headers.push_back(
            {line.substr(0, colon), std::string(trim(std::string_view(line).substr(colon + 1)))});
    }
    auto connection = answer.header("Connection");
    answer.keepAlive = connection ? !sameText(trim(*connection), "close") : !http10;
}

std::size_t parseLength(std::string_view text, const char* what) {
    std::size_t length = 0;
    text = trim(text);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (error != std::errc() || end != text.data() + text.size())
        throw Poco::Net::MessageException(std::string("Malformed message: invalid ") + what);
    return length;
}

// Reads count bytes of body, keeping what fits under limit. False if the connection ended.
bool readBody(Reader& reader, std::size_t count, std::string& body, std::size_t limit) {
    while (count > 0) {
        if (reader.available().empty() && !reader.fill())
            return false;
        std::string_view piece = reader.available().substr(0, count);
        if (body.size() < limit)
            body.append(piece.substr(0, limit - body.size()));
        reader.consume(piece.size());
        count -= piece.size();
    }
    return true;
}

} // namespace

std::optional<std::string> Answer::header(std::string_view name) const {
    for (const Header& header : headers)
        if (sameText(header.name, name))
            return header.value;
    return std::nullopt;
}

void writeRequest(Poco::Net::StreamSocket& socket, std::string_view method, std::string_view path,
                  const std::vector<Header>& headers, std::string_view body) {
    std::string buffer;
    std::size_t size = method.size() + path.size() + 16 + body.size();
    for (const Header& header : headers)
        size += header.name.size() + header.value.size() + 4;
    buffer.reserve(size);
    buffer.append(method).append(" ").append(path).append(" HTTP/1.1\r\n");
    for (const Header& header : headers)
        buffer.append(header.name).append(": ").append(header.value).append("\r\n");
    buffer.append("\r\n").append(body);
    const char* at = buffer.data();
    std::size_t left = buffer.size();
    while (left > 0) {
        int sent = socket.sendBytes(at, static_cast<int>(std::min<std::size_t>(left, 1 << 30)));
        if (sent <= 0)
            throw Poco::Net::NetException("the connection closed while the request was written");
        at += sent;
        left -= static_cast<std::size_t>(sent);
    }
}

Answer readAnswer(Poco::Net::StreamSocket& socket, std::size_t limit, bool noBody) {
    return readAnswer(
        [&socket](char* buffer, int size) { return socket.receiveBytes(buffer, size); }, limit,
        noBody);
}

Answer readAnswer(const Receive& receive, std::size_t limit, bool noBody) {
    Reader reader(receive);
    Answer answer;
    do
        readHead(reader, answer);
    while (answer.status == 100);
    if (noBody || answer.status < 200 || answer.status == 204 || answer.status == 304) {
        answer.readToEnd = true;
        return answer;
    }
    auto encoding = answer.header("Transfer-Encoding");
    if (encoding && containsToken(*encoding, "chunked")) {
        for (;;) {
            std::string sizeLine = reader.line();
            std::size_t length = 0;
            std::string_view hex = trim(std::string_view(sizeLine).substr(0, sizeLine.find(';')));
            auto [end, error] = std::from_chars(hex.data(), hex.data() + hex.size(), length, 16);
            if (hex.empty() || error != std::errc() || end != hex.data() + hex.size())
                throw Poco::Net::MessageException("Malformed message: invalid chunk size");
            if (length == 0) {
                while (!reader.line().empty()) {
                } // trailers
                answer.readToEnd = true;
                return answer;
            }
            if (answer.body.size() >= limit)
                return answer; // the rest is not read: the connection is not reused
            if (!readBody(reader, length, answer.body, limit))
                throw Poco::Net::MessageException("Malformed message: unexpected end of a chunk");
            if (!reader.line().empty())
                throw Poco::Net::MessageException("Malformed message: invalid chunk end");
        }
    }
    if (auto length = answer.header("Content-Length")) {
        std::size_t count = parseLength(*length, "Content-Length");
        if (count > limit) {
            // Only what is kept is read; the connection is closed rather than drained.
            readBody(reader, limit, answer.body, limit);
            return answer;
        }
        if (!readBody(reader, count, answer.body, limit))
            throw Poco::Net::MessageException("Malformed message: unexpected end of the body");
        answer.readToEnd = true;
        return answer;
    }
    // No length: the body ends with the connection, which then carries nothing more.
    answer.keepAlive = false;
    for (;;) {
        std::string_view piece = reader.available();
        if (answer.body.size() < limit)
            answer.body.append(piece.substr(0, limit - answer.body.size()));
        reader.consume(piece.size());
        if (answer.body.size() >= limit)
            return answer;
        if (!reader.fill())
            break;
    }
    answer.readToEnd = true;
    return answer;
}

} // namespace dpp::bridge::wire
