#include "bridge/http/AdminHandler.h"

#include "bridge/Clock.h"
#include "bridge/InputError.h"
#include "bridge/Log.h"
#include "bridge/Version.h"
#include "bridge/http/AdminToken.h"
#include "bridge/http/HttpReplies.h"
#include "bridge/store/DeliveryStore.h"
#include "bridge/views/RecordViews.h"
#include "mapping/Encoding.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <charconv>

using Poco::Net::HTTPResponse;

namespace dpp::bridge {

namespace {

class BadQuery : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::int64_t positiveNumber(const std::string& key, const std::string& text) {
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0)
        throw BadQuery("'" + key + "' must be a positive number, not '" + text + "'");
    return value;
}

DeliveryFilter filterOf(std::string_view query) {
    DeliveryFilter filter;
    for (const auto& [key, value] : mapping::decodeForm(query)) {
        if (key == "status") {
            if (!isDeliveryStatus(value))
                throw BadQuery("'status' must be queued, sending, delivered, failed, dead or "
                               "cancelled, not '" +
                               value + "'");
            filter.status = value;
        } else if (key == "webhook") {
            filter.webhookId = positiveNumber(key, value);
        } else if (key == "contact") {
            filter.contactId = positiveNumber(key, value);
        } else if (key == "batch") {
            filter.batchId = positiveNumber(key, value);
        } else if (key == "limit") {
            filter.limit =
                static_cast<std::size_t>(std::min<std::int64_t>(positiveNumber(key, value), 10000));
        } else {
            throw BadQuery("unknown parameter '" + key +
                           "' (known: status, webhook, contact, batch, limit)");
        }
    }
    return filter;
}

std::string statusJson(DeliveryStore& store, std::int64_t nowMs) {
    std::string json = "{\"version\": " + quoteJson(version()) + ", \"deliveries\": {";
    bool first = true;
    for (const auto& [status, count] : store.countsByStatus()) {
        json += (first ? "" : ", ") + quoteJson(status) + ": " + std::to_string(count);
        first = false;
    }
    std::int64_t failing = 0;
    std::int64_t paused = 0;
    for (const auto& destination : store.destinations()) {
        ++failing;
        paused += destination.pausedUntilMs && *destination.pausedUntilMs > nowMs;
    }
    return json + "}, \"destinations_failing\": " + std::to_string(failing) +
           ", \"destinations_paused\": " + std::to_string(paused) + "}\n";
}

std::string destinationsJson(DeliveryStore& store, std::int64_t nowMs) {
    std::string json = "[";
    bool first = true;
    for (const auto& destination : store.destinations()) {
        json += (first ? "" : ", ") + destinationJson(destination, nowMs);
        first = false;
    }
    return json + "]\n";
}

} // namespace

void AdminHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                 Poco::Net::HTTPServerResponse& response) {
    if (!token_) {
        replyError(response, HTTPResponse::HTTP_NOT_FOUND,
                   "the admin endpoints are off; set server.admin_token_file (or " +
                       std::string(kAdminTokenVariable) + ") to turn them on");
        return;
    }
    if (!carriesAdminToken(request, *token_)) {
        response.set("WWW-Authenticate", "Bearer realm=\"dppbridge admin\"");
        replyError(response, HTTPResponse::HTTP_UNAUTHORIZED,
                   "the admin endpoints need \"Authorization: Bearer <admin token>\"");
        logWarning("admin request " + request.getMethod() + " from " +
                   request.clientAddress().host().toString() + " refused: no valid admin token");
        return;
    }
    if (request.getMethod() != "GET") {
        response.set("Allow", "GET");
        replyError(response, HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                   "the admin endpoints are read-only; use GET");
        return;
    }
    std::string_view uri = request.getURI();
    std::size_t question = uri.find('?');
    std::string_view path = uri.substr(0, question);
    std::string_view query = question == std::string_view::npos ? "" : uri.substr(question + 1);
    if (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    DeliveryStore store(database_);
    std::int64_t nowMs = SystemClock().nowMs();
    try {
        if (path == "/admin/status" && query.empty()) {
            replyJson(response, HTTPResponse::HTTP_OK, statusJson(store, nowMs));
        } else if (path == "/admin/destinations" && query.empty()) {
            replyJson(response, HTTPResponse::HTTP_OK, destinationsJson(store, nowMs));
        } else if (path == "/admin/deliveries") {
            std::string json = "[";
            auto deliveries = store.list(filterOf(query));
            for (std::size_t i = 0; i < deliveries.size(); ++i)
                json += (i ? ",\n  " : "\n  ") +
                        deliveryJson(deliveries[i], nullptr, nullptr, std::nullopt);
            json += deliveries.empty() ? "]\n" : "\n]\n";
            replyJson(response, HTTPResponse::HTTP_OK, json);
        } else if (path.starts_with("/admin/deliveries/") && query.empty()) {
            std::string id(path.substr(18));
            auto delivery = store.find(positiveNumber("delivery id", id));
            if (!delivery) {
                replyError(response, HTTPResponse::HTTP_NOT_FOUND,
                           "delivery " + id + " does not exist");
                return;
            }
            auto attempts = store.attempts(delivery->id);
            auto events = store.events(delivery->id);
            replyJson(response, HTTPResponse::HTTP_OK,
                      deliveryJson(*delivery, &attempts, &events, std::nullopt) + "\n");
        } else {
            replyError(response, HTTPResponse::HTTP_NOT_FOUND,
                       "nothing at this address; the admin endpoints are /admin/status, "
                       "/admin/deliveries, /admin/deliveries/<id> and /admin/destinations");
        }
    } catch (const BadQuery& error) {
        replyError(response, HTTPResponse::HTTP_BAD_REQUEST, error.what());
    } catch (const mapping::DecodeError& error) {
        replyError(response, HTTPResponse::HTTP_BAD_REQUEST,
                   std::string("malformed query: ") + error.what());
    }
}

} // namespace dpp::bridge
