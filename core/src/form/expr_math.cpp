// Number and geographic functions of the ODK XForms specification: math as XPath 3.0
// (NaN in, NaN out), random() from the injected source, distance() and area() on a sphere
// of the Earth's equatorial radius, as JavaRosa computes them.
#include <cmath>
#include <numbers>
#include <optional>

#include "form/functions.hpp"

namespace canvass::form {
namespace {

// JavaRosa's GeoUtils: the Earth's radius at the equator, in metres.
constexpr double earth_radius = 6378100.0;

struct LatLon {
    double lat, lon;  // degrees
};

// "lat lon [alt [acc]]" (a geopoint as expressions see it).
std::optional<LatLon> point_of(const std::string& s) {
    auto parts = split_words(s);
    if (parts.size() < 2) return std::nullopt;
    double lat = Value::string(parts[0]).as_number(), lon = Value::string(parts[1]).as_number();
    if (std::isnan(lat) || std::isnan(lon)) return std::nullopt;
    return LatLon{lat, lon};
}

// The points of a geotrace or geoshape ("p1;p2;…") or of a list of geopoints; empty when
// one of them is not a point.
std::vector<LatLon> points_of(const Value& v) {
    std::vector<std::string> texts;
    if (v.kind() == Value::Kind::list) {
        texts = v.items();
    } else {
        std::string s = v.as_string();
        std::size_t start = 0;
        while (start <= s.size()) {
            std::size_t end = std::min(s.find(';', start), s.size());
            std::string part = s.substr(start, end - start);
            if (part.find_first_not_of(" \t") != std::string::npos) texts.push_back(part);
            start = end + 1;
        }
    }
    std::vector<LatLon> out;
    for (const auto& t : texts) {
        auto p = point_of(t);
        if (!p) return {};
        out.push_back(*p);
    }
    return out;
}

double radians(double deg) {
    return deg * std::numbers::pi / 180.0;
}

// Great-circle distance (haversine) from point to point, in order.
double distance(const std::vector<LatLon>& pts) {
    if (pts.size() < 2) return std::nan("");
    double total = 0;
    for (std::size_t i = 1; i < pts.size(); ++i) {
        double dlat = radians(pts[i].lat - pts[i - 1].lat);
        double dlon = radians(pts[i].lon - pts[i - 1].lon);
        double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(radians(pts[i - 1].lat)) * std::cos(radians(pts[i].lat)) *
                       std::sin(dlon / 2) * std::sin(dlon / 2);
        total += 2 * earth_radius * std::atan2(std::sqrt(a), std::sqrt(1 - a));
    }
    return total;
}

// The area of the polygon on the sphere ("Some algorithms for polygons on a sphere",
// Chamberlain and Duquette, JPL 2007), as JavaRosa's area().
double area(std::vector<LatLon> pts) {
    if (pts.size() < 3) return std::nan("");
    if (pts.front().lat != pts.back().lat || pts.front().lon != pts.back().lon)
        pts.push_back(pts.front());
    double sum = 0;
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
        sum += radians(pts[i + 1].lon - pts[i].lon) *
               (2 + std::sin(radians(pts[i].lat)) + std::sin(radians(pts[i + 1].lat)));
    }
    return std::fabs(sum * earth_radius * earth_radius / 2);
}

double x(const Node& call, const Scope& scope, std::size_t i = 0) {
    return eval_arg(call, i, scope).as_number();
}

}  // namespace

Value call_math_function(const std::string& name, const Node& call, const Scope& scope) {
    using F = double (*)(double);
    struct Unary {
        std::string_view name;
        F f;
    };
    static const Unary unary[] = {
        {"log", [](double v) { return std::log(v); }},
        {"log10", [](double v) { return std::log10(v); }},
        {"abs", [](double v) { return std::fabs(v); }},
        {"sin", [](double v) { return std::sin(v); }},
        {"cos", [](double v) { return std::cos(v); }},
        {"tan", [](double v) { return std::tan(v); }},
        {"asin", [](double v) { return std::asin(v); }},
        {"acos", [](double v) { return std::acos(v); }},
        {"atan", [](double v) { return std::atan(v); }},
        {"sqrt", [](double v) { return std::sqrt(v); }},
        {"exp", [](double v) { return std::exp(v); }},
        {"exp10", [](double v) { return std::pow(10.0, v); }},
        // XPath 1.0's floor() and ceiling(), which the ODK XForms specification takes over.
        {"floor", [](double v) { return std::floor(v); }},
        {"ceiling", [](double v) { return std::ceil(v); }},
    };
    for (const auto& u : unary)
        if (u.name == name) return Value::number(u.f(x(call, scope)));
    if (name == "pow") return Value::number(std::pow(x(call, scope), x(call, scope, 1)));
    if (name == "atan2") return Value::number(std::atan2(x(call, scope), x(call, scope, 1)));
    if (name == "pi") return Value::number(std::numbers::pi);
    if (name == "random") {
        auto bits = scope.random_bits();
        // 53 random bits: a double uniform in [0, 1).
        return Value::number(bits ? static_cast<double>(*bits >> 11) * 0x1.0p-53 : std::nan(""));
    }
    if (name == "distance") return Value::number(distance(points_of(eval_arg(call, 0, scope))));
    if (name == "area") return Value::number(area(points_of(eval_arg(call, 0, scope))));
    return {};
}

}  // namespace canvass::form
