// The corpus: real XLSForms of public projects (tests/data/xlsform/corpus, its README names
// each one's source and licence). Each is imported as `canvass form import` does and checked
// as `canvass form check` does. A form that imports is then compared with its spreadsheet,
// read here on its own (questions, a choice list, the labels of every language), and an
// answer set made from its twin is validated, with one wrong answer that must be refused. A
// form that does not import must fail with exactly the features corpus_expectations.hpp
// names for it, so the test fails when canvass learns a feature (update the table) or when
// a form starts failing for another reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "corpus_answers.hpp"
#include "corpus_expectations.hpp"
#include "form/loader.hpp"
#include "form/validate.hpp"
#include "xlsform/import.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::xlsform {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::corpus_expectations;
using testing::Feature;

fs::path corpus_dir() {
    return fs::path(CANVASS_SOURCE_DIR) / "tests/data/xlsform/corpus";
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> names;
    std::error_code missing;  // no corpus: no forms, which CorpusFiles reports
    for (const auto& entry : fs::directory_iterator(corpus_dir(), missing)) {
        auto ext = entry.path().extension().string();
        if (ext == ".xlsx" || ext == ".xls") names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The corpus files expected to import clean.
std::vector<std::string> clean_files() {
    std::vector<std::string> names;
    for (const auto& f : corpus_files())
        if (auto it = corpus_expectations().find(f);
            it != corpus_expectations().end() && it->second.empty())
            names.push_back(f);
    return names;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string collapsed(const std::string& s) {
    std::string out;
    for (char c : s) {
        bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// ---- The spreadsheet read on its own, without the converter --------------------------

struct Table {
    std::vector<std::string> header;  // lowercased, trimmed
    const Sheet* sheet = nullptr;
    std::uint32_t header_row = 0;

    // The column whose header is one of `names`, or -1.
    int column(std::initializer_list<const char*> names) const {
        for (std::size_t c = 0; c < header.size(); ++c)
            for (const char* n : names)
                if (header[c] == n) return static_cast<int>(c);
        return -1;
    }
};

Table table_of(const Workbook& book, const char* name) {
    Table t;
    t.sheet = book.find(name);
    if (!t.sheet || t.sheet->rows.empty()) return t;
    const SheetRow& first = t.sheet->rows.front();
    t.header_row = first.number;
    for (const auto& cell : first.cells) {
        if (t.header.size() <= cell.column) t.header.resize(cell.column + 1);
        t.header[cell.column] = lower(collapsed(cell.text));
    }
    return t;
}

// Whether a survey type cell is a question canvass asks (not a note, calculate, group or
// metadata), and how many questions it makes (a select `or_other` adds its `_other` text).
int questions_of_type(const std::string& cell) {
    std::string t = lower(collapsed(cell));
    if (t.empty()) return 0;
    std::string first = t.substr(0, t.find(' '));
    static const std::set<std::string> plain = {"text",
                                                "string",
                                                "integer",
                                                "int",
                                                "decimal",
                                                "date",
                                                "time",
                                                "datetime",
                                                "geopoint",
                                                "gps",
                                                "location",
                                                "geotrace",
                                                "geoshape",
                                                "acknowledge",
                                                "trigger",
                                                "range",
                                                "barcode",
                                                "image",
                                                "audio",
                                                "video",
                                                "file",
                                                "rank",
                                                "select_one",
                                                "select_multiple",
                                                "select1",
                                                "select_one_from_file",
                                                "select_multiple_from_file",
                                                "select_one_external"};
    bool select_words = t.starts_with("select one ") || t.starts_with("select all that apply ") ||
                        t.starts_with("select multiple ");
    if (!plain.count(first) && !select_words) return 0;
    bool other =
        t.ends_with(" or_other") || t.ends_with(" or other") || t.ends_with(" or specify other");
    return other ? 2 : 1;
}

std::size_t spreadsheet_questions(const Workbook& book) {
    Table survey = table_of(book, "survey");
    int type = survey.column({"type", "command"});
    std::size_t n = 0;
    if (type < 0) return 0;
    for (const auto& row : survey.sheet->rows)
        if (row.number != survey.header_row)
            n += static_cast<std::size_t>(
                questions_of_type(row.at(static_cast<std::uint32_t>(type))));
    return n;
}

// The names of the first choice list of the choices sheet, in the sheet's order.
std::pair<std::string, std::vector<std::string>> first_choice_list(const Workbook& book) {
    Table choices = table_of(book, "choices");
    std::pair<std::string, std::vector<std::string>> out;
    int list = choices.column({"list_name", "list name"});
    int name = choices.column({"name", "value"});
    if (list < 0 || name < 0) return out;
    for (const auto& row : choices.sheet->rows) {
        if (row.number == choices.header_row) continue;
        std::string l = collapsed(row.at(static_cast<std::uint32_t>(list)));
        std::string n = collapsed(row.at(static_cast<std::uint32_t>(name)));
        if (l.empty() || n.empty()) continue;
        if (out.first.empty()) out.first = l;
        if (l == out.first) out.second.push_back(n);
    }
    return out;
}

// ---- Expected failures ------------------------------------------------------------------

const Feature* matching_feature(const std::string& problem, const std::vector<const Feature*>& fs) {
    for (const Feature* f : fs)
        for (const auto& fragment : f->fragments)
            if (problem.find(fragment) != std::string::npos) return f;
    return nullptr;
}

class Corpus : public ::testing::TestWithParam<std::string> {};
class CleanCorpus : public ::testing::TestWithParam<std::string> {};

TEST(CorpusFiles, AtLeastThirtyFormsEachWithItsExpectationAndSourceNoted) {
    auto files = corpus_files();
    EXPECT_GE(files.size(), 30u);
    std::ifstream readme(corpus_dir() / "README.md");
    std::string notes((std::istreambuf_iterator<char>(readme)), std::istreambuf_iterator<char>());
    const auto& expected = corpus_expectations();
    for (const auto& f : files) {
        EXPECT_NE(notes.find("`" + f + "`"), std::string::npos) << f << " is not in the README";
        EXPECT_TRUE(expected.count(f)) << f << " has no line in corpus_expectations()";
    }
    for (const auto& [f, _] : expected)
        EXPECT_TRUE(std::find(files.begin(), files.end(), f) != files.end())
            << "corpus_expectations() names " << f << ", which is not in the corpus";
}

TEST_P(Corpus, ImportsAndChecksCleanOrFailsWithTheNamedFeatures) {
    const std::string file = GetParam();
    const std::string path = (corpus_dir() / file).string();
    Import imported = import_file(path);
    auto expected = corpus_expectations().at(file);
    if (expected.empty()) {
        for (const auto& p : imported.problems) ADD_FAILURE() << file << ": " << describe(p);
        ASSERT_TRUE(imported.ok());
        // `form check` reads the file again and loads its twin.
        FormText text = read_form_file(path);
        ASSERT_TRUE(text.problems.empty());
        EXPECT_EQ(text.json_text, imported.twin_text);
        EXPECT_TRUE(form::load_form(text.json_text));
        return;
    }
    ASSERT_FALSE(imported.ok()) << file << " imports now: empty its list in corpus_expectations()";
    std::set<const Feature*> seen;
    for (const auto& p : imported.problems) {
        std::string text = describe(p);
        const Feature* f = matching_feature(text, expected);
        EXPECT_NE(f, nullptr) << file << " fails for a reason not named: " << text;
        if (f) seen.insert(f);
    }
    for (const Feature* f : expected)
        EXPECT_TRUE(seen.count(f)) << file << " no longer shows: " << f->name;
}

TEST_P(CleanCorpus, TwinIsFaithfulToTheSpreadsheetAndValidatesAnswers) {
    const std::string file = GetParam();
    const std::string path = (corpus_dir() / file).string();
    Import imported = import_file(path);
    ASSERT_TRUE(imported.ok());
    auto loaded = form::load_form(imported.twin_text);
    ASSERT_TRUE(loaded);
    const form::Form& form = loaded.value();
    auto book = read_workbook(path);
    ASSERT_TRUE(book);

    // Questions, counted from the survey sheet's types.
    EXPECT_EQ(form.question_count(), spreadsheet_questions(*book)) << file;

    // The first choice list, its names in the sheet's order (or_other adds `other` after).
    auto [list_name, names] = first_choice_list(*book);
    if (!list_name.empty() && form.choices(list_name)) {
        std::vector<std::string> twin;
        for (const auto& c : form.choices(list_name)->choices) twin.push_back(c.name);
        if (twin.size() == names.size() + 1 && twin.back() == "other") twin.pop_back();
        EXPECT_EQ(twin, names) << file << ": list " << list_name;
    }

    // Every label cell of every language is the label of its row in some language, and each
    // label column is a language of the form.
    Table survey = table_of(*book, "survey");
    int name_col = survey.column({"name", "value", "tag"});
    std::vector<std::uint32_t> label_cols;
    for (std::size_t c = 0; c < survey.header.size(); ++c) {
        const auto& h = survey.header[c];
        if (h == "label" || h == "caption" || h.starts_with("label:") || h.starts_with("caption:"))
            label_cols.push_back(static_cast<std::uint32_t>(c));
    }
    EXPECT_GE(form.languages().size(), label_cols.size()) << file;
    std::size_t labels_checked = 0;
    for (const auto& row : survey.sheet->rows) {
        if (row.number == survey.header_row || name_col < 0) continue;
        const form::Row* r = form.find(collapsed(row.at(static_cast<std::uint32_t>(name_col))));
        if (!r) continue;
        for (auto c : label_cols) {
            std::string cell = collapsed(row.at(c));
            if (cell.empty()) continue;
            bool found = std::any_of(r->label.begin(), r->label.end(),
                                     [&](const auto& l) { return collapsed(l.second) == cell; });
            EXPECT_TRUE(found) << file << ": survey row " << row.number << " label " << cell;
            ++labels_checked;
        }
    }
    EXPECT_GT(labels_checked, 0u) << file;

    // An answer set made from the twin validates; then a wrong answer is refused.
    testing::MadeAnswers made = testing::AnswerMaker(form).make();
    auto v = form::validate_answers(form, made.answers);
    for (const auto& p : v.violations) ADD_FAILURE() << file << ": " << form::describe(p);
    ASSERT_FALSE(made.answered.empty()) << file << ": no question could be answered";
    EXPECT_GE(made.answered.size() * 2, made.tried) << file << ": fewer than half answered";

    json wrong = made.answers;
    const testing::AnsweredQuestion& q = made.answered.front();
    const form::Row& row = form.row(q.row);
    bool select =
        row.type == form::RowType::select_one || row.type == form::RowType::select_multiple;
    if (select)
        wrong[q.at] = row.type == form::RowType::select_one ? json("no_such_choice")
                                                            : json::array({"no_such_choice"});
    else
        wrong[q.at] = json::object({{"not", "an answer"}});
    auto refused = form::validate_answers(form, wrong);
    ASSERT_FALSE(refused.ok()) << file << ": a wrong answer to " << q.path << " was accepted";
    EXPECT_TRUE(std::any_of(refused.violations.begin(), refused.violations.end(),
                            [&](const auto& p) { return p.path == q.path; }))
        << file << ": the refusal does not name " << q.path;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
    std::string n;
    for (char c : info.param) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(Forms, Corpus, ::testing::ValuesIn(corpus_files()), test_name);
INSTANTIATE_TEST_SUITE_P(Forms, CleanCorpus, ::testing::ValuesIn(clean_files()), test_name);

}  // namespace
}  // namespace canvass::xlsform
