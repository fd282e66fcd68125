// The server database's schema, as migrations applied in order (store/sqlite.hpp).
#pragma once

#include <array>
#include <string_view>

namespace canvass::server {

inline constexpr std::array<std::string_view, 4> server_migrations = {
    R"sql(
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL);
CREATE TABLE recipients (
  project INTEGER NOT NULL REFERENCES projects(id),
  key BLOB NOT NULL,
  PRIMARY KEY (project, key));
CREATE TABLE forms (
  project INTEGER NOT NULL REFERENCES projects(id),
  form_id TEXT NOT NULL,
  version TEXT NOT NULL,
  hash BLOB NOT NULL,
  body TEXT NOT NULL,
  published INTEGER NOT NULL,
  PRIMARY KEY (project, form_id, version));
CREATE TABLE tokens (
  id BLOB PRIMARY KEY,
  secret BLOB NOT NULL,
  project INTEGER NOT NULL REFERENCES projects(id),
  role TEXT NOT NULL,
  expires INTEGER NOT NULL,
  created INTEGER NOT NULL,
  used_by BLOB,
  used_at INTEGER);
CREATE TABLE devices (
  id BLOB PRIMARY KEY,
  project INTEGER NOT NULL REFERENCES projects(id),
  role TEXT NOT NULL,
  signing_key BLOB NOT NULL,
  transport_key BLOB NOT NULL UNIQUE,
  enrolled INTEGER NOT NULL,
  revoked INTEGER);
-- One row per device chain held: its point (seq, hash) and key.
CREATE TABLE chains (
  project INTEGER NOT NULL REFERENCES projects(id),
  device BLOB NOT NULL,
  key BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  equivocated INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (project, device)) WITHOUT ROWID;
CREATE TABLE changesets (
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  record BLOB NOT NULL,
  hlc INTEGER NOT NULL,
  far_future INTEGER NOT NULL,
  received INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (project, device, seq)) WITHOUT ROWID;
CREATE INDEX changesets_by_record ON changesets (project, record);
CREATE TABLE heads (
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY (project, device, seq)) WITHOUT ROWID;
CREATE TABLE grants (
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (project, device, body)) WITHOUT ROWID;
-- Changesets that conflict with a chain: kept, never merged.
CREATE TABLE evidence (
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  fork_seq INTEGER NOT NULL,
  held_hash BLOB NOT NULL,
  head_seq INTEGER NOT NULL,
  head_hash BLOB NOT NULL,
  head_signature BLOB NOT NULL,
  received INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (project, device, seq, hash)) WITHOUT ROWID;
-- Metadata-only merge state of each record (merge/record_state.hpp) and its digest,
-- brought up to date for the records listed in dirty_records when a digest is asked for.
CREATE TABLE dirty_records (
  project INTEGER NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (project, record)) WITHOUT ROWID;
CREATE TABLE records (
  project INTEGER NOT NULL,
  record BLOB NOT NULL,
  state BLOB NOT NULL,
  digest BLOB NOT NULL,
  PRIMARY KEY (project, record)) WITHOUT ROWID;
)sql",
    // Version 2: changesets in a rowid table. A changeset of a 50-answer interview is over 1 KB,
    // more than a WITHOUT ROWID row keeps in its page, so each spilled into an overflow page of
    // its own: twice the pages written per batch. In a rowid table three fit in a page; the
    // (project, device, seq) key becomes a small unique index appended to in order.
    R"sql(
CREATE TABLE changesets_rowid (
  id INTEGER PRIMARY KEY,
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  record BLOB NOT NULL,
  hlc INTEGER NOT NULL,
  far_future INTEGER NOT NULL,
  received INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (project, device, seq));
INSERT INTO changesets_rowid (project, device, seq, hash, record, hlc, far_future, received, body)
  SELECT project, device, seq, hash, record, hlc, far_future, received, body FROM changesets
  ORDER BY project, device, seq;
DROP TABLE changesets;
ALTER TABLE changesets_rowid RENAME TO changesets;
CREATE INDEX changesets_by_record ON changesets (project, record);
)sql",
    // Version 3: authority over the data.
    // - A project's recipients are statements signed by coordinators (store/recipients.hpp),
    //   kept in order; the bare keys of the recipients table are no longer read, since a device
    //   would not seal to a key nobody signed.
    // - Tokens lose their secret once used, expired or revoked.
    // - Changesets of a device that is not enrolled in the project (work carried before it
    //   enrolled), or made after its revocation (beyond revoked_seq), are held apart: verified
    //   and durable, never merged or sent on. A device's held changesets join its chain when it
    //   enrolls.
    // - Who created each record (merge/authority.hpp), and the changes refused because their
    //   author may not change the record. A record held before ids were bound to their creator
    //   gets as creator the device whose changeset on it arrived first (docs/decisions.md).
    R"sql(
CREATE TABLE recipient_statements (
  project INTEGER NOT NULL REFERENCES projects(id),
  serial INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (project, serial)) WITHOUT ROWID;
ALTER TABLE devices ADD COLUMN revoked_seq INTEGER;
UPDATE devices SET revoked_seq = coalesce(
  (SELECT seq FROM chains WHERE chains.project = devices.project AND chains.device = devices.id), 0)
  WHERE revoked IS NOT NULL;
-- A used or expired token keeps no secret: a stolen database cannot rebuild it.
ALTER TABLE tokens ADD COLUMN revoked INTEGER;
UPDATE tokens SET secret = zeroblob(0) WHERE used_by IS NOT NULL OR expires <= strftime('%s', 'now');
CREATE TABLE held (
  id INTEGER PRIMARY KEY,
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  record BLOB NOT NULL,
  hlc INTEGER NOT NULL,
  far_future INTEGER NOT NULL,
  received INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (project, device, seq));
CREATE TABLE record_creators (
  project INTEGER NOT NULL,
  record BLOB NOT NULL,
  device BLOB NOT NULL,
  PRIMARY KEY (project, record)) WITHOUT ROWID;
INSERT INTO record_creators (project, record, device)
  SELECT project, record, device FROM (
    SELECT project, record, device,
           row_number() OVER (PARTITION BY project, record ORDER BY received, id) AS n
    FROM changesets)
  WHERE n = 1;
CREATE TABLE refused_changes (
  project INTEGER NOT NULL,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  record BLOB NOT NULL,
  delivered_by BLOB NOT NULL,
  received INTEGER NOT NULL,
  times INTEGER NOT NULL DEFAULT 1,
  reason TEXT NOT NULL,
  PRIMARY KEY (project, device, seq, record)) WITHOUT ROWID;
)sql",
    // Version 4: administration. A device carries the label given to its token (`token create
    // --label`), so lists and logs can name it, and the time of its last authenticated sync.
    R"sql(
ALTER TABLE tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN last_seen INTEGER;
UPDATE devices SET last_seen = enrolled;
)sql"};

}  // namespace canvass::server
