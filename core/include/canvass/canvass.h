/*
 * canvass.h: the C ABI of canvass's device store, for phone apps and other languages.
 *
 * Conventions (after sqlite3.h and Couchbase Lite's c4 API):
 * - Opaque handles: canvass_store. Functions are canvass_<object>_<verb>.
 * - Every function returns an int: CANVASS_OK (0) on success, otherwise the code of the
 *   error, which is also written to the optional canvass_error* out parameter (may be NULL).
 * - Strings are UTF-8 and NUL-terminated. JSON in and out follows docs/forms.md (answers)
 *   and `canvass show --json` (records).
 * - Ownership is stated on every pointer: OUT strings are allocated by canvass and freed by
 *   the caller with canvass_free(); handles are closed with canvass_store_close().
 * - Error codes and domains are only ever appended, never renumbered.
 * - A canvass_store is not thread-safe: use one handle per thread.
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
    CANVASS_ERR_INTERNAL = 99 /* a bug: please report it with the message */
};

/* Where an error comes from; store errors carry SQLite's code in `code`. */
enum {
    CANVASS_DOMAIN_CORE = 1,
    CANVASS_DOMAIN_FORM = 2,
    CANVASS_DOMAIN_STORE = 3,
    CANVASS_DOMAIN_CRYPTO = 4,
    CANVASS_DOMAIN_NET = 5,
    CANVASS_DOMAIN_PROTOCOL = 6,
    CANVASS_DOMAIN_AUTH = 7
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
 * OUT *store: a new handle, to close with canvass_store_close(). */
CANVASS_API int canvass_store_create(const char* home, const char* passphrase,
                                     canvass_store** store /* OUT */, canvass_error* error);

/* Opens the store in `home`. A wrong passphrase is CANVASS_ERR_WRONG_KEY and opens nothing. */
CANVASS_API int canvass_store_open(const char* home, const char* passphrase,
                                   canvass_store** store /* OUT */, canvass_error* error);

/* Creates (create != 0) or opens a store locked by a raw 32-byte key, for apps that keep the
 * key in the platform keystore. The key is copied; the caller keeps and wipes its own copy. */
CANVASS_API int canvass_store_open_with_key(const char* home, const uint8_t key[32], int create,
                                            canvass_store** store /* OUT */,
                                            canvass_error* error);

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

#ifdef __cplusplus
}
#endif

#endif /* CANVASS_H */
