// The PostgreSQL store's schema, as migrations applied in order (migrate() below). Version 1
// is the SQLite schema at its version 4 (sqlite_schema.hpp) in PostgreSQL's types, with
// what several instances sharing the database need: a counter on dirty records, so that a
// record marked again while its state is being stored stays marked; and the attachments,
// which on SQLite are files under DIR/media, as rows, so that every instance serves them.
#pragma once

#include <array>
#include <string_view>

#include "canvass/result.hpp"
#include "server/pg_connection.hpp"

namespace canvass::server::pg {

inline constexpr std::array<std::string_view, 2> migrations = {
    R"sql(
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL);
CREATE TABLE recipient_statements (
  project BIGINT NOT NULL REFERENCES projects(id),
  serial BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (project, serial));
CREATE TABLE forms (
  project BIGINT NOT NULL REFERENCES projects(id),
  form_id TEXT NOT NULL,
  version TEXT NOT NULL,
  hash BYTEA NOT NULL,
  body TEXT NOT NULL,
  published BIGINT NOT NULL,
  PRIMARY KEY (project, form_id, version));
CREATE TABLE tokens (
  id BYTEA PRIMARY KEY,
  secret BYTEA NOT NULL,
  project BIGINT NOT NULL REFERENCES projects(id),
  role TEXT NOT NULL,
  expires BIGINT NOT NULL,
  created BIGINT NOT NULL,
  used_by BYTEA,
  used_at BIGINT,
  revoked BIGINT,
  label TEXT NOT NULL DEFAULT '');
CREATE TABLE devices (
  id BYTEA PRIMARY KEY,
  project BIGINT NOT NULL REFERENCES projects(id),
  role TEXT NOT NULL,
  signing_key BYTEA NOT NULL,
  transport_key BYTEA NOT NULL UNIQUE,
  enrolled BIGINT NOT NULL,
  revoked BIGINT,
  revoked_seq BIGINT,
  label TEXT NOT NULL DEFAULT '',
  last_seen BIGINT);
CREATE TABLE chains (
  project BIGINT NOT NULL REFERENCES projects(id),
  device BYTEA NOT NULL,
  key BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  equivocated BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (project, device));
CREATE TABLE changesets (
  id BIGSERIAL PRIMARY KEY,
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  record BYTEA NOT NULL,
  hlc BIGINT NOT NULL,
  far_future BOOLEAN NOT NULL,
  received BIGINT NOT NULL,
  body BYTEA NOT NULL,
  UNIQUE (project, device, seq));
CREATE INDEX changesets_by_record ON changesets (project, record);
CREATE TABLE held (
  id BIGSERIAL PRIMARY KEY,
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  record BYTEA NOT NULL,
  hlc BIGINT NOT NULL,
  far_future BOOLEAN NOT NULL,
  received BIGINT NOT NULL,
  body BYTEA NOT NULL,
  UNIQUE (project, device, seq));
CREATE TABLE heads (
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  signature BYTEA NOT NULL,
  PRIMARY KEY (project, device, seq));
CREATE TABLE grants (
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (project, device, body));
CREATE TABLE evidence (
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  fork_seq BIGINT NOT NULL,
  held_hash BYTEA NOT NULL,
  head_seq BIGINT NOT NULL,
  head_hash BYTEA NOT NULL,
  head_signature BYTEA NOT NULL,
  received BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (project, device, seq, hash));
CREATE TABLE dirty_records (
  project BIGINT NOT NULL,
  record BYTEA NOT NULL,
  mark BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (project, record));
CREATE TABLE records (
  project BIGINT NOT NULL,
  record BYTEA NOT NULL,
  state BYTEA NOT NULL,
  digest BYTEA NOT NULL,
  PRIMARY KEY (project, record));
CREATE TABLE record_creators (
  project BIGINT NOT NULL,
  record BYTEA NOT NULL,
  device BYTEA NOT NULL,
  PRIMARY KEY (project, record));
CREATE TABLE refused_changes (
  project BIGINT NOT NULL,
  device BYTEA NOT NULL,
  seq BIGINT NOT NULL,
  record BYTEA NOT NULL,
  delivered_by BYTEA NOT NULL,
  received BIGINT NOT NULL,
  times BIGINT NOT NULL DEFAULT 1,
  reason TEXT NOT NULL,
  PRIMARY KEY (project, device, seq, record));
CREATE TABLE media_items (
  project TEXT NOT NULL,
  id BYTEA NOT NULL,
  device BYTEA NOT NULL,
  size BIGINT NOT NULL,
  chunks BIGINT NOT NULL,
  root BYTEA NOT NULL,
  signature BYTEA NOT NULL,
  PRIMARY KEY (project, id));
CREATE TABLE media_chunks (
  project TEXT NOT NULL,
  id BYTEA NOT NULL,
  chunk BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (project, id, chunk));
)sql",
    // Version 2: attachments kept by author and id (docs/media.md, "Sync"), as the files of
    // the embedded store are: another device's item of the same id is another item.
    R"sql(
ALTER TABLE media_chunks ADD COLUMN device BYTEA;
UPDATE media_chunks c SET device = i.device FROM media_items i WHERE i.project = c.project AND i.id = c.id;
DELETE FROM media_chunks WHERE device IS NULL;
ALTER TABLE media_chunks ALTER COLUMN device SET NOT NULL;
ALTER TABLE media_chunks DROP CONSTRAINT media_chunks_pkey;
ALTER TABLE media_chunks ADD PRIMARY KEY (project, device, id, chunk);
ALTER TABLE media_items DROP CONSTRAINT media_items_pkey;
ALTER TABLE media_items ADD PRIMARY KEY (project, device, id);
)sql"};

// Brings the database's schema up to the last migration, in one transaction that holds an
// advisory lock, so that instances starting together migrate once. Refuses a database of a
// newer schema (Error{store, unsupported}) and, with `upgrade` false, one of an older schema.
Result<void> migrate(Connection& db, bool upgrade);

}  // namespace canvass::server::pg
