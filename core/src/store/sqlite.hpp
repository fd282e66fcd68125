// RAII over SQLite: a connection, prepared statements, transactions and schema migrations.
// The only code besides the stores themselves that includes <sqlite3.h>; the server's store
// uses it too. Errors are Error{Domain::sqlite, <SQLite extended code>, message}. When the
// cause is the file or the disk the message names the file and says what to do: damaged
// (SQLITE_CORRUPT, SQLITE_NOTADB: restore it from a backup, and how to check it), a full disk
// (free space), a failing disk (SQLITE_IOERR: check the storage, look whether the last change
// is there), a file that cannot be written or opened (check permissions and the folder).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "canvass/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace canvass::store {

class Statement;

// Whether `e` is SQLite saying the disk (or the database's size limit) is full: SQLITE_FULL.
bool is_disk_full(const Error& e);

// The errc code that says what a SQLite result code means to a caller (SQLITE_BUSY and
// SQLITE_LOCKED: busy; SQLITE_READONLY: read_only; SQLITE_FULL: disk_full; ...), or 0 when it
// means canvass misused SQLite (SQLITE_ERROR, SQLITE_MISUSE...). `rc` may be extended.
int errc_for_sqlite(int rc);

class Database {
  public:
    // Opens (creating if asked) a database file in WAL mode with synchronous=FULL, so a
    // committed transaction survives power loss, and foreign keys on. The file and its -wal
    // and -shm are owner-only (0600) whatever the umask; wider ones are narrowed on open.
    static Result<Database> open(const std::string& path, bool create);
    // Opens an existing database for reading only (SQLITE_OPEN_READONLY, query_only): it
    // never writes to the file, so it works on a full disk or a read-only directory. The
    // database must already be in WAL mode or rollback mode as written.
    static Result<Database> open_read_only(const std::string& path);

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // Runs one or more statements without results.
    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // A statement prepared once per connection and reused for statements run on every save.
    // The handle resets it when it goes out of scope, so no read stays open. Not reentrant:
    // one handle per SQL text at a time.
    class Cached;
    Result<Cached> cached(std::string_view sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    // Applies migrations[i] for every i >= PRAGMA user_version, each in its own transaction,
    // and sets user_version. Refuses a database newer than this program.
    Result<void> migrate(std::span<const std::string_view> migrations);
    // PRAGMA user_version: the number of migrations applied.
    Result<std::int64_t> schema_version();
    // "ok", or the problems PRAGMA integrity_check found.
    Result<std::string> integrity_check();
    // "ok", or the problems PRAGMA quick_check found: every page read, without the index
    // cross-checks, so it is fast enough to run at every start.
    Result<std::string> quick_check();
    sqlite3* handle() const { return db_; }

  private:
    friend class Transaction;
    explicit Database(sqlite3* db);
    Result<std::string> check(const char* pragma);
    Result<void> exec_unchecked(std::string_view sql);
    sqlite3* db_ = nullptr;
    // How many Transactions are open on the connection; on the heap, so the statements can
    // see it through a move of the Database.
    std::unique_ptr<int> transactions_ = std::make_unique<int>(0);
    // Declared after db_ so the statements are finalized before the connection closes.
    std::unique_ptr<std::map<std::string, Statement, std::less<>>> cache_;
};

// A prepared statement; parameters are 1-based as in SQLite, columns 0-based.
class Statement {
  public:
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);
    template <std::size_t N>
    Statement& bind(int index, const std::array<std::uint8_t, N>& a) {
        return bind(index, std::span<const std::uint8_t>(a));
    }
    Statement& bind(int index, const std::vector<std::uint8_t>& v) {
        return bind(index, std::span<const std::uint8_t>(v));
    }
    Statement& bind(int index, const std::string& s) { return bind(index, std::string_view(s)); }
    Statement& bind(int index, const char* s) { return bind(index, std::string_view(s)); }
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, std::uint64_t value) {
        return bind(index, static_cast<std::int64_t>(value));
    }

    // true: a row is ready; false: done.
    Result<bool> step();
    // Runs a statement that returns no rows (or ignores them).
    Result<void> run();
    void reset();  // ready to run again, bindings kept

    bool is_null(int col) const;
    std::int64_t int64(int col) const;
    std::string text(int col) const;
    std::vector<std::uint8_t> blob(int col) const;
    template <std::size_t N>
    bool blob_into(int col, std::array<std::uint8_t, N>& out) const {
        auto b = blob(col);
        if (b.size() != N) return false;
        std::copy(b.begin(), b.end(), out.begin());
        return true;
    }
    // Column `col` as N bytes; all zero when it holds another size (or NULL).
    template <std::size_t N>
    std::array<std::uint8_t, N> fixed_blob(int col) const {
        std::array<std::uint8_t, N> out{};
        (void)blob_into(col, out);
        return out;
    }

  private:
    friend class Database;
    Statement(sqlite3_stmt* s, sqlite3* db, const int* transactions)
        : stmt_(s), db_(db), transactions_(transactions) {}
    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
    const int* transactions_ = nullptr;
    Error error_;  // a bind error, reported by the next step()
    bool bind_failed_ = false;
};

class Database::Cached {
  public:
    explicit Cached(Statement* s) : s_(s) {}
    Cached(Cached&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    Cached& operator=(Cached&&) = delete;
    ~Cached() {
        if (s_) s_->reset();
    }
    Statement* operator->() const { return s_; }
    Statement& operator*() const { return *s_; }

  private:
    Statement* s_;
};

// BEGIN IMMEDIATE on construction, or a savepoint when a transaction is already open (a
// bulk import copying attachments in); ROLLBACK (to the savepoint) on destruction unless
// commit() succeeded.
//
// Some failures (a full disk, an I/O error, out of memory) make SQLite roll the whole
// transaction back itself. Statements run after that would each commit on their own, outside
// any transaction: half a change saved. So while a Transaction is open and SQLite has rolled
// it back, every statement and exec() of the connection fails, saying so, until it ends.
class Transaction {
  public:
    static Result<Transaction> begin(Database& db);
    Transaction(Transaction&& o) noexcept : db_(std::exchange(o.db_, nullptr)), depth_(o.depth_) {}
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    Result<void> commit();

  private:
    Transaction(Database* db, int depth) : db_(db), depth_(depth) {}
    std::string savepoint() const;
    Database* db_;
    int depth_;  // 1: the transaction itself; more: a savepoint inside it
};

}  // namespace canvass::store
