// `canvass form check` and `canvass form validate`: the form engine on files, no store;
// `canvass form add`, the form installed on this device (canvass::Device).
// Form files are JSON twins or XLSForm spreadsheets (.xlsx, .xls), decided by content.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "canvass/forms.hpp"
#include "device_options.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

// Largest answers file read (JSON Lines of many records); a form is capped by the loader.
constexpr std::uintmax_t max_answers_bytes = 256u << 20;

Result<std::string> read_text(const std::string& path, std::uintmax_t max_bytes) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return unexpected(Domain::core, errc::io, "cannot read " + path + ": " + ec.message());
    if (size > max_bytes)
        return unexpected(Domain::core, errc::limit_exceeded,
                          path + ": file larger than " + std::to_string(max_bytes >> 20) + " MiB");
    std::ifstream in(path, std::ios::binary);
    std::string text(size, '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
        return unexpected(Domain::core, errc::io, "cannot read " + path);
    return text;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
}

json problem_json(const FormProblem& p) {
    json j = {{"path", p.path}, {"message", p.message}};
    if (!p.sheet.empty()) j["sheet"] = p.sheet;
    if (p.row) j["row"] = p.row;
    if (!p.column.empty()) j["column"] = p.column;
    return j;
}

std::string answer_line(const std::string& where, const AnswerProblem& p) {
    return where + ": " + (p.path.empty() ? p.message : p.path + ": " + p.message);
}

// `form add FILE`: the form installed on this device, from a JSON twin or a spreadsheet.
void run_add(const std::string& file, const DeviceOptions& dev, Context& ctx) {
    std::string text;
    if (file == "-") {
        auto read = read_file(file, ctx);
        if (!read) return fail(ctx, read.error());
        text = std::move(read).value();
    } else {
        auto read = check_form_file(file);
        for (const auto& w : read.warnings) ctx.err << file << ": warning: " << w.text << "\n";
        if (!read.valid()) {
            for (const auto& p : read.problems) ctx.err << file << ": " << p.text << "\n";
            return fail(ctx, file + " is not a valid form; nothing was installed");
        }
        text = std::move(read.json_text);
    }
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto added = device->add_form(text);
    if (!added) return fail(ctx, file + ": " + added.error().message);
    const auto info = json::parse(*added);
    ctx.out << "installed " << info.at("form_id").get<std::string>() << " version "
            << info.at("version").get<std::string>() << " (" << info.at("questions")
            << " questions)\n";
}

struct CheckOptions {
    std::vector<std::string> files;
    bool json = false;
};

void run_check(const CheckOptions& o, Context& ctx) {
    json report = json::array();
    bool all_valid = true;
    for (const auto& file : o.files) {
        auto checked = check_form_file(file);
        json warnings = json::array();
        for (const auto& w : checked.warnings) {
            warnings.push_back(problem_json(w));
            if (!o.json) ctx.out << file << ": warning: " << w.text << "\n";
        }
        if (!checked.valid()) {
            all_valid = false;
            json problems = json::array();
            for (const auto& p : checked.problems) {
                problems.push_back(problem_json(p));
                if (!o.json) ctx.out << file << ": " << p.text << "\n";
            }
            report.push_back({{"file", file}, {"valid", false}, {"problems", problems}});
            if (!warnings.empty()) report.back()["warnings"] = warnings;
            continue;
        }
        const auto& s = *checked.form;
        report.push_back({{"file", file},
                          {"valid", true},
                          {"form_id", s.form_id},
                          {"version", s.version},
                          {"questions", s.questions},
                          {"languages", s.languages}});
        if (!warnings.empty()) report.back()["warnings"] = warnings;
        if (!o.json)
            ctx.out << file << ": ok: " << s.form_id << " version " << s.version << ", "
                    << s.questions << " questions, languages " << join(s.languages, " ") << "\n";
    }
    if (o.json) ctx.out << report.dump(2) << "\n";
    ctx.exit_code = all_valid ? exit_ok : exit_failure;
}

struct ValidateOptions {
    std::string form_file;
    std::string answers_file;
    std::string lang;
    bool final = false;
    bool json = false;
};

// One answer set of an answers file: its text and its line.
struct AnswerSet {
    std::string text;
    std::size_t line = 0;  // 0 when the file is a single JSON document
};

// A file is one JSON document, or else JSON Lines (one answer set per non-blank line). A
// file that is neither is one set, whose check reports the whole-document parse error
// (which names line and column).
std::vector<AnswerSet> split_answers(const std::string& text) {
    if (json::accept(text)) return {AnswerSet{text, 0}};
    std::vector<AnswerSet> sets;
    std::istringstream lines(text);
    std::string line;
    for (std::size_t n = 1; std::getline(lines, line); ++n) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        if (sets.empty() && !json::accept(line)) return {AnswerSet{text, 0}};
        sets.push_back({line, n});
    }
    if (sets.empty()) return {AnswerSet{text, 0}};
    return sets;
}

void run_validate(const ValidateOptions& o, Context& ctx) {
    auto checked = check_form_file(o.form_file);
    if (!checked.valid()) {
        for (const auto& p : checked.problems) ctx.out << o.form_file << ": " << p.text << "\n";
        ctx.exit_code = exit_failure;
        return;
    }
    const auto& f = *checked.form;
    if (!o.lang.empty() &&
        std::find(f.languages.begin(), f.languages.end(), o.lang) == f.languages.end()) {
        ctx.err << "canvass: --lang " << o.lang << ": form " << f.form_id << " is written in "
                << join(f.languages, ", ") << "\n";
        ctx.exit_code = exit_usage;
        return;
    }
    auto text = read_text(o.answers_file, max_answers_bytes);
    if (!text) {
        ctx.err << "canvass: " << text.error().message << "\n";
        ctx.exit_code = exit_failure;
        return;
    }
    AnswersCheck how;
    how.final = o.final;
    how.language = o.lang;
    // A file named at a media question is read as `fill` would attach it.
    how.files_dir = o.answers_file == "-"
                        ? std::string(".")
                        : std::filesystem::path(o.answers_file).parent_path().string();
    auto sets = split_answers(*text);
    json report = json::array();
    std::size_t failing = 0;
    for (std::size_t i = 0; i < sets.size(); ++i) {
        const AnswerSet& set = sets[i];
        std::vector<AnswerProblem> problems;
        // The form and the language were checked above: a failure is the set's JSON.
        if (auto found = check_answers(checked.json_text, set.text, how))
            problems = std::move(found).value();
        else
            problems.push_back({"", found.error().message});
        if (!problems.empty()) ++failing;
        std::string where = o.answers_file + (set.line ? ":" + std::to_string(set.line) : "");
        for (const auto& p : problems) {
            json item = {{"record", i + 1}, {"path", p.path}, {"message", p.message}};
            if (set.line) item["line"] = set.line;
            report.push_back(std::move(item));
            if (!o.json) ctx.out << answer_line(where, p) << "\n";
        }
    }
    if (o.json) {
        ctx.out << report.dump(2) << "\n";
    } else if (failing == 0) {
        ctx.out << o.answers_file << ": " << sets.size()
                << (sets.size() == 1 ? " record" : " records") << " valid against " << f.form_id
                << " version " << f.version << "\n";
    } else {
        ctx.out << o.answers_file << ": " << failing << " of " << sets.size()
                << " records with violations\n";
    }
    ctx.exit_code = failing == 0 ? exit_ok : exit_failure;
}

}  // namespace

void add_form_commands(CLI::App& app, Context& ctx) {
    CLI::App* form_cmd = nullptr;
    try {
        form_cmd = app.get_subcommand("form");
    } catch (const CLI::OptionNotFound&) {
        form_cmd = app.add_subcommand("form", "check, validate and install forms");
    }
    form_cmd->require_subcommand(1);

    auto dev = add_device_options(app, ctx);
    auto add_file = std::make_shared<std::string>();
    auto* add = form_cmd->add_subcommand("add", "install a form on this device (no server needed)");
    add->add_option("FILE", *add_file, "form file: JSON, .xlsx or .xls")->required();
    add->callback([dev, add_file, &ctx] { run_add(*add_file, *dev, ctx); });

    auto check = std::make_shared<CheckOptions>();
    auto* check_cmd = form_cmd->add_subcommand(
        "check",
        "check form files; print a summary of each valid one, every problem of the others");
    check_cmd->add_option("FILE", check->files, "form files: JSON, .xlsx or .xls")->required();
    check_cmd->add_flag("--json", check->json, "print a JSON list, one entry per file");
    check_cmd->callback([check, &ctx] { run_check(*check, ctx); });

    auto val = std::make_shared<ValidateOptions>();
    auto* val_cmd = form_cmd->add_subcommand(
        "validate", "check answers (one JSON object, or JSON Lines of many) against a form");
    val_cmd->add_option("FILE", val->form_file, "form file: JSON, .xlsx or .xls")->required();
    val_cmd->add_option("--answers", val->answers_file, "answers: a JSON object or JSON Lines")
        ->required();
    val_cmd->add_option("--lang", val->lang, "language of the messages (default: the form's)");
    val_cmd->add_flag("--final", val->final,
                      "check as a finished interview: required answers must be there");
    val_cmd->add_flag("--json", val->json, "print a JSON list of violations");
    val_cmd->callback([val, &ctx] { run_validate(*val, ctx); });
}

}  // namespace canvass::cli
