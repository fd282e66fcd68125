// Where a passphrase comes from: a file, $CANVASS_PASSPHRASE, or the terminal (not echoed).
#pragma once

#include <optional>
#include <string>

#include "canvass/result.hpp"

namespace canvass::cli {

struct PassphraseSource {
    std::optional<std::string> file;  // --passphrase-file
    std::string env_var = "CANVASS_PASSPHRASE";
};

// Reads the passphrase: from `source.file` if given (first line, without its newline), else
// from the environment variable, else from the terminal with `prompt`; when `confirm`, the
// terminal asks twice and the two must match. Fails with a message saying how to provide one
// when none of the three is available (no terminal in a script).
Result<std::string> read_passphrase(const PassphraseSource& source, const std::string& prompt,
                                    bool confirm);

}  // namespace canvass::cli
