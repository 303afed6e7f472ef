// The promised command-line interface, run as a user would: exit statuses (0 done, 1 some
// work failed, 2 bad usage, configuration or input) and messages that name the problem.
#include "support/Processes.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace dpp::testing;

namespace {

struct Cli {
    TempDir dir;
    std::string store = dir.storeUri();

    CommandResult run(std::vector<std::string> command) {
        command.insert(command.begin(), {"--store", store});
        return runBridge(command);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir.file(name), std::ios::binary) << text;
    }
};

const char* kArticleSample = "https://client.debtpaypro.com/post/"
                             "f16b3893c9cf77f6348fa42444979913a6dad41a/"
                             "?firstname=test&lasname=test&phone=5555555555&state=CA";

} // namespace

BOOST_FIXTURE_TEST_SUITE(command_line, Cli)

BOOST_AUTO_TEST_CASE(init_is_idempotent_and_usage_errors_exit_2) {
    BOOST_TEST(run({"init"}).status == 0);
    CommandResult again = run({"init"});
    BOOST_TEST(again.status == 0);
    BOOST_TEST(again.out.find("0 migration(s) applied") != std::string::npos, again.out);
    CommandResult unknown = run({"frobnicate"});
    BOOST_TEST(unknown.status == 2);
    BOOST_TEST(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
    CommandResult badFlag = run({"account", "add", "--id", "1", "--nmae", "x"});
    BOOST_TEST(badFlag.status == 2);
    BOOST_TEST(badFlag.err.find("--nmae") != std::string::npos, badFlag.err);
    CommandResult missing = run({"contact", "show", "999"});
    BOOST_TEST(missing.status == 2);
    BOOST_TEST(missing.err.find("contact 999 does not exist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(configuration_mistakes_are_caught_when_loading) {
    write("bad.properties", "store.uri = sqlite:x.db\ndelivery.timeout.conect = 5s\n");
    CommandResult unknownKey = runBridge({"--config", dir.file("bad.properties"), "init"});
    BOOST_TEST(unknownKey.status == 2);
    BOOST_TEST(unknownKey.err.find("delivery.timeout.conect") != std::string::npos, unknownKey.err);
    write("bad2.properties", "delivery.retry.schedule = 5s,5 minutes\n");
    CommandResult badDuration = runBridge({"--config", dir.file("bad2.properties"), "init"});
    BOOST_TEST(badDuration.status == 2);
    BOOST_TEST(badDuration.err.find("delivery.retry.schedule") != std::string::npos,
               badDuration.err);
}

BOOST_AUTO_TEST_CASE(a_bad_import_exits_2_naming_file_line_and_field) {
    run({"account", "add", "--id", "1001", "--name", "Source"});
    write("c.csv", "firstname,lastname,emial\nMike,Smith,m@example.com\n");
    CommandResult csv = run({"contact", "import", "--account", "1001", dir.file("c.csv")});
    BOOST_TEST(csv.status == 2);
    BOOST_TEST(csv.err.find("c.csv line 1") != std::string::npos, csv.err);
    BOOST_TEST(csv.err.find("emial") != std::string::npos, csv.err);
    write("c.jsonl", "{\"firstname\": \"A\"}\n{\"firstname\": \"B\", \"state\": \"California\"}\n");
    CommandResult jsonl = run({"contact", "import", "--account", "1001", dir.file("c.jsonl")});
    BOOST_TEST(jsonl.status == 2);
    BOOST_TEST(jsonl.err.find("c.jsonl line 2, field 'state'") != std::string::npos, jsonl.err);
    CommandResult listed = run({"contact", "list", "--account", "1001", "--json"});
    BOOST_TEST(listed.out == "[]\n");
}

BOOST_AUTO_TEST_CASE(webhook_apply_refuses_an_unknown_tag_naming_pair_and_tag) {
    write("w.json", R"({"title": "T", "url": "https://partner.example/post/",
        "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                  {"key": "note", "value": "Hi {FIRSTNAM}"}]})");
    CommandResult applied = run({"webhook", "apply", dir.file("w.json")});
    BOOST_TEST(applied.status == 2);
    BOOST_TEST(applied.err.find("pair 2 'note'") != std::string::npos, applied.err);
    BOOST_TEST(applied.err.find("{FIRSTNAM}") != std::string::npos, applied.err);
    write("w2.json", R"({"title": "T", "url": "ftp://partner.example/", "method": "PUT",
        "port": 70000, "pairs": []})");
    CommandResult bad = run({"webhook", "apply", dir.file("w2.json")});
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(bad.err.find("method") != std::string::npos, bad.err);
    BOOST_TEST(bad.err.find("port") != std::string::npos, bad.err);
    BOOST_TEST(run({"webhook", "list", "--json"}).out == "[]\n");
}

BOOST_AUTO_TEST_CASE(from_sample_then_check_the_article_example) {
    CommandResult sample = run({"webhook", "from-sample", kArticleSample, "--title", "Article"});
    BOOST_TEST(sample.status == 0, sample.err);
    BOOST_TEST(
        sample.out.find(
            R"("url": "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/")") !=
            std::string::npos,
        sample.out);
    auto at = [&](const std::string& text) { return sample.out.find(text); };
    BOOST_TEST(at("\"key\": \"firstname\", \"field\": \"FIRSTNAME\"") != std::string::npos);
    BOOST_TEST(at("\"key\": \"lasname\"") != std::string::npos);
    BOOST_TEST(at("\"key\": \"firstname\"") < at("\"key\": \"lasname\""));
    BOOST_TEST(at("\"key\": \"lasname\"") < at("\"key\": \"phone\""));
    BOOST_TEST(at("\"key\": \"phone\"") < at("\"key\": \"state\""));
    BOOST_TEST(sample.err.find("lasname") != std::string::npos);
    // Applied as printed, it is refused until 'phone' is mapped.
    write("sample.json", sample.out);
    CommandResult unmapped = run({"webhook", "apply", dir.file("sample.json")});
    BOOST_TEST(unmapped.status == 2);
    BOOST_TEST(unmapped.err.find("pair 3 'phone' has no field or value") != std::string::npos,
               unmapped.err);
    // Mapped by hand, applied, then double-checked against the posting instructions.
    write("article.json", R"({"title": "Article",
        "url": "https://client.debtpaypro.com/post/f16b3893c9cf77f6348fa42444979913a6dad41a/",
        "pairs": [{"key": "firstname", "field": "FIRSTNAME"},
                  {"key": "lasname", "field": "LASTNAME"},
                  {"key": "Phone", "field": "CELLPHONE"},
                  {"key": "state", "field": "STATE"},
                  {"key": "password", "value": "hunter2"}]})");
    std::string id = trimmed(run({"webhook", "apply", dir.file("article.json")}).out);
    BOOST_REQUIRE(!id.empty());
    CommandResult check =
        run({"webhook", "check", id, "--expect-keys", "firstname,lastname,phone,state"});
    BOOST_TEST(check.status == 1);
    BOOST_TEST(check.out.find("'lasname'") != std::string::npos, check.out);
    BOOST_TEST(check.out.find("'Phone'") != std::string::npos, check.out);
    BOOST_TEST(check.out.find("auth") != std::string::npos, check.out); // credentials as pairs
    CommandResult clean =
        run({"webhook", "check", id, "--expect-keys", "firstname,lasname,Phone,state,password"});
    BOOST_TEST(clean.status == 0, clean.out);
}

BOOST_AUTO_TEST_CASE(export_is_taken_back_unchanged_and_masks_secrets) {
    write("w.json", R"({"title": "Partner", "url": "https://partner.example/in?src=dpp",
        "method": "GET", "port": 8443, "auth": {"username": "u", "password": "pa55word"},
        "success": {"body_contains": "Success"},
        "pairs": [{"key": "First Name", "field": "FIRSTNAME"},
                  {"key": "api_hash", "value": "9f2c61", "secret": true},
                  {"key": "note", "value": "{{literal} {CF:Lead Score}"}]})");
    std::string id = trimmed(run({"webhook", "apply", dir.file("w.json")}).out);
    CommandResult exported = run({"webhook", "export", id, "--output", dir.file("out.json")});
    BOOST_TEST(exported.status == 0, exported.err);
    std::ifstream in(dir.file("out.json"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    BOOST_TEST(text.find("pa55word") == std::string::npos);
    BOOST_TEST(text.find("9f2c61") == std::string::npos);
    CommandResult reapplied = run({"webhook", "apply", dir.file("out.json")});
    BOOST_TEST(reapplied.status == 0, reapplied.err);
    BOOST_TEST(trimmed(reapplied.out) == id);
    BOOST_TEST(run({"webhook", "export", id}).out == text);
}

BOOST_AUTO_TEST_CASE(preview_prints_the_exact_request_with_secrets_masked) {
    run({"account", "add", "--id", "1001", "--name", "Source"});
    write("c.jsonl", R"({"id": 5, "firstname": "Zoë", "ssn": "123-45-6789"})"
                     "\n");
    run({"contact", "import", "--account", "1001", dir.file("c.jsonl")});
    write("w.json", R"({"title": "P", "url": "https://partner.example/in",
        "auth": {"username": "u", "password": "pa55word"},
        "pairs": [{"key": "firstname", "field": "FIRSTNAME"}, {"key": "ssn", "field": "SSN"},
                  {"key": "api_hash", "value": "9f2c61", "secret": true}]})");
    std::string id = trimmed(run({"webhook", "apply", dir.file("w.json")}).out);
    CommandResult preview = run({"webhook", "preview", id, "--contact", "5"});
    BOOST_TEST(preview.status == 0, preview.err);
    BOOST_TEST(preview.out.find("POST /in HTTP/1.1") != std::string::npos, preview.out);
    BOOST_TEST(preview.out.find("Authorization: Basic ****") != std::string::npos);
    BOOST_TEST(preview.out.find("firstname=Zo%C3%AB&ssn=*******6789&api_hash=****") !=
                   std::string::npos,
               preview.out);
    BOOST_TEST(preview.out.find("pa55word") == std::string::npos);
    BOOST_TEST(preview.out.find("9f2c61") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(datasource_settings_refuse_bad_flags_naming_them) {
    BOOST_TEST(run({"init"}).status == 0);
    BOOST_TEST(run({"account", "add", "--id", "2002", "--name", "B"}).status == 0);
    struct Refusal {
        std::vector<std::string> flags;
        std::string named;
    };
    std::vector<Refusal> refusals{
        {{"--dedupe-on", "email,foo"}, "unknown field 'foo'"},
        {{"--dedupe-on", "email,,ssn"}, "rule 2 is empty"},
        {{"--dedupe-on", "lastname+"}, "empty field"},
        {{"--on-duplicate", "update"}, "--on-duplicate update needs --dedupe-on"},
        {{"--dedupe-on", "email", "--on-duplicate", "merge"}, "--on-duplicate 'merge'"},
        {{"--redirect", "ftp://example.com/x"}, "--redirect 'ftp://example.com/x'"},
        {{"--redirect", "/thanks"}, "--redirect '/thanks'"},
    };
    for (const Refusal& refusal : refusals) {
        std::vector<std::string> command{"datasource", "add", "--account", "2002", "--name", "X"};
        command.insert(command.end(), refusal.flags.begin(), refusal.flags.end());
        CommandResult refused = run(command);
        BOOST_TEST(refused.status == 2, refusal.named);
        BOOST_TEST(refused.err.find(refusal.named) != std::string::npos, refused.err);
    }
    BOOST_TEST(run({"datasource", "list"}).out.empty()); // nothing was created
    CommandResult added =
        run({"datasource", "add", "--account", "2002", "--name", "X", "--dedupe-on",
             "source,EMAIL,lastname+dob", "--on-duplicate", "update"});
    BOOST_TEST(added.status == 0, added.err);
    CommandResult refused = run({"datasource", "set", "1", "--dedupe-on", "phone"});
    BOOST_TEST(refused.status == 2);
    CommandResult shown = run({"datasource", "show", "1", "--json"});
    BOOST_TEST(shown.out.find("\"dedupe\": {\"rules\": [\"source\", \"email\", "
                              "\"lastname+dob\"], \"on_duplicate\": \"update\"}") !=
                   std::string::npos,
               shown.out);
    BOOST_TEST(run({"datasource", "set", "1", "--on-duplicate", "create", "--redirect",
                    "https://example.com/thanks"})
                   .status == 0);
    shown = run({"datasource", "show", "1"});
    BOOST_TEST(shown.out.find("\"on_duplicate\": \"create\"") != std::string::npos, shown.out);
    BOOST_TEST(shown.out.find("\"redirect\": \"https://example.com/thanks\"") != std::string::npos,
               shown.out);
    BOOST_TEST(run({"datasource", "set", "1", "--no-dedupe", "--no-redirect"}).status == 0);
    BOOST_TEST(run({"datasource", "show", "1"}).out.find("\"dedupe\": null") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(trigger_add_and_masspost_refuse_an_unknown_event_or_field_naming_it) {
    BOOST_TEST(run({"init"}).status == 0);
    BOOST_TEST(run({"account", "add", "--id", "1001", "--name", "A"}).status == 0);
    write("w.json", R"({"title": "T", "url": "https://partner.example/post/",
        "pairs": [{"key": "firstname", "field": "FIRSTNAME"}]})");
    std::string id = trimmed(run({"webhook", "apply", dir.file("w.json")}).out);
    CommandResult event = run({"trigger", "add", "--event", "contact.updatd", "--webhook", id});
    BOOST_TEST(event.status == 2);
    BOOST_TEST(event.err.find("unknown event 'contact.updatd' (did you mean 'contact.updated'?)") !=
                   std::string::npos,
               event.err);
    CommandResult when = run(
        {"trigger", "add", "--event", "contact.updated", "--webhook", id, "--when", "colour=red"});
    BOOST_TEST(when.status == 2);
    BOOST_TEST(when.err.find("--when: unknown field 'colour'") != std::string::npos, when.err);
    BOOST_TEST(run({"trigger", "list", "--json"}).out == "[]\n"); // nothing was added
    CommandResult where = run({"masspost", "--webhook", id, "--account", "1001", "--all", "--where",
                               "STATUS", "--preview"});
    BOOST_TEST(where.status == 2);
    BOOST_TEST(where.err.find("--where takes FIELD=VALUE") != std::string::npos, where.err);
}

BOOST_AUTO_TEST_CASE(import_through_a_datasource_prints_counts_and_is_idempotent) {
    BOOST_TEST(run({"init"}).status == 0);
    BOOST_TEST(run({"account", "add", "--id", "2002", "--name", "B"}).status == 0);
    BOOST_TEST(run({"datasource", "add", "--account", "2002", "--name", "X", "--dedupe-on", "email",
                    "--on-duplicate", "reject"})
                   .status == 0);
    write("leads.csv", "firstname,email,lasname\nMike,m@example.com,S\nAnn,a@example.com,L\n"
                       "Mike again,M@EXAMPLE.COM,S\n");
    CommandResult first = run({"contact", "import", "--datasource", "1", dir.file("leads.csv")});
    BOOST_TEST(first.status == 0, first.err);
    BOOST_TEST(first.out.find("3 row(s): created 2") != std::string::npos, first.out);
    BOOST_TEST(first.out.find("rejected as duplicates 1") != std::string::npos, first.out);
    BOOST_TEST(first.out.find("'lasname' (3)") != std::string::npos, first.out);
    CommandResult second =
        run({"contact", "import", "--datasource", "1", "--json", dir.file("leads.csv")});
    BOOST_TEST(second.status == 0, second.err);
    BOOST_TEST(second.out.find("\"created\": 0") != std::string::npos, second.out);
    BOOST_TEST(second.out.find("\"already_imported\": 2") != std::string::npos, second.out);
    write("bad.csv", "firstname,email\nMike,m@example.com\nAnn,a@b.c,extra\n");
    CommandResult bad = run({"contact", "import", "--datasource", "1", dir.file("bad.csv")});
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(bad.err.find("bad.csv line 3") != std::string::npos, bad.err);
    BOOST_TEST(run({"contact", "list", "--account", "2002"}).out.find("Ann") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
