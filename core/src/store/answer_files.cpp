#include "store/answer_files.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/hash.hpp"

namespace canvass::store {
namespace {

void walk(const form::Form& form, nlohmann::json& obj, const std::filesystem::path& base,
          const std::string& where, const AttachFile& attach,
          std::vector<form::Problem>& problems) {
    if (!obj.is_object()) return;
    for (auto& [key, value] : obj.items()) {
        const form::Row* row = form.find(key);
        if (!row) continue;
        std::string path = where.empty() ? key : where + "/" + key;
        if (row->type == form::RowType::group) {
            walk(form, value, base, path, attach, problems);
        } else if (row->type == form::RowType::repeat && value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i)
                walk(form, value[i], base, path + "[" + std::to_string(i + 1) + "]", attach,
                     problems);
        } else if (form::is_media(row->type) && value.is_string() &&
                   !value.get_ref<const std::string&>().empty()) {
            std::filesystem::path file = value.get<std::string>();
            if (file.is_relative()) file = base / file;
            auto ref = attach(file.string(), form::type_name(row->type));
            if (!ref) {
                problems.push_back({path, ref.error().message});
                continue;
            }
            value = ref->to_json();
        }
    }
}

}  // namespace

std::vector<form::Problem> resolve_files(const form::Form& form, nlohmann::json& answers,
                                         const std::filesystem::path& base,
                                         const AttachFile& attach) {
    std::vector<form::Problem> problems;
    walk(form, answers, base, "", attach, problems);
    return problems;
}

std::vector<form::Problem> attach_files(DeviceStore& store, const form::Form& form,
                                        nlohmann::json& answers,
                                        const std::filesystem::path& base) {
    return resolve_files(form, answers, base,
                         [&store](const std::string& path, std::string_view kind) {
                             return store.add_attachment_file(path, kind);
                         });
}

Result<form::AttachmentRef> describe_file(const std::string& path, std::string_view kind) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return unexpected(Domain::store, errc::not_found,
                          "there is no file " + path +
                              ": give the path of the photo, recording or file to attach");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return unexpected(Domain::store, errc::io,
                          "cannot read " + path + ": " + std::strerror(errno));
    crypto::Blake2b hash;
    std::vector<char> buf(64 * 1024);
    form::AttachmentRef ref;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        hash.update(std::string_view(buf.data(), got));
        ref.size += got;
    }
    if (in.bad()) return unexpected(Domain::store, errc::io, "reading " + path + " failed");
    ref.hash = hash.finish();
    ref.name = form::file_name_of(path);
    ref.type = form::media_type_for_name(ref.name);
    if (auto p = form::attachment_problem(ref.to_json(), kind))
        return unexpected(Domain::form, errc::invalid_argument, path + ": " + *p);
    return ref;
}

}  // namespace canvass::store
