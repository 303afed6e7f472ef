#pragma once
// Merge-tag templates: "{FIRSTNAME} {CF:Lead Score}" with "{{" for a literal "{".
// A template is parsed once (when its webhook is saved) and rendered many times without
// re-parsing. Immutable after parse(), so rendering is thread-safe. parse() throws
// TemplateError naming the tag and its position; unknown tags are errors, never empty output.
#include "mapping/Contact.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dpp::mapping {

class TemplateError : public std::runtime_error {
public:
    TemplateError(const std::string& message, std::size_t position)
        : std::runtime_error(message), position_(position) {}
    std::size_t position() const { return position_; }

private:
    std::size_t position_;
};

// Tags beyond the system fields and {CF:...}: EP_DATA, UPLOAD_DOC_IDS, budget tags. The
// libraries that own them register a name and an id; the id comes back at render time.
// Not synchronised: fill it, then share it read-only.
class TagVocabulary {
public:
    void add(std::string name, std::uint32_t id) { extensions_[std::move(name)] = id; }
    std::optional<std::uint32_t> find(std::string_view name) const {
        auto it = extensions_.find(std::string(name));
        if (it == extensions_.end())
            return std::nullopt;
        return it->second;
    }
    const std::unordered_map<std::string, std::uint32_t>& all() const { return extensions_; }

private:
    std::unordered_map<std::string, std::uint32_t> extensions_;
};

// Renders the extension tags of one contact. Implementations live in specialparams/, budget/
// or bridge/ and must be safe to call from the thread that renders.
class ExtensionRenderer {
public:
    virtual ~ExtensionRenderer() = default;
    virtual void appendExtension(std::uint32_t id, const Contact& contact,
                                 std::string& out) const = 0;
};

struct RenderContext {
    const Contact& contact;
    const ExtensionRenderer* extensions = nullptr; // required if the template uses one
};

enum class TagKind : std::uint8_t { System, Custom, Extension };

struct TagReference {
    TagKind kind;
    SystemField field = SystemField::Id; // kind == System
    std::uint32_t extensionId = 0;       // kind == Extension
    std::string name;                    // the tag as written, without braces
};

class Template {
public:
    Template() = default;
    static Template parse(std::string_view text, const TagVocabulary& vocabulary);

    void render(const RenderContext& context, std::string& out) const;
    std::string render(const RenderContext& context) const;

    const std::string& source() const { return source_; }
    std::vector<TagReference> tags() const;
    bool usesField(SystemField field) const;
    bool isConstant() const { return tagCount_ == 0; }

private:
    struct Segment {
        std::string literal; // emitted before the tag
        std::optional<TagReference> tag;
    };
    std::string source_;
    std::vector<Segment> segments_;
    std::size_t tagCount_ = 0;
};

} // namespace dpp::mapping
