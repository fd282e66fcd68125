#include "interview/view.hpp"

#include <algorithm>

#include "canvass/interview_words.hpp"

namespace canvass::cli::interview {
namespace {

using canvass::interview::Phrase;
using canvass::interview::say;
using canvass::interview::StepGroup;

std::string indent(std::size_t depth) {
    return std::string(2 * depth, ' ');
}

std::string heading_text(const StepGroup& g) {
    return g.instance ? g.label + " " + std::to_string(g.instance) : g.label;
}

std::vector<std::pair<std::string, std::size_t>> levels(const Step& step) {
    std::vector<std::pair<std::string, std::size_t>> out;
    for (const auto& g : step.groups) out.emplace_back(g.name, g.instance);
    return out;
}

// Columns `s` takes on a terminal: its UTF-8 characters outside ANSI escapes.
std::size_t columns(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\033') {
            while (i < s.size() && s[i] != 'm') ++i;
            continue;
        }
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
    }
    return n;
}

// Breaks `line` at its spaces into lines of at most `width` columns (a word longer than that
// stays whole); the runs of spaces between words are kept, the indentation repeated.
std::string wrap_line(const std::string& line, std::size_t width) {
    if (columns(line) <= width) return line;
    std::size_t lead = line.find_first_not_of(' ');
    if (lead == std::string::npos) return line;
    const std::string pad(lead, ' ');
    std::string out, current = pad;
    std::size_t pos = lead;
    while (pos < line.size()) {
        std::size_t word_at = line.find_first_not_of(' ', pos);
        if (word_at == std::string::npos) break;
        std::size_t word_end = std::min(line.find(' ', word_at), line.size());
        std::string gap = line.substr(pos, word_at - pos);
        std::string word = line.substr(word_at, word_end - word_at);
        pos = word_end;
        if (current.size() == pad.size()) {
            current += word;
        } else if (columns(current) + gap.size() + columns(word) > width) {
            out += current + "\n";
            current = pad + word;
        } else {
            current += gap + word;
        }
    }
    return out + current;
}

}  // namespace

std::string wrap(const std::string& text, std::size_t width) {
    if (width == 0) return text;
    std::string out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        out += wrap_line(line, width);
        if (nl == std::string::npos) break;
        out += "\n";
        pos = nl + 1;
    }
    return out;
}

std::string View::style(const char* code, const std::string& s) const {
    if (!color_) return s;
    return "\033[" + std::string(code) + "m" + s + "\033[0m";
}

std::string View::headings(const Step& step) {
    auto now = levels(step);
    std::size_t common = 0;
    while (common < now.size() && common < shown_.size() && now[common] == shown_[common]) ++common;
    std::string out;
    for (std::size_t i = common; i < now.size(); ++i)
        out += "\n" + strong("── " + heading_text(step.groups[i]) + " ──") + "\n";
    shown_ = std::move(now);
    return out;
}

std::string View::question(const Step& step, const Progress& progress,
                           const std::string& lang) const {
    std::string out = "\n";
    if (step.number)
        out += faint(say(lang, Phrase::question_of,
                         {std::to_string(step.number), std::to_string(progress.total)})) +
               "\n";
    out += strong((step.required ? "* " : "") + step.label) + "\n";
    if (!step.hint.empty()) out += faint("  " + step.hint) + "\n";
    for (std::size_t i = 0; i < step.choices.size(); ++i)
        out += "  " + std::to_string(i + 1) + ". " + step.choices[i].label + "\n";
    std::string format = step.format;
    if (!step.answer.empty()) {
        format += format.empty() ? "" : "; ";
        format += say(lang, step.answer_is_default ? Phrase::enter_answers : Phrase::enter_keeps,
                      {step.answer_text});
    }
    if (!format.empty()) out += faint("  (" + format + ")") + "\n";
    return out + prompt();
}

std::string View::display(const Step& step) const {
    std::string out = "\n" + step.label;
    if (step.kind == StepKind::question)  // read_only
        out += ": " + (step.answer.empty() ? std::string("-") : step.answer_text);
    out += "\n";
    if (!step.hint.empty()) out += faint("  " + step.hint) + "\n";
    return out;
}

std::string View::add_prompt(const Step& step, const std::string& lang) const {
    std::string out = "\n" + say(lang, Phrase::add_question, {step.label});
    if (step.instances > 0)
        out += " " + say(lang, Phrase::so_far, {std::to_string(step.instances)});
    out += " " + say(lang, Phrase::yes_no_enter_no);
    return out + "\n" + prompt();
}

std::string View::summary(const std::vector<Step>& steps, const std::string& lang) const {
    std::string out = "\n" + strong(say(lang, Phrase::summary)) + "\n";
    std::vector<std::pair<std::string, std::size_t>> shown;
    for (const auto& step : steps) {
        if (step.kind != StepKind::question) continue;
        auto now = levels(step);
        std::size_t common = 0;
        while (common < now.size() && common < shown.size() && now[common] == shown[common])
            ++common;
        for (std::size_t i = common; i < now.size(); ++i)
            out += indent(i + 1) + "── " + heading_text(step.groups[i]) + " ──\n";
        shown = std::move(now);
        std::string number = step.number ? std::to_string(step.number) + ". " : "";
        bool answered = !step.answer.empty() && (!step.answer_is_default || step.read_only);
        out += indent(shown.size() + 1) + number + step.label + ": " +
               (answered ? step.answer_text : faint(say(lang, Phrase::no_answer))) + "\n";
    }
    return out;
}

}  // namespace canvass::cli::interview
