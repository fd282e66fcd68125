#include "desk/desk.hpp"

#include <algorithm>
#include <exception>
#include <set>

#include "desk/html.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {

std::string form_language(const FormView& form, const Desk::View& v) {
    const auto& langs = form.languages();
    if (!v.asked.empty() && std::find(langs.begin(), langs.end(), v.asked) != langs.end())
        return v.asked;
    return form.language(v.lang);
}

std::string form_title(const FormView& form, const Desk::View& v) {
    return form.title(form_language(form, v));
}

std::string answer_shown(const FormView& form, const std::string& path,
                         const std::optional<std::string>& text, bool readable,
                         const std::string& unreadable, const std::string& unanswered,
                         const std::string& lang) {
    if (!readable) return unreadable;
    if (!text) return unanswered;
    auto shown = form.answer_text(path, *text, lang);
    return shown.empty() ? unanswered : shown;
}

std::string link(const Desk::View& v, const std::string& path, const Params& params) {
    std::string out = path;
    char sep = '?';
    auto add = [&](const std::string& name, const std::string& value) {
        out += sep + percent_encode(name) + "=" + percent_encode(value);
        sep = '&';
    };
    for (const auto& [n, value] : params) add(n, value);
    if (!v.asked.empty()) add("lang", v.asked);
    return out;
}

Desk::Desk(Device& device, Coordinator& coordinator, Guard guard, DeskSetup setup)
    : device_(device),
      coordinator_(coordinator),
      guard_(std::move(guard)),
      setup_(std::move(setup)) {}

Result<void> Desk::load() {
    CANVASS_TRY(auto forms, device_.form_ids());
    std::vector<RecordTable> loaded;
    for (const auto& id : forms) {
        CANVASS_TRY(auto table, RecordTable::load(coordinator_, id));
        loaded.push_back(std::move(table));
    }
    tables_ = std::move(loaded);
    return {};
}

RecordTable* Desk::table_of_record(std::string_view id) {
    for (auto& t : tables_)
        if (t.find(id)) return &t;
    return nullptr;
}

RecordTable* Desk::table_named(std::string_view form_id) {
    for (auto& t : tables_)
        if (t.form().form_id() == form_id) return &t;
    return nullptr;
}

std::string Desk::device_name(const std::string& device_hex) const {
    auto label = coordinator_.device_label(device_hex);
    std::string hex = device_hex.substr(0, 8);
    return label.empty() ? "device " + hex : label + " (" + hex + ")";
}

Response Desk::handle(const Request& request) {
    Response response;
    if (auto refused = guard_.check(request)) return *refused;
    try {
        auto q = parse_params(request.query());
        View v{page_language(param(q, "lang"), request.header("accept-language")), param(q, "lang"),
               guard_.csrf()};
        if (v.asked != "en" && v.asked != "fr" && v.asked != "es") v.asked.clear();
        response = route(request, v);
    } catch (const std::exception& e) {
        response = plain(500, std::string("the desk failed on this request: ") + e.what());
    }
    Guard::harden(response);
    return response;
}

Response Desk::route(const Request& request, const View& v) {
    const auto path = request.path();
    const auto q = parse_params(request.query());
    if (request.method == "GET") {
        if (path == "/") return forms_page(v);
        if (path == "/form") return table_page(q, v);
        if (path == "/record") return record_page(q, v);
        if (path == "/map") return map_page(q, v);
        if (path == "/assets/desk.css") {
            Response r;
            r.set("Content-Type", "text/css; charset=utf-8");
            r.body = std::string(stylesheet());
            return r;
        }
        return failure(v, 404, std::string(say(v.lang, "not_found")) + ": " + path);
    }
    const auto body = parse_params(request.body);
    if (path == "/settle") return settle(body, v);
    if (path == "/review") return review(body, v);
    if (path == "/sync") return sync(v);
    if (path == "/export") return download(body, v);
    return failure(v, 404, std::string(say(v.lang, "not_found")) + ": " + path);
}

std::string Desk::page(const View& v, const std::string& title, const std::string& main) {
    Html h;
    h.raw("<!doctype html>\n<html lang=\"")
        .text(v.lang)
        .raw("\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(title)
        .raw(" · ")
        .text(say(v.lang, "desk"))
        .raw("</title>")
        .raw("<link rel=\"stylesheet\" href=\"/assets/desk.css\"></head><body>")
        .raw("<a class=\"skip\" href=\"#main\">")
        .text(say(v.lang, "skip"))
        .raw("</a>")
        .raw("<header><nav aria-label=\"main\"><a href=\"")
        .text(link(v, "/"))
        .raw("\">")
        .text(say(v.lang, "forms"))
        .raw("</a>");
    if (setup_.sync) {
        h.raw("<form method=\"post\" action=\"")
            .text(link(v, "/sync"))
            .raw("\" class=\"inline\">")
            .raw("<input type=\"hidden\" name=\"csrf\" value=\"")
            .text(v.csrf)
            .raw("\">")
            .raw("<button type=\"submit\" id=\"sync\">")
            .text(say(v.lang, "sync"))
            .raw("</button></form>");
    }
    h.raw("<span class=\"langs\">");
    for (const char* l : {"en", "fr", "es"}) {
        View other = v;
        other.asked = l;
        h.raw("<a hreflang=\"")
            .text(l)
            .raw("\" href=\"")
            .text(link(other, "/"))
            .raw("\"")
            .raw(v.lang == l ? " aria-current=\"true\"" : "")
            .raw(">")
            .text(l)
            .raw("</a> ");
    }
    h.raw("</span></nav></header><main id=\"main\">").raw(main).raw("</main></body></html>\n");
    return h.take();
}

Response Desk::failure(const View& v, int status, const std::string& message) {
    Html m;
    m.raw("<h1>")
        .text(status == 404 ? say(v.lang, "not_found") : say(v.lang, "failed"))
        .raw("</h1>")
        .raw("<p class=\"error\" role=\"alert\">")
        .text(message)
        .raw("</p>");
    auto r = html_response(page(v, std::string(say(v.lang, "failed")), m.str()));
    r.status = status;
    return r;
}

Response Desk::forms_page(const View& v) {
    Html m;
    m.raw("<h1>").text(say(v.lang, "forms")).raw("</h1>");
    for (const auto& f : tables_) {
        const auto& id = f.form().form_id();
        m.raw("<section class=\"form\" data-form=\"")
            .text(id)
            .raw("\"><h2><a href=\"")
            .text(link(v, "/form", {{"id", id}}))
            .raw("\">")
            .text(form_title(f.form(), v))
            .raw("</a></h2>")
            .raw("<p><span class=\"count\" data-count=\"")
            .text(std::to_string(f.rows().size()))
            .raw("\">")
            .text(std::to_string(f.rows().size()))
            .raw("</span> ")
            .text(say(v.lang, "records"))
            .raw(" · <a href=\"")
            .text(link(v, "/map", {{"id", id}}))
            .raw("\">")
            .text(say(v.lang, "map"))
            .raw("</a></p>");
        if (f.unreadable() > 0)
            m.raw("<p class=\"warning\">")
                .text(say(v.lang, "decryption_warning"))
                .raw(": ")
                .text(std::to_string(f.unreadable()))
                .raw("</p>");
        m.raw("<div class=\"counts\"><table class=\"by-device\"><caption>")
            .text(say(v.lang, "by_researcher"))
            .raw("</caption><thead><tr><th scope=\"col\">")
            .text(say(v.lang, "device"))
            .raw("</th><th scope=\"col\">")
            .text(say(v.lang, "count"))
            .raw("</th></tr></thead><tbody>");
        for (const auto& [device, n] : f.count_by_device()) {
            m.raw("<tr><td>")
                .text(device_name(device))
                .raw("</td><td class=\"n\">")
                .text(std::to_string(n))
                .raw("</td></tr>");
        }
        m.raw("</tbody></table><table class=\"by-day\"><caption>")
            .text(say(v.lang, "by_day"))
            .raw("</caption><thead><tr><th scope=\"col\">")
            .text(say(v.lang, "day"))
            .raw("</th><th scope=\"col\">")
            .text(say(v.lang, "count"))
            .raw("</th></tr></thead><tbody>");
        for (const auto& [day, n] : f.count_by_day()) {
            m.raw("<tr><td>")
                .text(day)
                .raw("</td><td class=\"n\">")
                .text(std::to_string(n))
                .raw("</td></tr>");
        }
        m.raw("</tbody></table></div>");
        // Downloads: the export writers, as `canvass export` runs them.
        m.raw("<form method=\"post\" action=\"")
            .text(link(v, "/export"))
            .raw("\" class=\"download\">")
            .raw("<input type=\"hidden\" name=\"csrf\" value=\"")
            .text(v.csrf)
            .raw("\">")
            .raw("<input type=\"hidden\" name=\"form\" value=\"")
            .text(id)
            .raw("\">")
            .raw("<label>")
            .text(say(v.lang, "format"))
            .raw(" <select name=\"format\">");
        for (const char* format : {"csv", "xlsx", "jsonl", "geojson", "dta", "sav"})
            m.raw("<option>").text(format).raw("</option>");
        m.raw("</select></label> <button type=\"submit\">")
            .text(say(v.lang, "download"))
            .raw("</button>")
            .raw("<small>")
            .text(say(v.lang, "export_note"))
            .raw("</small></form></section>");
    }
    return html_response(page(v, std::string(say(v.lang, "forms")), m.str()));
}

}  // namespace canvass::cli::desk
