#include "server/pg_connection.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "crypto/random.hpp"

namespace canvass::server::pg {
namespace {

constexpr unsigned int kInt8 = 20, kBool = 16, kBytea = 17, kText = 25;

std::string big_endian(std::uint64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8)
        out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    return out;
}

// The connection's last words, on one line.
std::string words(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    for (auto& c : s)
        if (c == '\n') c = ' ';
    return s;
}

Error error_of(pg_result* r, pg_conn* c) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlstate = state ? state : "";
    std::string message = words(r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    if (message.empty()) message = words(PQerrorMessage(c));
    int code = errc::io;
    if (sqlstate == "40001" || sqlstate == "40P01")
        code = errc::busy;
    else if (sqlstate == "23505")
        code = errc::already_exists;
    else if (sqlstate == "53100")
        code = errc::disk_full;
    else if (sqlstate.starts_with("08") || PQstatus(c) != CONNECTION_OK)
        code = errc::unavailable;
    return Error{Domain::store, code,
                 "PostgreSQL" +
                     (sqlstate.empty() ? std::string() : " (SQLSTATE " + sqlstate + ")") + ": " +
                     message};
}

}  // namespace

bool is_postgres_url(std::string_view text) {
    return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

Params& Params::add(std::int64_t v) {
    values_.emplace_back(big_endian(static_cast<std::uint64_t>(v)));
    types_.push_back(kInt8);
    return *this;
}

Params& Params::add(bool v) {
    values_.emplace_back(std::string(1, v ? '\1' : '\0'));
    types_.push_back(kBool);
    return *this;
}

Params& Params::add(std::span<const std::uint8_t> bytes) {
    values_.emplace_back(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    types_.push_back(kBytea);
    return *this;
}

Params& Params::text(std::string_view s) {
    values_.emplace_back(std::string(s));
    types_.push_back(kText);
    return *this;
}

Params& Params::null_bytes() {
    values_.emplace_back(std::nullopt);
    types_.push_back(kBytea);
    return *this;
}

Params& Params::null_int64() {
    values_.emplace_back(std::nullopt);
    types_.push_back(kInt8);
    return *this;
}

Rows::Rows(pg_result* r) : r_(r) {}
Rows::Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
Rows& Rows::operator=(Rows&& o) noexcept {
    if (this != &o) {
        if (r_) PQclear(r_);
        r_ = std::exchange(o.r_, nullptr);
    }
    return *this;
}
Rows::~Rows() {
    if (r_) PQclear(r_);
}

int Rows::size() const {
    return r_ ? PQntuples(r_) : 0;
}
bool Rows::is_null(int row, int col) const {
    return PQgetisnull(r_, row, col) != 0;
}

std::span<const std::uint8_t> Rows::raw(int row, int col) const {
    if (!r_ || PQgetisnull(r_, row, col)) return {};
    return {reinterpret_cast<const std::uint8_t*>(PQgetvalue(r_, row, col)),
            static_cast<std::size_t>(PQgetlength(r_, row, col))};
}

std::int64_t Rows::int64(int row, int col) const {
    auto v = raw(row, col);
    if (v.empty()) return 0;
    std::uint64_t u = (v[0] & 0x80) ? ~std::uint64_t{0} : 0;  // sign-extends int2 and int4
    if (v.size() == 1) return v[0];                           // a bool
    for (auto b : v) u = (u << 8) | b;
    return static_cast<std::int64_t>(u);
}

bool Rows::boolean(int row, int col) const {
    auto v = raw(row, col);
    return !v.empty() && v[0] != 0;
}

Bytes Rows::bytes(int row, int col) const {
    auto v = raw(row, col);
    return Bytes(v.begin(), v.end());
}

std::string Rows::text(int row, int col) const {
    auto v = raw(row, col);
    return std::string(reinterpret_cast<const char*>(v.data()), v.size());
}

std::uint64_t Rows::affected() const {
    const char* n = r_ ? PQcmdTuples(r_) : nullptr;
    return n && *n ? std::stoull(n) : 0;
}

Result<Connection> Connection::open(const std::string& url) {
    pg_conn* c = PQconnectdb(url.c_str());
    if (!c)
        return unexpected(Domain::store, errc::unavailable, "PostgreSQL: out of memory connecting");
    if (PQstatus(c) != CONNECTION_OK) {
        auto why = words(PQerrorMessage(c));
        PQfinish(c);
        return unexpected(Domain::store, errc::unavailable, "cannot connect to PostgreSQL: " + why);
    }
    Connection conn(c);
    // Quiet notices; times in UTC.
    CANVASS_TRY_VOID(conn.script("SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
    return conn;
}

Connection::Connection(Connection&& o) noexcept
    : c_(std::exchange(o.c_, nullptr)),
      prepared_(std::move(o.prepared_)),
      depth_(o.depth_),
      retryable_(o.retryable_) {}
Connection& Connection::operator=(Connection&& o) noexcept {
    if (this != &o) {
        if (c_) PQfinish(c_);
        c_ = std::exchange(o.c_, nullptr);
        prepared_ = std::move(o.prepared_);
        depth_ = o.depth_;
    }
    return *this;
}
Connection::~Connection() {
    if (c_) PQfinish(c_);
}

Result<Rows> Connection::check(pg_result* r, const std::string&) {
    auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(r);
    auto e = error_of(r, c_);
    retryable_ = e.code == errc::busy || e.code == errc::already_exists;
    if (r) PQclear(r);
    if (PQstatus(c_) != CONNECTION_OK) {
        // The server went away: the next statement finds a fresh connection, with nothing
        // prepared on it, and no transaction open.
        PQreset(c_);
        prepared_.clear();
        e.code = errc::unavailable;
    }
    return unexpected(std::move(e));
}

Result<Rows> Connection::query(const std::string& sql, const Params& params) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
        std::string name = "s" + std::to_string(prepared_.size() + 1);
        std::vector<unsigned int> types(params.types_.begin(), params.types_.end());
        CANVASS_TRY(auto done,
                    check(PQprepare(c_, name.c_str(), sql.c_str(), static_cast<int>(types.size()),
                                    types.empty() ? nullptr : types.data()),
                          sql));
        (void)done;
        it = prepared_.emplace(sql, std::move(name)).first;
    }
    const auto n = params.values_.size();
    std::vector<const char*> values(n);
    std::vector<int> lengths(n), formats(n, 1);
    for (std::size_t i = 0; i < n; ++i) {
        const auto& v = params.values_[i];
        values[i] = v ? v->data() : nullptr;
        lengths[i] = v ? static_cast<int>(v->size()) : 0;
    }
    return check(
        PQexecPrepared(c_, it->second.c_str(), static_cast<int>(n), n ? values.data() : nullptr,
                       n ? lengths.data() : nullptr, n ? formats.data() : nullptr, 1),
        sql);
}

Result<void> Connection::run(const std::string& sql, const Params& params) {
    CANVASS_TRY(auto rows, query(sql, params));
    (void)rows;
    return {};
}

Result<void> Connection::script(const std::string& sql) {
    CANVASS_TRY(auto rows, check(PQexec(c_, sql.c_str()), sql));
    (void)rows;
    return {};
}

Result<void> Connection::transaction(Isolation level, const std::function<Result<void>()>& body,
                                     bool read_only, int attempts) {
    static const char* begin[] = {"BEGIN ISOLATION LEVEL READ COMMITTED",
                                  "BEGIN ISOLATION LEVEL REPEATABLE READ",
                                  "BEGIN ISOLATION LEVEL SERIALIZABLE"};
    if (depth_ > 0) return body();  // already inside one: part of it
    Error last{Domain::store, errc::busy, "PostgreSQL: no attempt made"};
    for (int attempt = 0; attempt < attempts; ++attempt) {
        std::string start = begin[static_cast<int>(level)];
        if (read_only) start += " READ ONLY";
        CANVASS_TRY_VOID(script(start));
        retryable_ = false;
        ++depth_;
        auto done = body();
        --depth_;
        if (done) {
            auto committed = script("COMMIT");
            if (committed) return {};
            last = std::move(committed).error();
        } else {
            last = std::move(done).error();
            (void)script("ROLLBACK");
        }
        // A unique violation between two transactions that both found the row missing is a
        // serialization failure too, reported by the constraint.
        if (!retryable_ || (last.code != errc::busy && last.code != errc::already_exists))
            return unexpected(std::move(last));
        auto pause =
            std::chrono::microseconds(200 + crypto::random_uniform(1000u << std::min(attempt, 6)));
        std::this_thread::sleep_for(pause);
    }
    return unexpected(std::move(last));
}

}  // namespace canvass::server::pg
