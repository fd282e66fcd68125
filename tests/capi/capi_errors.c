/* Error domains and codes through canvass.h: SQLite's codes arrive in their own domain with
 * the canvass code that says what they mean (a locked database is CANVASS_ERR_BUSY, never
 * CANVASS_ERR_PERMISSION_DENIED), canvass's own store errors keep canvass codes, and bad
 * arguments are refused by name. */
#define _POSIX_C_SOURCE 200809L
#include <canvass/canvass.h>
#include <sqlite3.h>

#include <stdio.h>
#include <string.h>

#include "capi_check.h"

static const char* tiny_form =
    "{\"settings\": {\"form_id\": \"tiny\", \"version\": \"1\", \"title\": {\"en\": \"Tiny\"},"
    " \"default_language\": \"en\"},"
    " \"survey\": [{\"type\": \"integer\", \"name\": \"n\", \"label\": {\"en\": \"N\"}}]}";

/* Another process's writer holding the store's database: SQLITE_BUSY once the 5 s wait is over. */
static void locked_store_is_busy(const char* dir) {
    char home[256], db_path[300];
    snprintf(home, sizeof home, "%s/busy", dir);
    snprintf(db_path, sizeof db_path, "%s/device.db", home);
    canvass_error err;
    canvass_store* store = NULL;
    CHECK_OK(canvass_store_create(home, "busy passphrase", &store, &err), err);
    CHECK_OK(canvass_form_add(store, tiny_form, &err), err);

    sqlite3* other = NULL;
    CHECK(sqlite3_open(db_path, &other) == SQLITE_OK);
    CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    char id[37];
    memset(&err, 0, sizeof err);
    int rc = canvass_record_create(store, "tiny", "{\"n\": 1}", 1, id, &err);
    CHECK(rc == CANVASS_ERR_BUSY);
    CHECK(rc != CANVASS_ERR_PERMISSION_DENIED);
    CHECK(err.domain == CANVASS_DOMAIN_SQLITE);
    CHECK((err.code & 0xff) == SQLITE_BUSY);
    CHECK(strstr(err.message, "locked") != NULL);
    if (rc != CANVASS_ERR_BUSY)
        fprintf(stderr, "busy store: %d, domain %d code %d: %s\n", rc, err.domain, err.code,
                err.message);

    /* Once the other writer is done, the same call goes through: busy means try again. */
    CHECK(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(other);
    CHECK_OK(canvass_record_create(store, "tiny", "{\"n\": 1}", 1, id, &err), err);
    canvass_store_close(store);
}

/* canvass's own storage errors are in the store domain with canvass codes. */
static void store_errors_keep_canvass_codes(const char* dir) {
    char home[256];
    snprintf(home, sizeof home, "%s/codes", dir);
    canvass_error err;
    canvass_store* store = NULL;
    CHECK_OK(canvass_store_create(home, "codes passphrase", &store, &err), err);
    canvass_store* again = NULL;
    CHECK(canvass_store_create(home, "codes passphrase", &again, &err) ==
          CANVASS_ERR_ALREADY_EXISTS);
    CHECK(err.domain == CANVASS_DOMAIN_STORE && err.code == CANVASS_ERR_ALREADY_EXISTS);
    CHECK(again == NULL);

    char* json = NULL;
    CHECK(canvass_record_get(store, "5b1f9a6e-2c4d-4e8f-9a0b-1c2d3e4f5a6b", &json, &err) ==
          CANVASS_ERR_NOT_FOUND);
    CHECK(err.domain == CANVASS_DOMAIN_STORE && err.code == CANVASS_ERR_NOT_FOUND);
    CHECK(json == NULL);

    CHECK(canvass_record_create(store, "no_such_form", "{}", 0, (char[37]){0}, &err) ==
          CANVASS_ERR_NOT_FOUND);

    /* A store that is not enrolled cannot sync, and says why. */
    CHECK(canvass_sync(store, NULL, NULL, &json, &err) == CANVASS_ERR_NOT_FOUND);
    CHECK(err.domain == CANVASS_DOMAIN_CORE && strstr(err.message, "not enrolled") != NULL);
    CHECK(json == NULL);
    canvass_store_close(store);

    canvass_store* missing = NULL;
    char nowhere[300];
    snprintf(nowhere, sizeof nowhere, "%s/nowhere", dir);
    CHECK(canvass_store_open(nowhere, "x", &missing, &err) == CANVASS_ERR_NOT_FOUND);
    CHECK(missing == NULL);
}

static void count_close(void* user) {
    ++*(int*)user;
}

/* Bad arguments are refused with a message naming what is missing; nothing crashes. */
static void bad_arguments_are_refused(const char* dir) {
    char home[256];
    snprintf(home, sizeof home, "%s/args", dir);
    canvass_error err;
    canvass_store* store = NULL;
    CHECK_OK(canvass_store_create(home, "args passphrase", &store, &err), err);
    CHECK(canvass_store_create(NULL, "p", &store, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(err.domain == CANVASS_DOMAIN_CORE && strstr(err.message, "home") != NULL);
    char* json = NULL;
    CHECK(canvass_status(NULL, &json, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_record_conflicts(store, "nope", &json, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_record_resolve(store, "5b1f9a6e-2c4d-4e8f-9a0b-1c2d3e4f5a6b", "", "1", &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_form_add(store, "{\"settings\": ", &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(err.domain == CANVASS_DOMAIN_FORM);

    /* JSON nested deeper than anyone writes is refused before it is parsed. */
    char deep[4096];
    size_t n = 0;
    for (int i = 0; i < 1500; ++i) deep[n++] = '[';
    for (int i = 0; i < 1500; ++i) deep[n++] = ']';
    deep[n] = '\0';
    CHECK_OK(canvass_form_add(store, tiny_form, &err), err);
    char id[37];
    CHECK(canvass_record_create(store, "tiny", deep, 0, id, &err) == CANVASS_ERR_LIMIT_EXCEEDED);
    CHECK(err.domain == CANVASS_DOMAIN_FORM && strstr(err.message, "deeper than 64") != NULL);

    /* Tokens: garbage is told apart from a token with one character changed. */
    CHECK(canvass_token_inspect("hello", &json, &err) != CANVASS_OK);
    CHECK(err.domain == CANVASS_DOMAIN_AUTH);
    CHECK(canvass_enroll(store, "canvass1-aaaa", NULL, NULL, &err) != CANVASS_OK);
    CHECK(err.domain == CANVASS_DOMAIN_AUTH && strstr(err.message, "token") != NULL);

    /* A host transport without send or receive is refused, and still closed. */
    int closed = 0;
    canvass_transport half = {0};
    half.user = &closed;
    half.close = count_close;
    CHECK(canvass_sync_over(store, &half, NULL, NULL, NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "send and receive") != NULL);
    CHECK(closed == 1);
    CHECK(canvass_sync_over(store, NULL, NULL, NULL, NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    canvass_store_close(store);
}

/* A lost link is worth another try, after a wait that grows; a refusal is not. */
static void sync_failures_say_whether_to_retry(void) {
    canvass_error lost = {CANVASS_DOMAIN_NET, CANVASS_ERR_IO, "connection closed by peer"};
    uint64_t first = canvass_sync_retry_delay_ms(&lost, 1);
    CHECK(first >= 1500 && first <= 2500);
    uint64_t later = canvass_sync_retry_delay_ms(&lost, 10);
    CHECK(later >= 45000 && later <= 75000);
    canvass_error busy = {CANVASS_DOMAIN_NET, CANVASS_ERR_UNAVAILABLE, "the server is busy"};
    CHECK(canvass_sync_retry_delay_ms(&busy, 2) >= 3000);
    canvass_error revoked = {CANVASS_DOMAIN_AUTH, CANVASS_ERR_PERMISSION_DENIED, "revoked"};
    CHECK(canvass_sync_retry_delay_ms(&revoked, 1) == 0);
    canvass_error wrong_key = {CANVASS_DOMAIN_PROTOCOL, CANVASS_ERR_WRONG_KEY,
                               "not the server key"};
    CHECK(canvass_sync_retry_delay_ms(&wrong_key, 1) == 0);
    canvass_error full = {CANVASS_DOMAIN_SQLITE, 13 /* SQLITE_FULL */, "database or disk is full"};
    CHECK(canvass_sync_retry_delay_ms(&full, 1) == 0);
    CHECK(canvass_sync_retry_delay_ms(NULL, 1) == 0);
}

void error_tests(const char* dir) {
    sync_failures_say_whether_to_retry();
    store_errors_keep_canvass_codes(dir);
    bad_arguments_are_refused(dir);
    locked_store_is_busy(dir);
}
