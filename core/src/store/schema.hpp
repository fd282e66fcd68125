// The device store's schema, one migration per version (PRAGMA user_version). Migrations are
// only ever appended: a released step never changes.
#pragma once

#include <span>
#include <string_view>

namespace canvass::store {

std::span<const std::string_view> device_store_migrations();

}  // namespace canvass::store
