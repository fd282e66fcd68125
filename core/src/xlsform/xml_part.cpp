// Expat behind XmlParse (xml_part.hpp).
#include "xlsform/xml_part.hpp"

#include <cstring>
#include <limits>

namespace canvass::xlsform::detail {
namespace {

std::string_view local_name(const char* name) {
    std::string_view n(name);
    auto colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

}  // namespace

const char* attribute(const char** attrs, std::string_view local) {
    for (int i = 0; attrs && attrs[i]; i += 2)
        if (local_name(attrs[i]) == local) return attrs[i + 1];
    return nullptr;
}

XmlParse::XmlParse(XmlHandler& handler, std::string part_name)
    : parser_(XML_ParserCreate("UTF-8")), handler_(handler), part_(std::move(part_name)) {
    if (!parser_) {
        error_ = part_ + ": out of memory";
        return;
    }
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, on_start, on_end);
    XML_SetCharacterDataHandler(parser_, on_text);
    XML_SetStartDoctypeDeclHandler(parser_, on_doctype);
}

XmlParse::~XmlParse() {
    if (parser_) XML_ParserFree(parser_);
}

bool XmlParse::feed(std::string_view chunk, bool last) {
    if (!error_.empty()) return false;
    while (!chunk.empty() || last) {
        std::size_t n = std::min<std::size_t>(chunk.size(), std::numeric_limits<int>::max() / 2);
        if (XML_Parse(parser_, chunk.data(), static_cast<int>(n), last && n == chunk.size()) ==
            XML_STATUS_ERROR) {
            if (error_.empty()) {
                error_ = part_ + ": " +
                         (handler_.failure.empty()
                              ? std::string("not well-formed XML at line ") +
                                    std::to_string(XML_GetCurrentLineNumber(parser_)) + ": " +
                                    XML_ErrorString(XML_GetErrorCode(parser_))
                              : handler_.failure);
            }
            return false;
        }
        chunk.remove_prefix(n);
        if (chunk.empty()) break;
    }
    return true;
}

void XmlParse::on_start(void* p, const char* name, const char** attrs) {
    auto* self = static_cast<XmlParse*>(p);
    self->handler_.start(local_name(name), attrs);
    if (!self->handler_.failure.empty()) XML_StopParser(self->parser_, XML_FALSE);
}

void XmlParse::on_end(void* p, const char* name) {
    auto* self = static_cast<XmlParse*>(p);
    self->handler_.end(local_name(name));
    if (!self->handler_.failure.empty()) XML_StopParser(self->parser_, XML_FALSE);
}

void XmlParse::on_text(void* p, const char* s, int len) {
    auto* self = static_cast<XmlParse*>(p);
    self->handler_.text(std::string_view(s, static_cast<std::size_t>(len)));
    if (!self->handler_.failure.empty()) XML_StopParser(self->parser_, XML_FALSE);
}

void XmlParse::on_doctype(void* p, const char*, const char*, const char*, int) {
    auto* self = static_cast<XmlParse*>(p);
    self->handler_.failure =
        "a document type declaration is not allowed (canvass reads XML without DTDs)";
    XML_StopParser(self->parser_, XML_FALSE);
}

}  // namespace canvass::xlsform::detail
