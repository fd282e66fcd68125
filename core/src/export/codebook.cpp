// codebook.csv: one row per variable of every table (a field, or a metadata column) with
// what an analyst needs to read the data without the form: its CSV column(s), its type,
// its label and choices in every language, the form's logic, and its Stata and SPSS names.
#include <map>

#include "export/cells.hpp"
#include "export/csv.hpp"
#include "canvass/output_file.hpp"
#include "export/stat_model.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

namespace {

std::string expression(const std::optional<form::Expression>& e) {
    return e ? e->source() : std::string();
}

std::string type_text(const form::Row& row) {
    std::string t(form::type_name(row.type));
    return row.list_name.empty() ? t : t + " " + row.list_name;
}

std::string choices_in(const form::Form& form, const form::Row& row, const std::string& lang) {
    const auto* list = form.choices(row.list_name);
    if (!list) return {};
    std::string out;
    for (const auto& c : list->choices) {
        if (!out.empty()) out += ";";
        out += c.name + "=" + form::text_in(c.label, lang, form.settings().default_language);
    }
    return out;
}

std::string columns_of(const ExportSpec& job, std::size_t table, const form::Row& row) {
    std::string base =
        job.csv.group_paths ? odk_column(job.form, row, job.layouts[table].repeat) : row.name;
    if (!form::is_geopoint(row.type)) return base;
    std::string out;
    for (const char* part : kGeopointParts) out += (out.empty() ? "" : " ") + base + "-" + part;
    return out;
}

// Variable names of each source (field or metadata column) of one table, space-separated.
std::map<std::string, std::string> names_by_source(const std::vector<StatVariable>& vars) {
    std::map<std::string, std::string> out;
    for (const auto& v : vars) {
        auto& s = out[v.source];
        s += (s.empty() ? "" : " ") + v.name;
    }
    return out;
}

// The Stata and SPSS codes of a select's choices, `code=name;…`, and how they were chosen.
std::string codes_of(const StatModel& model, const form::Row& row) {
    if (row.type != form::RowType::select_one && row.type != form::RowType::select_multiple)
        return {};
    auto it = model.label_sets.find(row.list_name);
    if (row.type == form::RowType::select_multiple) return "0/1 per choice";
    if (it == model.label_sets.end()) return {};
    const auto& set = it->second;
    std::string out =
        set.choice_names ? "the choice names (all integers): " : "1..n in choice order: ";
    const auto& names = set.names;
    for (std::size_t i = 0; i < set.labels.size(); ++i) {
        out += (i ? ";" : "") + std::to_string(set.labels[i].first) + "=" + names[i];
    }
    return out;
}

std::string table_name(const ExportSpec& job, std::size_t t) {
    auto path = table_path(job, t, "csv");
    return path.substr(path.rfind('/') + 1);
}

// Written when the survey is complete: it names the Stata and SPSS variables and codes,
// which depend on the select values met.
Result<void> write_codebook(const ExportSpec& job, ExportResult& result) {
    const auto& langs = job.form.languages();
    std::vector<std::string> header{"table", "name", "column", "type"};
    for (const auto& l : langs) header.push_back("label::" + l);
    for (const auto& l : langs) header.push_back("hint::" + l);
    for (const auto& l : langs) header.push_back("choices::" + l);
    for (const char* h : {"relevant", "constraint", "required", "calculation", "choice_filter",
                          "description", "stata", "spss", "codes"}) {
        header.push_back(h);
    }
    auto dta = stat_model(job, StatFormat::dta);
    auto sav = stat_model(job, StatFormat::sav);

    CANVASS_TRY(auto file, OutputFile::create(job.dir + "/codebook.csv"));
    write_csv_record(file.stream(), header);
    std::size_t n = 0;
    auto meta_row = [&](std::size_t t, const MetaColumn& m,
                        const std::map<std::string, std::string>& d,
                        const std::map<std::string, std::string>& s) {
        std::vector<std::string> r{table_name(job, t), m.name, m.name, "metadata"};
        r.resize(4 + 3 * langs.size() + 5);
        r.push_back(m.description);
        r.push_back(d.count(m.name) ? d.at(m.name) : "");
        r.push_back(s.count(m.name) ? s.at(m.name) : "");
        r.push_back({});
        write_csv_record(file.stream(), r);
        ++n;
    };
    for (std::size_t t = 0; t < job.layouts.size(); ++t) {
        auto d = names_by_source(dta.tables[t]);
        auto s = names_by_source(sav.tables[t]);
        if (t == 0) meta_row(t, submission_date_column(), d, s);
        for (form::RowId id : job.layouts[t].fields) {
            const auto& row = job.form.row(id);
            std::vector<std::string> r{table_name(job, t), row.name, columns_of(job, t, row),
                                       type_text(row)};
            const auto& def = job.form.settings().default_language;
            for (const auto& l : langs) r.push_back(form::text_in(row.label, l, def));
            for (const auto& l : langs) r.push_back(form::text_in(row.hint, l, def));
            for (const auto& l : langs) r.push_back(choices_in(job.form, row, l));
            for (const auto* e : {&row.relevant, &row.constraint, &row.required, &row.calculation,
                                  &row.choice_filter}) {
                r.push_back(expression(*e));
            }
            r.push_back({});
            r.push_back(d[row.name]);
            r.push_back(s[row.name]);
            r.push_back(codes_of(dta, row));
            write_csv_record(file.stream(), r);
            ++n;
        }
        if (t == 0) {
            std::string instance_id = job.csv.group_paths ? "meta-instanceID" : "instanceID";
            meta_row(
                t,
                {instance_id, "the record's instanceID, uuid:<record id> (the same as KEY)", false},
                d, s);
            for (const auto& m : meta_columns()) meta_row(t, m, d, s);
        } else {
            meta_row(t,
                     {"PARENT_KEY",
                      "key of the enclosing row (KEY of the main table or of the enclosing "
                      "repeat's table)",
                      false},
                     d, s);
            meta_row(
                t,
                {"KEY", "key of this row: the parent's key, the groups, then <repeat>[<position>]",
                 false},
                d, s);
        }
    }
    CANVASS_TRY_VOID(file.commit());
    result.files.push_back({file.path(), n, "variables"});
    return {};
}

class CodebookWriter final : public RecordWriter {
  public:
    explicit CodebookWriter(const ExportSpec& spec) : spec_(spec) {}
    Result<void> begin() override { return {}; }
    Result<void> add(const ExportRecord&, const RecordRows&) override { return {}; }
    Result<void> finish(ExportResult& result) override { return write_codebook(spec_, result); }

  private:
    const ExportSpec& spec_;
};

}  // namespace

std::unique_ptr<RecordWriter> codebook_writer(const ExportSpec& spec) {
    return std::make_unique<CodebookWriter>(spec);
}

}  // namespace canvass::exporting
