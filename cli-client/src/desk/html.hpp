// Building the desk's server-rendered pages: every value passes through escape() on its way
// into HTML, so an answer holding "<script>" shows as text and never runs.
#pragma once

#include <string>
#include <string_view>

namespace canvass::cli::desk {

// `& < > " '` as character references: safe in element text and in quoted attributes.
std::string escape(std::string_view text);

// A page under construction: append with <<, escaped or not by what is appended.
class Html {
  public:
    // Raw markup: only for literals and what another Html built.
    Html& raw(std::string_view markup) {
        out_ += markup;
        return *this;
    }
    // Text, escaped.
    Html& text(std::string_view value) {
        out_ += escape(value);
        return *this;
    }
    Html& operator<<(std::string_view value) { return text(value); }
    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

}  // namespace canvass::cli::desk
