// dppbridge entry point: hands the command line to bridge/cli.
#include "bridge/cli/Commands.h"

#include <iostream>

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    return dpp::bridge::run(arguments, std::cout, std::cerr);
}
