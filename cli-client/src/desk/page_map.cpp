// /map?id=F: every record's first geopoint on a plain equirectangular projection (x is the
// longitude, y the latitude), drawn as inline SVG: no tile service, no network. Each point
// is a link to its record.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "desk/desk.hpp"
#include "desk/html.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {

namespace {

std::string num(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", x);
    return buf;
}

struct Point {
    double lat = 0, lon = 0;
    std::size_t record = 0;
};

}  // namespace

Response Desk::map_page(const Params& q, const View& v) {
    auto id = param(q, "id");
    auto* table = table_named(id);
    if (!table) return failure(v, 404, std::string(say(v.lang, "not_found")) + ": " + id);
    const auto& form = table->form();
    std::vector<Point> points;
    for (std::size_t i = 0; i < table->rows().size(); ++i)
        if (const auto& p = table->rows()[i].point)
            points.push_back(Point{p->latitude, p->longitude, i});

    Html m;
    m.raw("<h1>").text(say(v.lang, "map")).raw(": ").text(form_title(form, v)).raw("</h1>");
    if (points.empty()) {
        m.raw("<p id=\"no-points\">").text(say(v.lang, "no_points")).raw("</p>");
        return html_response(page(v, std::string(say(v.lang, "map")), m.str()));
    }
    double west = 180, east = -180, south = 90, north = -90;
    for (const auto& p : points) {
        west = std::min(west, p.lon);
        east = std::max(east, p.lon);
        south = std::min(south, p.lat);
        north = std::max(north, p.lat);
    }
    // A margin around the points, and never less than a few hundred metres across.
    double span = std::max({east - west, north - south, 0.01});
    double pad = span * 0.08;
    west -= pad;
    south -= pad;
    double width = std::max(east - west + pad, span + 2 * pad);
    double height = std::max(north - south + pad, span * 0.6);
    double r = std::max(width, height) / 120;
    // SVG's y grows downwards: y = -latitude.
    m.raw("<svg class=\"map\" role=\"img\" aria-labelledby=\"map-title\" viewBox=\"")
        .text(num(west))
        .raw(" ")
        .text(num(-(south + height)))
        .raw(" ")
        .text(num(width))
        .raw(" ")
        .text(num(height))
        .raw("\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"map-title\">")
        .text(say(v.lang, "map"))
        .raw("</title><rect x=\"")
        .text(num(west))
        .raw("\" y=\"")
        .text(num(-(south + height)))
        .raw("\" width=\"")
        .text(num(width))
        .raw("\" height=\"")
        .text(num(height))
        .raw("\" class=\"ground\"/>");
    // A graticule: meridians and parallels at a round step, labelled, so a reader knows
    // where the points are without a base map.
    double step = 1e-3;
    for (double s : {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0})
        if (std::max(width, height) / s <= 12) {
            step = s;
            break;
        }
    for (double lon = std::ceil(west / step) * step; lon < west + width; lon += step)
        m.raw("<line x1=\"")
            .text(num(lon))
            .raw("\" y1=\"")
            .text(num(-(south + height)))
            .raw("\" x2=\"")
            .text(num(lon))
            .raw("\" y2=\"")
            .text(num(-south))
            .raw("\"/>");
    for (double lat = std::ceil(south / step) * step; lat < south + height; lat += step)
        m.raw("<line x1=\"")
            .text(num(west))
            .raw("\" y1=\"")
            .text(num(-lat))
            .raw("\" x2=\"")
            .text(num(west + width))
            .raw("\" y2=\"")
            .text(num(-lat))
            .raw("\"/>");
    for (const auto& p : points) {
        const auto& rec = table->rows()[p.record];
        const auto& rid = rec.id;
        m.raw("<a href=\"")
            .text(link(v, "/record", {{"id", rid}}))
            .raw("\" class=\"point\"><circle cx=\"")
            .text(num(p.lon))
            .raw("\" cy=\"")
            .text(num(-p.lat))
            .raw("\" r=\"")
            .text(num(r))
            .raw("\"")
            .raw(rec.open_conflicts ? " class=\"conflict\"" : "")
            .raw("><title>")
            .text(rid.substr(0, 8))
            .raw(" · ")
            .text(num(p.lat))
            .raw(", ")
            .text(num(p.lon))
            .raw("</title></circle></a>");
    }
    m.raw("</svg><p>")
        .text(std::to_string(points.size()))
        .raw(" · ")
        .text(num(south + pad))
        .raw("…")
        .text(num(north))
        .raw(" / ")
        .text(num(west + pad))
        .raw("…")
        .text(num(east))
        .raw(" · ")
        .text(num(step))
        .raw("°</p>");
    return html_response(page(v, std::string(say(v.lang, "map")), m.str()));
}

}  // namespace canvass::cli::desk
