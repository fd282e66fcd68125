// .xlsx workbooks: libzip opens the archive from memory, expat streams each XML part.
// Only what XLSForm needs is read: the sheet list, shared strings and cell values.
#include <zip.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "xlsform/cell_text.hpp"
#include "xlsform/workbook.hpp"
#include "xlsform/xml_part.hpp"

namespace canvass::xlsform {
namespace {

using detail::attribute;
using detail::XmlHandler;

Unexpected<Error> bad(std::string message) {
    return unexpected(Domain::form, errc::corrupt, std::move(message));
}

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
};

class Archive {
  public:
    static Result<Archive> open(std::string_view bytes) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        if (!src)
            return bad("cannot read the workbook: " + std::string(zip_error_strerror(&error)));
        zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &error);
        if (!z) {
            zip_source_free(src);
            std::string why = zip_error_strerror(&error);
            zip_error_fini(&error);
            return bad("not an .xlsx workbook: the zip archive is damaged or truncated (" + why +
                       ")");
        }
        zip_error_fini(&error);
        Archive a;
        a.zip_.reset(z);
        return a;
    }

    bool has(const std::string& name) const {
        return zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE) >= 0;
    }

    // Streams part `name` into `handler`, reading at most `cap` uncompressed bytes.
    Result<void> parse(const std::string& name, std::size_t cap, XmlHandler& handler) const {
        zip_int64_t index = zip_name_locate(zip_.get(), name.c_str(), ZIP_FL_NOCASE);
        if (index < 0) return bad("not an .xlsx workbook: it has no part " + name);
        std::unique_ptr<zip_file_t, ZipFileCloser> file(
            zip_fopen_index(zip_.get(), static_cast<zip_uint64_t>(index), 0));
        if (!file) return bad(name + ": " + zip_strerror(zip_.get()));
        detail::XmlParse xml(handler, name);
        std::vector<char> buf(64 * 1024);
        std::size_t total = 0;
        for (;;) {
            zip_int64_t n = zip_fread(file.get(), buf.data(), buf.size());
            if (n < 0)
                return bad(name + ": the archive is damaged (" +
                           std::string(zip_file_strerror(file.get())) + ")");
            total += static_cast<std::size_t>(n);
            if (total > cap)
                return unexpected(
                    detail::bytes_cap_error("the part " + name + " uncompressed", cap));
            if (!xml.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)), n == 0))
                return bad(xml.error());
            if (n == 0) return {};
        }
    }

  private:
    std::unique_ptr<zip_t, ZipCloser> zip_;
};

struct SheetEntry {
    std::string name;
    std::string rel_id;
};

class WorkbookPart : public XmlHandler {
  public:
    std::vector<SheetEntry> sheets;
    void start(std::string_view name, const char** attrs) override {
        if (name != "sheet") return;
        const char* n = attribute(attrs, "name");
        const char* id = attribute(attrs, "id");
        if (!n || !id) {
            failure = "a sheet without a name or relationship id";
            return;
        }
        if (sheets.size() >= 1000) {
            failure = "more than 1000 sheets";
            return;
        }
        sheets.push_back({n, id});
    }
    void end(std::string_view) override {}
};

class RelationshipsPart : public XmlHandler {
  public:
    std::map<std::string, std::string> targets;  // id -> part name in the archive
    std::string shared_strings;
    void start(std::string_view name, const char** attrs) override {
        if (name != "Relationship") return;
        const char* id = attribute(attrs, "Id");
        const char* target = attribute(attrs, "Target");
        const char* type = attribute(attrs, "Type");
        if (!id || !target || targets.size() >= 10000) return;
        std::string t = target;
        t = t.rfind('/', 0) == 0 ? t.substr(1) : "xl/" + t;
        targets[id] = t;
        std::string_view ty = type ? type : "";
        if (ty.size() >= 14 && ty.substr(ty.size() - 14) == "/sharedStrings") shared_strings = t;
    }
    void end(std::string_view) override {}
};

class SharedStringsPart : public XmlHandler {
  public:
    SharedStringsPart(std::size_t max_bytes, std::size_t max_count)
        : max_bytes_(max_bytes), max_count_(max_count) {}
    std::vector<std::string> strings;

    void start(std::string_view name, const char**) override {
        if (name == "si") {
            if (strings.size() >= max_count_) {
                failure = "more than " + std::to_string(max_count_) +
                          " shared strings, the most canvass reads";
                return;
            }
            in_si_ = true;
            current_.clear();
        } else if (name == "rPh") {
            ++phonetic_;  // phonetic guides repeat the text in another script: not part of it
        } else if (name == "t" && in_si_ && phonetic_ == 0) {
            in_t_ = true;
        }
    }
    void end(std::string_view name) override {
        if (name == "t")
            in_t_ = false;
        else if (name == "rPh" && phonetic_ > 0)
            --phonetic_;
        else if (name == "si" && in_si_) {
            in_si_ = false;
            strings.push_back(detail::decode_ooxml_escapes(current_));
        }
    }
    void text(std::string_view s) override {
        if (!in_t_) return;
        total_ += s.size();
        if (total_ > max_bytes_) {
            failure = "shared strings longer than " + std::to_string(max_bytes_ >> 20) +
                      " MiB, the most canvass reads";
            return;
        }
        current_.append(s);
    }

  private:
    std::size_t max_bytes_, max_count_, total_ = 0;
    bool in_si_ = false, in_t_ = false;
    int phonetic_ = 0;
    std::string current_;
};

// "B12" -> column 1, row 12; nullopt when it is not a reference inside Excel's grid.
struct CellRef {
    std::uint32_t row = 0, column = 0;
    bool has_row = false;
};

std::optional<CellRef> parse_ref(std::string_view s) {
    CellRef ref;
    std::size_t i = 0;
    std::uint64_t col = 0;
    while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) {
        col = col * 26 + static_cast<std::uint64_t>((s[i] | 0x20) - 'a' + 1);
        if (col > max_columns) return std::nullopt;
        ++i;
    }
    if (i == 0) return std::nullopt;
    std::uint64_t row = 0;
    std::size_t digits = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        row = row * 10 + static_cast<std::uint64_t>(s[i] - '0');
        if (row > max_rows) return std::nullopt;
        ++i;
    }
    if (i != s.size()) return std::nullopt;
    ref.column = static_cast<std::uint32_t>(col - 1);
    ref.has_row = i > digits;
    if (ref.has_row) {
        if (row == 0) return std::nullopt;
        ref.row = static_cast<std::uint32_t>(row);
    }
    return ref;
}

class WorksheetPart : public XmlHandler {
  public:
    WorksheetPart(const std::vector<std::string>& strings, std::size_t& cells_left,
                  std::size_t cells_cap)
        : strings_(strings), cells_left_(cells_left), cells_cap_(cells_cap) {}
    detail::SheetBuilder builder;

    void start(std::string_view name, const char** attrs) override {
        if (name == "row") {
            const char* r = attribute(attrs, "r");
            std::uint64_t next = std::uint64_t{row_} + 1;
            if (r) {
                auto ref = parse_ref(std::string("A") + r);
                if (!ref) return fail_ref(std::string("row ") + r);
                next = ref->row;
            }
            if (next > max_rows) return fail_ref("row " + std::to_string(next));
            row_ = static_cast<std::uint32_t>(next);
            column_ = 0;
            in_row_ = true;
        } else if (name == "c") {
            const char* r = attribute(attrs, "r");
            if (r) {
                auto ref = parse_ref(r);
                if (!ref || !ref->has_row) return fail_ref(std::string("cell reference ") + r);
                row_ = ref->row;
                column_ = ref->column;
            } else if (!in_row_ || column_ >= max_columns) {
                return fail_ref("a cell after column XFD");
            }
            const char* t = attribute(attrs, "t");
            type_ = t ? t : "n";
            value_.clear();
            in_cell_ = true;
        } else if (in_cell_ && (name == "v" || (name == "t" && phonetic_ == 0))) {
            in_value_ = true;
        } else if (name == "rPh") {
            ++phonetic_;
        }
    }

    void end(std::string_view name) override {
        if (name == "v" || name == "t") {
            in_value_ = false;
        } else if (name == "rPh" && phonetic_ > 0) {
            --phonetic_;
        } else if (name == "c" && in_cell_) {
            in_cell_ = false;
            finish_cell();
            ++column_;
        } else if (name == "row") {
            in_row_ = false;
        }
    }

    void text(std::string_view s) override {
        if (in_value_) value_.append(s);
    }

  private:
    void fail_ref(const std::string& what) {
        failure = what + " is outside a spreadsheet's grid (A1 to XFD1048576)";
    }

    void finish_cell() {
        std::string text;
        if (type_ == "s") {
            std::size_t index = 0;
            bool ok = !value_.empty() && value_.size() < 12;
            for (char c : value_)
                ok = ok && c >= '0' && c <= '9',
                index = index * 10 + static_cast<std::size_t>(c - '0');
            if (!ok || index >= strings_.size()) {
                failure = "cell " + column_letters(column_) + std::to_string(row_) +
                          " refers to shared string " + value_ + ", which does not exist";
                return;
            }
            text = strings_[index];
        } else if (type_ == "inlineStr" || type_ == "str" || type_ == "e" || type_ == "d") {
            text = detail::decode_ooxml_escapes(value_);
        } else if (type_ == "b") {
            text = value_ == "1" || value_ == "true" ? "TRUE" : "FALSE";
        } else {  // a number
            if (value_.empty()) return;
            char* end = nullptr;
            double d = std::strtod(value_.c_str(), &end);
            text = end && *end == '\0' ? detail::number_text(d) : value_;
        }
        if (text.empty()) return;
        if (cells_left_ == 0) {
            failure = "more than " + std::to_string(cells_cap_) + " cells, the most canvass reads";
            return;
        }
        --cells_left_;
        builder.add(row_, column_, std::move(text));
    }

    const std::vector<std::string>& strings_;
    std::size_t& cells_left_;
    std::size_t cells_cap_;
    std::uint32_t row_ = 0, column_ = 0;
    bool in_row_ = false, in_cell_ = false, in_value_ = false;
    int phonetic_ = 0;
    std::string type_, value_;
};

}  // namespace

Result<Workbook> read_xlsx(std::string_view bytes, const Limits& limits) {
    if (bytes.size() > limits.file_bytes)
        return unexpected(detail::bytes_cap_error("the workbook", limits.file_bytes));
    CANVASS_TRY(auto archive, Archive::open(bytes));
    if (!archive.has("xl/workbook.xml")) {
        if (archive.has("content.xml") && archive.has("mimetype"))
            return unexpected(Domain::form, errc::unsupported,
                              "an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx");
        return bad("a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)");
    }
    WorkbookPart book;
    CANVASS_TRY_VOID(archive.parse("xl/workbook.xml", limits.part_bytes, book));
    RelationshipsPart rels;
    if (archive.has("xl/_rels/workbook.xml.rels"))
        CANVASS_TRY_VOID(archive.parse("xl/_rels/workbook.xml.rels", limits.part_bytes, rels));
    SharedStringsPart shared(limits.strings_bytes, limits.cells);
    std::string strings_part =
        rels.shared_strings.empty() ? "xl/sharedStrings.xml" : rels.shared_strings;
    if (archive.has(strings_part))
        CANVASS_TRY_VOID(archive.parse(strings_part, limits.part_bytes, shared));

    Workbook out;
    std::size_t cells_left = limits.cells;
    for (std::size_t i = 0; i < book.sheets.size(); ++i) {
        const auto& entry = book.sheets[i];
        auto target = rels.targets.find(entry.rel_id);
        std::string part = target != rels.targets.end()
                               ? target->second
                               : "xl/worksheets/sheet" + std::to_string(i + 1) + ".xml";
        if (!archive.has(part)) continue;  // a chart sheet or a dangling entry: no cells
        WorksheetPart sheet(shared.strings, cells_left, limits.cells);
        auto parsed = archive.parse(part, limits.part_bytes, sheet);
        if (!parsed) {
            Error e = parsed.error();
            e.message = "sheet " + entry.name + ": " + e.message;
            return unexpected(std::move(e));
        }
        out.sheets.push_back(std::move(sheet.builder).finish(entry.name));
    }
    return out;
}

}  // namespace canvass::xlsform
