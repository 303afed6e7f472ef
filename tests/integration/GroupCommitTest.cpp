// Database::write's group commits on a real SQLite file: many threads' writes share
// transactions, a write that throws is rolled back alone and its caller gets the exception,
// and every caller returns after its own work is committed (visible to another connection).
#include "bridge/store/Database.h"
#include "support/TempDir.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <functional>
#include <thread>

using namespace dpp::bridge;
using namespace Poco::Data::Keywords;
using dpp::testing::TempDir;

BOOST_AUTO_TEST_SUITE(group_commit)

BOOST_AUTO_TEST_CASE(jobs_of_many_threads_commit_and_a_failing_job_rolls_back_alone) {
    TempDir dir;
    Database database(dir.storeUri());
    database.write([](Poco::Data::Session& session) {
        session << "CREATE TABLE items (thread INTEGER, n INTEGER, PRIMARY KEY (thread, n))", now;
    });
    constexpr int kThreads = 8, kJobs = 60;
    std::atomic<int> failures{0}, visibleAfterReturn{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            Database reader(dir.storeUri(), 1);
            for (int n = 0; n < kJobs; ++n) {
                bool fails = n % 7 == 3;
                try {
                    database.write([&](Poco::Data::Session& session) {
                        int thread = t, number = n;
                        session << "INSERT INTO items VALUES (?, ?)", use(thread), use(number), now;
                        if (fails)
                            throw std::runtime_error("job refused");
                    });
                    BOOST_CHECK(!fails);
                } catch (const std::runtime_error& error) {
                    BOOST_CHECK(fails);
                    BOOST_CHECK_EQUAL(std::string(error.what()), "job refused");
                    ++failures;
                    continue;
                }
                int count = 0;
                reader.read([&](Poco::Data::Session& session) {
                    int thread = t, number = n;
                    session << "SELECT COUNT(*) FROM items WHERE thread = ? AND n = ?", use(thread),
                        use(number), into(count), now;
                });
                if (count == 1)
                    ++visibleAfterReturn;
            }
        });
    for (auto& thread : threads)
        thread.join();
    int stored = 0;
    database.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM items", into(stored), now;
    });
    BOOST_TEST(stored == kThreads * kJobs - failures.load());
    BOOST_TEST(visibleAfterReturn.load() == stored);
    BOOST_TEST(failures.load() == kThreads * ((kJobs + 3) / 7));
}

BOOST_AUTO_TEST_CASE(a_lone_failing_write_rolls_back_and_the_next_one_proceeds) {
    TempDir dir;
    Database database(dir.storeUri());
    database.write([](Poco::Data::Session& session) {
        session << "CREATE TABLE items (n INTEGER PRIMARY KEY)", now;
    });
    BOOST_CHECK_THROW(database.write([](Poco::Data::Session& session) {
        session << "INSERT INTO items VALUES (1)", now;
        throw std::runtime_error("refused");
    }),
                      std::runtime_error);
    database.write(
        [](Poco::Data::Session& session) { session << "INSERT INTO items VALUES (2)", now; });
    int stored = 0;
    database.read([&](Poco::Data::Session& session) {
        session << "SELECT SUM(n) FROM items", into(stored), now;
    });
    BOOST_TEST(stored == 2);
}

// writeAll: more works than one transaction takes (256), some failing, while other threads
// write too: each failing work is rolled back alone and reported at its position, the others
// are all committed when writeAll returns.
BOOST_AUTO_TEST_CASE(write_all_reports_each_failure_at_its_place_and_commits_the_rest) {
    TempDir dir;
    Database database(dir.storeUri());
    database.write([](Poco::Data::Session& session) {
        session << "CREATE TABLE items (source INTEGER, n INTEGER, PRIMARY KEY (source, n))", now;
    });
    std::atomic<bool> othersDone{false};
    std::thread other([&] {
        for (int n = 0; n < 200; ++n)
            database.write([&](Poco::Data::Session& session) {
                session << "INSERT INTO items VALUES (2, ?)", use(n), now;
            });
        othersDone = true;
    });
    constexpr int kWorks = 600;
    std::vector<std::function<void(Poco::Data::Session&)>> works;
    for (int n = 0; n < kWorks; ++n)
        works.emplace_back([n](Poco::Data::Session& session) {
            int number = n;
            session << "INSERT INTO items VALUES (1, ?)", use(number), now;
            if (n % 50 == 7)
                throw std::runtime_error("work " + std::to_string(n) + " refused");
        });
    std::vector<std::exception_ptr> errors = database.writeAll(works);
    BOOST_REQUIRE(errors.size() == static_cast<std::size_t>(kWorks));
    int failed = 0;
    for (int n = 0; n < kWorks; ++n) {
        BOOST_TEST(static_cast<bool>(errors[n]) == (n % 50 == 7), "work " << n);
        if (!errors[n])
            continue;
        ++failed;
        try {
            std::rethrow_exception(errors[n]);
        } catch (const std::runtime_error& error) {
            BOOST_TEST(std::string(error.what()) == "work " + std::to_string(n) + " refused");
        }
    }
    int stored = 0;
    Database reader(dir.storeUri(), 1); // another connection: what is committed
    reader.read([&](Poco::Data::Session& session) {
        session << "SELECT COUNT(*) FROM items WHERE source = 1", into(stored), now;
    });
    BOOST_TEST(stored == kWorks - failed);
    BOOST_TEST(failed == 12);
    other.join();
    BOOST_TEST(othersDone.load());
    BOOST_TEST(database.writeAll({}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
