#pragma once
// A self-signed certificate for localhost and 127.0.0.1, made at test time by the openssl
// command line in a fresh temporary directory and removed with it. The certificate file is
// its own CA, so a client that trusts certificateFile() accepts a server that presents it.
// Not copyable; not thread-safe while constructing.
#include "support/TempDir.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace dpp::testing {

class TestCertificate {
public:
    TestCertificate()
        : certificateFile_(dir_.file("certificate.pem")), keyFile_(dir_.file("key.pem")) {
        std::vector<std::string> arguments = {"req",
                                              "-x509",
                                              "-newkey",
                                              "rsa:2048",
                                              "-nodes",
                                              "-days",
                                              "1",
                                              "-subj",
                                              "/CN=localhost",
                                              "-addext",
                                              "subjectAltName=DNS:localhost,IP:127.0.0.1",
                                              "-keyout",
                                              keyFile_,
                                              "-out",
                                              certificateFile_};
        Poco::Pipe output; // stdout and stderr merged: openssl prints progress on stderr
        Poco::ProcessHandle handle =
            Poco::Process::launch("openssl", arguments, nullptr, &output, &output);
        Poco::PipeInputStream stream(output);
        std::string text;
        Poco::StreamCopier::copyToString(stream, text);
        int status = handle.wait();
        if (status != 0 || !std::filesystem::exists(certificateFile_) ||
            !std::filesystem::exists(keyFile_))
            throw std::runtime_error("openssl req failed with status " + std::to_string(status) +
                                     ": " + text);
    }
    TestCertificate(const TestCertificate&) = delete;
    TestCertificate& operator=(const TestCertificate&) = delete;

    // PEM certificate, also usable as the CA file that trusts it.
    const std::string& certificateFile() const { return certificateFile_; }
    // PEM private key, unencrypted.
    const std::string& privateKeyFile() const { return keyFile_; }

private:
    TempDir dir_;
    std::string certificateFile_;
    std::string keyFile_;
};

} // namespace dpp::testing
