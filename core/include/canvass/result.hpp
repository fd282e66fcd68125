// canvass: the one error vocabulary of the project.
//
// Expected failures (an invalid answer, an unknown device, a bad frame) are values: a
// Result<T> holds either a T or an Error. The member names follow std::expected so the
// type can be swapped for it once the toolchain has C++23.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace canvass {

// Where an error comes from. Values are only ever appended (the C ABI mirrors them).
// store: canvass's own storage rules, with errc codes; sqlite: SQLite itself, with SQLite's
// extended result code (SQLITE_BUSY is 5, SQLITE_READONLY 8...), so its codes never pass for
// errc codes that happen to share their numbers.
enum class Domain : std::uint8_t { core = 1, form, store, crypto, net, protocol, auth, sqlite };

const char* domain_name(Domain d) noexcept;

struct Error {
    Domain domain = Domain::core;
    int code = 0;
    std::string message;

    std::string describe() const;  // "store: database is locked"
};

// Codes shared by every domain except sqlite, which carries SQLite's own codes.
namespace errc {
inline constexpr int invalid_argument = 1;
inline constexpr int not_found = 2;
inline constexpr int already_exists = 3;
inline constexpr int corrupt = 4;
inline constexpr int permission_denied = 5;
inline constexpr int io = 6;
inline constexpr int unsupported = 7;
inline constexpr int wrong_key = 8;
inline constexpr int limit_exceeded = 9;
inline constexpr int timeout = 10;
inline constexpr int unavailable = 11;  // busy or out of room for now: try again later
inline constexpr int busy = 12;         // the database is in use by another connection: retry
inline constexpr int read_only = 13;    // the database or its directory cannot be written
inline constexpr int disk_full = 14;    // no room left on the disk (or the database's size cap)
}  // namespace errc

template <class E>
struct Unexpected {
    E error;
};
inline Unexpected<Error> unexpected(Error e) {
    return {std::move(e)};
}
inline Unexpected<Error> unexpected(Domain d, int code, std::string message) {
    return {Error{d, code, std::move(message)}};
}

template <class T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Unexpected<Error> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }
    template <class U>
    T value_or(U&& other) const& {
        return has_value() ? value() : static_cast<T>(std::forward<U>(other));
    }

  private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Unexpected<Error> e) : error_(std::move(e.error)), ok_(false) {}

    bool has_value() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    void value() const {}
    const Error& error() const& { return error_; }
    Error&& error() && { return std::move(error_); }

  private:
    Error error_;
    bool ok_ = true;
};

// Propagates an error: `CANVASS_TRY(auto x, parse(s));` or `CANVASS_TRY_VOID(save(r));`
#define CANVASS_CONCAT_(a, b) a##b
#define CANVASS_CONCAT(a, b) CANVASS_CONCAT_(a, b)
#define CANVASS_TRY_IMPL(tmp, decl, expr)                           \
    auto tmp = (expr);                                              \
    if (!tmp) return ::canvass::unexpected(std::move(tmp).error()); \
    decl = std::move(tmp).value()
#define CANVASS_TRY(decl, expr) CANVASS_TRY_IMPL(CANVASS_CONCAT(canvass_try_, __LINE__), decl, expr)
#define CANVASS_TRY_VOID(expr)                                                              \
    do {                                                                                    \
        auto canvass_try_v = (expr);                                                        \
        if (!canvass_try_v) return ::canvass::unexpected(std::move(canvass_try_v).error()); \
    } while (0)

}  // namespace canvass
