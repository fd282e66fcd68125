#include "attachment_answers.hpp"

#include "form/attachment_ref.hpp"

namespace canvass::cli {
namespace {

void walk(store::DeviceStore& store, const form::Form& form, nlohmann::json& obj, const std::filesystem::path& base,
          const std::string& where, std::vector<form::Problem>& problems) {
    if (!obj.is_object()) return;
    for (auto& [key, value] : obj.items()) {
        const form::Row* row = form.find(key);
        if (!row) continue;
        std::string path = where.empty() ? key : where + "/" + key;
        if (row->type == form::RowType::group) {
            walk(store, form, value, base, path, problems);
        } else if (row->type == form::RowType::repeat && value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i)
                walk(store, form, value[i], base, path + "[" + std::to_string(i + 1) + "]", problems);
        } else if (form::is_media(row->type) && value.is_string() && !value.get_ref<const std::string&>().empty()) {
            std::filesystem::path file = value.get<std::string>();
            if (file.is_relative()) file = base / file;
            auto ref = store.add_attachment_file(file.string());
            if (!ref) {
                problems.push_back({path, ref.error().message});
                continue;
            }
            auto j = ref->to_json();
            if (auto p = form::attachment_problem(j, form::type_name(row->type))) {
                problems.push_back({path, file.string() + ": " + *p});
                continue;
            }
            value = std::move(j);
        }
    }
}

}  // namespace

std::vector<form::Problem> attach_files(store::DeviceStore& store, const form::Form& form, nlohmann::json& answers,
                                        const std::filesystem::path& base) {
    std::vector<form::Problem> problems;
    walk(store, form, answers, base, "", problems);
    return problems;
}

}  // namespace canvass::cli
