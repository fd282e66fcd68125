/*
 * canvass.h: the C ABI of canvass, for phone apps and other languages (docs/embedding.md).
 *
 * Conventions (after sqlite3.h and Couchbase Lite's c4 API):
 * - Opaque handles: canvass_store, canvass_interview, canvass_coordinator. Functions are
 * canvass_<object>_<verb>.
 * - Every function returns an int: CANVASS_OK (0) on success, otherwise a CANVASS_ERR_* code,
 *   also described in the optional canvass_error* out parameter (may be NULL).
 * - Strings are UTF-8 and NUL-terminated. JSON in and out follows docs/forms.md (answers)
 *   and `canvass show --json` (records); every JSON result is one object or array.
 * - Ownership is stated on every pointer: OUT strings are allocated by canvass and freed by
 *   the caller with canvass_free(); handles are closed with canvass_store_close(). Inputs
 *   are only read during the call; nothing keeps a pointer the caller gave.
 * - Error codes and domains are only ever appended, never renumbered.
 * - A canvass_store is not thread-safe: use one handle per thread. Several handles (threads
 *   or processes) may open the same store; a write that waits more than 5 seconds for
 *   another one fails with CANVASS_ERR_BUSY and may simply be tried again.
 * - Nothing here throws, aborts or prints: every failure is a returned code.
 */
#ifndef CANVASS_H
#define CANVASS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CANVASS_API __attribute__((visibility("default")))
#else
#define CANVASS_API
#endif

enum {
    CANVASS_OK = 0,
    CANVASS_ERR_INVALID_ARGUMENT = 1,
    CANVASS_ERR_NOT_FOUND = 2,
    CANVASS_ERR_ALREADY_EXISTS = 3,
    CANVASS_ERR_CORRUPT = 4,
    CANVASS_ERR_PERMISSION_DENIED = 5,
    CANVASS_ERR_IO = 6,
    CANVASS_ERR_UNSUPPORTED = 7,
    CANVASS_ERR_WRONG_KEY = 8,
    CANVASS_ERR_LIMIT_EXCEEDED = 9,
    CANVASS_ERR_TIMEOUT = 10,
    CANVASS_ERR_UNAVAILABLE = 11, /* the server is busy or out of room: try again later */
    CANVASS_ERR_BUSY = 12,        /* the store is in use by another handle or process: retry */
    CANVASS_ERR_READ_ONLY = 13,   /* the store's files or directory cannot be written */
    CANVASS_ERR_DISK_FULL = 14,   /* no room left on this device's disk */
    CANVASS_ERR_INTERNAL = 99     /* a bug: please report it with the message */
};

/* Where an error comes from. For every domain but CANVASS_DOMAIN_SQLITE, error->code is the
 * CANVASS_ERR_* code the function returned. For CANVASS_DOMAIN_SQLITE, error->code is SQLite's
 * extended result code as SQLite returned it (5 SQLITE_BUSY, 8 SQLITE_READONLY, 13 SQLITE_FULL,
 * 261 SQLITE_BUSY_RECOVERY...; `code & 0xff` is the primary code) and the function returns
 * what it means: SQLITE_BUSY and SQLITE_LOCKED are CANVASS_ERR_BUSY, SQLITE_READONLY is
 * CANVASS_ERR_READ_ONLY, SQLITE_FULL is CANVASS_ERR_DISK_FULL, SQLITE_CORRUPT and
 * SQLITE_NOTADB are CANVASS_ERR_CORRUPT, SQLITE_IOERR and SQLITE_CANTOPEN are CANVASS_ERR_IO,
 * SQLITE_PERM is CANVASS_ERR_PERMISSION_DENIED, and a misuse of SQLite is CANVASS_ERR_INTERNAL. */
enum {
    CANVASS_DOMAIN_CORE = 1,
    CANVASS_DOMAIN_FORM = 2,
    CANVASS_DOMAIN_STORE = 3,
    CANVASS_DOMAIN_CRYPTO = 4,
    CANVASS_DOMAIN_NET = 5,
    CANVASS_DOMAIN_PROTOCOL = 6,
    CANVASS_DOMAIN_AUTH = 7,  /* refused: a token, a device, a record that is not yours */
    CANVASS_DOMAIN_SQLITE = 8 /* SQLite itself; see above */
};

typedef struct canvass_error {
    int domain;
    int code;
    char message[1024]; /* NUL-terminated, truncated if longer */
} canvass_error;

typedef struct canvass_store canvass_store;

/* The library's version, "MAJOR.MINOR.PATCH". Static storage: do not free. */
CANVASS_API const char* canvass_version(void);

/* Frees a string returned in an OUT parameter. NULL is allowed. */
CANVASS_API void canvass_free(void* p);

/* Creates a device store in directory `home` locked by `passphrase` (Argon2id).
 * OUT *store: a new handle, to close with canvass_store_close(); NULL on failure (as for
 * every function that opens a store). A store already there is CANVASS_ERR_ALREADY_EXISTS. */
CANVASS_API int canvass_store_create(const char* home, const char* passphrase,
                                     canvass_store** store /* OUT */, canvass_error* error);

/* Opens the store in `home`. A wrong passphrase is CANVASS_ERR_WRONG_KEY and opens nothing. */
CANVASS_API int canvass_store_open(const char* home, const char* passphrase,
                                   canvass_store** store /* OUT */, canvass_error* error);

/* Creates (create != 0) or opens a store locked by a raw 32-byte key, for apps that keep the
 * key in the platform keystore. The key is copied; the caller keeps and wipes its own copy. */
CANVASS_API int canvass_store_open_with_key(const char* home, const uint8_t key[32], int create,
                                            canvass_store** store /* OUT */, canvass_error* error);

/* Closes a handle. NULL is allowed. */
CANVASS_API void canvass_store_close(canvass_store* store);

/* Installs a form (JSON text, docs/forms.md). Every problem is in error->message. */
CANVASS_API int canvass_form_add(canvass_store* store, const char* form_json, canvass_error* error);

/* OUT *json: a JSON array of the installed forms [{form_id, version, title, questions,
 * languages}]; free with canvass_free(). */
CANVASS_API int canvass_forms_list(canvass_store* store, char** json /* OUT */,
                                   canvass_error* error);

/* Saves answers (a JSON object) as a new record of `form_id`: a draft, or finalized when
 * `finalize` != 0. Answers are validated first; nothing is saved if they are invalid.
 * OUT record_id: the new record's id, 36 characters and a NUL. */
CANVASS_API int canvass_record_create(canvass_store* store, const char* form_id,
                                      const char* answers_json, int finalize,
                                      char record_id[37] /* OUT */, canvass_error* error);

/* Replaces the draft answers of a record (an interview in progress). */
CANVASS_API int canvass_record_save_draft(canvass_store* store, const char* record_id,
                                          const char* answers_json, canvass_error* error);

/* Finalizes a record's draft: its answers become one changeset, ready to sync. */
CANVASS_API int canvass_record_finalize(canvass_store* store, const char* record_id,
                                        canvass_error* error);

/* Applies changes (only the fields to change) to a finalized record as a new edit.
 * OUT *changed (may be NULL): 1 if something changed, 0 if the answers were already so. */
CANVASS_API int canvass_record_edit(canvass_store* store, const char* record_id,
                                    const char* changes_json, int* changed /* OUT */,
                                    canvass_error* error);

/* Deletes a record (a draft is erased; a finalized record gets a delete that syncs). */
CANVASS_API int canvass_record_delete(canvass_store* store, const char* record_id,
                                      canvass_error* error);

/* OUT *json: the record as `canvass show --json` prints it (answers, status, conflicts with
 * every candidate); free with canvass_free(). */
CANVASS_API int canvass_record_get(canvass_store* store, const char* record_id,
                                   char** json /* OUT */, canvass_error* error);

/* OUT *json: a JSON array of record summaries, of `form_id` only unless it is NULL;
 * free with canvass_free(). */
CANVASS_API int canvass_records_list(canvass_store* store, const char* form_id,
                                     char** json /* OUT */, canvass_error* error);

/* A record's open conflicts, as in canvass_record_get: OUT *json is a JSON array of
 * {record, form, path, conflict: "value" | "delete", resolved, candidates: [{kind, value,
 * text, readable, device, time, shown[, path]}]}; a delete conflict (path "" is the record
 * itself, else a repeat instance) lists the deletes, keeps and unseen edits. Another
 * device's value is {readable: false, value: null, text: "(encrypted)"}. Empty when there is
 * none. A draft has no conflicts: CANVASS_ERR_INVALID_ARGUMENT. Free with canvass_free(). */
CANVASS_API int canvass_record_conflicts(canvass_store* store, const char* record_id,
                                         char** json /* OUT */, canvass_error* error);

/* Every record's open conflicts: OUT *json is one JSON array of the objects
 * canvass_record_conflicts gives, record after record. Free with canvass_free(). */
CANVASS_API int canvass_conflicts_list(canvass_store* store, char** json /* OUT */,
                                       canvass_error* error);

/* Settles the conflict at `path` of a record with `value_json` (one JSON value: a string,
 * number, array of choice names...), superseding every candidate; it syncs like an edit.
 * The value is checked like any answer; the device must be the record's creator or a
 * coordinator (else CANVASS_DOMAIN_AUTH, CANVASS_ERR_PERMISSION_DENIED). */
CANVASS_API int canvass_record_resolve(canvass_store* store, const char* record_id,
                                       const char* path, const char* value_json,
                                       canvass_error* error);

/* Sets a record's review, as ODK Central's review states: `state` "approved", "hasIssues",
 * "rejected", or "none" to clear it, with `comment` (may be NULL; at most 4000 bytes of
 * UTF-8). It is a coordinator's edit that syncs like any other: only a coordinator's device
 * that did not create the record may write it (else CANVASS_DOMAIN_AUTH,
 * CANVASS_ERR_PERMISSION_DENIED); an unknown state is CANVASS_DOMAIN_FORM,
 * CANVASS_ERR_INVALID_ARGUMENT. */
CANVASS_API int canvass_record_review(canvass_store* store, const char* record_id,
                                      const char* state, const char* comment, canvass_error* error);

/* What this device holds and what waits to sync. OUT *json: {device, project, role, server
 * (null until enrolled), forms, drafts, finalized, records_with_conflicts, own_changesets,
 * unsent_changesets (to sync), carried_changesets, carried_unsent_changesets (others' work
 * not yet delivered to the server), refused_chains: [{device, from_seq, changesets, reason}]
 * (carried chains the server refused: never sent again), equivocations, digest, label (the
 * name the device was enrolled under, null before), unsent_records (interviews with work the
 * server has not acknowledged)}, the keys of
 * `canvass status --json`. Free with canvass_free(). */
CANVASS_API int canvass_status(canvass_store* store, char** json /* OUT */, canvass_error* error);

/* ---- Attachments (docs/media.md) --------------------------------------------------------
 * The answer to an image, audio, video or file question is an attachment reference,
 * {"attachment": hash, "size", "name", "type"}: add the file first, then give the reference
 * returned as the question's answer (canvass_record_create, the interview's answer). Files
 * over the server's cap (learned at sync; 64 MiB before) are refused with
 * CANVASS_DOMAIN_FORM, CANVASS_ERR_LIMIT_EXCEEDED before anything is kept; a missing file is
 * CANVASS_DOMAIN_STORE, CANVASS_ERR_NOT_FOUND naming the path. The same bytes added twice are
 * kept once. OUT *json: the reference, to free with canvass_free(). */
CANVASS_API int canvass_attachment_add_file(canvass_store* store, const char* path,
                                            char** json /* OUT */, canvass_error* error);
/* The same for bytes the app holds; `name` is the file name to keep (no folders), `type` its
 * media type ("image/jpeg"), or NULL to take it from the name's extension. */
CANVASS_API int canvass_attachment_add_bytes(canvass_store* store, const uint8_t* bytes,
                                             size_t size, const char* name, const char* type,
                                             char** json /* OUT */, canvass_error* error);

/* ---- Enrollment and sync ---------------------------------------------------------------
 * Enrollment and sync block the calling thread until they end (run them off an app's UI
 * thread) and use the store handle throughout: do not use that handle elsewhere meanwhile.
 * Errors: CANVASS_DOMAIN_AUTH for a refused token or device (message from the server),
 * CANVASS_DOMAIN_NET for the connection (CANVASS_ERR_IO, _TIMEOUT; _UNAVAILABLE when the
 * server is busy or its disk is full: try later), CANVASS_DOMAIN_PROTOCOL when the server is
 * not the one pinned or misbehaves. An interrupted sync is simply run again: what the server
 * acknowledged stays acknowledged. */

/* Reads an enrollment token without using it, so an app can show what it joins (and open its
 * own connection to the server before canvass_enroll_over). OUT *json: {project, role,
 * address ("host:port"), expires (ISO 8601 UTC), expires_unix, fingerprint (the first 16 hex
 * digits in groups of four, as coordinators hand it out)}. A mistyped token is
 * CANVASS_DOMAIN_AUTH, CANVASS_ERR_CORRUPT. Free with canvass_free(). */
CANVASS_API int canvass_token_inspect(const char* token, char** json /* OUT */,
                                      canvass_error* error);

/* Called on the syncing thread after each batch sent or stored, with the exchange so far:
 * {to_send, sent, acknowledged, received, stored}. The string lives only during the call. */
typedef void (*canvass_progress_fn)(void* user, const char* progress_json);

/* A connection the host opened itself (its own socket, a VPN, a proxy): a byte stream to the
 * server, on which canvass writes and reads its frames exactly as over its own TCP. The
 * callbacks are called on the syncing thread only, one at a time, with `user` as given.
 * Deadlines are the host's: a receive that never returns stalls the sync, so give the socket
 * a read timeout. This struct will not grow; a later version would add a new one. */
typedef struct canvass_transport {
    void* user;
    /* Writes all `length` bytes. Returns 0, CANVASS_TRANSPORT_TIMEOUT when the write deadline
     * passed, any other negative value when the connection is broken. */
    int (*send)(void* user, const uint8_t* bytes, size_t length);
    /* Reads at least 1 and at most `capacity` bytes into `buffer`. Returns how many, 0 when
     * the peer closed the connection, CANVASS_TRANSPORT_TIMEOUT when nothing arrived in time,
     * any other negative value when the connection is broken. */
    ptrdiff_t (*receive)(void* user, uint8_t* buffer, size_t capacity);
    /* Closes the connection. Called once before canvass_*_over returns, success or not; after
     * it canvass calls nothing of this struct again. May be NULL. */
    void (*close)(void* user);
} canvass_transport;

#define CANVASS_TRANSPORT_TIMEOUT (-2)

/* Joins a project with an enrollment token (`canvass-server token create`): connects to the
 * token's server over TCP, proves this device, receives the project's configuration and
 * installs its published forms. `fingerprint` (may be NULL) is the project fingerprint the
 * coordinator handed out, at least its first 16 hex digits: a token made for anyone else is
 * refused (CANVASS_DOMAIN_AUTH, CANVASS_ERR_PERMISSION_DENIED) before any connection.
 * OUT *result_json (may be NULL): {project, role, device, server, fingerprint,
 * forms_installed: [{form_id, version}]}; free with canvass_free(). */
CANVASS_API int canvass_enroll(canvass_store* store, const char* token, const char* fingerprint,
                               char** result_json /* OUT */, canvass_error* error);

/* The same over a connection the host opened to the token's address (canvass_token_inspect). */
CANVASS_API int canvass_enroll_over(canvass_store* store, const char* token,
                                    const char* fingerprint, const canvass_transport* transport,
                                    char** result_json /* OUT */, canvass_error* error);

/* One sync with the project's server over TCP: sends this device's finalized work (only what
 * the server has not acknowledged), receives what its role may receive and any new or changed
 * form. `progress` may be NULL. A store that is not enrolled is CANVASS_DOMAIN_CORE,
 * CANVASS_ERR_NOT_FOUND. OUT *result_json (may be NULL): {project, role, server, to_send, sent,
 * acknowledged, received, stored, evidence, far_future, own_returned (changesets of this device's
 * own chain the server sent back: a restored store, or another copy in use),
 * forms_installed: [{form_id, version}],
 * equivocations: [{device, seq}], refused_chains: [{device, from_seq, code, reason}] (carried
 * chains the server refused alone at this sync), bytes_sent, bytes_received}; free with
 * canvass_free(). */
CANVASS_API int canvass_sync(canvass_store* store, canvass_progress_fn progress,
                             void* progress_user, char** result_json /* OUT */,
                             canvass_error* error);

/* The same over a connection the host opened to the server (the status's "server"). */
CANVASS_API int canvass_sync_over(canvass_store* store, const canvass_transport* transport,
                                  canvass_progress_fn progress, void* progress_user,
                                  char** result_json /* OUT */, canvass_error* error);

/* After a failed canvass_sync or canvass_sync_over, given the error it filled in: how many
 * milliseconds to wait before try number `retry` (1 for the first), or 0 when trying again
 * cannot help (a revoked device, a wrong server key, a refused batch, a full disk here). A
 * lost or timed-out link, an unreachable or busy server, or one whose disk is full is worth
 * retrying: 2 s, doubling to 60 s, each between 75 % and 125 % of that. What `canvass sync
 * --until-done` follows; start again from 1 after a try that delivered something
 * (unsent_records of canvass_status went down). */
CANVASS_API uint64_t canvass_sync_retry_delay_ms(const canvass_error* error, unsigned retry);

/* ---- The interview session -----------------------------------------------------------
 * One interview of one record, run by the core's engine: an app renders steps and never
 * re-implements skip logic, constraints, choice filters or repeats. Every answer is saved to
 * the encrypted draft as it is given. A session uses the store handle it was opened on:
 * that handle must outlive it and not be used on another thread meanwhile.
 *
 * A step (OUT *step_json) is one JSON object: {kind ("question", "note", "repeat_prompt",
 * "end"), index, number, name, type, appearance, label, hint, format, required,
 * required_message, read_only, groups: [{name, label, instance}], choices: [{name, label}]
 * (after choice filters), answer (JSON, null when none), answer_text, answer_is_default,
 * instances, progress: {position, total}, language, removed (lines naming earlier answers
 * the last change removed), save_problem (null, or why the last save failed)}. Labels and
 * messages are in the session's language.
 *
 * The functions that move the session hand the new step back in *step_json (may be NULL;
 * free with canvass_free). A refusal (an answer the form does not allow, next() past a
 * required question left empty, back() at the first step) is CANVASS_DOMAIN_FORM,
 * CANVASS_ERR_INVALID_ARGUMENT with the form's message in the session's language, and
 * changes nothing. */
typedef struct canvass_interview canvass_interview;

/* A new record of `form_id` (its newest version); its draft is created at the first answer.
 * `language` NULL: the form's default. OUT *interview: close with canvass_interview_close(). */
CANVASS_API int canvass_interview_start(canvass_store* store, const char* form_id,
                                        const char* language,
                                        canvass_interview** interview /* OUT */,
                                        canvass_error* error);

/* A draft, from the first step after its last answer; `language` NULL: the draft's own. */
CANVASS_API int canvass_interview_resume(canvass_store* store, const char* record_id,
                                         const char* language,
                                         canvass_interview** interview /* OUT */,
                                         canvass_error* error);

/* A finalized record this device may change: nothing is written until
 * canvass_interview_finalize(), then what changed as one changeset. */
CANVASS_API int canvass_interview_edit(canvass_store* store, const char* record_id,
                                       const char* language,
                                       canvass_interview** interview /* OUT */,
                                       canvass_error* error);

/* The record's id; CANVASS_ERR_NOT_FOUND while a new interview has no answer saved yet. */
CANVASS_API int canvass_interview_record_id(canvass_interview* interview,
                                            char record_id[37] /* OUT */, canvass_error* error);

/* The current step. */
CANVASS_API int canvass_interview_step(canvass_interview* interview, char** step_json /* OUT */,
                                       canvass_error* error);

/* Answers the current question with one JSON value ("null" clears it); the cursor stays. */
CANVASS_API int canvass_interview_answer(canvass_interview* interview, const char* value_json,
                                         char** step_json /* OUT */, canvass_error* error);

/* To the next step (at a repeat prompt: no more instances) or the previous one. */
CANVASS_API int canvass_interview_next(canvass_interview* interview, char** step_json /* OUT */,
                                       canvass_error* error);
CANVASS_API int canvass_interview_back(canvass_interview* interview, char** step_json /* OUT */,
                                       canvass_error* error);

/* At a repeat prompt: one more instance, at its first step. */
CANVASS_API int canvass_interview_add_instance(canvass_interview* interview,
                                               char** step_json /* OUT */, canvass_error* error);
/* Removes the repeat instance the current step is in. */
CANVASS_API int canvass_interview_remove_instance(canvass_interview* interview,
                                                  char** step_json /* OUT */, canvass_error* error);

/* To step `index` of the hierarchy (its length: the end), or to the question named `name`. */
CANVASS_API int canvass_interview_jump(canvass_interview* interview, size_t index,
                                       char** step_json /* OUT */, canvass_error* error);
CANVASS_API int canvass_interview_jump_to(canvass_interview* interview, const char* name,
                                          char** step_json /* OUT */, canvass_error* error);

/* Labels, messages and choices in `language` from now on; kept with the draft. */
CANVASS_API int canvass_interview_language(canvass_interview* interview, const char* language,
                                           char** step_json /* OUT */, canvass_error* error);

/* OUT *json: every step for the answers now, with its answer (a JSON array of steps without
 * progress and language), ODK's "go to prompt". */
CANVASS_API int canvass_interview_hierarchy(canvass_interview* interview, char** json /* OUT */,
                                            canvass_error* error);

/* Finalizes the record (or saves the edit). While a required answer is missing,
 * CANVASS_ERR_INVALID_ARGUMENT naming every one. OUT *result_json (may be NULL): {outcome
 * ("finalized", "edit_saved", "unchanged"), record_id}. */
CANVASS_API int canvass_interview_finalize(canvass_interview* interview,
                                           char** result_json /* OUT */, canvass_error* error);

/* Ends the session; a draft stays saved. NULL is allowed. */
CANVASS_API void canvass_interview_close(canvass_interview* interview);

/* ---- The coordinator's view (docs/embedding.md) ---------------------------------------
 * A coordinator's store (enrolled with a coordinator token, after its sync) holds every
 * device's changesets, sealed; the project's coordinator key file decrypts them. The key's
 * secret stays in this process, in memory wiped on close, and is never written anywhere.
 * Every load reads the store's changesets afresh, so a sync in between is seen. What could not
 * be decrypted is never dropped silently: the results carry "unreadable": {changesets,
 * decrypted, no_grant: [{device, changesets}], damaged: [{device, changesets}]} (no_grant:
 * the device never sealed that epoch to this key; damaged: it does not open). A key that reads
 * none of the changesets there is CANVASS_DOMAIN_CRYPTO, CANVASS_ERR_WRONG_KEY, naming the
 * recipients the project knows. */
typedef struct canvass_coordinator canvass_coordinator;

/* Creates a coordinator key file at `path` (mode 0600; an existing file is never overwritten:
 * CANVASS_ERR_ALREADY_EXISTS), its secret locked by `passphrase` (Argon2id). OUT *json (may
 * be NULL): {public_key (64 hex digits: what `canvass-server project create --recipient`
 * takes), signing_key}. Free with canvass_free(). */
CANVASS_API int canvass_coordinator_key_create(const char* path, const char* passphrase,
                                               char** json /* OUT */, canvass_error* error);

/* The public halves of a key file, without its passphrase: OUT *json {public_key,
 * signing_key (null for a file written before it was kept)}. Free with canvass_free(). */
CANVASS_API int canvass_coordinator_key_inspect(const char* path, char** json /* OUT */,
                                                canvass_error* error);

/* Opens the key file at `key_path` to read what `store` holds. A wrong passphrase is
 * CANVASS_DOMAIN_CRYPTO, CANVASS_ERR_WRONG_KEY; a file that is not a key file
 * CANVASS_ERR_CORRUPT. The store handle must outlive the coordinator handle and not be used on
 * another thread meanwhile. OUT *coordinator: close with canvass_coordinator_close(). */
CANVASS_API int canvass_coordinator_open(canvass_store* store, const char* key_path,
                                         const char* passphrase,
                                         canvass_coordinator** coordinator /* OUT */,
                                         canvass_error* error);

/* Wipes the key and frees the handle. NULL is allowed. */
CANVASS_API void canvass_coordinator_close(canvass_coordinator* coordinator);

/* Every record of `form_id` (NULL: every form), decrypted and merged, deleted ones left out,
 * oldest first. OUT *json: {records: [{id, instance_name, KEY, form_id, form_version,
 * submission_date, updated, device (its creator), devices, edits, status ("" when every value
 * was decrypted, "partly decrypted", "not decrypted"), review_state (as ODK Central's),
 * review_comment, conflicts (paths of its open conflicts), delete_conflict, answers}],
 * unreadable}: each record as `canvass export --format jsonl` writes its line. */
CANVASS_API int canvass_coordinator_records(canvass_coordinator* coordinator, const char* form_id,
                                            char** json /* OUT */, canvass_error* error);

/* One record as in canvass_coordinator_records, with deleted and readable (booleans), and
 * conflict_list: its conflicts, open and resolved, as canvass_coordinator_conflicts lists
 * them. A record with no changeset here is CANVASS_ERR_NOT_FOUND. */
CANVASS_API int canvass_coordinator_record(canvass_coordinator* coordinator, const char* record_id,
                                           char** json /* OUT */, canvass_error* error);

/* Who changed which field of a record when, oldest first, as `canvass history --json`:
 * {record, form, creator, unreadable (changesets not decrypted), entries: [{time, device,
 * label, this_device, seq, form_version, creates, coordinator_edit, resolves, readable,
 * changes: [{path, kind ("answer", "delete record", "delete instance", "keep"), value, text,
 * readable, resolves, replaced: [{device, seq, time, kind, value, text, readable}]}]}]},
 * `text` the value as a person reads it. */
CANVASS_API int canvass_coordinator_history(canvass_coordinator* coordinator, const char* record_id,
                                            char** json /* OUT */, canvass_error* error);

/* People's names for devices, as the history's "label": the JSON `canvass-server devices
 * --json` prints, an array of {"device": 32 hex digits, "label": text}. Replaces the names
 * given before; CANVASS_ERR_INVALID_ARGUMENT naming the entry that is wrong. */
CANVASS_API int canvass_coordinator_label_devices(canvass_coordinator* coordinator,
                                                  const char* devices_json, canvass_error* error);

/* An edit of a finalized record (its id or first characters) over the answers this key
 * decrypts, driven with the canvass_interview_* functions like canvass_interview_edit:
 * nothing is written until canvass_interview_finalize(), then what changed as one
 * changeset. Refused before any step when this device may not change the record, or when a
 * changeset of it does not decrypt. */
CANVASS_API int canvass_coordinator_edit(canvass_coordinator* coordinator, const char* record_id,
                                         const char* language,
                                         canvass_interview** interview /* OUT */,
                                         canvass_error* error);

/* The conflicts of `form_id`'s records (NULL: every form), with their candidates decrypted;
 * settled ones too when `resolved_too` != 0. OUT *json: {conflicts: [{record, form, path,
 * conflict ("value" or "delete"), resolved, candidates: [{kind ("value", "deleted", "kept",
 * "edited"), value, text, readable, device, time, shown}], resolution (when resolved)}],
 * unreadable}, as `canvass conflicts --key --json`. */
CANVASS_API int canvass_coordinator_conflicts(canvass_coordinator* coordinator, const char* form_id,
                                              int resolved_too, char** json /* OUT */,
                                              canvass_error* error);

/* canvass_record_resolve with the record decrypted first, so the values it supersedes are
 * the ones the coordinator saw. Every changeset of the record must decrypt (else
 * CANVASS_DOMAIN_CRYPTO, CANVASS_ERR_WRONG_KEY: sync again for the device's grants). */
CANVASS_API int canvass_coordinator_resolve(canvass_coordinator* coordinator, const char* record_id,
                                            const char* path, const char* value_json,
                                            canvass_error* error);

/* The bytes of an attachment a record's decrypted answers reference, by the 64 hex digits of
 * its reference's "attachment", checked against that hash. OUT *bytes (free with
 * canvass_free()) and *size. CANVASS_ERR_NOT_FOUND when the record does not reference it or
 * its bytes have not arrived yet (its author has not synced them). */
CANVASS_API int canvass_coordinator_attachment(canvass_coordinator* coordinator,
                                               const char* record_id, const char* attachment,
                                               uint8_t** bytes /* OUT */, size_t* size /* OUT */,
                                               canvass_error* error);

#ifdef __cplusplus
}
#endif

#endif /* CANVASS_H */
