// Variable and value-label names that Stata and SPSS accept.
//   Stata: at most 32 characters, letters, digits and '_', not starting with a digit,
//          not a reserved word (_all, byte, int, str5, …).
//   SPSS:  at most 64 bytes, letters, digits, '_' and '.', starting with a letter, not
//          ending with '.', not a reserved word (ALL, AND, BY, …, WITH).
// Both: unique in a file regardless of case (SPSS ignores case; in Stata, names that differ
// only by case are legal but a trap for the analyst).
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "export/writers.hpp"

namespace canvass::exporting {

class NameMaker {
  public:
    explicit NameMaker(StatFormat format) : format_(format) {}

    // A name close to `wanted`: invalid characters become '_', a bad first character gets
    // a 'v' before it, the name is cut to the format's length, reserved words get a '_'
    // after them, and a name already given gets "_2", "_3", … Each call reserves its result.
    std::string make(std::string_view wanted);

  private:
    std::string valid(std::string_view wanted) const;
    bool reserved(const std::string& name) const;

    StatFormat format_;
    std::set<std::string> taken_;  // lowercased
};

}  // namespace canvass::exporting
