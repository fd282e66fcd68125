#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "app.hpp"

int main(int argc, char** argv) {
    canvass::cli::Context ctx{std::cout, std::cerr, std::cin};
    ctx.interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    ctx.color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    return canvass::cli::run({argv + 1, argv + argc}, ctx);
}
