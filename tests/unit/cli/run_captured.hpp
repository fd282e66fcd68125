// Running the canvass command line in-process, with its output and input captured: what
// every command test does.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "app.hpp"

namespace canvass::cli {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

// Runs `args` (without the program name) reading `input` as standard input.
inline Outcome run_captured(const std::vector<std::string>& args, const std::string& input = "") {
    std::ostringstream out, err;
    std::istringstream in(input);
    Context ctx{out, err, in};
    int code = run(args, ctx);
    return {code, out.str(), err.str()};
}

}  // namespace canvass::cli
