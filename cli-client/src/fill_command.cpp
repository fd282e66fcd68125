// `canvass fill FORM --answers FILE [--finalize] [--keep-valid --refused FILE] [--lang L]`:
// new records from a JSON answers file, or many from JSON Lines (a bulk import). The file is
// read a line at a time; every line is checked, every problem reported with its line number,
// and nothing is saved unless every line is valid, or, with --keep-valid, the valid lines
// are saved and the refused ones written to a file to fix. Lines imported before (same
// instanceID, or same answers) are skipped, so running it again never duplicates a record.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app.hpp"
#include "device_options.hpp"
#include "canvass/output_file.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct FillArgs {
    std::string form, answers, lang, refused;
    bool finalize = false;
    bool keep_valid = false;
    bool json = false;
};

// One problem of one line of the answers file.
struct LineProblem {
    std::size_t line = 0;
    std::string path, message;
};

// The records of an answers file, a line at a time. A file whose first line is not a whole
// JSON document is one JSON object over several lines (read whole, like any answers file).
class AnswersReader {
  public:
    explicit AnswersReader(std::istream& in) : in_(&in) {}

    // The next non-blank line as (line number, text); false at the end.
    bool next(std::size_t& number, std::string& text) {
        while (std::getline(*in_, text)) {
            number = ++line_;
            if (!text.empty() && text.back() == '\r') text.pop_back();
            if (line_ == 1 && text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a BOM
            if (text.find_first_not_of(" \t") == std::string::npos) continue;
            if (!first_seen_) {
                first_seen_ = true;
                if (!json::accept(text)) whole_document(text);
            }
            return true;
        }
        return false;
    }

  private:
    // The first line does not parse alone: the file may be one object over many lines. If it
    // is, it is one record (at line 1); if not, the lines are read again one by one, so each
    // is reported on its own.
    void whole_document(std::string& text) {
        std::ostringstream rest;
        rest << in_->rdbuf();
        std::string all = text + "\n" + rest.str();
        if (json::parse(all, nullptr, false).is_object()) {
            text = std::move(all);
            buffer_.str("");
        } else {
            buffer_.str(rest.str());  // the first line is then reported as it is
        }
        in_ = &buffer_;
    }

    std::istream* in_;
    std::istringstream buffer_;
    std::size_t line_ = 0;
    bool first_seen_ = false;
};

// A parse error's message without its line number within the line: the file's line number
// is said before it.
std::string without_line_one(std::string message) {
    if (auto at = message.find("at line 1, column "); at != std::string::npos)
        message.erase(at + 3, 8);
    return message;
}

class Fill {
  public:
    Fill(const FillArgs& a, Context& ctx) : a_(a), ctx_(ctx) {}

    void run(Device& device, std::istream& in) {
        auto import = device.begin_import(a_.form, a_.finalize, a_.lang, base_dir().string());
        if (!import) return fail(ctx_, import.error());
        std::optional<OutputFile> refused_file;
        if (a_.keep_valid) {
            auto f = OutputFile::create(a_.refused);
            if (!f) return fail(ctx_, f.error());
            refused_file.emplace(std::move(f).value());
        }
        AnswersReader reader(in);
        std::size_t number = 0;
        std::string text;
        while (reader.next(number, text)) {
            ++lines_;
            auto line = import->add(text, a_.keep_valid || import->refused() == 0);
            if (!line) return fail(ctx_, line.error());  // the store failed: nothing is saved
            if (line->outcome == Import::Outcome::saved && first_id_.empty())
                first_id_ = line->record;
            if (line->outcome == Import::Outcome::skipped && line->same_as) ++repeated_;
            if (line->outcome != Import::Outcome::refused) continue;
            for (auto& p : line->problems)
                report({number, std::move(p.path), without_line_one(std::move(p.message))});
            ++refused_lines_;
            if (refused_file) refused_file->stream() << text << "\n";
        }
        if (lines_ == 0) return fail(ctx_, a_.answers + ": no answers in it");
        if (refused_lines_ > 0 && !a_.keep_valid) return refuse_all(*import);
        if (refused_file && refused_lines_ > 0) {
            // Written before the records are committed: a refused line is never lost.
            if (auto c = refused_file->commit(); !c) return fail(ctx_, c.error());
        }
        if (auto c = import->commit(); !c) return fail(ctx_, c.error());
        summarize(*import);
    }

  private:
    // Attachment paths are relative to the answers file's folder (stdin: the working folder).
    std::filesystem::path base_dir() const {
        if (a_.answers == "-") return std::filesystem::current_path();
        return std::filesystem::absolute(a_.answers).parent_path();
    }

    void report(LineProblem p) {
        if (a_.json) {
            problems_.push_back(std::move(p));
            return;
        }
        ctx_.err << a_.answers << ":" << p.line << ": " << (p.path.empty() ? "" : p.path + ": ")
                 << p.message << "\n";
    }

    json counts(const Import& import, bool saved) const {
        json problems = json::array();
        for (const auto& p : problems_)
            problems.push_back({{"line", p.line}, {"path", p.path}, {"message", p.message}});
        return {{"lines", lines_},
                {"saved", saved ? import.saved() : 0},
                {"skipped", import.skipped()},
                {"repeated", repeated_},  // of the skipped: same key as an earlier line of the file
                {"refused", refused_lines_},
                {"refused_file", refused_lines_ > 0 && a_.keep_valid ? json(a_.refused) : json()},
                {"problems", problems}};
    }

    void refuse_all(const Import& import) {
        ctx_.exit_code = exit_failure;
        if (a_.json) {
            ctx_.out << counts(import, false).dump(2) << "\n";
            return;
        }
        ctx_.err
            << "canvass: nothing saved: " << refused_lines_ << " of " << lines_ << " line"
            << (lines_ == 1 ? "" : "s") << " of " << a_.answers
            << (refused_lines_ == 1 ? " has" : " have")
            << " problems (listed above). Fix them and run "
            << "the same command again (lines saved before are skipped), or save the valid lines "
               "now with --keep-valid --refused FILE\n";
    }

    void summarize(const Import& import) {
        if (refused_lines_ > 0) ctx_.exit_code = exit_failure;
        if (a_.json) {
            ctx_.out << counts(import, true).dump(2) << "\n";
            return;
        }
        const char* what = a_.finalize ? "finalized" : "draft";
        if (import.saved() == 1 && lines_ == 1) {
            ctx_.out << "saved " << what << " record " << first_id_ << "\n";
        } else {
            ctx_.out << "saved " << import.saved() << " " << what << " record"
                     << (import.saved() == 1 ? "" : "s");
            if (std::size_t before = import.skipped() - repeated_)
                ctx_.out << ", skipped " << before << " imported before";
            if (repeated_) {
                ctx_.out << ", skipped " << repeated_ << " line" << (repeated_ == 1 ? "" : "s")
                         << " repeating an earlier one (same instanceID, or same answers)";
            }
            ctx_.out << "\n";
        }
        if (import.saved() == 0 && import.skipped() > 0 && lines_ == 1)
            ctx_.out << "(these answers were imported before; nothing new was saved)\n";
        if (refused_lines_ > 0) {
            ctx_.err << "canvass: " << refused_lines_ << " line" << (refused_lines_ == 1 ? "" : "s")
                     << " refused (listed above) and written to " << a_.refused
                     << ": fix them there and run 'canvass fill " << a_.form << " --answers "
                     << a_.refused << "'\n";
        }
    }

    const FillArgs& a_;
    Context& ctx_;
    std::size_t lines_ = 0, refused_lines_ = 0, repeated_ = 0;
    std::string first_id_;               // the first record saved
    std::vector<LineProblem> problems_;  // --json only
};

}  // namespace

void add_fill_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<FillArgs>();
    auto* fill = app.add_subcommand(
        "fill", "save answers from a file as new records (one, or a bulk import)");
    fill->add_option("FORM", a->form, "form id")->required();
    fill->add_option("--answers", a->answers,
                     "JSON object, or JSON Lines of many records ('-': stdin)")
        ->required();
    fill->add_flag("--finalize", a->finalize, "finalize the records (else they stay drafts)");
    auto* keep =
        fill->add_flag("--keep-valid", a->keep_valid,
                       "save the valid lines even if others have problems (else nothing is saved)");
    auto* refused =
        fill->add_option("--refused", a->refused,
                         "with --keep-valid: where to write the refused lines, to fix them");
    keep->needs(refused);
    refused->needs(keep);
    fill->add_option("--lang", a->lang, "language of the problems' messages");
    fill->add_flag("--json", a->json, "machine-readable summary and problems");
    fill->callback([dev, a, &ctx] {
        std::ifstream file;
        std::istream* in = &ctx.in;
        if (a->answers != "-") {
            file.open(a->answers, std::ios::binary);
            if (!file) return fail(ctx, "cannot read " + a->answers);
            in = &file;
        }
        auto device = open_device(*dev, ctx);
        if (!device) return;
        Fill(*a, ctx).run(*device, *in);
    });
}

}  // namespace canvass::cli
