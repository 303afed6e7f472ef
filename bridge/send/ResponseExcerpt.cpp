#include "bridge/send/ResponseExcerpt.h"

#include "mapping/Encoding.h"

namespace dpp::bridge {

std::string printableExcerpt(std::string_view response, std::size_t maxBytes) {
    std::string out;
    std::size_t i = 0;
    while (i < response.size() && out.size() < maxBytes) {
        unsigned char lead = static_cast<unsigned char>(response[i]);
        std::size_t length = lead < 0x80         ? 1
                             : (lead >> 5) == 6  ? 2
                             : (lead >> 4) == 14 ? 3
                             : (lead >> 3) == 30 ? 4
                                                 : 0;
        if (length > 0 && i + length <= response.size() &&
            mapping::isValidUtf8(response.substr(i, length))) {
            if (out.size() + length > maxBytes)
                break;
            out.append(response.substr(i, length));
            i += length;
        } else {
            if (out.size() + 3 > maxBytes)
                break;
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

} // namespace dpp::bridge
