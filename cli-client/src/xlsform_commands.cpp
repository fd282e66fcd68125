// `canvass form import` and `canvass form export`: XLSForm spreadsheets to the JSON twin
// and back (docs/xlsform.md).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <memory>

#include "app.hpp"
#include "canvass/forms.hpp"

namespace canvass::cli {
namespace {

struct ImportOptions {
    std::string file;
    std::string out;
};

void run_import(const ImportOptions& o, Context& ctx) {
    auto imported = import_xlsform(o.file);
    // On stderr: without --out, stdout is the twin itself.
    for (const auto& w : imported.warnings) ctx.err << o.file << ": warning: " << w.text << "\n";
    if (!imported.valid()) {
        for (const auto& p : imported.problems) ctx.out << o.file << ": " << p.text << "\n";
        ctx.err << "canvass: " << o.file << ": " << imported.problems.size()
                << (imported.problems.size() == 1 ? " problem" : " problems")
                << "; nothing was written\n";
        ctx.exit_code = exit_failure;
        return;
    }
    if (o.out.empty()) {
        ctx.out << imported.json_text;
        return;
    }
    std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
    out << imported.json_text;
    out.close();
    if (!out) {
        ctx.err << "canvass: cannot write " << o.out << "\n";
        ctx.exit_code = exit_failure;
        return;
    }
    ctx.out << "wrote " << o.out << ": " << imported.form->form_id << " version "
            << imported.form->version << ", " << imported.form->questions << " questions\n";
}

struct ExportOptions {
    std::string form;
    std::string out;
};

void run_export(const ExportOptions& o, Context& ctx) {
    auto checked = check_form_file(o.form);
    if (!checked.valid()) {
        for (const auto& p : checked.problems) ctx.out << o.form << ": " << p.text << "\n";
        ctx.err << "canvass: " << o.form << " is not a valid form; nothing was written\n";
        ctx.exit_code = exit_failure;
        return;
    }
    if (auto written = write_xlsform(checked.json_text, o.out); !written) {
        ctx.err << "canvass: " << written.error().message << "\n";
        ctx.exit_code = exit_failure;
        return;
    }
    ctx.out << "wrote " << o.out << ": " << checked.form->form_id << " version "
            << checked.form->version << " as an XLSForm (survey, choices and settings sheets)\n";
}

}  // namespace

void add_xlsform_commands(CLI::App& app, Context& ctx) {
    CLI::App* form_cmd = nullptr;
    try {
        form_cmd = app.get_subcommand("form");
    } catch (const CLI::OptionNotFound&) {
        form_cmd = app.add_subcommand("form", "check, validate and install forms");
    }

    auto imp = std::make_shared<ImportOptions>();
    auto* import_cmd =
        form_cmd->add_subcommand("import",
                                 "convert an XLSForm (.xlsx or .xls) to canvass's JSON form; every "
                                 "problem by sheet, row and column");
    import_cmd->add_option("FILE", imp->file, "the XLSForm spreadsheet")->required();
    import_cmd->add_option("--out", imp->out,
                           "where to write the JSON form (default: standard output)");
    import_cmd->callback([imp, &ctx] { run_import(*imp, ctx); });

    auto exp = std::make_shared<ExportOptions>();
    auto* export_cmd = form_cmd->add_subcommand(
        "export",
        "write a form (JSON, .xlsx or .xls) as an XLSForm .xlsx to keep editing in a spreadsheet");
    export_cmd->add_option("FORM", exp->form, "the form file")->required();
    export_cmd->add_option("--out", exp->out, "the .xlsx file to write")->required();
    export_cmd->callback([exp, &ctx] { run_export(*exp, ctx); });
}

}  // namespace canvass::cli
