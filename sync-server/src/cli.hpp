// canvass-server's command line: parses arguments (CLI11) and runs one command.
#pragma once

namespace canvass::server {

// Returns the process exit code: 0 success, 1 a failure it explained, 2 bad usage.
int run_cli(int argc, char** argv);

}  // namespace canvass::server
