/* Drives the C ABI from plain C11. This file: create and reopen a store, add a form, save a
 * draft, finalize, edit, read back, list, delete, and the error paths; then the other parts
 * (capi_errors.c, capi_interview.c, capi_sync.c). Exit 0 on success.
 *
 * Usage: capi_test SOURCE_DIR [CANVASS_SERVER_BIN CANVASS_BIN] (without the programs, the
 * sync tests are skipped and say so). */
#define _POSIX_C_SOURCE 200809L
#include <canvass/canvass.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi_check.h"

int failures = 0;

static const char* form =
    "{\"settings\": {\"form_id\": \"c_form\", \"version\": \"1\", \"title\": {\"en\": \"C\"},"
    " \"default_language\": \"en\"},"
    " \"survey\": [{\"type\": \"text\", \"name\": \"name\", \"label\": {\"en\": \"Name\"}, "
    "\"required\": true},"
    "  {\"type\": \"integer\", \"name\": \"age\", \"label\": {\"en\": \"Age\"},"
    "   \"constraint\": \". >= 14\", \"constraint_message\": {\"en\": \"At least 14\"}}]}";

void store_tests(const char* dir) {
    char home[256];
    snprintf(home, sizeof home, "%s/home", dir);

    canvass_error err;
    canvass_store* store = NULL;
    CHECK(strlen(canvass_version()) > 0);
    CHECK(canvass_store_create(home, "c passphrase", &store, &err) == CANVASS_OK);
    CHECK(canvass_form_add(store, form, &err) == CANVASS_OK);
    CHECK(canvass_form_add(store, "{\"settings\": 1}", &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(err.domain == CANVASS_DOMAIN_FORM && strstr(err.message, "settings") != NULL);

    char* json = NULL;
    CHECK(canvass_forms_list(store, &json, &err) == CANVASS_OK);
    CHECK(json && strstr(json, "\"c_form\"") != NULL);
    canvass_free(json);

    char id[37];
    CHECK(canvass_record_create(store, "c_form", "{\"age\": 30}", 0, id, &err) == CANVASS_OK);
    CHECK(strlen(id) == 36);
    /* Finalizing without the required name fails and keeps the draft. */
    CHECK(canvass_record_finalize(store, id, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "name") != NULL);
    CHECK(canvass_record_save_draft(store, id, "{\"age\": 30, \"name\": \"Nomsa\"}", &err) ==
          CANVASS_OK);
    CHECK(canvass_record_finalize(store, id, &err) == CANVASS_OK);

    int changed = -1;
    CHECK(canvass_record_edit(store, id, "{\"age\": 31}", &changed, &err) == CANVASS_OK);
    CHECK(changed == 1);
    CHECK(canvass_record_edit(store, id, "{\"age\": 3}", &changed, &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "At least 14") != NULL);

    CHECK(canvass_record_get(store, id, &json, &err) == CANVASS_OK);
    CHECK(json && strstr(json, "\"age\":31") != NULL && strstr(json, "\"Nomsa\"") != NULL);
    canvass_free(json);

    CHECK(canvass_records_list(store, NULL, &json, &err) == CANVASS_OK);
    CHECK(json && strstr(json, id) != NULL);
    canvass_free(json);
    CHECK(canvass_record_get(store, "not-an-id", &json, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_record_delete(store, id, &err) == CANVASS_OK);
    canvass_store_close(store);

    /* Reopen: a wrong passphrase opens nothing; the right one sees the deleted record. */
    store = NULL;
    CHECK(canvass_store_open(home, "wrong", &store, &err) == CANVASS_ERR_WRONG_KEY);
    CHECK(store == NULL);
    CHECK(canvass_store_open(home, "c passphrase", &store, NULL) == CANVASS_OK);
    CHECK(canvass_record_get(store, id, &json, NULL) == CANVASS_OK);
    CHECK(json && strstr(json, "\"deleted\"") != NULL);
    canvass_free(json);
    canvass_store_close(store);

    /* Raw keys, as a phone keystore would hold them. */
    uint8_t key[32];
    for (int i = 0; i < 32; ++i) key[i] = (uint8_t)(i * 7 + 1);
    char raw_home[256];
    snprintf(raw_home, sizeof raw_home, "%s/raw", dir);
    CHECK(canvass_store_open_with_key(raw_home, key, 1, &store, &err) == CANVASS_OK);
    canvass_store_close(store);
    key[0] ^= 1;
    CHECK(canvass_store_open_with_key(raw_home, key, 0, &store, &err) == CANVASS_ERR_WRONG_KEY);
    CHECK(canvass_store_open(raw_home, "any", &store, &err) != CANVASS_OK);
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: capi_test SOURCE_DIR [CANVASS_SERVER_BIN CANVASS_BIN]\n");
        return 2;
    }
    char dir_template[] = "/tmp/canvass-capi-XXXXXX";
    char* dir = mkdtemp(dir_template);
    if (!dir) {
        perror("mkdtemp");
        return 1;
    }
    store_tests(dir);
    error_tests(dir);
    interview_tests(dir);
    if (argc >= 4 && argv[2][0] && argv[3][0]) {
        sync_tests(dir, argv[1], argv[2], argv[3]);
    } else {
        printf("canvass-server or canvass not given: enrollment and sync not tested\n");
    }

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
