// The interview's own words, as opposed to the form's: prompts, help, refusals, and what
// the interviewer may type. In English, French and Spanish; the language follows the
// interview's, English for any other. Typed words are also understood in English
// whatever the language, so "y" and "back" always work.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace canvass::interview {

enum class Phrase {
    intro_interview,   // start of a new interview
    intro_resume,      // start of a resumed draft
    intro_edit,        // start of an edit
    first_question,    // "<" at the first question
    required_missing,  // finalizing with a required question unanswered
    nothing_changed,   // an edit that changed nothing
    confirm_edit,      // "Save these changes…? [y/n]"
    confirm_finalize,  // "Finalize this interview? [y/n]"
    stopped,           // quit during an interview
    input_ended_edit,
    input_ended_draft,
    needs_answer,     // a required question left empty, without a form message
    not_allowed,      // {}: the constraint; without a form message
    too_long,         // {} {}: the answer's bytes, the most one answer may hold
    removed_answers,  // followed by the answers that no longer apply
    not_saved,        // {}: why
    add_yes_or_no,
    go_back_or_stop,  // after a refused finalize
    edit_not_saved,
    kept_as_draft,
    yes_or_no,
    remove_where,    // "remove" where it cannot work
    remove_confirm,  // {} {}: repeat label, instance number
    nothing_removed,
    removed,
    help,  // the command list, without the quit line
    help_quit_edit,
    help_quit_draft,
    help_answer_text,  // the \TEXT line, last
    takes_format,      // {}: answer_format
    enter_answers,     // {}: the default
    enter_keeps,       // {}: the current answer
    add_question,      // {}: repeat label
    so_far,            // {}: instances
    summary,
    no_answer,
    yes_no_keys,      // "[y/n]"
    yes_no_enter_no,  // "[y/N]"
    // typed answers
    type_whole_number,
    number_too_large,
    type_number,
    type_geopoint,
    not_a_number,    // {}: the item
    choose_from,     // {}: how many
    no_such_choice,  // {}: the item
    choose_one,
    type_confirm,
    // answer formats
    format_integer,
    format_decimal,
    format_date,
    format_time,
    format_datetime,
    format_geopoint,
    format_select_multiple,
    format_acknowledge,
    // the sinks' outcomes
    saved_edit,        // {}: record id
    unchanged_record,  // {}: record id
    finalized,         // {}: record id
    draft_saved,       // {} {}: record id, its short form
    // refusals of typed or given answers (the form's own checks speak English)
    type_date,
    no_such_date,  // {}: what was typed
    type_time,
    type_datetime,
    geopoint_range,
    type_text,
    ambiguous_choice,  // {}: what was typed
    not_an_answer,     // at a step that takes no answer
    // navigation
    at_end,             // next() at the end
    no_such_step,       // {} {}: what was asked, the number of steps
    no_such_question,   // {}: the name
    not_relevant_now,   // {}: the name
    no_language,        // {} {}: the language, the form's languages
    missing_required,   // {}: how many, then the list
    question_of,        // {} {}: number, total
    review_at_end,      // after the summary: how to jump to an answer
    help_navigation,    // go, summary, lang lines of the help
    summary_choose,     // the prompt under a summary shown with "summary"
    language_now,       // {}: the language
    no_more_instances,  // add_instance() elsewhere than at a repeat prompt
    format_range,       // {} {} {}: start, end, step
    format_rank,
    format_geotrace,
    format_geoshape,
    rank_all,  // {}: how many choices
    count_
};

// What the interviewer may type, beside answers.
enum class Word { yes, no, back, help, quit, skip, remove, today, now, ok, go, summary, lang };

// `phrase` in `lang`, each {} replaced by the next of `args`.
std::string say(std::string_view lang, Phrase phrase,
                std::initializer_list<std::string_view> args = {});

// Whether `typed` (trimmed) is `word` in `lang` or in English, ignoring case and accents.
bool means(std::string_view lang, Word word, std::string_view typed);

// `text` lower-cased with the accents of Latin letters taken off ("Sénégal" -> "senegal"),
// for comparing what a person typed with a label or a word.
std::string fold(std::string_view text);

}  // namespace canvass::interview
