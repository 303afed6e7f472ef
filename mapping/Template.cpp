#include "mapping/Template.h"

namespace dpp::mapping {

namespace {

bool isTagNameCharacter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'a' && c <= 'z');
}

TagReference resolveTag(std::string_view name, std::size_t position,
                        const TagVocabulary& vocabulary) {
    if (name.empty())
        throw TemplateError("empty merge tag '{}' at position " + std::to_string(position) +
                                "; write '{{' for a literal '{'",
                            position);
    if (name.starts_with("CF:")) {
        std::string_view customName = name.substr(3);
        if (customName.empty())
            throw TemplateError("custom field tag '{CF:}' at position " + std::to_string(position) +
                                    " names no field",
                                position);
        return TagReference{TagKind::Custom, SystemField::Id, 0, std::string(name)};
    }
    for (char c : name)
        if (!isTagNameCharacter(c))
            throw TemplateError("'{" + std::string(name) + "}' at position " +
                                    std::to_string(position) +
                                    " is not a merge tag; write '{{' for a literal '{'",
                                position);
    if (auto field = fieldByTag(name))
        return TagReference{TagKind::System, *field, 0, std::string(name)};
    if (auto id = vocabulary.find(name))
        return TagReference{TagKind::Extension, SystemField::Id, *id, std::string(name)};
    throw TemplateError("unknown merge tag '{" + std::string(name) + "}' at position " +
                            std::to_string(position),
                        position);
}

} // namespace

Template Template::parse(std::string_view text, const TagVocabulary& vocabulary) {
    Template result;
    result.source_ = std::string(text);
    std::string literal;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c != '{') {
            literal.push_back(c);
            ++i;
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '{') {
            literal.push_back('{');
            i += 2;
            continue;
        }
        std::size_t close = text.find('}', i + 1);
        if (close == std::string_view::npos)
            throw TemplateError("unclosed '{' at position " + std::to_string(i) +
                                    "; write '{{' for a literal '{'",
                                i);
        TagReference tag = resolveTag(text.substr(i + 1, close - i - 1), i, vocabulary);
        result.segments_.push_back(Segment{std::move(literal), std::move(tag)});
        literal.clear();
        ++result.tagCount_;
        i = close + 1;
    }
    if (!literal.empty() || result.segments_.empty())
        result.segments_.push_back(Segment{std::move(literal), std::nullopt});
    return result;
}

void Template::render(const RenderContext& context, std::string& out) const {
    for (const Segment& segment : segments_) {
        out.append(segment.literal);
        if (!segment.tag)
            continue;
        const TagReference& tag = *segment.tag;
        switch (tag.kind) {
        case TagKind::System:
            out.append(context.contact.get(tag.field));
            break;
        case TagKind::Custom: {
            auto it = context.contact.custom.find(std::string_view(tag.name).substr(3));
            if (it != context.contact.custom.end())
                out.append(it->second);
            break;
        }
        case TagKind::Extension:
            if (context.extensions == nullptr)
                throw std::logic_error("merge tag '{" + tag.name +
                                       "}' rendered without its extension renderer");
            context.extensions->appendExtension(tag.extensionId, context.contact, out);
            break;
        }
    }
}

std::string Template::render(const RenderContext& context) const {
    std::string out;
    render(context, out);
    return out;
}

std::vector<TagReference> Template::tags() const {
    std::vector<TagReference> result;
    for (const Segment& segment : segments_)
        if (segment.tag)
            result.push_back(*segment.tag);
    return result;
}

bool Template::usesField(SystemField field) const {
    for (const Segment& segment : segments_)
        if (segment.tag && segment.tag->kind == TagKind::System && segment.tag->field == field)
            return true;
    return false;
}

} // namespace dpp::mapping
