// dppbridge entry point: hands the command line to bridge/cli.
#include "bridge/cli/Commands.h"

#include <cstdlib>
#include <iostream>
#include <malloc.h>

int main(int argc, char** argv) {
    // Two malloc arenas instead of glibc's eight per core: with 16 delivery workers and 16
    // server threads each thread's arena kept its own free memory, and a mass post's peak RSS
    // grew with its length (39 MB at 10,000 contacts, 61 MB at 100,000; 35 MB with two arenas,
    // at the same rate). MALLOC_ARENA_MAX still decides when set.
    if (!std::getenv("MALLOC_ARENA_MAX"))
        mallopt(M_ARENA_MAX, 2);
    std::vector<std::string> arguments(argv + 1, argv + argc);
    return dpp::bridge::run(arguments, std::cout, std::cerr);
}
