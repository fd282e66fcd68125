// canvass-server: the sync server. Everything lives in the canvass_server library.
#include "cli.hpp"

int main(int argc, char** argv) {
    return canvass::server::run_cli(argc, argv);
}
