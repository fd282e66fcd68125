// The files of a .zip and their contents, read with libzip: what an export's archive holds.
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <map>
#include <string>

namespace canvass::testing {

inline std::map<std::string, std::string> unzip(const std::string& path) {
    std::map<std::string, std::string> out;
    int error = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &error);
    EXPECT_NE(z, nullptr) << path << ": libzip error " << error;
    if (!z) return out;
    for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
        zip_stat_t st;
        zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st);
        std::string data(st.size, '\0');
        zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
        EXPECT_EQ(zip_fread(f, data.data(), st.size), static_cast<zip_int64_t>(st.size));
        zip_fclose(f);
        out[st.name] = data;
    }
    zip_close(z);
    return out;
}

}  // namespace canvass::testing
