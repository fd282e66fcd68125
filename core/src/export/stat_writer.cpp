// Stata .dta and SPSS .sav files through ReadStat's writer API: one file per table, the
// variables of stat_model.hpp, value labels for select_one codes.
#include <readstat.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "canvass/output_file.hpp"
#include "export/stat_model.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

namespace {

// Limits of the file formats, in bytes unless said otherwise.
constexpr std::size_t kStataLabelChars = 80;  // variable and data labels, characters
constexpr std::size_t kStataMaxStr = 2045;    // longer strings become strL
constexpr std::size_t kSpssVariableLabel = 255;
constexpr std::size_t kSpssValueLabel = 120;
constexpr std::size_t kSpssFileLabel = 64;
constexpr std::size_t kSpssMaxString = 32767;
constexpr long kStataFormatVersion = 118;  // Stata 14 and later, UTF-8

using Writer = std::unique_ptr<readstat_writer_t, decltype(&readstat_writer_free)>;

ssize_t write_to_stream(const void* data, size_t len, void* ctx) {
    auto* out = static_cast<std::ostream*>(ctx);
    out->write(static_cast<const char*>(data), static_cast<std::streamsize>(len));
    return *out ? static_cast<ssize_t>(len) : -1;
}

Unexpected<Error> readstat_failed(const std::string& path, const std::string& what,
                                  readstat_error_t e) {
    return unexpected(Domain::core, errc::io,
                      path + ": " + what + ": " + readstat_error_message(e));
}

std::string fit_label(const std::string& text, StatFormat format, std::size_t spss_bytes) {
    if (format == StatFormat::dta) return utf8_chars(text, kStataLabelChars);
    return utf8_prefix(text, spss_bytes);
}

// One table's file: the variables and labels when it begins, then its rows as they come.
class TableWriter {
  public:
    TableWriter(const ExportSpec& spec, StatFormat format, const StatModel& model,
                std::size_t table)
        : job_(spec),
          format_(format),
          model_(model),
          table_(table),
          vars_(model.tables[table]),
          path_(table_path(spec, table, format == StatFormat::dta ? "dta" : "sav")),
          writer_(readstat_writer_init(), &readstat_writer_free) {
        for (std::size_t i = 0; i < vars_.size(); ++i) {
            if (is_string_ref(vars_[i])) string_refs_[i];
        }
    }

    // Stata keeps texts longer than its str2045 in a table of strLs its header maps, so their
    // every value must be known before the first row (ReadStat holds them until the end).
    bool needs_gathering() const { return !string_refs_.empty(); }
    void gather(const std::vector<TableRow>& rows) {
        for (auto& [var, texts] : string_refs_) {
            for (const auto& row : rows) {
                auto cell = vars_[var].value(row);
                const auto* text = std::get_if<std::string>(&cell);
                texts.gathered.push_back(text ? std::optional<std::string>(*text) : std::nullopt);
            }
        }
    }

    Result<void> begin() {
        readstat_writer_t* w = writer_.get();
        if (!w) return unexpected(Domain::core, errc::limit_exceeded, "out of memory");
        readstat_set_data_writer(w, &write_to_stream);
        auto title = form::text_in(job_.form.settings().title, job_.lang,
                                   job_.form.settings().default_language);
        readstat_writer_set_file_label(w, fit_label(title, format_, kSpssFileLabel).c_str());
        if (format_ == StatFormat::dta) {
            readstat_writer_set_file_format_version(w, kStataFormatVersion);
        } else {
            readstat_writer_set_compression(w, READSTAT_COMPRESS_ROWS);
        }
        add_label_sets(w);
        add_variables(w);

        CANVASS_TRY(auto file, OutputFile::create(path_));
        file_.emplace(std::move(file));
        void* ctx = &file_->stream();
        auto rows = static_cast<long>(job_.survey.rows(table_));
        readstat_error_t e = format_ == StatFormat::dta ? readstat_begin_writing_dta(w, ctx, rows)
                                                        : readstat_begin_writing_sav(w, ctx, rows);
        if (e != READSTAT_OK) return readstat_failed(path_, "cannot start the file", e);
        return validate(w);
    }

    Result<void> add(const std::vector<TableRow>& rows) {
        for (const auto& row : rows) CANVASS_TRY_VOID(write_row(writer_.get(), row));
        return {};
    }

    Result<void> finish(ExportResult& result) {
        if (written_ != job_.survey.rows(table_)) {
            return unexpected(
                Domain::core, errc::io,
                path_ + ": " + std::to_string(written_) + " rows written but the survey counted " +
                    std::to_string(job_.survey.rows(table_)) + ": the passes saw other records");
        }
        auto e = readstat_end_writing(writer_.get());
        if (e != READSTAT_OK) return readstat_failed(path_, "cannot finish the file", e);
        CANVASS_TRY_VOID(file_->commit());
        result.files.push_back({path_, written_});
        report_dropped(result);
        return {};
    }

  private:
    // Value labels of the missing values, after a set's own labels.
    void label_missing(readstat_label_set_t* ls, bool int32) {
        if (format_ == StatFormat::dta) {
            readstat_label_tagged_value(ls, kStataNotRelevant, kNotRelevantLabel);
            readstat_label_tagged_value(ls, kStataNotAnswered, kNotAnsweredLabel);
        } else if (int32) {
            readstat_label_int32_value(ls, static_cast<int32_t>(kSpssNotRelevant),
                                       kNotRelevantLabel);
            readstat_label_int32_value(ls, static_cast<int32_t>(kSpssNotAnswered),
                                       kNotAnsweredLabel);
        } else {
            readstat_label_double_value(ls, kSpssNotRelevant, kNotRelevantLabel);
            readstat_label_double_value(ls, kSpssNotAnswered, kNotAnsweredLabel);
        }
    }

    void add_label_sets(readstat_writer_t* w) {
        std::set<std::string> used;
        bool missing_used = false;
        for (const auto& v : vars_) {
            if (v.kind == VarKind::coded) used.insert(v.label_set);
            if (uses_missing_set(v)) missing_used = true;
        }
        for (const auto& [list, set] : model_.label_sets) {
            if (!used.count(set.name)) continue;
            auto* ls = readstat_add_label_set(w, READSTAT_TYPE_INT32, set.name.c_str());
            for (const auto& [code, text] : set.labels) {
                auto label = format_ == StatFormat::sav ? utf8_prefix(text, kSpssValueLabel) : text;
                readstat_label_int32_value(ls, code, label.c_str());
            }
            label_missing(ls, true);
            label_sets_[set.name] = ls;
        }
        if (missing_used) {
            // Stata's value labels are integers (the tagged missing values among them).
            auto type = format_ == StatFormat::dta ? READSTAT_TYPE_INT32 : READSTAT_TYPE_DOUBLE;
            auto* ls = readstat_add_label_set(w, type, model_.missing_set.c_str());
            label_missing(ls, false);
            label_sets_[model_.missing_set] = ls;
        }
    }

    // Numeric fields without choices carry the missing values' labels.
    static bool uses_missing_set(const StatVariable& v) {
        return v.row && (v.kind == VarKind::number || v.kind == VarKind::dummy);
    }
    // Fields whose empty values say why (dates only in Stata: SPSS dates have no codes to spare).
    bool says_why_missing(const StatVariable& v) const {
        if (!v.why_missing || v.kind == VarKind::text) return false;
        if (format_ == StatFormat::sav)
            return v.kind == VarKind::number || v.kind == VarKind::coded ||
                   v.kind == VarKind::dummy;
        return true;
    }

    static const char* date_format(VarKind kind, StatFormat format) {
        bool stata = format == StatFormat::dta;
        switch (kind) {
            case VarKind::date:
                return stata ? "%td" : "DATE11";
            case VarKind::datetime:
                return stata ? "%tc" : "DATETIME23.3";
            case VarKind::time:
                return stata ? "%tcHH:MM:SS" : "TIME8";
            default:
                return nullptr;
        }
    }

    // Widest text of a variable, in bytes (at least 1: a zero width means "default").
    std::size_t text_width(const StatVariable& v) const {
        const auto& survey = job_.survey;
        return std::max<std::size_t>(1, v.row ? survey.field(table_, v.row->id).text_bytes
                                              : survey.meta_bytes(table_, v.source));
    }
    bool is_string_ref(const StatVariable& v) const {
        return format_ == StatFormat::dta && v.kind == VarKind::text &&
               text_width(v) > kStataMaxStr;
    }

    // SPSS shows numbers with two decimals unless told; codes and counts have none.
    static bool whole_numbers(const StatVariable& v) {
        if (v.kind == VarKind::coded || v.kind == VarKind::dummy) return true;
        if (v.kind != VarKind::number) return false;
        return v.row ? v.row->type == form::RowType::integer : true;  // metadata numbers are counts
    }

    void add_variables(readstat_writer_t* w) {
        for (const auto& v : vars_) {
            readstat_type_t type = READSTAT_TYPE_DOUBLE;
            std::size_t width = 0;
            if (v.kind == VarKind::coded) type = READSTAT_TYPE_INT32;
            if (v.kind == VarKind::dummy && format_ == StatFormat::dta) type = READSTAT_TYPE_INT8;
            if (v.kind == VarKind::text) {
                width = text_width(v);
                type = READSTAT_TYPE_STRING;
                if (is_string_ref(v)) type = READSTAT_TYPE_STRING_REF;
                if (format_ == StatFormat::sav) width = std::min(width, kSpssMaxString);
            }
            auto* var = readstat_add_variable(w, v.name.c_str(), type, width);
            if (type == READSTAT_TYPE_STRING_REF) add_string_refs(w, variables_.size());
            readstat_variable_set_label(var,
                                        fit_label(v.label, format_, kSpssVariableLabel).c_str());
            if (v.kind == VarKind::coded)
                readstat_variable_set_label_set(var, label_sets_.at(v.label_set));
            if (uses_missing_set(v))
                readstat_variable_set_label_set(var, label_sets_.at(model_.missing_set));
            if (const char* f = date_format(v.kind, format_)) {
                readstat_variable_set_format(var, f);
            } else if (format_ == StatFormat::sav && whole_numbers(v)) {
                readstat_variable_set_format(var, "F12.0");
            }
            if (format_ == StatFormat::sav && says_why_missing(v)) {
                readstat_variable_add_missing_double_value(var, kSpssNotRelevant);
                readstat_variable_add_missing_double_value(var, kSpssNotAnswered);
            }
            variables_.push_back(var);
            types_.push_back(type);
        }
    }

    // A strL's texts, gathered: empty cells share one empty text.
    void add_string_refs(readstat_writer_t* w, std::size_t var) {
        auto& texts = string_refs_.at(var);
        readstat_string_ref_t* empty = nullptr;
        for (const auto& text : texts.gathered) {
            if (text) {
                texts.refs.push_back(readstat_add_string_ref(w, text->c_str()));
                continue;
            }
            if (!empty) empty = readstat_add_string_ref(w, "");
            texts.refs.push_back(empty);
        }
        texts.gathered.clear();
        texts.gathered.shrink_to_fit();  // ReadStat holds its own copies
    }

    Result<void> validate(readstat_writer_t* w) {
        auto e = readstat_validate_metadata(w);
        if (e != READSTAT_OK) return readstat_failed(path_, "invalid file metadata", e);
        for (std::size_t i = 0; i < vars_.size(); ++i) {
            e = readstat_validate_variable(w, variables_[i]);
            if (e != READSTAT_OK) return readstat_failed(path_, "variable " + vars_[i].name, e);
        }
        return {};
    }

    readstat_error_t insert(readstat_writer_t* w, std::size_t i, const TableRow& row,
                            const Cell& cell) {
        const auto& v = vars_[i];
        auto* var = variables_[i];
        if (auto refs = string_refs_.find(i); refs != string_refs_.end()) {
            if (written_ >= refs->second.refs.size()) return READSTAT_ERROR_ROW_COUNT_MISMATCH;
            return readstat_insert_string_ref(w, var, refs->second.refs[written_]);
        }
        const auto* text = std::get_if<std::string>(&cell);
        const auto* number = std::get_if<double>(&cell);
        if (v.kind == VarKind::text) {
            if (!text) return readstat_insert_missing_value(w, var);
            if (text->size() > kSpssMaxString) {
                ++truncated_[v.name];
                return readstat_insert_string_value(w, var,
                                                    utf8_prefix(*text, kSpssMaxString).c_str());
            }
            return readstat_insert_string_value(w, var, text->c_str());
        }
        if (!number) {
            if (text) {
                ++not_numbers_[v.name];
                return readstat_insert_missing_value(w, var);
            }
            if (!says_why_missing(v)) return readstat_insert_missing_value(w, var);
            bool relevant = v.why_missing(row) == MissingKind::not_answered;
            if (format_ == StatFormat::dta) {
                return readstat_insert_tagged_missing_value(
                    w, var, relevant ? kStataNotAnswered : kStataNotRelevant);
            }
            double code = relevant ? kSpssNotAnswered : kSpssNotRelevant;
            if (types_[i] == READSTAT_TYPE_INT32)
                return readstat_insert_int32_value(w, var, static_cast<int32_t>(code));
            return readstat_insert_double_value(w, var, code);
        }
        if (format_ == StatFormat::sav && says_why_missing(v) &&
            (*number == kSpssNotRelevant || *number == kSpssNotAnswered)) {
            ++missing_codes_[v.name];
        }
        if (types_[i] == READSTAT_TYPE_INT32)
            return readstat_insert_int32_value(w, var, static_cast<int32_t>(*number));
        if (types_[i] == READSTAT_TYPE_INT8)
            return readstat_insert_int8_value(w, var, static_cast<int8_t>(*number));
        return readstat_insert_double_value(w, var, *number);
    }

    Result<void> write_row(readstat_writer_t* w, const TableRow& row) {
        auto e = readstat_begin_row(w);
        for (std::size_t i = 0; e == READSTAT_OK && i < vars_.size(); ++i) {
            e = insert(w, i, row, vars_[i].value(row));
            if (e != READSTAT_OK)
                return readstat_failed(path_, "row " + row.key + ", " + vars_[i].name, e);
        }
        if (e == READSTAT_OK) e = readstat_end_row(w);
        if (e != READSTAT_OK) return readstat_failed(path_, "row " + row.key, e);
        ++written_;
        return {};
    }

    void report_dropped(ExportResult& result) {
        for (const auto& [name, n] : not_numbers_) {
            result.warnings.push_back(
                path_ + ": " + std::to_string(n) + " value(s) of " + name +
                " are not numbers (answered under an older form version?) and "
                "are left empty; the CSV and JSON Lines files have them");
        }
        for (const auto& [name, n] : missing_codes_) {
            result.warnings.push_back(path_ + ": " + std::to_string(n) + " value(s) of " + name +
                                      " equal a missing-value code (" +
                                      std::to_string(static_cast<long>(kSpssNotRelevant)) + " or " +
                                      std::to_string(static_cast<long>(kSpssNotAnswered)) +
                                      ") and read as missing in SPSS");
        }
        for (const auto& [name, n] : truncated_) {
            result.warnings.push_back(path_ + ": " + std::to_string(n) + " value(s) of " + name +
                                      " were cut to SPSS's 32767 bytes");
        }
    }

    struct StringRefs {
        std::vector<std::optional<std::string>> gathered;  // one per row, until begin()
        std::vector<readstat_string_ref_t*> refs;          // one per row
    };

    const ExportSpec& job_;
    StatFormat format_;
    const StatModel& model_;
    std::size_t table_;
    const std::vector<StatVariable>& vars_;
    std::string path_;
    Writer writer_;
    std::optional<OutputFile> file_;
    std::size_t written_ = 0;  // rows
    std::map<std::string, readstat_label_set_t*> label_sets_;
    std::vector<readstat_variable_t*> variables_;
    std::vector<readstat_type_t> types_;             // parallel to variables_
    std::map<std::size_t, StringRefs> string_refs_;  // by variable
    std::map<std::string, std::size_t> not_numbers_, truncated_, missing_codes_;
};

// Every table's file of one format, open side by side.
class StatWriter final : public RecordWriter {
  public:
    StatWriter(const ExportSpec& spec, StatFormat format) : model_(stat_model(spec, format)) {
        for (std::size_t t = 0; t < spec.layouts.size(); ++t)
            tables_.emplace_back(spec, format, model_, t);
    }

    bool needs_gathering() const override {
        return std::any_of(tables_.begin(), tables_.end(),
                           [](const TableWriter& t) { return t.needs_gathering(); });
    }
    void gather(const RecordRows& rows) override {
        for (std::size_t t = 0; t < tables_.size(); ++t) tables_[t].gather(rows[t]);
    }
    Result<void> begin() override {
        for (auto& t : tables_) CANVASS_TRY_VOID(t.begin());
        return {};
    }
    Result<void> add(const ExportRecord&, const RecordRows& rows) override {
        for (std::size_t t = 0; t < tables_.size(); ++t) CANVASS_TRY_VOID(tables_[t].add(rows[t]));
        return {};
    }
    Result<void> finish(ExportResult& result) override {
        for (auto& t : tables_) CANVASS_TRY_VOID(t.finish(result));
        return {};
    }

  private:
    StatModel model_;
    std::deque<TableWriter> tables_;  // they keep references into model_
};

}  // namespace

std::unique_ptr<RecordWriter> stat_writer(const ExportSpec& spec, StatFormat format) {
    return std::make_unique<StatWriter>(spec, format);
}

}  // namespace canvass::exporting
