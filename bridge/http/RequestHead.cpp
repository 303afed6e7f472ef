#include "bridge/http/RequestHead.h"

namespace dpp::bridge {

namespace {

bool isTokenCharacter(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool sameName(std::string_view name, std::string_view lowerCase) {
    if (name.size() != lowerCase.size())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (lower(name[i]) != lowerCase[i])
            return false;
    return true;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// A value POCO reads as it stands: no control characters but tabs (POCO trims any
// whitespace), and no RFC 2047 encoded word ("=?charset?Q?...?=", which POCO decodes).
bool plainValue(std::string_view value) {
    for (char c : value)
        if ((static_cast<unsigned char>(c) < ' ' && c != '\t') || c == '\x7f')
            return false;
    return value.find("=?") == std::string_view::npos;
}

// Sets field to value unless it was set already (a repeated header is Unusual).
bool setOnce(std::string_view& field, bool& seen, std::string_view value) {
    if (seen)
        return false;
    seen = true;
    field = value;
    return true;
}

} // namespace

RequestHead::Outcome parseRequestHead(std::string_view bytes, RequestHead& head) {
    using Outcome = RequestHead::Outcome;
    head = RequestHead{};
    std::size_t end = bytes.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return bytes.size() > RequestHead::kMostHeadBytes ? Outcome::Unusual : Outcome::Incomplete;
    if (end + 4 > RequestHead::kMostHeadBytes)
        return Outcome::Unusual;
    head.headLength = end + 4;
    std::string_view text = bytes.substr(0, end + 2); // each line ends with CRLF
    if (text.find('\0') != std::string_view::npos)
        return Outcome::Unusual;

    std::size_t lineEnd = text.find("\r\n");
    std::string_view line = text.substr(0, lineEnd);
    std::size_t firstSpace = line.find(' ');
    if (firstSpace == std::string_view::npos || firstSpace == 0)
        return Outcome::Unusual;
    head.method = line.substr(0, firstSpace);
    if (head.method.size() > RequestHead::kMostMethodBytes)
        return Outcome::Unusual;
    for (char c : head.method)
        if (c < 'A' || c > 'Z')
            return Outcome::Unusual;
    std::string_view rest = line.substr(firstSpace + 1);
    std::size_t secondSpace = rest.find(' ');
    if (secondSpace == std::string_view::npos || rest.substr(secondSpace + 1) != "HTTP/1.1")
        return Outcome::Unusual;
    head.target = rest.substr(0, secondSpace);
    if (head.target.empty() || head.target.front() != '/')
        return Outcome::Unusual;
    for (char c : head.target)
        if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f')
            return Outcome::Unusual;

    bool seenLength = false, seenType = false, seenKey = false, seenWebhookId = false,
         seenHops = false, seenConnection = false, seenAccept = false, seenChange = false;
    std::size_t headers = 0;
    std::size_t position = lineEnd + 2;
    while (position < text.size()) {
        std::size_t next = text.find("\r\n", position);
        line = text.substr(position, next - position);
        position = next + 2;
        if (++headers > RequestHead::kMostHeaders)
            return Outcome::Unusual;
        if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
            return Outcome::Unusual; // a bare CR or LF inside a line
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0 || colon > RequestHead::kMostNameBytes)
            return Outcome::Unusual; // also a folded line, which starts with a space
        std::string_view name = line.substr(0, colon);
        for (char c : name)
            if (!isTokenCharacter(c))
                return Outcome::Unusual;
        std::string_view value = trimmed(line.substr(colon + 1));
        if (value.size() > RequestHead::kMostValueBytes || !plainValue(value))
            return Outcome::Unusual;
        bool fine = true;
        if (sameName(name, "content-length")) {
            if (seenLength || value.empty() || value.size() > 18)
                return Outcome::Unusual;
            seenLength = true;
            for (char c : value) {
                if (c < '0' || c > '9')
                    return Outcome::Unusual;
                head.contentLength = head.contentLength * 10 + static_cast<unsigned>(c - '0');
            }
        } else if (sameName(name, "transfer-encoding") || sameName(name, "expect") ||
                   sameName(name, "upgrade")) {
            return Outcome::Unusual;
        } else if (sameName(name, "connection")) {
            if (seenConnection)
                return Outcome::Unusual;
            seenConnection = true;
            if (sameName(value, "close"))
                head.close = true;
            else if (!sameName(value, "keep-alive"))
                return Outcome::Unusual;
        } else if (sameName(name, "content-type")) {
            fine = setOnce(head.contentType, seenType, value);
        } else if (sameName(name, "idempotency-key")) {
            fine = setOnce(head.idempotencyKey, seenKey, value);
            head.hasIdempotencyKey = true;
        } else if (sameName(name, "webhook-id")) {
            fine = setOnce(head.webhookId, seenWebhookId, value);
        } else if (sameName(name, "x-dppbridge-hops")) {
            fine = setOnce(head.hops, seenHops, value);
        } else if (sameName(name, "accept")) {
            fine = setOnce(head.accept, seenAccept, value);
        } else if (sameName(name, "x-dppbridge-change")) {
            fine = setOnce(head.change, seenChange, value);
        }
        if (!fine)
            return Outcome::Unusual;
    }
    return Outcome::Plain;
}

} // namespace dpp::bridge
