// The example questionnaire the API tests answer (schemas/forms/), and its example answers.
#pragma once

#include <fstream>
#include <string>

namespace canvass::testing {

inline const std::string kForm = "waste_pickers";

inline std::string source(const std::string& relative) {
    return std::string(CANVASS_SOURCE_DIR) + "/" + relative;
}

// Line `n` (from 0) of the form's example answers: one record's answers as JSON.
inline std::string answers_line(int n) {
    std::ifstream in(source("schemas/forms/" + kForm + ".answers.jsonl"));
    std::string line;
    for (int i = 0; i <= n; ++i) std::getline(in, line);
    return line;
}

}  // namespace canvass::testing
