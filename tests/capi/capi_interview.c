/* A whole interview through canvass.h: a required question refused while empty, a language
 * switch, a refused answer in that language, skip logic after a step back, two repeat
 * instances, resuming the draft in its own language, finalizing, and an edit session that
 * saves one change. */
#define _POSIX_C_SOURCE 200809L
#include <canvass/canvass.h>

#include <stdio.h>
#include <string.h>

#include "capi_check.h"

static const char* stalls_form =
    "{\"settings\": {\"form_id\": \"stalls\", \"version\": \"1\","
    "  \"title\": {\"en\": \"Stalls\", \"fr\": \"Etals\"}, \"default_language\": \"en\", "
    "\"languages\": [\"en\", \"fr\"]},"
    " \"survey\": ["
    "  {\"type\": \"text\", \"name\": \"name\", \"label\": {\"en\": \"Name?\", \"fr\": \"Nom ?\"}, "
    "\"required\": true},"
    "  {\"type\": \"integer\", \"name\": \"age\", \"label\": {\"en\": \"Age?\", \"fr\": "
    "\"\\u00c2ge ?\"}, \"required\": true,"
    "   \"constraint\": \". >= 14 and . <= 100\","
    "   \"constraint_message\": {\"en\": \"Between 14 and 100\", \"fr\": \"Entre 14 et 100\"}},"
    "  {\"type\": \"select_one yes_no\", \"name\": \"has_stall\", \"label\": {\"en\": \"A "
    "stall?\", \"fr\": \"Un \\u00e9tal ?\"},"
    "   \"required\": true},"
    "  {\"type\": \"text\", \"name\": \"stall_place\", \"label\": {\"en\": \"Where?\", \"fr\": "
    "\"O\\u00f9 ?\"},"
    "   \"relevant\": \"${has_stall} = 'yes'\"},"
    "  {\"type\": \"repeat\", \"name\": \"goods\", \"label\": {\"en\": \"Good\", \"fr\": "
    "\"Produit\"}, \"children\": ["
    "    {\"type\": \"text\", \"name\": \"good\", \"label\": {\"en\": \"What?\", \"fr\": \"Quoi "
    "?\"}, \"required\": true}]},"
    "  {\"type\": \"note\", \"name\": \"bye\", \"label\": {\"en\": \"Thank you ${name}\", \"fr\": "
    "\"Merci ${name}\"}}"
    " ],"
    " \"choices\": {\"yes_no\": [{\"name\": \"yes\", \"label\": {\"en\": \"Yes\", \"fr\": "
    "\"Oui\"}},"
    "                           {\"name\": \"no\", \"label\": {\"en\": \"No\", \"fr\": "
    "\"Non\"}}]}}";

/* Whether the step JSON is at question (or note, prompt) `name` of kind `kind`. Keys come
 * sorted (..., "kind", "label", "language", "name", ...) and only the step itself has a
 * "language", so its "name" is the one right after it. */
static int at(const char* step, const char* kind, const char* name) {
    char k[64], expect[80];
    snprintf(k, sizeof k, "\"kind\":\"%s\"", kind);
    if (!step || !strstr(step, k)) return 0;
    const char* lang = strstr(step, "\"language\":\"");
    const char* after = lang ? strchr(lang + strlen("\"language\":\""), '"') : NULL;
    snprintf(expect, sizeof expect, "\",\"name\":\"%s\"", name);
    return after && strncmp(after, expect, strlen(expect)) == 0;
}

#define MOVE(call)                                                                         \
    do {                                                                                   \
        canvass_free(step);                                                                \
        step = NULL;                                                                       \
        int rc_ = (call);                                                                  \
        if (rc_ != CANVASS_OK) {                                                           \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, rc_, \
                    err.message);                                                          \
            ++failures;                                                                    \
        }                                                                                  \
    } while (0)

void interview_tests(const char* dir) {
    char home[256];
    snprintf(home, sizeof home, "%s/interview", dir);
    canvass_error err;
    canvass_store* store = NULL;
    CHECK_OK(canvass_store_create(home, "interview passphrase", &store, &err), err);
    CHECK_OK(canvass_form_add(store, stalls_form, &err), err);

    canvass_interview* iv = NULL;
    CHECK(canvass_interview_start(store, "no_such_form", NULL, &iv, &err) == CANVASS_ERR_NOT_FOUND);
    CHECK(iv == NULL);
    CHECK_OK(canvass_interview_start(store, "stalls", NULL, &iv, &err), err);
    char* step = NULL;
    char id[37];
    CHECK(canvass_interview_record_id(iv, id, &err) == CANVASS_ERR_NOT_FOUND);
    CHECK_OK(canvass_interview_step(iv, &step, &err), err);
    CHECK(at(step, "question", "name") && strstr(step, "\"label\":\"Name?\""));
    CHECK(step && strstr(step, "\"progress\":{\"position\":1,"));

    /* A required question is not left empty. */
    CHECK(canvass_interview_next(iv, NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(err.domain == CANVASS_DOMAIN_FORM);
    MOVE(canvass_interview_answer(iv, "\"Amina\"", &step, &err));
    CHECK(at(step, "question", "name") && strstr(step, "\"answer\":\"Amina\""));
    CHECK_OK(canvass_interview_record_id(iv, id, &err), err); /* the draft exists now */
    MOVE(canvass_interview_next(iv, &step, &err));
    CHECK(at(step, "question", "age"));

    /* In French from here: labels, and the form's refusal. */
    MOVE(canvass_interview_language(iv, "fr", &step, &err));
    CHECK(step && strstr(step, "\"label\":\"\xc3\x82ge ?\"") &&
          strstr(step, "\"language\":\"fr\""));
    CHECK(canvass_interview_language(iv, "de", NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_interview_answer(iv, "7", NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(err.domain == CANVASS_DOMAIN_FORM && strcmp(err.message, "Entre 14 et 100") == 0);
    CHECK(canvass_interview_answer(iv, "{\"not\": ", NULL, &err) != CANVASS_OK);
    MOVE(canvass_interview_answer(iv, "30", &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err));
    CHECK(at(step, "question", "has_stall") && strstr(step, "\"label\":\"Oui\""));

    /* Skip logic: "where?" only for those with a stall; a step back changes the answer. */
    MOVE(canvass_interview_answer(iv, "\"yes\"", &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err));
    CHECK(at(step, "question", "stall_place"));
    MOVE(canvass_interview_back(iv, &step, &err));
    CHECK(at(step, "question", "has_stall"));
    MOVE(canvass_interview_answer(iv, "\"no\"", &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err));
    CHECK(at(step, "repeat_prompt", "goods") && strstr(step, "\"instances\":0"));
    char* hierarchy = NULL;
    CHECK_OK(canvass_interview_hierarchy(iv, &hierarchy, &err), err);
    CHECK(hierarchy && strstr(hierarchy, "\"name\":\"has_stall\"") &&
          !strstr(hierarchy, "stall_place"));
    canvass_free(hierarchy);

    /* Two repeat instances. */
    MOVE(canvass_interview_add_instance(iv, &step, &err));
    CHECK(at(step, "question", "good") && strstr(step, "\"instance\":1"));
    MOVE(canvass_interview_answer(iv, "\"fish\"", &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err));
    CHECK(at(step, "repeat_prompt", "goods") && strstr(step, "\"instances\":1"));
    MOVE(canvass_interview_add_instance(iv, &step, &err));
    CHECK(at(step, "question", "good") && strstr(step, "\"instance\":2"));
    MOVE(canvass_interview_answer(iv, "\"cloth\"", &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err));
    MOVE(canvass_interview_next(iv, &step, &err)); /* no more goods */
    CHECK(at(step, "note", "bye") && strstr(step, "\"label\":\"Merci Amina\""));
    canvass_free(step);
    step = NULL;
    canvass_interview_close(iv);

    /* The draft was saved at every answer; resumed, it keeps its language. */
    char record[37];
    memcpy(record, id, sizeof record);
    CHECK_OK(canvass_interview_resume(store, record, NULL, &iv, &err), err);
    CHECK_OK(canvass_interview_step(iv, &step, &err), err);
    CHECK(step && strstr(step, "\"language\":\"fr\""));
    CHECK(canvass_interview_jump(iv, 999, NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    char* result = NULL;
    CHECK_OK(canvass_interview_finalize(iv, &result, &err), err);
    CHECK(result && strstr(result, "\"outcome\":\"finalized\"") && strstr(result, record));
    canvass_free(result);
    canvass_interview_close(iv);

    char* json = NULL;
    CHECK_OK(canvass_record_get(store, record, &json, &err), err);
    CHECK(json && strstr(json, "\"status\":\"finalized\"") && strstr(json, "\"age\":30"));
    CHECK(json && strstr(json, "\"fish\"") && strstr(json, "\"cloth\"") &&
          !strstr(json, "stall_place"));
    canvass_free(json);

    /* An edit session: one change, saved as one edit. */
    CHECK(canvass_interview_resume(store, record, NULL, &iv, &err) != CANVASS_OK); /* not a draft */
    CHECK_OK(canvass_interview_edit(store, record, "en", &iv, &err), err);
    MOVE(canvass_interview_jump_to(iv, "age", &step, &err));
    CHECK(at(step, "question", "age") && strstr(step, "\"answer\":30"));
    MOVE(canvass_interview_answer(iv, "31", &step, &err));
    CHECK_OK(canvass_interview_finalize(iv, &result, &err), err);
    CHECK(result && strstr(result, "\"outcome\":\"edit_saved\""));
    canvass_free(result);
    canvass_free(step);
    step = NULL;
    canvass_interview_close(iv);
    CHECK_OK(canvass_record_get(store, record, &json, &err), err);
    CHECK(json && strstr(json, "\"age\":31"));
    canvass_free(json);

    /* Finalizing names every missing answer. */
    CHECK_OK(canvass_interview_start(store, "stalls", "en", &iv, &err), err);
    CHECK_OK(canvass_interview_answer(iv, "\"Ben\"", NULL, &err), err);
    CHECK(canvass_interview_finalize(iv, NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "Age?") != NULL && strstr(err.message, "A stall?") != NULL);
    canvass_interview_close(iv);
    canvass_interview_close(NULL);
    CHECK(canvass_interview_step(NULL, &step, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    canvass_store_close(store);
}
