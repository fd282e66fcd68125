// /form?id=F: the submissions table, filtered, searched, sorted and paged on the server.
#include "desk/desk.hpp"
#include "desk/html.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {

namespace {

std::size_t number(const std::string& text, std::size_t fallback) {
    if (text.empty() || text.size() > 9) return fallback;
    std::size_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return fallback;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n == 0 ? fallback : n;
}

// At most `max_chars` characters of `text` (UTF-8, cut between characters), with "…" when
// some were left out: a long answer does not stretch the table.
std::string shortened(const std::string& text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation
        if (chars++ == max_chars) return text.substr(0, i) + "…";
    }
    return text;
}

std::string question_label(const FormView& form, const std::string& name, const std::string& lang) {
    auto label = form.label(name, lang);
    return label.empty() ? name : label;
}

}  // namespace

Response Desk::table_page(const Params& q, const View& v) {
    auto id = param(q, "id");
    auto* table = table_named(id);
    if (!table) return failure(v, 404, std::string(say(v.lang, "not_found")) + ": " + id);
    const auto& form = table->form();
    const auto flang = form_language(form, v);
    TableQuery query;
    query.search = param(q, "q");
    query.field = param(q, "field");
    query.value = param(q, "value");
    if (auto s = param(q, "sort"); !s.empty()) query.sort = s;
    query.descending = param(q, "dir") != "asc";
    query.page = number(param(q, "page"), 1);
    auto result = table->query(query);

    // The query as it stands, for links that change one part of it.
    auto with = [&](Params changes) {
        Params p{{"id", id}};
        auto keep = [&](const char* name, const std::string& value) {
            for (const auto& [n, x] : changes)
                if (n == name) return;
            if (!value.empty()) p.emplace_back(name, value);
        };
        keep("q", query.search);
        keep("field", query.field);
        keep("value", query.value);
        keep("sort", query.sort);
        keep("dir", query.descending ? "desc" : "asc");
        for (auto& c : changes)
            if (!c.second.empty()) p.push_back(std::move(c));
        return link(v, "/form", p);
    };

    Html m;
    m.raw("<h1>").text(form_title(form, v)).raw("</h1>");
    m.raw("<p><a href=\"")
        .text(link(v, "/map", {{"id", id}}))
        .raw("\">")
        .text(say(v.lang, "map"))
        .raw("</a></p>");
    // The filter form is a GET: a filtered page is a link one can keep.
    m.raw("<form method=\"get\" action=\"/form\" class=\"filters\" role=\"search\">")
        .raw("<input type=\"hidden\" name=\"id\" value=\"")
        .text(id)
        .raw("\">");
    if (!v.asked.empty())
        m.raw("<input type=\"hidden\" name=\"lang\" value=\"").text(v.asked).raw("\">");
    m.raw("<label>")
        .text(say(v.lang, "search"))
        .raw(" <input type=\"search\" name=\"q\" id=\"q\" value=\"")
        .text(query.search)
        .raw("\" placeholder=\"")
        .text(say(v.lang, "search_text"))
        .raw("\"></label> ")
        .raw("<label>")
        .text(say(v.lang, "question"))
        .raw(" <select name=\"field\" id=\"field\"><option value=\"\">")
        .text(say(v.lang, "any_question"))
        .raw("</option>");
    for (const auto& c : table->columns()) {
        m.raw("<option value=\"")
            .text(c.name)
            .raw("\"")
            .raw(c.name == query.field ? " selected" : "")
            .raw(">")
            .text(question_label(form, c.name, flang))
            .raw("</option>");
    }
    m.raw("</select></label> <label>")
        .text(say(v.lang, "value"))
        .raw(" <input type=\"text\" name=\"value\" id=\"value\" value=\"")
        .text(query.value)
        .raw("\"></label> ")
        .raw("<button type=\"submit\">")
        .text(say(v.lang, "apply"))
        .raw("</button> <a href=\"")
        .text(link(v, "/form", {{"id", id}}))
        .raw("\">")
        .text(say(v.lang, "clear"))
        .raw("</a></form>");

    m.raw("<p class=\"matched\"><span id=\"matched\">")
        .text(std::to_string(result.matched))
        .raw("</span> ")
        .text(say(v.lang, "matching"))
        .raw("</p>");

    // Questions are headed by their names, as ODK Central's table does (labels are long); the
    // label is the link's title.
    auto header = [&](const std::string& key, const std::string& label, const std::string& title) {
        bool current = query.sort == key;
        std::string dir = current && query.descending ? "asc" : "desc";
        m.raw("<th scope=\"col\"");
        if (current)
            m.raw(" aria-sort=\"").raw(query.descending ? "descending" : "ascending").raw("\"");
        m.raw("><a href=\"")
            .text(with({{"sort", key}, {"dir", dir}, {"page", ""}}))
            .raw("\" title=\"")
            .text(say(v.lang, "sort_by"))
            .raw(": ")
            .text(title)
            .raw("\">")
            .text(label);
        if (current) m.raw(query.descending ? " ▼" : " ▲");
        m.raw("</a></th>");
    };
    m.raw("<div class=\"scroll\"><table class=\"submissions\"><thead><tr>");
    for (const char* key : {"submitted", "device", "review", "conflicts"}) {
        std::string word(say(v.lang, key));
        header(key, word, word);
    }
    for (const auto& c : table->columns())
        header(c.name, c.name, question_label(form, c.name, flang));
    m.raw("</tr></thead><tbody>");
    for (auto i : result.rows) {
        const auto& r = table->rows()[i];
        const auto& rid = r.id;
        auto conflicts = r.open_conflicts;
        const auto& review = r.review;
        auto when = r.submitted.substr(0, 16);
        when[10] = ' ';
        m.raw("<tr data-record=\"")
            .text(rid)
            .raw("\"><td class=\"when\"><a href=\"")
            .text(link(v, "/record", {{"id", rid}}))
            .raw("\">")
            .text(when)
            .raw("</a></td><td>")
            .text(device_name(r.device))
            .raw("</td><td>")
            .text(review.empty() ? std::string() : std::string(say(v.lang, review)))
            .raw("</td><td")
            .raw(conflicts ? " class=\"conflict\">" : ">")
            .text(conflicts ? std::to_string(conflicts) : "")
            .raw("</td>");
        for (std::size_t c = 0; c < table->columns().size(); ++c) {
            auto shown = form.cell_text(table->columns()[c].name, r.cells[c], flang);
            m.raw("<td>").text(shortened(shown, 80)).raw("</td>");
        }
        m.raw("</tr>");
    }
    m.raw("</tbody></table></div>");

    const std::size_t current = std::clamp<std::size_t>(query.page, 1, result.pages);
    m.raw("<nav class=\"pages\" aria-label=\"pages\">");
    if (current > 1)
        m.raw("<a rel=\"prev\" href=\"")
            .text(with({{"page", std::to_string(current - 1)}}))
            .raw("\">")
            .text(say(v.lang, "previous"))
            .raw("</a> ");
    m.text(say(v.lang, "page"))
        .raw(" ")
        .text(std::to_string(current))
        .raw(" ")
        .text(say(v.lang, "of"))
        .raw(" ")
        .text(std::to_string(result.pages));
    if (current < result.pages)
        m.raw(" <a rel=\"next\" href=\"")
            .text(with({{"page", std::to_string(current + 1)}}))
            .raw("\">")
            .text(say(v.lang, "next"))
            .raw("</a>");
    m.raw("</nav>");
    return html_response(page(v, form_title(form, v), m.str()));
}

}  // namespace canvass::cli::desk
