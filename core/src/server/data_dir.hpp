// The server's data directory (DESIGN.md section 7): everything the server keeps.
//
//   DIR/server.key   the X25519 secret key, 32 raw bytes, mode 0600
//   DIR/server.pub   its public key, lowercase hex, for the administrator
//   DIR/server.db    the SQLite store (WAL, synchronous=FULL) and its -wal/-shm files
//   DIR/database     instead, when present: the postgresql:// URL of a shared store (mode
//                    0600: it may hold a password); attachments then live there too
#pragma once

#include <filesystem>
#include <memory>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "server/server_store.hpp"

namespace canvass::server {

// Where a server keeps its state: its data directory (the key, and the SQLite store unless
// told otherwise) and, when given, the PostgreSQL database (`--database URL`) that
// overrides DIR/database for this command.
struct DataDir {
    std::filesystem::path dir;
    std::string database;
};

// The database a data directory's store lives in: `--database`, else DIR/database, else ""
// (the embedded SQLite store, DIR/server.db).
Result<std::string> database_url(const DataDir& data);

// Creates the directory (0700 if new), a fresh server key and an empty store. Refuses a
// directory that already holds a server key (Error{store, already_exists}): a second init
// must never replace the key every enrolled device has pinned.
// With `data.database` set, the store is created there (its schema migrated) and the URL saved
// as DIR/database; several instances may be initialized on one database (the last keeps its
// key: give every instance the same data directory's key, docs/server.md).
Result<crypto::DhPublicKey> init_data_dir(const DataDir& data);

// The server's key pair. Errors name the file and say to run `init` when it is missing.
Result<crypto::DhKeyPair> load_server_key(const std::filesystem::path& dir);

enum class Access { read_write, read_only };

// The store of an initialized data directory. Read-only access writes nothing there (for
// reports: they work on a full disk and beside a running server without delaying it).
Result<std::unique_ptr<ServerStore>> open_data_store(const DataDir& data,
                                                     Access access = Access::read_write);

}  // namespace canvass::server
