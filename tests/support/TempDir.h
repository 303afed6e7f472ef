#pragma once
// A fresh directory under the system temp folder, removed with everything in it at the end of
// the test. Not copyable.
#include <Poco/TemporaryFile.h>

#include <filesystem>
#include <string>

namespace dpp::testing {

class TempDir {
public:
    TempDir()
        : path_(std::filesystem::temp_directory_path() /
                ("dppbridge-test-" +
                 std::filesystem::path(Poco::TemporaryFile::tempName()).filename().string())) {
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string storeUri(const std::string& name = "store.db") const {
        return "sqlite:" + file(name);
    }

private:
    std::filesystem::path path_;
};

} // namespace dpp::testing
