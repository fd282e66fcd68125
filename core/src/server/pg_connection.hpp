// A connection to PostgreSQL through libpq, with RAII over its handles: the only code of
// canvass that includes <libpq-fe.h>. Parameters and results travel in binary, so byte
// strings (keys, hashes, sealed changesets) go in and out as they are, never escaped.
//
// Errors are Error{store, ...}: errc::busy for a serialization failure or a deadlock
// (SQLSTATE 40001, 40P01: the transaction is to be run again), already_exists for a unique
// violation, disk_full for a full disk (53100), unavailable when the server cannot be
// reached, io for anything else; the message names the SQLSTATE.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"

struct pg_conn;
struct pg_result;

namespace canvass::server::pg {

using Bytes = std::vector<std::uint8_t>;

// The parameters of one statement ($1, $2, ... in the order added), all in binary.
class Params {
  public:
    Params& add(std::int64_t v);
    Params& add(std::uint64_t v) { return add(static_cast<std::int64_t>(v)); }
    Params& add(int v) { return add(static_cast<std::int64_t>(v)); }
    Params& add(bool v);
    Params& add(std::span<const std::uint8_t> bytes);
    template <std::size_t N>
    Params& add(const std::array<std::uint8_t, N>& bytes) {
        return add(std::span<const std::uint8_t>(bytes));
    }
    Params& add(const Bytes& bytes) { return add(std::span<const std::uint8_t>(bytes)); }
    Params& text(std::string_view s);
    Params& null_bytes();  // a NULL bytea
    Params& null_int64();  // a NULL bigint

    std::size_t size() const { return values_.size(); }

  private:
    friend class Connection;
    std::vector<std::optional<std::string>> values_;
    std::vector<unsigned int> types_;  // OIDs
};

// The rows of a result, columns read by index. Integer columns may be int2, int4 or int8.
class Rows {
  public:
    Rows() = default;
    explicit Rows(pg_result* r);
    Rows(Rows&&) noexcept;
    Rows& operator=(Rows&&) noexcept;
    ~Rows();

    int size() const;
    bool empty() const { return size() == 0; }
    bool is_null(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    std::uint64_t uint64(int row, int col) const {
        return static_cast<std::uint64_t>(int64(row, col));
    }
    bool boolean(int row, int col) const;
    Bytes bytes(int row, int col) const;
    std::string text(int row, int col) const;
    // Copies a fixed-size value (an id, key or hash); zeros if it is NULL or of another size.
    template <std::size_t N>
    std::array<std::uint8_t, N> fixed(int row, int col) const {
        std::array<std::uint8_t, N> out{};
        auto v = raw(row, col);
        if (v.size() == N) std::copy(v.begin(), v.end(), out.begin());
        return out;
    }
    // Rows affected by an INSERT, UPDATE or DELETE.
    std::uint64_t affected() const;

  private:
    std::span<const std::uint8_t> raw(int row, int col) const;
    pg_result* r_ = nullptr;
};

enum class Isolation { read_committed, repeatable_read, serializable };

class Connection {
  public:
    // Connects to `url` (postgresql://user@host:port/db?host=/socket/dir, or key=value
    // words). Error{store, unavailable} saying why if it cannot.
    static Result<Connection> open(const std::string& url);
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    ~Connection();

    // Runs one statement (prepared once per connection, by its text) and returns its rows.
    Result<Rows> query(const std::string& sql, const Params& params = {});
    Result<void> run(const std::string& sql, const Params& params = {});
    // Runs several statements without parameters (migrations).
    Result<void> script(const std::string& sql);

    // Runs `body` in a transaction at `level`, committing if it succeeds. A serialization
    // failure or deadlock (errc::busy) of the body or of the commit rolls back and runs it
    // again, up to `attempts` times with a short random pause: `body` must only touch the
    // database (and what it returns), so that running it again is safe. A read-only
    // transaction never writes.
    Result<void> transaction(Isolation level, const std::function<Result<void>()>& body,
                             bool read_only = false, int attempts = 50);
    bool in_transaction() const { return depth_ > 0; }

  private:
    explicit Connection(pg_conn* c) : c_(c) {}
    Result<Rows> check(pg_result* r, const std::string& sql);
    pg_conn* c_ = nullptr;
    std::map<std::string, std::string> prepared_;  // statement text -> its name
    int depth_ = 0;
    bool retryable_ =
        false;  // the last failure was a serialization failure, deadlock or unique violation
};

// Whether `text` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_url(std::string_view text);

}  // namespace canvass::server::pg
