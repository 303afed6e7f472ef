#pragma once
// One ExtensionRenderer made of several: a RenderContext takes a single renderer, while the
// extension tags come from several libraries (specialparams ids 1..15, budget tags from
// 0x10000). Each library's renderer is routed the id range it owns.
// Holds references only (the renderers must outlive it). Fill it, then share it read-only:
// appendExtension is as thread-safe as the routed renderers. Throws std::logic_error for an id
// no range covers, or when a range overlaps one already routed.
#include "mapping/Template.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dpp::mapping {

class ExtensionRouter : public ExtensionRenderer {
public:
    void route(std::uint32_t firstId, std::uint32_t lastId, const ExtensionRenderer& renderer) {
        if (firstId > lastId)
            throw std::logic_error("extension id range " + std::to_string(firstId) + ".." +
                                   std::to_string(lastId) + " is empty");
        for (const Route& existing : routes_)
            if (firstId <= existing.lastId && existing.firstId <= lastId)
                throw std::logic_error("extension id range " + std::to_string(firstId) + ".." +
                                       std::to_string(lastId) + " overlaps one already routed");
        routes_.push_back(Route{firstId, lastId, &renderer});
    }

    void appendExtension(std::uint32_t id, const Contact& contact,
                         std::string& out) const override {
        for (const Route& route : routes_)
            if (id >= route.firstId && id <= route.lastId) {
                route.renderer->appendExtension(id, contact, out);
                return;
            }
        throw std::logic_error("no renderer for extension tag id " + std::to_string(id));
    }

private:
    struct Route {
        std::uint32_t firstId;
        std::uint32_t lastId;
        const ExtensionRenderer* renderer;
    };
    std::vector<Route> routes_;
};

} // namespace dpp::mapping
