#include "bridge/documents/DocumentHeaders.h"

namespace dpp::bridge {

namespace {

bool isUnreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::string encodeDocumentName(std::string_view name) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    out.reserve(name.size() * 3);
    for (char raw : name) {
        auto c = static_cast<unsigned char>(raw);
        if (isUnreserved(c)) {
            out += raw;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0x0F];
        }
    }
    return out;
}

std::string decodeDocumentName(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] == '%' && i + 2 < encoded.size()) {
            int high = hexValue(encoded[i + 1]);
            int low = hexValue(encoded[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += encoded[i];
    }
    return out;
}

} // namespace dpp::bridge
