// Streaming XML through expat, for the parts of an .xlsx: element names without their
// namespace prefix, no document type declarations (so no entity expansion), and the
// first error kept as a message.
#pragma once

#include <expat.h>

#include <string>
#include <string_view>

namespace canvass::xlsform::detail {

class XmlHandler {
  public:
    virtual ~XmlHandler() = default;
    // `name` is the element's local name (`c` for `x:c`); attrs as expat gives them,
    // a null-terminated array of name, value pairs (names with their prefix).
    virtual void start(std::string_view name, const char** attrs) = 0;
    virtual void end(std::string_view name) = 0;
    virtual void text(std::string_view) {}
    // A handler that finds the content wrong sets this; parsing then stops.
    std::string failure;
};

// The value of attribute `local` (compared without prefix), or nullptr.
const char* attribute(const char** attrs, std::string_view local);

// One parse of one part; feed() it chunks, then finish().
class XmlParse {
  public:
    XmlParse(XmlHandler& handler, std::string part_name);
    ~XmlParse();
    XmlParse(const XmlParse&) = delete;
    XmlParse& operator=(const XmlParse&) = delete;

    // False once anything is wrong; error() then says what.
    bool feed(std::string_view chunk, bool last);
    const std::string& error() const { return error_; }

  private:
    static void on_start(void* self, const char* name, const char** attrs);
    static void on_end(void* self, const char* name);
    static void on_text(void* self, const char* s, int len);
    static void on_doctype(void* self, const char*, const char*, const char*, int);

    XML_Parser parser_;
    XmlHandler& handler_;
    std::string part_;
    std::string error_;
};

}  // namespace canvass::xlsform::detail
