#include "desk/http.hpp"

#include <algorithm>
#include <cctype>

namespace canvass::cli::desk {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string Request::header(std::string_view name) const {
    auto it = headers.find(std::string(name));
    return it == headers.end() ? std::string() : it->second;
}

std::string Request::path() const {
    auto q = target.find('?');
    return percent_decode(std::string_view(target).substr(0, q), false);
}

std::string Request::query() const {
    auto q = target.find('?');
    return q == std::string::npos ? std::string() : target.substr(q + 1);
}

void Response::set(std::string name, std::string value) {
    for (auto& [n, v] : headers) {
        if (n == name) {
            v = std::move(value);
            return;
        }
    }
    headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Response::get(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return std::nullopt;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
                   hex_digit(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static const char* digits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

Params parse_params(std::string_view text) {
    Params out;
    while (!text.empty()) {
        auto amp = text.find('&');
        auto part = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto name = percent_decode(part.substr(0, eq), true);
        auto value = eq == std::string_view::npos ? std::string()
                                                  : percent_decode(part.substr(eq + 1), true);
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

std::string param(const Params& params, std::string_view name) {
    for (const auto& [n, v] : params)
        if (n == name) return v;
    return {};
}

std::optional<std::string> cookie(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto part = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        if (trim(part.substr(0, eq)) == name) return std::string(trim(part.substr(eq + 1)));
    }
    return std::nullopt;
}

Response html_response(std::string body) {
    Response r;
    r.set("Content-Type", "text/html; charset=utf-8");
    r.body = std::move(body);
    return r;
}

Response redirect(std::string location) {
    Response r;
    r.status = 303;
    r.set("Location", std::move(location));
    r.set("Content-Type", "text/plain; charset=utf-8");
    return r;
}

Response plain(int status, std::string text) {
    Response r;
    r.status = status;
    r.set("Content-Type", "text/plain; charset=utf-8");
    r.body = std::move(text) + "\n";
    return r;
}

}  // namespace canvass::cli::desk
