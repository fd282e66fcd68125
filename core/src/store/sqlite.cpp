#include "store/sqlite.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

namespace canvass::store {

namespace {

// What a failure SQLite reports means to the person who ran the command. Where the cause is
// the file or the disk (damage, a full or failing disk, a file that cannot be opened or
// written) the message names the file and says what to do: SQLite's own words ("disk I/O
// error", "database disk image is malformed") say neither. Other failures are canvass's own
// and keep SQLite's words after `what`.
const char* io_step(int rc) {
    switch (rc) {
        case SQLITE_IOERR_READ:
        case SQLITE_IOERR_SHORT_READ:
            return "reading it";
        case SQLITE_IOERR_WRITE:
            return "writing it";
        case SQLITE_IOERR_FSYNC:
        case SQLITE_IOERR_DIR_FSYNC:
            return "flushing it to the disk";
        case SQLITE_IOERR_TRUNCATE:
            return "truncating it";
        default:
            return "reading or writing it";
    }
}

std::string explain(sqlite3* db, int rc, std::string_view what, const std::string& detail,
                    const std::string& path = {}) {
    const char* name = db ? sqlite3_db_filename(db, "main") : nullptr;
    std::string file = name && *name ? name : path.empty() ? "the database file" : path;
    switch (rc & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return file + " is damaged (" + detail +
                   "). Stop using it and restore it from a backup copy; " +
                   "to see the damage, check a copy with: sqlite3 COPY 'PRAGMA integrity_check'";
        case SQLITE_FULL:
            return file + ": the disk is full (" + detail +
                   "). What was saved before is kept; free some space on this disk and run the "
                   "command again";
        case SQLITE_IOERR:
            return file + ": the disk failed while " + io_step(rc) + " (" + detail +
                   "). What was saved before is kept; the last change may not be. Check the "
                   "storage (a memory card taken out, a failing disk), then run the command "
                   "again and look whether that change is there";
        case SQLITE_READONLY:
            return file + " cannot be written (" + detail +
                   "): check that this user may write the file and its folder";
        case SQLITE_CANTOPEN:
            if (what.starts_with("cannot open")) {
                return std::string(what) + ": " + detail +
                       ": check that its folder exists and this user may write in it";
            }
            return file + " or its -wal or -shm file cannot be opened (" + detail +
                   "): check that its folder exists and this user may write in it";
        default:
            return std::string(what) + ": " + detail;
    }
}

// `path`: the file, where the connection cannot name it yet (its open failed).
Unexpected<Error> sqlite_error(sqlite3* db, int rc, std::string_view what,
                               const std::string& path = {}) {
    std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return unexpected(Domain::sqlite, rc, explain(db, rc, what, detail, path));
}

// Whether SQLite rolled back the Transaction open on the connection (see Transaction).
bool rolled_back_under_us(sqlite3* db, const int* transactions) {
    return transactions && *transactions > 0 && sqlite3_get_autocommit(db) != 0;
}

Unexpected<Error> rolled_back_error(sqlite3* db) {
    const char* name = sqlite3_db_filename(db, "main");
    return unexpected(Domain::sqlite, SQLITE_ABORT_ROLLBACK,
                      std::string(name && *name ? name : "the database file") +
                          ": an earlier failure rolled this change back, so nothing of it was "
                          "saved; what was saved before is kept. Run the command again");
}

// The database and its -wal and -shm files readable by their owner only. SQLite creates the
// -wal and -shm files with the mode of the database file, so creating that one 0600 (whatever
// the umask) covers all three; files of an older version made with a wider mode are narrowed.
Result<void> make_owner_only(const std::string& path, bool create) {
    if (create) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
            return unexpected(Domain::store, errc::io,
                              "cannot create " + path + ": " + std::strerror(errno));
        }
        ::close(fd);
    }
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::string file = path + suffix;
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
            continue;
        if (::chmod(file.c_str(), st.st_mode & 0700) != 0 && suffix[0] == '\0') {
            return unexpected(
                Domain::store, errc::io,
                "cannot make " + file + " private (chmod 600): " + std::strerror(errno));
        }
    }
    return {};
}

}  // namespace

bool is_disk_full(const Error& e) {
    return e.domain == Domain::sqlite && (e.code & 0xff) == SQLITE_FULL;
}

int errc_for_sqlite(int rc) {
    switch (rc & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return errc::busy;
        case SQLITE_READONLY:
            return errc::read_only;
        case SQLITE_FULL:
            return errc::disk_full;
        case SQLITE_PERM:
        case SQLITE_AUTH:
            return errc::permission_denied;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return errc::corrupt;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
            return errc::io;
        case SQLITE_NOMEM:
        case SQLITE_TOOBIG:
            return errc::limit_exceeded;
        case SQLITE_NOLFS:
            return errc::unsupported;
        case SQLITE_ABORT:
            // A transaction SQLite rolled back after an I/O or full-disk failure.
            return rc == SQLITE_ABORT_ROLLBACK ? errc::io : 0;
        case SQLITE_CONSTRAINT:
            if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
                return errc::already_exists;
            return errc::invalid_argument;
        default:
            return 0;  // SQLITE_ERROR, MISUSE, SCHEMA...: a fault of canvass's own
    }
}

Result<Database> Database::open(const std::string& path, bool create) {
    if (path != ":memory:" && !path.starts_with("file:")) {
        struct stat st {};
        bool exists = ::stat(path.c_str(), &st) == 0;
        if (exists || create) CANVASS_TRY_VOID(make_owner_only(path, create && !exists));
    }
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        auto err = sqlite_error(db, rc, "cannot open " + path, path);
        sqlite3_close(db);
        return err;
    }
    sqlite3_extended_result_codes(db, 1);
    Database d(db);
    sqlite3_busy_timeout(db, 5000);
    // journal_mode returns a row; exec() ignores it.
    CANVASS_TRY_VOID(
        d.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               " PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"));
    return d;
}

namespace {

// `path` as a file: URI (RFC 3986 percent-encoding of what a URI path cannot hold).
std::string file_uri(const std::string& path, std::string_view query) {
    static const char* hex = "0123456789ABCDEF";
    std::string uri = "file:";
    for (unsigned char c : path) {
        if (std::isalnum(c) ||
            std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos) {
            uri.push_back(static_cast<char>(c));
        } else {
            uri += '%';
            uri += hex[c >> 4];
            uri += hex[c & 15];
        }
    }
    return uri + "?" + std::string(query);
}

Result<sqlite3*> open_handle(const std::string& name, int flags, const std::string& path) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        auto err = sqlite_error(db, rc, "cannot open " + path, path);
        sqlite3_close(db);
        return err;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

}  // namespace

Result<Database> Database::open_read_only(const std::string& path) {
    constexpr int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    CANVASS_TRY(auto handle, open_handle(file_uri(path, "mode=ro"), flags, path));
    Database d(handle);
    // The file is already in WAL mode (setting it would be a write); query_only refuses any
    // write this connection might still attempt. Reading the schema finds out whether the
    // WAL can be read at all.
    auto probe = d.exec("PRAGMA query_only=ON; SELECT count(*) FROM sqlite_schema;");
    if (probe) return d;
    // SQLITE_CANTOPEN or SQLITE_READONLY_CANTINIT: the -shm can be neither opened nor created.
    int primary = probe.error().code & 0xff;
    if (primary != SQLITE_CANTOPEN && primary != SQLITE_READONLY) return unexpected(probe.error());
    // A WAL database whose -wal and -shm files are gone (a clean shutdown) in a directory
    // nobody can write to: no writer can exist there (it would have to create the -wal), so
    // the file can be read as immutable.
    CANVASS_TRY(auto frozen, open_handle(file_uri(path, "mode=ro&immutable=1"), flags, path));
    Database f(frozen);
    CANVASS_TRY_VOID(f.exec("PRAGMA query_only=ON; SELECT count(*) FROM sqlite_schema;"));
    return f;
}

Database::Database(sqlite3* db)
    : db_(db), cache_(std::make_unique<std::map<std::string, Statement, std::less<>>>()) {}
Database::Database(Database&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      transactions_(std::move(o.transactions_)),
      cache_(std::move(o.cache_)) {}
Database& Database::operator=(Database&& o) noexcept {
    if (this != &o) {
        if (cache_) cache_->clear();
        if (db_) sqlite3_close_v2(db_);
        db_ = std::exchange(o.db_, nullptr);
        transactions_ = std::move(o.transactions_);
        cache_ = std::move(o.cache_);
    }
    return *this;
}
Database::~Database() {
    if (cache_) cache_->clear();  // finalize statements before closing
    if (db_) sqlite3_close_v2(db_);
}

Result<Database::Cached> Database::cached(std::string_view sql) {
    auto it = cache_->find(sql);
    if (it == cache_->end()) {
        CANVASS_TRY(auto st, prepare(sql));
        it = cache_->emplace(std::string(sql), std::move(st)).first;
    }
    it->second.reset();
    it->second.bind_failed_ = false;
    return Cached(&it->second);
}

Result<void> Database::exec(std::string_view sql) {
    if (rolled_back_under_us(db_, transactions_.get())) return rolled_back_error(db_);
    return exec_unchecked(sql);
}

Result<void> Database::exec_unchecked(std::string_view sql) {
    std::string s(sql);
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg);
    if (rc != SQLITE_OK) {
        std::string text = msg ? msg : sqlite3_errstr(rc);
        sqlite3_free(msg);
        return unexpected(Domain::sqlite, rc, explain(db_, rc, "database", text));
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "cannot prepare statement");
    return Statement(stmt, db_, transactions_.get());
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
    return sqlite3_changes(db_);
}

Result<void> Database::migrate(std::span<const std::string_view> migrations) {
    std::int64_t current = 0;
    {  // finalized before migrating: a statement left open keeps DROP TABLE from running
        CANVASS_TRY(auto st, prepare("PRAGMA user_version"));
        CANVASS_TRY(bool row, st.step());
        if (row) current = st.int64(0);
    }
    if (current > static_cast<std::int64_t>(migrations.size())) {
        return unexpected(Domain::store, errc::unsupported,
                          "the database was written by a newer canvass (schema version " +
                              std::to_string(current) + "); upgrade canvass to open it");
    }
    for (auto v = static_cast<std::size_t>(current); v < migrations.size(); ++v) {
        CANVASS_TRY(auto tx, Transaction::begin(*this));
        CANVASS_TRY_VOID(exec(migrations[v]));
        CANVASS_TRY_VOID(exec("PRAGMA user_version=" + std::to_string(v + 1)));
        CANVASS_TRY_VOID(tx.commit());
    }
    return {};
}

Result<std::int64_t> Database::schema_version() {
    CANVASS_TRY(auto st, prepare("PRAGMA user_version"));
    CANVASS_TRY(bool row, st.step());
    return row ? st.int64(0) : 0;
}

Result<std::string> Database::integrity_check() {
    return check("PRAGMA integrity_check");
}
Result<std::string> Database::quick_check() {
    return check("PRAGMA quick_check");
}

Result<std::string> Database::check(const char* pragma) {
    CANVASS_TRY(auto st, prepare(pragma));
    std::string out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        if (!out.empty()) out += "\n";
        out += st.text(0);
    }
    return out;
}

Statement::Statement(Statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)),
      db_(o.db_),
      transactions_(o.transactions_),
      error_(std::move(o.error_)),
      bind_failed_(o.bind_failed_) {}
Statement& Statement::operator=(Statement&& o) noexcept {
    if (this != &o) {
        if (stmt_) sqlite3_finalize(stmt_);
        stmt_ = std::exchange(o.stmt_, nullptr);
        db_ = o.db_;
        transactions_ = o.transactions_;
        error_ = std::move(o.error_);
        bind_failed_ = o.bind_failed_;
    }
    return *this;
}
Statement::~Statement() {
    if (stmt_) sqlite3_finalize(stmt_);
}

namespace {
bool check_bind(int rc, sqlite3* db, Error& error, bool& failed) {
    if (rc == SQLITE_OK) return true;
    if (!failed) error = sqlite_error(db, rc, "cannot bind parameter").error;
    failed = true;
    return false;
}
}  // namespace

Statement& Statement::bind(int index, std::int64_t value) {
    check_bind(sqlite3_bind_int64(stmt_, index, value), db_, error_, bind_failed_);
    return *this;
}
Statement& Statement::bind(int index, std::string_view text) {
    check_bind(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        db_, error_, bind_failed_);
    return *this;
}
Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
    // A zero-length blob must still be a blob, not NULL: give SQLite a valid pointer.
    static const std::uint8_t empty = 0;
    check_bind(sqlite3_bind_blob64(stmt_, index, blob.empty() ? &empty : blob.data(), blob.size(),
                                   SQLITE_TRANSIENT),
               db_, error_, bind_failed_);
    return *this;
}
Statement& Statement::bind_null(int index) {
    check_bind(sqlite3_bind_null(stmt_, index), db_, error_, bind_failed_);
    return *this;
}

Result<bool> Statement::step() {
    if (bind_failed_) return unexpected(error_);
    if (rolled_back_under_us(db_, transactions_)) return rolled_back_error(db_);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    auto err = sqlite_error(db_, rc, "database");
    sqlite3_reset(stmt_);
    return err;
}

Result<void> Statement::run() {
    CANVASS_TRY(bool row, step());
    (void)row;
    sqlite3_reset(stmt_);
    return {};
}

void Statement::reset() {
    sqlite3_reset(stmt_);
}

bool Statement::is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
std::int64_t Statement::int64(int col) const {
    return sqlite3_column_int64(stmt_, col);
}
std::string Statement::text(int col) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
}
std::vector<std::uint8_t> Statement::blob(int col) const {
    auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
    auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
    return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>();
}

Result<Transaction> Transaction::begin(Database& db) {
    const int depth = *db.transactions_ + 1;
    Transaction tx(nullptr, depth);
    CANVASS_TRY_VOID(
        db.exec(depth == 1 ? std::string("BEGIN IMMEDIATE") : "SAVEPOINT " + tx.savepoint()));
    tx.db_ = &db;
    ++*db.transactions_;
    return tx;
}

std::string Transaction::savepoint() const {
    return "canvass_" + std::to_string(depth_);
}

Transaction::~Transaction() {
    if (!db_) return;
    // After SQLite rolled the transaction back itself there is nothing left to roll back.
    if (sqlite3_get_autocommit(db_->db_) == 0) {
        (void)db_->exec_unchecked(depth_ == 1
                                      ? std::string("ROLLBACK")
                                      : "ROLLBACK TO " + savepoint() + "; RELEASE " + savepoint());
    }
    --*db_->transactions_;
}

Result<void> Transaction::commit() {
    if (rolled_back_under_us(db_->db_, db_->transactions_.get()))
        return rolled_back_error(db_->db_);
    CANVASS_TRY_VOID(
        db_->exec_unchecked(depth_ == 1 ? std::string("COMMIT") : "RELEASE " + savepoint()));
    --*db_->transactions_;
    db_ = nullptr;
    return {};
}

}  // namespace canvass::store
