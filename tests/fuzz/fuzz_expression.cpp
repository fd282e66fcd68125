// An expression of a form (relevant, constraint, calculation, choice_filter), parsed and
// evaluated against answers that are themselves part of the input: text after the first
// newline is the value of ${a} and of `.`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "form/expression.hpp"

namespace {

class FuzzScope : public canvass::form::Scope {
  public:
    explicit FuzzScope(std::string value) : value_(std::move(value)) {}
    canvass::form::Value field(std::string_view) const override {
        return canvass::form::Value::string(value_);
    }
    canvass::form::Value current() const override { return canvass::form::Value::string(value_); }
    canvass::form::Instant now() const override { return {1709249400000, 60}; }

  private:
    std::string value_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto cut = text.find('\n');
    auto source = text.substr(0, cut);
    std::string value(cut == std::string_view::npos ? std::string_view{} : text.substr(cut + 1));
    auto e = canvass::form::Expression::parse(source);
    if (!e) return 0;
    (void)e->field_references();
    (void)canvass::form::evaluate(*e, FuzzScope(std::move(value)));
    return 0;
}
