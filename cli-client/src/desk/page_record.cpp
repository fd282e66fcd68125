// /record?id=R: one record in any of its form's languages: each answer with its history
// (who changed it, when) and its conflicts, every candidate with a button that settles it,
// and the coordinators' review.
#include "desk/desk.hpp"
#include "desk/html.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {

namespace {

// The field's name: the last segment of its path.
std::string field_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Response Desk::record_page(const Params& q, const View& v) {
    const auto rid = param(q, "id");
    RecordTable* table = table_of_record(rid);
    if (!table) return failure(v, 404, std::string(say(v.lang, "not_found")) + ": " + rid);
    const auto& form = table->form();
    const auto flang = form_language(form, v);
    const std::string unreadable(say(v.lang, "unreadable"));
    const std::string unanswered(say(v.lang, "unanswered"));

    // The record as it stands now, with its history.
    auto loaded = coordinator_.record_detail(rid);
    if (!loaded) return failure(v, 500, loaded.error().message);
    const auto& record = *loaded;

    Html m;
    m.raw("<h1>")
        .text(say(v.lang, "record"))
        .raw(" <code>")
        .text(rid.substr(0, 8))
        .raw("</code></h1>")
        .raw("<p><a href=\"")
        .text(link(v, "/form", {{"id", form.form_id()}}))
        .raw("\">")
        .text(form_title(form, v))
        .raw("</a> · ")
        .text(say(v.lang, "device"))
        .raw(": ")
        .text(device_name(record.device))
        .raw(" · ")
        .text(say(v.lang, "submitted"))
        .raw(" ")
        .text(record.submitted)
        .raw("</p>");
    if (auto notice = param(q, "notice"); notice == "settled" || notice == "review_saved")
        m.raw("<p class=\"notice\" role=\"status\">").text(say(v.lang, notice)).raw("</p>");

    // The form's languages: the labels of this page in any of them.
    m.raw("<nav class=\"form-langs\" aria-label=\"")
        .text(say(v.lang, "language"))
        .raw("\">")
        .text(say(v.lang, "language"))
        .raw(": ");
    for (const auto& l : form.languages()) {
        View other = v;
        other.asked = l;
        m.raw("<a href=\"")
            .text(link(other, "/record", {{"id", rid}}))
            .raw("\"")
            .raw(l == flang ? " aria-current=\"true\"" : "")
            .raw(">")
            .text(l)
            .raw("</a> ");
    }
    m.raw("</nav>");

    // The review.
    const auto& current = record.review;
    const bool reviewed = current && !current->state.empty();
    m.raw("<section class=\"review\" aria-labelledby=\"review-h\"><h2 id=\"review-h\">")
        .text(say(v.lang, "review"))
        .raw("</h2><p id=\"review-state\" data-state=\"")
        .text(current ? current->state : std::string())
        .raw("\">");
    if (!reviewed) {
        m.text(say(v.lang, "no_review"));
    } else {
        m.text(say(v.lang, current->state))
            .raw(" · ")
            .text(say(v.lang, "by"))
            .raw(" ")
            .text(device_name(current->by))
            .raw(" ")
            .text(say(v.lang, "at"))
            .raw(" ")
            .text(current->at);
    }
    m.raw("</p>");
    if (current && !current->comment.empty())
        m.raw("<blockquote id=\"review-comment\">").text(current->comment).raw("</blockquote>");
    if (current && current->contested)
        m.raw("<p class=\"warning\">").text(say(v.lang, "review_contested")).raw("</p>");
    // Every review written, oldest first: who judged what, when.
    std::string reviews;
    for (const auto& r : record.reviews) {
        Html line;
        line.raw("<li>").text(r.at).raw(" · ").text(device_name(r.by)).raw(" · ");
        if (!r.readable) {
            line.text(say(v.lang, "unreadable"));
        } else {
            line.text(r.state.empty() ? say(v.lang, "no_review") : say(v.lang, r.state));
            if (!r.comment.empty()) line.raw(": ").text(r.comment);
        }
        reviews += line.str() + "</li>";
    }
    if (!reviews.empty())
        m.raw("<details><summary>")
            .text(say(v.lang, "history"))
            .raw("</summary><ol class=\"history\" id=\"review-history\">")
            .raw(reviews)
            .raw("</ol></details>");
    m.raw("<form method=\"post\" action=\"")
        .text(link(v, "/review"))
        .raw("\">")
        .raw("<input type=\"hidden\" name=\"csrf\" value=\"")
        .text(v.csrf)
        .raw("\">")
        .raw("<input type=\"hidden\" name=\"record\" value=\"")
        .text(rid)
        .raw("\"><fieldset><legend>")
        .text(say(v.lang, "review"))
        .raw("</legend>");
    for (std::string name : {"approved", "hasIssues", "rejected"}) {
        bool checked = current && current->state == name;
        m.raw("<label><input type=\"radio\" name=\"state\" id=\"state-")
            .text(name)
            .raw("\" value=\"")
            .text(name)
            .raw("\"")
            .raw(checked ? " checked" : "")
            .raw("> ")
            .text(say(v.lang, name))
            .raw("</label> ");
    }
    m.raw("</fieldset><label>")
        .text(say(v.lang, "comment"))
        .raw(" <textarea name=\"comment\" id=\"comment\" rows=\"2\" maxlength=\"")
        .text(std::to_string(kMaxReviewCommentBytes))
        .raw("\">")
        .text(current ? current->comment : std::string())
        .raw("</textarea></label> ")
        .raw("<button type=\"submit\" id=\"save-review\">")
        .text(say(v.lang, "save_review"))
        .raw("</button></form></section>");

    // Conflicts, each candidate with its button.
    m.raw("<section class=\"conflicts\" aria-labelledby=\"conflicts-h\"><h2 id=\"conflicts-h\">")
        .text(say(v.lang, "conflicts"))
        .raw("</h2>");
    bool any = false;
    for (const auto& c : record.conflicts) {
        any = true;
        std::string label = form.label(c.path, flang);
        m.raw("<div class=\"conflict\" data-path=\"")
            .text(c.path)
            .raw("\"><h3>")
            .text(say(v.lang, "conflict"))
            .raw(": ")
            .text(label.empty() ? c.path : label)
            .raw(" <code>")
            .text(c.path)
            .raw("</code></h3>");
        if (c.delete_conflict) {
            m.raw("<p>").text(say(v.lang, "delete_conflict")).raw("</p></div>");
            continue;
        }
        m.raw("<ul>");
        for (std::size_t i = 0; i < c.candidates.size(); ++i) {
            const auto& cand = c.candidates[i];
            m.raw("<li><form method=\"post\" action=\"")
                .text(link(v, "/settle"))
                .raw("\" class=\"candidate\">")
                .raw("<input type=\"hidden\" name=\"csrf\" value=\"")
                .text(v.csrf)
                .raw("\">")
                .raw("<input type=\"hidden\" name=\"record\" value=\"")
                .text(rid)
                .raw("\">")
                .raw("<input type=\"hidden\" name=\"path\" value=\"")
                .text(c.path)
                .raw("\">")
                .raw("<input type=\"hidden\" name=\"candidate\" value=\"")
                .text(std::to_string(i))
                .raw("\">")
                .raw("<strong class=\"value\">")
                .text(answer_shown(form, c.path, cand.value_json, cand.readable, unreadable,
                                   unanswered, flang))
                .raw("</strong> ")
                .text(say(v.lang, "by"))
                .raw(" ")
                .text(device_name(cand.device))
                .raw(" ")
                .text(say(v.lang, "at"))
                .raw(" ")
                .text(cand.at);
            if (cand.shown) m.raw(" <em>(").text(say(v.lang, "shown")).raw(")</em>");
            if (cand.readable && cand.value_json)
                m.raw(" <button type=\"submit\">").text(say(v.lang, "keep_this")).raw("</button>");
            m.raw("</form></li>");
        }
        m.raw("</ul><form method=\"post\" action=\"")
            .text(link(v, "/settle"))
            .raw("\" class=\"typed\"><input type=\"hidden\" name=\"csrf\" value=\"")
            .text(v.csrf)
            .raw("\"><input type=\"hidden\" name=\"record\" value=\"")
            .text(rid)
            .raw("\"><input type=\"hidden\" name=\"path\" value=\"")
            .text(c.path)
            .raw("\"><label>")
            .text(say(v.lang, "other_value"))
            .raw(" <input type=\"text\" name=\"value\" required></label> <button type=\"submit\">")
            .text(say(v.lang, "settle_with"))
            .raw("</button></form></div>");
    }
    if (!any) m.raw("<p id=\"no-conflicts\">").text(say(v.lang, "no_conflicts")).raw("</p>");
    m.raw("</section>");

    // Answers in form order, each with its history.
    m.raw("<section class=\"answers\" aria-labelledby=\"answers-h\"><h2 id=\"answers-h\">")
        .text(say(v.lang, "answers"))
        .raw("</h2><dl>");
    for (const auto& f : record.fields) {
        std::string label = form.label(f.path, flang);
        m.raw("<div class=\"field\" data-path=\"")
            .text(f.path)
            .raw("\"><dt>")
            .text(label.empty() ? field_name(f.path) : label);
        if (f.path.find('/') != std::string::npos) m.raw(" <code>").text(f.path).raw("</code>");
        m.raw("</dt><dd><span class=\"answer")
            .raw(f.conflict ? " conflict" : "")
            .raw("\">")
            .text(answer_shown(form, f.path, f.value_json, true, unreadable, unanswered, flang))
            .raw("</span>");
        m.raw("<details><summary>")
            .text(say(v.lang, "history"))
            .raw("</summary><ol class=\"history\">");
        for (const auto& e : record.history) {
            for (const auto& change : e.changes) {
                if (change.path != f.path) continue;
                std::string what =
                    e.creates
                        ? std::string(say(v.lang, "created"))
                        : std::string(say(v.lang, e.by_creator ? "edited" : "coordinator_edit"));
                if (change.resolves) what += ", " + std::string(say(v.lang, "resolving"));
                m.raw("<li>")
                    .text(e.at)
                    .raw(" · ")
                    .text(device_name(e.device))
                    .raw(" · ")
                    .text(what)
                    .raw(": <span class=\"value\">")
                    .text(answer_shown(form, f.path, change.value_json, change.readable, unreadable,
                                       unanswered, flang))
                    .raw("</span></li>");
            }
        }
        m.raw("</ol></details></dd></div>");
    }
    m.raw("</dl></section>");
    return html_response(
        page(v, std::string(say(v.lang, "record")) + " " + rid.substr(0, 8), m.str()));
}

}  // namespace canvass::cli::desk
