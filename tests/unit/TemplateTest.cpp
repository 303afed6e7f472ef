// Merge-tag templates: system tags, {CF:...}, "{{" literals, extension tags, and errors that
// name the tag and its position (DESIGN section 1, "Key/value pair").
#include "mapping/Template.h"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace dpp::mapping;

namespace {

Contact mike() {
    Contact contact;
    contact.setIds(55, 1001);
    contact.set(SystemField::FirstName, "Mike");
    contact.set(SystemField::LastName, "Smith");
    contact.set(SystemField::Email, "mike@example.com");
    contact.set(SystemField::State, "CA");
    contact.set(SystemField::Ssn, "123456789");
    contact.custom["Lead Score"] = "7";
    contact.custom["Source"] = "radio";
    return contact;
}

std::string renderText(std::string_view text, const Contact& contact) {
    TagVocabulary vocabulary;
    return Template::parse(text, vocabulary).render(RenderContext{contact});
}

// Parses text expecting a TemplateError; returns it so the test can check message and position.
TemplateError parseError(std::string_view text, const TagVocabulary& vocabulary = {}) {
    try {
        Template::parse(text, vocabulary);
    } catch (const TemplateError& error) {
        return error;
    }
    BOOST_FAIL("parse accepted '" + std::string(text) + "'");
    return TemplateError("unreachable", 0);
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Writes "<id>:<first name>" so a test sees which id came back and for which contact.
class RecordingRenderer : public ExtensionRenderer {
public:
    void appendExtension(std::uint32_t id, const Contact& contact,
                         std::string& out) const override {
        ++calls;
        out += std::to_string(id) + ":" + contact.get(SystemField::FirstName);
    }
    mutable int calls = 0;
};

} // namespace

BOOST_AUTO_TEST_SUITE(templates)

BOOST_AUTO_TEST_CASE(every_system_tag_renders_its_field) {
    Contact contact;
    for (const SystemFieldInfo& field : systemFields())
        contact.set(field.field, "<" + std::string(field.importName) + ">");
    for (const SystemFieldInfo& field : systemFields()) {
        std::string text = "{" + std::string(field.tag) + "}";
        BOOST_TEST(renderText(text, contact) == "<" + std::string(field.importName) + ">", text);
    }
}

BOOST_AUTO_TEST_CASE(system_tags_between_literals) {
    BOOST_TEST(renderText("Hi {FIRSTNAME} {LASTNAME} ({STATE}), id {ID}@{ACCTID}!", mike()) ==
               "Hi Mike Smith (CA), id 55@1001!");
}

BOOST_AUTO_TEST_CASE(a_field_without_value_renders_empty) {
    BOOST_TEST(renderText("[{CITY}]", mike()) == "[]");
}

BOOST_AUTO_TEST_CASE(text_without_tags_is_constant) {
    TagVocabulary vocabulary;
    Template plain = Template::parse("9f2c61", vocabulary);
    BOOST_TEST(plain.isConstant());
    BOOST_TEST(plain.tags().empty());
    BOOST_TEST(plain.render(RenderContext{mike()}) == "9f2c61");
    BOOST_TEST(plain.source() == "9f2c61");

    Template empty = Template::parse("", vocabulary);
    BOOST_TEST(empty.isConstant());
    BOOST_TEST(empty.render(RenderContext{mike()}) == "");

    BOOST_TEST(!Template::parse("{EMAIL}", vocabulary).isConstant());
}

BOOST_AUTO_TEST_CASE(custom_field_tag_with_spaces) {
    BOOST_TEST(renderText("score={CF:Lead Score}; src={CF:Source}", mike()) ==
               "score=7; src=radio");
    TagVocabulary vocabulary;
    auto tags = Template::parse("{CF:Lead Score}", vocabulary).tags();
    BOOST_TEST_REQUIRE(tags.size() == 1u);
    BOOST_TEST((tags[0].kind == TagKind::Custom));
    BOOST_TEST(tags[0].name == "CF:Lead Score");
}

BOOST_AUTO_TEST_CASE(custom_field_names_are_matched_exactly) {
    // "lead score" is another field; a custom field the contact does not have renders empty.
    BOOST_TEST(renderText("[{CF:lead score}][{CF:Lead Score }][{CF:Missing}]", mike()) == "[][][]");
}

BOOST_AUTO_TEST_CASE(custom_field_tag_without_a_name_is_an_error) {
    TemplateError error = parseError("x{CF:}");
    BOOST_TEST(error.position() == 1u);
    BOOST_TEST(contains(error.what(), "{CF:}"), error.what());
}

BOOST_AUTO_TEST_CASE(double_brace_is_a_literal_brace) {
    BOOST_TEST(renderText("{{", mike()) == "{");
    BOOST_TEST(renderText("a{{b", mike()) == "a{b");
    // "{{" is consumed first, so "{{FIRSTNAME}" is the literal text "{FIRSTNAME}".
    BOOST_TEST(renderText("{{FIRSTNAME}", mike()) == "{FIRSTNAME}");
    // A literal brace directly before a tag.
    BOOST_TEST(renderText("{{{FIRSTNAME}}", mike()) == "{Mike}");
    BOOST_TEST(renderText("{{{{", mike()) == "{{");
    // A closing brace on its own is ordinary text.
    BOOST_TEST(renderText("a}b}", mike()) == "a}b}");
    TagVocabulary vocabulary;
    BOOST_TEST(Template::parse("{{FIRSTNAME}", vocabulary).isConstant());
}

BOOST_AUTO_TEST_CASE(unknown_tag_names_the_tag_and_its_position) {
    TemplateError error = parseError("Hello {FIRSTNAME} {NICKNAME}");
    BOOST_TEST(error.position() == 18u);
    BOOST_TEST(std::string(error.what()) == "unknown merge tag '{NICKNAME}' at position 18");
}

BOOST_AUTO_TEST_CASE(tags_are_case_sensitive) {
    TemplateError error = parseError("{firstname}");
    BOOST_TEST(error.position() == 0u);
    BOOST_TEST(contains(error.what(), "'{firstname}'"), error.what());
}

BOOST_AUTO_TEST_CASE(unclosed_brace_is_an_error) {
    TemplateError error = parseError("abc {FIRSTNAME");
    BOOST_TEST(error.position() == 4u);
    BOOST_TEST(contains(error.what(), "unclosed '{' at position 4"), error.what());
    BOOST_TEST(contains(error.what(), "{{"), error.what());

    BOOST_TEST(parseError("{").position() == 0u);
    BOOST_TEST(parseError("{FIRSTNAME} {").position() == 12u);
}

BOOST_AUTO_TEST_CASE(empty_braces_are_an_error) {
    TemplateError error = parseError("ab{}");
    BOOST_TEST(error.position() == 2u);
    BOOST_TEST(contains(error.what(), "empty merge tag '{}' at position 2"), error.what());
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_tag_is_an_error_not_empty_output) {
    // A JSON snippet typed as a Custom Value must use "{{"; otherwise it is refused.
    TemplateError error = parseError("{\"a\": 1}");
    BOOST_TEST(error.position() == 0u);
    BOOST_TEST(contains(error.what(), "is not a merge tag"), error.what());
    BOOST_TEST(renderText("{{\"a\": 1}", mike()) == "{\"a\": 1}");

    BOOST_TEST(parseError("x{FIRST NAME}").position() == 1u);
}

BOOST_AUTO_TEST_CASE(extension_tags_come_from_the_vocabulary) {
    TagVocabulary vocabulary;
    vocabulary.add("EP_DATA", 7);
    vocabulary.add("BF_1", 101);
    Template parsed = Template::parse("{ACCTID}-{EP_DATA}-{BF_1}", vocabulary);
    auto tags = parsed.tags();
    BOOST_TEST_REQUIRE(tags.size() == 3u);
    BOOST_TEST((tags[0].kind == TagKind::System));
    BOOST_TEST((tags[0].field == SystemField::AccountId));
    BOOST_TEST((tags[1].kind == TagKind::Extension));
    BOOST_TEST(tags[1].extensionId == 7u);
    BOOST_TEST(tags[1].name == "EP_DATA");
    BOOST_TEST((tags[2].kind == TagKind::Extension));
    BOOST_TEST(tags[2].extensionId == 101u);

    RecordingRenderer renderer;
    Contact contact = mike();
    BOOST_TEST(parsed.render(RenderContext{contact, &renderer}) == "1001-7:Mike-101:Mike");
    BOOST_TEST(renderer.calls == 2);
}

BOOST_AUTO_TEST_CASE(extension_tag_unknown_without_vocabulary) {
    TemplateError error = parseError("{EP_DATA}");
    BOOST_TEST(std::string(error.what()) == "unknown merge tag '{EP_DATA}' at position 0");
}

BOOST_AUTO_TEST_CASE(system_tags_win_over_a_vocabulary_entry_of_the_same_name) {
    TagVocabulary vocabulary;
    vocabulary.add("FIRSTNAME", 9);
    auto tags = Template::parse("{FIRSTNAME}", vocabulary).tags();
    BOOST_TEST_REQUIRE(tags.size() == 1u);
    BOOST_TEST((tags[0].kind == TagKind::System));
}

BOOST_AUTO_TEST_CASE(extension_tag_without_renderer_is_a_logic_error) {
    TagVocabulary vocabulary;
    vocabulary.add("UPLOAD_DOC_IDS", 3);
    Template parsed = Template::parse("{UPLOAD_DOC_IDS}", vocabulary);
    BOOST_CHECK_THROW(parsed.render(RenderContext{mike()}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(render_appends_to_the_output) {
    TagVocabulary vocabulary;
    Template parsed = Template::parse("{FIRSTNAME}", vocabulary);
    std::string out = "name=";
    parsed.render(RenderContext{mike()}, out);
    BOOST_TEST(out == "name=Mike");
}

BOOST_AUTO_TEST_CASE(one_parsed_template_renders_many_contacts) {
    TagVocabulary vocabulary;
    vocabulary.add("EP_DATA", 1);
    const Template parsed =
        Template::parse("{ID}:{FIRSTNAME} {CF:Lead Score} [{EP_DATA}]", vocabulary);
    RecordingRenderer renderer;
    std::vector<std::string> rendered;
    for (int i = 1; i <= 50; ++i) {
        Contact contact;
        contact.setIds(i, 1001);
        contact.set(SystemField::FirstName, "Name" + std::to_string(i));
        if (i % 2 == 0)
            contact.custom["Lead Score"] = std::to_string(i * 10);
        rendered.push_back(parsed.render(RenderContext{contact, &renderer}));
    }
    BOOST_TEST(rendered[0] == "1:Name1  [1:Name1]");
    BOOST_TEST(rendered[1] == "2:Name2 20 [1:Name2]");
    BOOST_TEST(rendered[49] == "50:Name50 500 [1:Name50]");
    BOOST_TEST(renderer.calls == 50);
    // The source is kept as written, unchanged by rendering.
    BOOST_TEST(parsed.source() == "{ID}:{FIRSTNAME} {CF:Lead Score} [{EP_DATA}]");
}

BOOST_AUTO_TEST_CASE(copies_render_the_same) {
    TagVocabulary vocabulary;
    Template copy;
    {
        Template parsed = Template::parse("{LASTNAME}, {FIRSTNAME}", vocabulary);
        copy = parsed;
    }
    BOOST_TEST(copy.render(RenderContext{mike()}) == "Smith, Mike");
    BOOST_TEST(Template().render(RenderContext{mike()}) == "");
}

BOOST_AUTO_TEST_CASE(uses_field_reports_system_tags_only) {
    TagVocabulary vocabulary;
    vocabulary.add("BF_1", 1);
    Template parsed = Template::parse("{SSN}-{CF:EMAIL}-{BF_1}-{{CELLPHONE}", vocabulary);
    BOOST_TEST(parsed.usesField(SystemField::Ssn));
    BOOST_TEST(!parsed.usesField(SystemField::Email));     // only a custom field of that name
    BOOST_TEST(!parsed.usesField(SystemField::CellPhone)); // a literal, not a tag
    BOOST_TEST(!parsed.usesField(SystemField::Id));        // the default of non-system tags
    BOOST_TEST(Template::parse("{ID}", vocabulary).usesField(SystemField::Id));
}

BOOST_AUTO_TEST_CASE(tags_are_listed_in_order_as_written) {
    TagVocabulary vocabulary;
    auto tags = Template::parse("{ACCTID}-{ID}-{CF:Lead Score}-{ACCTID}", vocabulary).tags();
    BOOST_TEST_REQUIRE(tags.size() == 4u);
    BOOST_TEST(tags[0].name == "ACCTID");
    BOOST_TEST(tags[1].name == "ID");
    BOOST_TEST(tags[2].name == "CF:Lead Score");
    BOOST_TEST(tags[3].name == "ACCTID");
}

BOOST_AUTO_TEST_CASE(utf8_literals_and_values_pass_through) {
    Contact contact = mike();
    contact.set(SystemField::FirstName, "Zoë 🎉");
    BOOST_TEST(renderText("¡Hola {FIRSTNAME}! {{ñ", contact) == "¡Hola Zoë 🎉! {ñ");
}

BOOST_AUTO_TEST_SUITE_END()
