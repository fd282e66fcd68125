// The places of an interview, the engine's steps as rows and instances: what the
// interviewer sees, one after the other, for the answers given so far. Relevance decides
// which rows are places, so the list is rebuilt after every answer; a place is found again
// in a new list by its key. canvass/interview.hpp turns a place into a Step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "form/form.hpp"
#include "form/record.hpp"

namespace canvass::interview {

enum class PlaceKind : std::uint8_t {
    question,  // answered by the interviewer
    display,   // a note, or a read_only question: shown, not answered
    add,       // "Add a <repeat>?" after a repeat's last instance (no repeat_count)
};

struct Place {
    PlaceKind kind = PlaceKind::question;
    form::RowId row = 0;       // the question or note; for `add`, the repeat
    form::InstancePath at;     // the instance it is in (for `add`: where the repeat sits)
    std::size_t instance = 0;  // `add` only: the index of the instance "yes" creates

    bool interactive() const { return kind != PlaceKind::display; }
};

// A step's place in document order, comparable across lists built from different answers:
// one (repeat, instance index) pair per enclosing instance, then (row, 0) for a question
// or note, or (repeat, instance) for `add`. Row ids follow document order and a row's
// descendants come before its next sibling, so comparing keys as sequences is comparing
// places in the form; `add` for instance n sorts after instance n-1 and before instance n.
using StepKey = std::vector<std::pair<form::RowId, std::size_t>>;
StepKey key_of(const Place& step);

// A key after every step of instance `index` of `repeat`, and of any later instance of it:
// where to continue after "no more instances".
StepKey key_after_repeat(const form::InstancePath& at, form::RowId repeat);

// Every step for the answers in `record` (calculations computed), in form order: the
// relevant questions and notes of every instance, and an `add` step after the instances
// of each relevant repeat without repeat_count. Calculations are never steps.
std::vector<Place> list_places(const form::Form& form, form::Record& record);

// Index in `places` of the first place whose key is greater than `key` (or, with
// `or_equal`, not less); places.size() when there is none.
std::size_t first_after(const std::vector<Place>& places, const StepKey& key,
                        bool or_equal = false);

// The groups and repeat instances a step sits in, outermost first: (row, instance index),
// the index being npos for a group. Used to print section headings.
using StepContext = std::vector<std::pair<form::RowId, std::size_t>>;
StepContext context_of(const form::Form& form, const Place& step);

}  // namespace canvass::interview
