#pragma once
// Running the real dppbridge executable from end-to-end tests: one-shot commands with their
// output and exit status, and `serve` processes that are waited on until they announce their
// port (an event, not a sleep) and stopped with SIGTERM. Not thread-safe; one test at a time.
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dpp::testing {

struct CommandResult {
    int status = -1;
    std::string out;
    std::string err;
};

inline CommandResult runBridge(const std::vector<std::string>& arguments) {
    Poco::Pipe outPipe, errPipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch(DPPBRIDGE_EXECUTABLE, arguments, nullptr, &outPipe, &errPipe);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    CommandResult result;
    // Read stderr on its own thread so that neither pipe can fill up and block the child.
    auto errText = std::async(std::launch::async, [&errStream] {
        std::string text;
        Poco::StreamCopier::copyToString(errStream, text);
        return text;
    });
    Poco::StreamCopier::copyToString(outStream, result.out);
    result.err = errText.get();
    result.status = handle.wait();
    return result;
}

// A command whose peak memory is measured: its own rusage from wait4, output to files.
struct MeasuredResult {
    int status = -1;
    long maxRssKilobytes = 0;
    std::string out;
    std::string err;
};

inline MeasuredResult runBridgeMeasured(const std::vector<std::string>& arguments,
                                        const std::filesystem::path& folder) {
    std::filesystem::path outFile = folder / "measured.out", errFile = folder / "measured.err";
    std::vector<std::string> words{DPPBRIDGE_EXECUTABLE};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid = 0;
    MeasuredResult result;
    if (posix_spawn(&pid, DPPBRIDGE_EXECUTABLE, &actions, nullptr, argv.data(), environ) != 0)
        throw std::runtime_error("cannot start " + std::string(DPPBRIDGE_EXECUTABLE));
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.maxRssKilobytes = usage.ru_maxrss;
    std::ifstream out(outFile), err(errFile);
    result.out.assign(std::istreambuf_iterator<char>(out), {});
    result.err.assign(std::istreambuf_iterator<char>(err), {});
    return result;
}

inline std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    return text;
}

// A `dppbridge serve` process. Its stderr is drained by a thread into a log file; the
// constructor returns once the process has written its port file.
class ServeProcess {
public:
    ServeProcess(std::vector<std::string> globalArguments, const std::filesystem::path& folder,
                 const std::string& name, const std::string& listen = "127.0.0.1:0")
        : portFile_(folder / (name + ".port")), logFile_(folder / (name + ".log")) {
        std::filesystem::remove(portFile_);
        std::vector<std::string> arguments = std::move(globalArguments);
        arguments.insert(arguments.end(),
                         {"serve", "--listen", listen, "--port-file", portFile_.string()});
        handle_ = std::make_unique<Poco::ProcessHandle>(
            Poco::Process::launch(DPPBRIDGE_EXECUTABLE, arguments, nullptr, nullptr, &errPipe_));
        std::promise<void> announced;
        auto ready = announced.get_future();
        drainer_ = std::thread([this, promise = std::move(announced)]() mutable {
            Poco::PipeInputStream in(errPipe_);
            std::ofstream log(logFile_);
            std::string line;
            bool told = false;
            while (std::getline(in, line)) {
                log << line << "\n" << std::flush;
                if (!told && line.find("serving on") != std::string::npos) {
                    promise.set_value();
                    told = true;
                }
            }
            if (!told)
                promise.set_value(); // exited early: the constructor reports it
        });
        if (ready.wait_for(std::chrono::seconds(20)) != std::future_status::ready ||
            !std::filesystem::exists(portFile_)) {
            stop();
            throw std::runtime_error("dppbridge serve did not start; see " + logFile_.string());
        }
        std::ifstream(portFile_) >> port_;
    }
    ~ServeProcess() { stop(); }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    int port() const { return port_; }
    std::string log() const {
        std::ifstream in(logFile_);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    // SIGKILL: the crash a power cut or the OOM killer would cause. Returns at once.
    void kill() {
        if (!handle_)
            return;
        Poco::Process::kill(*handle_);
        handle_->wait();
        handle_.reset();
        if (drainer_.joinable())
            drainer_.join();
    }
    // SIGTERM, then the exit status.
    int stop() {
        if (!handle_)
            return exitStatus_;
        if (Poco::Process::isRunning(*handle_))
            Poco::Process::requestTermination(handle_->id());
        exitStatus_ = handle_->wait();
        handle_.reset();
        if (drainer_.joinable())
            drainer_.join();
        return exitStatus_;
    }

private:
    std::filesystem::path portFile_;
    std::filesystem::path logFile_;
    Poco::Pipe errPipe_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    std::thread drainer_;
    int port_ = 0;
    int exitStatus_ = -1;
};

} // namespace dpp::testing
