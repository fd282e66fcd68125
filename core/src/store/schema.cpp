#include "store/schema.hpp"

namespace canvass::store {

namespace {

// Version 1. Columns in clear hold only what the server also sees (ids, form ids, clocks,
// digests); everything else is a sealed blob (store/sealed.hpp).
constexpr std::string_view v1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

-- Every installed version of every form; the newest (highest ord) is used for new records.
CREATE TABLE forms(
  ord INTEGER PRIMARY KEY,
  form_id TEXT NOT NULL,
  version TEXT NOT NULL,
  body BLOB NOT NULL,            -- sealed form JSON
  UNIQUE(form_id, version)
);

-- This device's epoch data keys, newest last.
CREATE TABLE epochs(
  ord INTEGER PRIMARY KEY,
  id BLOB NOT NULL UNIQUE,
  created INTEGER NOT NULL,      -- ms since 1970
  key BLOB NOT NULL              -- sealed 32-byte key
);

-- Epoch keys sealed to project recipients: this device's, and others' it carries.
CREATE TABLE grants(
  device BLOB NOT NULL,
  epoch BLOB NOT NULL,
  recipient BLOB NOT NULL,
  body BLOB NOT NULL,            -- store/grant.hpp encoding
  PRIMARY KEY(device, epoch, recipient)
) WITHOUT ROWID;

-- Changeset chains: this device's and those it carries or pulled. Values inside are already
-- encrypted under the author's epoch key.
CREATE TABLE changesets(
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  record BLOB NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY(device, seq)
) WITHOUT ROWID;

-- Per device: its signing key, its latest signed head, and how far the server acknowledged.
CREATE TABLE devices(
  device BLOB PRIMARY KEY,
  signing_key BLOB NOT NULL,
  head_seq INTEGER NOT NULL DEFAULT 0,
  head_hash BLOB,
  head_signature BLOB,
  acked INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Two changesets with one (device, seq): kept as proof, merged neither.
CREATE TABLE evidence(
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  body BLOB NOT NULL,
  received INTEGER NOT NULL,
  PRIMARY KEY(device, seq, hash)
) WITHOUT ROWID;

CREATE TABLE records(
  id BLOB PRIMARY KEY,
  form_id TEXT NOT NULL,
  finalized INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL,      -- ms since 1970
  digest BLOB,                   -- merge/digest.hpp record_digest, finalized records
  state BLOB,                    -- sealed merge state with values
  draft BLOB                     -- sealed draft answers
) WITHOUT ROWID;
CREATE INDEX records_by_form ON records(form_id, updated);
)sql";

// Version 2: every signed head received, not only the latest, so a relay can cut another
// device's chain into batches that each end at a signed head.
constexpr std::string_view v2 = R"sql(
CREATE TABLE heads(
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  signature BLOB NOT NULL,
  PRIMARY KEY(device, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO heads(device, seq, hash, signature)
  SELECT device, head_seq, head_hash, head_signature FROM devices WHERE head_seq > 0;
)sql";

// Version 3: changesets and records in rowid tables. Their rows (a changeset of a 50-answer
// interview, a record's sealed state) are over 1 KB, more than a WITHOUT ROWID row keeps in its
// page, so each spilled into overflow pages of its own and a save wrote twice the pages it
// needs. Rowid tables keep such rows inline; the keys become small unique indexes.
constexpr std::string_view v3 = R"sql(
CREATE TABLE changesets_v3(
  n INTEGER PRIMARY KEY,
  device BLOB NOT NULL,
  seq INTEGER NOT NULL,
  hash BLOB NOT NULL,
  record BLOB NOT NULL,
  body BLOB NOT NULL,
  UNIQUE(device, seq)
);
INSERT INTO changesets_v3(device, seq, hash, record, body)
  SELECT device, seq, hash, record, body FROM changesets ORDER BY device, seq;
DROP TABLE changesets;
ALTER TABLE changesets_v3 RENAME TO changesets;

CREATE TABLE records_v3(
  n INTEGER PRIMARY KEY,
  id BLOB NOT NULL UNIQUE,
  form_id TEXT NOT NULL,
  finalized INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL,      -- ms since 1970
  digest BLOB,                   -- merge/digest.hpp record_digest, finalized records
  state BLOB,                    -- sealed merge state with values
  draft BLOB                     -- sealed draft answers
);
INSERT INTO records_v3(id, form_id, finalized, deleted, conflicts, updated, digest, state, draft)
  SELECT id, form_id, finalized, deleted, conflicts, updated, digest, state, draft FROM records
  ORDER BY updated, id;
DROP TABLE records;
ALTER TABLE records_v3 RENAME TO records;
CREATE INDEX records_by_form ON records(form_id, updated);
)sql";

// Version 4: record ids bound to their creator (merge/authority.hpp). A draft gets its id
// before its first changeset, so the nonce that changeset will carry is kept until then;
// changesets are found by record to learn a record's creator. And the import key of every
// record a bulk import saved (store/bulk_import.hpp), so importing the same file again skips
// what was saved; the key (a line's instanceID, or its canonical JSON) is kept only as a MAC
// under a subkey of the store key: a plain hash of a line's answers could be tested against
// guesses by anyone holding the file.
constexpr std::string_view v4 = R"sql(
CREATE TABLE record_nonces(
  record BLOB PRIMARY KEY,
  nonce BLOB NOT NULL            -- the nonce of the record's creating changeset, to come
) WITHOUT ROWID;
CREATE INDEX changesets_by_record ON changesets(record);
CREATE TABLE import_keys(
  form_id TEXT NOT NULL,
  mac BLOB NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY(form_id, mac)
) WITHOUT ROWID;
)sql";

// Version 5: the language a draft is being taken in, kept with it so that resuming asks in
// the same language (canvass/interview.hpp). Sealed like the draft, under its own
// associated data, so it cannot be swapped with a draft blob.
constexpr std::string_view v5 = R"sql(
CREATE TABLE draft_languages(
  record BLOB PRIMARY KEY,
  language BLOB NOT NULL         -- sealed language code of the draft's interview
) WITHOUT ROWID;
)sql";

// Version 6: a chain this device carries for another that the server refused (a forged or
// unauthorized run relayed by an organizer, sync/verify.hpp): from which seq, and the
// server's reason. That chain is sent no further and shown in the status.
constexpr std::string_view v6 = R"sql(
ALTER TABLE devices ADD COLUMN refused_seq INTEGER;
ALTER TABLE devices ADD COLUMN refused_why TEXT;
)sql";

// Version 7: attachments (docs/media.md). Their bytes, sealed with secretstream under the
// store's attachment subkey in chunks of 63 KiB, are rows of this database rather than files
// beside it (docs/decisions.md, "Attachments on the device"). Rows are named by a MAC of the
// plaintext's BLAKE2b under a store subkey, never the BLAKE2b itself, which would let whoever
// holds the file test a guessed photo. The outbox lists this device's attachments to deliver
// under the server-visible id of the epoch that carries them; the inbox keeps what a
// coordinator received for others, still sealed under the authors' epoch keys.
constexpr std::string_view v7 = R"sql(
CREATE TABLE attachments(
  key BLOB PRIMARY KEY,          -- MAC of the content hash (Purpose::attachment_id)
  size INTEGER NOT NULL,
  chunks INTEGER NOT NULL,
  header BLOB NOT NULL           -- secretstream header
) WITHOUT ROWID;
CREATE TABLE attachment_chunks(
  n INTEGER PRIMARY KEY,
  key BLOB NOT NULL,
  idx INTEGER NOT NULL,
  body BLOB NOT NULL,
  UNIQUE(key, idx)
);
CREATE TABLE attachment_outbox(
  id BLOB PRIMARY KEY,           -- server-visible id: keyed BLAKE2b under the epoch key
  key BLOB NOT NULL,             -- the attachments row
  content BLOB NOT NULL,         -- sealed content hash (Purpose::attachment)
  epoch BLOB NOT NULL,
  seq INTEGER NOT NULL,          -- the first changeset that references it
  size INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE attachment_inbox(
  id BLOB PRIMARY KEY,
  size INTEGER NOT NULL,         -- bytes of plaintext
  chunks INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE attachment_inbox_chunks(
  n INTEGER PRIMARY KEY,
  id BLOB NOT NULL,
  idx INTEGER NOT NULL,
  body BLOB NOT NULL,            -- sealed for sync, as received
  UNIQUE(id, idx)
);
)sql";

// Version 8: attachments carried by organizers and bundles (docs/media.md, "Carried by
// organizers and bundles"). An outgoing attachment keeps the root of its sync chunks, which
// its author signs; one received keeps its author, root and signature, so that it can be
// carried on and checked, and `forward` marks one from a bundle still to deliver.
constexpr std::string_view v8 = R"sql(
ALTER TABLE attachment_outbox ADD COLUMN root BLOB;
ALTER TABLE attachment_inbox ADD COLUMN author BLOB;
ALTER TABLE attachment_inbox ADD COLUMN root BLOB;
ALTER TABLE attachment_inbox ADD COLUMN signature BLOB;
ALTER TABLE attachment_inbox ADD COLUMN forward INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 9: attachments of other devices kept by author and id (docs/media.md, "Sync"): a
// carrier that learned an id may claim it for an item of its own, which must neither take the
// author's place nor be read for it. Rows received before their author was known (a pull
// before version 8) are dropped: the next sync fetches them again, with their authors.
constexpr std::string_view v9 = R"sql(
CREATE TABLE attachment_inbox_v9(
  author BLOB NOT NULL,
  id BLOB NOT NULL,
  size INTEGER NOT NULL,         -- bytes of plaintext
  chunks INTEGER NOT NULL,
  root BLOB NOT NULL,
  signature BLOB NOT NULL,
  forward INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(author, id)
) WITHOUT ROWID;
INSERT INTO attachment_inbox_v9(author, id, size, chunks, root, signature, forward)
  SELECT author, id, size, chunks, root, signature, forward FROM attachment_inbox
  WHERE author IS NOT NULL AND root IS NOT NULL AND signature IS NOT NULL;
CREATE TABLE attachment_inbox_chunks_v9(
  n INTEGER PRIMARY KEY,
  author BLOB NOT NULL,
  id BLOB NOT NULL,
  idx INTEGER NOT NULL,
  body BLOB NOT NULL,            -- sealed for sync, as received
  UNIQUE(author, id, idx)
);
INSERT INTO attachment_inbox_chunks_v9(author, id, idx, body)
  SELECT i.author, c.id, c.idx, c.body FROM attachment_inbox_chunks c JOIN attachment_inbox_v9 i ON i.id = c.id
  ORDER BY c.n;
DROP TABLE attachment_inbox_chunks;
DROP TABLE attachment_inbox;
ALTER TABLE attachment_inbox_v9 RENAME TO attachment_inbox;
ALTER TABLE attachment_inbox_chunks_v9 RENAME TO attachment_inbox_chunks;
)sql";

// Version 10: the figures of DeviceStore::status() kept as they change, by triggers in the
// statement (so the transaction) that changes them, instead of counted at every status: the
// records' tallies and the store digest (merge/digest.hpp, an XOR over the records, toggled by
// the function canvass_digest_toggle that the store registers on its connection; NULL until the
// store fills it in by one pass at open), each chain's count of changesets held, and the
// attachments' tallies (attachment_inbox.held: the chunks of each received item held so far).
// The digest function is the store's own: a connection without it cannot write a record.
// And an index of the drafts never finalized, which every open looks through for drafts of
// stores older than version 4 (record_authority.cpp) instead of scanning the records.
constexpr std::string_view v10 = R"sql(
CREATE INDEX records_new_drafts ON records(id) WHERE finalized = 0 AND state IS NULL;
CREATE TABLE record_tally(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  drafts INTEGER NOT NULL,
  finalized INTEGER NOT NULL,
  conflicted INTEGER NOT NULL,   -- records with at least one conflict
  digest BLOB                    -- the store digest; NULL: to be computed
);
INSERT INTO record_tally(one, drafts, finalized, conflicted, digest)
  SELECT 1, coalesce(sum(finalized = 0), 0), coalesce(sum(finalized != 0), 0), coalesce(sum(conflicts > 0), 0),
         CASE WHEN count(digest) = 0 THEN zeroblob(32) END
  FROM records;
CREATE TRIGGER records_tally_insert AFTER INSERT ON records BEGIN
  UPDATE record_tally SET drafts = drafts + (NEW.finalized = 0), finalized = finalized + (NEW.finalized != 0),
    conflicted = conflicted + (NEW.conflicts > 0), digest = canvass_digest_toggle(digest, NEW.id, NEW.digest);
END;
CREATE TRIGGER records_tally_delete AFTER DELETE ON records BEGIN
  UPDATE record_tally SET drafts = drafts - (OLD.finalized = 0), finalized = finalized - (OLD.finalized != 0),
    conflicted = conflicted - (OLD.conflicts > 0), digest = canvass_digest_toggle(digest, OLD.id, OLD.digest);
END;
CREATE TRIGGER records_tally_update AFTER UPDATE ON records BEGIN
  UPDATE record_tally SET
    drafts = drafts - (OLD.finalized = 0) + (NEW.finalized = 0),
    finalized = finalized - (OLD.finalized != 0) + (NEW.finalized != 0),
    conflicted = conflicted - (OLD.conflicts > 0) + (NEW.conflicts > 0),
    digest = canvass_digest_toggle(canvass_digest_toggle(digest, OLD.id, OLD.digest), NEW.id, NEW.digest);
END;

CREATE TABLE chain_tally(
  device BLOB PRIMARY KEY,
  held INTEGER NOT NULL          -- changesets of its chain held here
) WITHOUT ROWID;
INSERT INTO chain_tally(device, held) SELECT device, count(*) FROM changesets GROUP BY device;
CREATE TRIGGER changesets_tally_insert AFTER INSERT ON changesets BEGIN
  INSERT INTO chain_tally(device, held) VALUES(NEW.device, 1) ON CONFLICT(device) DO UPDATE SET held = held + 1;
END;
CREATE TRIGGER changesets_tally_delete AFTER DELETE ON changesets BEGIN
  UPDATE chain_tally SET held = held - 1 WHERE device = OLD.device;
END;

CREATE TABLE attachment_tally(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  held INTEGER NOT NULL,
  held_bytes INTEGER NOT NULL,
  unsent INTEGER NOT NULL,       -- outbox rows not yet delivered
  unsent_bytes INTEGER NOT NULL,
  received INTEGER NOT NULL,     -- inbox items held whole
  partial INTEGER NOT NULL,      -- inbox items still arriving
  carried INTEGER NOT NULL       -- inbox items to forward
);
ALTER TABLE attachment_inbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
UPDATE attachment_inbox SET held = (SELECT count(*) FROM attachment_inbox_chunks c
                                    WHERE c.author = attachment_inbox.author AND c.id = attachment_inbox.id);
INSERT INTO attachment_tally(one, held, held_bytes, unsent, unsent_bytes, received, partial, carried) SELECT 1,
  (SELECT count(*) FROM attachments), (SELECT coalesce(sum(size), 0) FROM attachments),
  (SELECT count(*) FROM attachment_outbox WHERE sent = 0),
  (SELECT coalesce(sum(size), 0) FROM attachment_outbox WHERE sent = 0),
  (SELECT count(*) FROM attachment_inbox WHERE held = chunks),
  (SELECT count(*) FROM attachment_inbox WHERE held < chunks),
  (SELECT count(*) FROM attachment_inbox WHERE forward = 1);
CREATE TRIGGER attachments_tally_insert AFTER INSERT ON attachments BEGIN
  UPDATE attachment_tally SET held = held + 1, held_bytes = held_bytes + NEW.size;
END;
CREATE TRIGGER attachments_tally_delete AFTER DELETE ON attachments BEGIN
  UPDATE attachment_tally SET held = held - 1, held_bytes = held_bytes - OLD.size;
END;
CREATE TRIGGER attachments_tally_update AFTER UPDATE OF size ON attachments BEGIN
  UPDATE attachment_tally SET held_bytes = held_bytes - OLD.size + NEW.size;
END;
CREATE TRIGGER outbox_tally_insert AFTER INSERT ON attachment_outbox BEGIN
  UPDATE attachment_tally SET unsent = unsent + (NEW.sent = 0), unsent_bytes = unsent_bytes + (NEW.sent = 0) * NEW.size;
END;
CREATE TRIGGER outbox_tally_delete AFTER DELETE ON attachment_outbox BEGIN
  UPDATE attachment_tally SET unsent = unsent - (OLD.sent = 0), unsent_bytes = unsent_bytes - (OLD.sent = 0) * OLD.size;
END;
CREATE TRIGGER outbox_tally_update AFTER UPDATE OF sent, size ON attachment_outbox BEGIN
  UPDATE attachment_tally SET unsent = unsent - (OLD.sent = 0) + (NEW.sent = 0),
    unsent_bytes = unsent_bytes - (OLD.sent = 0) * OLD.size + (NEW.sent = 0) * NEW.size;
END;
CREATE TRIGGER inbox_chunks_insert AFTER INSERT ON attachment_inbox_chunks BEGIN
  UPDATE attachment_inbox SET held = held + 1 WHERE author = NEW.author AND id = NEW.id;
END;
CREATE TRIGGER inbox_chunks_delete AFTER DELETE ON attachment_inbox_chunks BEGIN
  UPDATE attachment_inbox SET held = held - 1 WHERE author = OLD.author AND id = OLD.id;
END;
-- An item's chunks may be held before the item (each row insert counts what is already there).
CREATE TRIGGER inbox_tally_insert AFTER INSERT ON attachment_inbox BEGIN
  UPDATE attachment_inbox SET held = (SELECT count(*) FROM attachment_inbox_chunks c
                                      WHERE c.author = NEW.author AND c.id = NEW.id)
    WHERE author = NEW.author AND id = NEW.id AND NEW.held = 0;
  UPDATE attachment_tally SET received = received + (NEW.held = NEW.chunks), partial = partial + (NEW.held < NEW.chunks),
    carried = carried + (NEW.forward = 1);
END;
CREATE TRIGGER inbox_tally_delete AFTER DELETE ON attachment_inbox BEGIN
  UPDATE attachment_tally SET received = received - (OLD.held = OLD.chunks), partial = partial - (OLD.held < OLD.chunks),
    carried = carried - (OLD.forward = 1);
END;
CREATE TRIGGER inbox_tally_update AFTER UPDATE OF held, chunks, forward ON attachment_inbox BEGIN
  UPDATE attachment_tally SET
    received = received - (OLD.held = OLD.chunks) + (NEW.held = NEW.chunks),
    partial = partial - (OLD.held < OLD.chunks) + (NEW.held < NEW.chunks),
    carried = carried - (OLD.forward = 1) + (NEW.forward = 1);
END;
)sql";

constexpr std::string_view migrations[] = {v1, v2, v3, v4, v5, v6, v7, v8, v9, v10};

}  // namespace

std::span<const std::string_view> device_store_migrations() {
    return migrations;
}

}  // namespace canvass::store
