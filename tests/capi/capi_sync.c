/* Enrollment and sync through canvass.h with a real canvass-server on 127.0.0.1: a collector
 * enrolls and syncs over canvass's own TCP, a second one over a socket this test opens and
 * hands in as a canvass_transport; a coordinator store sees a conflict between the
 * collector's edit and a coordinator's, settles it, and the coordinator's export (the
 * `canvass` command line with the project key) shows what was answered and settled, with
 * the photo the collector attached from bytes. */
#define _POSIX_C_SOURCE 200809L
#include <canvass/canvass.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "capi_check.h"

#define PROJECT "capi"
#define FORM "street_vendors"

struct world {
    const char* dir;
    const char* source;
    const char* server_bin;
    const char* canvass_bin;
    char data[300];
    char address[64];
    char fingerprint[80];
    char key[300];
    char coordinator_home[300];
};

static char out[1 << 16];

/* The quoted string after "key": in JSON text, into `value`; 0 if absent. */
static int json_string(const char* text, const char* key, char* value, size_t cap) {
    char pattern[80];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);
    const char* at = text ? strstr(text, pattern) : NULL;
    if (!at) return 0;
    at = strchr(at + strlen(pattern), '"');
    if (!at) return 0;
    ++at;
    size_t n = strcspn(at, "\"");
    snprintf(value, cap, "%.*s", (int)n, at);
    return 1;
}

static int server(struct world* w, const char* a, const char* b, const char* c, const char* d,
                  const char* e, const char* f, const char* g, const char* h, const char* i) {
    const char* argv[] = {w->server_bin, "--data", w->data, a, b, c, d, e, f, g, h, i, NULL};
    return run_program(argv, out, sizeof out);
}

static int cli(struct world* w, const char* a, const char* b, const char* c, const char* d,
               const char* e, const char* f, const char* g, const char* h, const char* i,
               const char* j) {
    setenv("CANVASS_HOME", w->coordinator_home, 1);
    const char* argv[] = {w->canvass_bin, a, b, c, d, e, f, g, h, i, j, NULL};
    return run_program(argv, out, sizeof out);
}

static int mint(struct world* w, const char* role, char* token, size_t cap) {
    return server(w, "token", "create", "--project", PROJECT, "--role", role, "--address",
                  w->address, "--json") == 0 &&
           json_string(out, "token", token, cap);
}

/* A project with one coordinator key and the street vendors form, and its server running. */
static int set_up(struct world* w) {
    snprintf(w->data, sizeof w->data, "%s/server", w->dir);
    snprintf(w->key, sizeof w->key, "%s/coordinator.key", w->dir);
    snprintf(w->coordinator_home, sizeof w->coordinator_home, "%s/coordinator", w->dir);
    char statement[300], form[600];
    snprintf(statement, sizeof statement, "%s/recipients.txt", w->dir);
    snprintf(form, sizeof form, "%s/schemas/forms/" FORM ".json", w->source);
    setenv("CANVASS_PASSPHRASE", "capi coordinator passphrase", 1);
    setenv("NO_COLOR", "1", 1);
    if (cli(w, "init", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) != 0) return 0;
    if (cli(w, "keys", "create", "--out", w->key, NULL, NULL, NULL, NULL, NULL, NULL) != 0)
        return 0;
    if (cli(w, "keys", "recipients", "--key", w->key, "--project", PROJECT, "--out", statement,
            NULL, NULL) != 0)
        return 0;
    if (server(w, "init", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) != 0) return 0;
    if (server(w, "project", "create", PROJECT, "--recipients", statement, NULL, NULL, NULL,
               NULL) != 0)
        return 0;
    const char* at = strstr(out, "fingerprint ");
    if (!at) return 0;
    at += strlen("fingerprint ");
    snprintf(w->fingerprint, sizeof w->fingerprint, "%.*s", (int)strcspn(at, " \n"), at);
    if (server(w, "form", "publish", "--project", PROJECT, form, NULL, NULL, NULL, NULL) != 0)
        return 0;
    return 1;
}

/* A TCP connection the test opens itself, handed to canvass as a canvass_transport. */
struct socket_link {
    int fd;
    size_t sent, received;
    int closes;
    int fail_receive; /* a connection that breaks at the first read */
};

static int link_send(void* user, const uint8_t* bytes, size_t length) {
    struct socket_link* l = user;
    while (length > 0) {
        ssize_t n = send(l->fd, bytes, length, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? CANVASS_TRANSPORT_TIMEOUT : -1;
        bytes += n;
        length -= (size_t)n;
        l->sent += (size_t)n;
    }
    return 0;
}

static ptrdiff_t link_receive(void* user, uint8_t* buffer, size_t capacity) {
    struct socket_link* l = user;
    if (l->fail_receive) return -1;
    for (;;) {
        ssize_t n = recv(l->fd, buffer, capacity, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK) ? CANVASS_TRANSPORT_TIMEOUT : -1;
        l->received += (size_t)n;
        return n;
    }
}

static void link_close(void* user) {
    struct socket_link* l = user;
    close(l->fd);
    l->fd = -1;
    ++l->closes;
}

static canvass_transport open_link(struct socket_link* l, const char* address) {
    memset(l, 0, sizeof *l);
    l->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(strrchr(address, ':') + 1));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval timeout = {60, 0};
    setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(l->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    CHECK(connect(l->fd, (struct sockaddr*)&a, sizeof a) == 0);
    canvass_transport t = {l, link_send, link_receive, link_close};
    return t;
}

static int progress_calls = 0;
static void count_progress(void* user, const char* progress_json) {
    (void)user;
    if (strstr(progress_json, "\"sent\":") && strstr(progress_json, "\"acknowledged\":"))
        ++progress_calls;
}

/* Line `index` of the example answers, as an app gives them: a photo the line names
 * (`"stall.png"`) is attached to `store` first and the line answers with its reference. */
static char* answers_line(canvass_store* store, const char* source, int index) {
    char path[600];
    snprintf(path, sizeof path, "%s/schemas/forms/" FORM ".answers.jsonl", source);
    char* text = read_text(path);
    if (!text) return NULL;
    char* line = text;
    for (int i = 0; i < index && line; ++i) {
        line = strchr(line, '\n');
        if (line) ++line;
    }
    char* copy = NULL;
    if (line && *line) {
        size_t n = strcspn(line, "\n");
        copy = malloc(n + 1);
        memcpy(copy, line, n);
        copy[n] = '\0';
    }
    free(text);
    const char* named = copy ? strstr(copy, "\"stall.png\"") : NULL;
    if (named) {
        char photo[700];
        snprintf(photo, sizeof photo, "%s/schemas/forms/stall.png", source);
        char* ref = NULL;
        canvass_error err;
        CHECK_OK(canvass_attachment_add_file(store, photo, &ref, &err), err);
        if (!ref) return copy;
        const size_t head = (size_t)(named - copy), name = strlen("\"stall.png\"");
        char* answered = malloc(strlen(copy) - name + strlen(ref) + 1);
        memcpy(answered, copy, head);
        strcpy(answered + head, ref);
        strcat(answered, named + name);
        canvass_free(ref);
        free(copy);
        copy = answered;
    }
    return copy;
}

static canvass_store* new_store(struct world* w, const char* name) {
    char home[300];
    snprintf(home, sizeof home, "%s/%s", w->dir, name);
    canvass_store* store = NULL;
    canvass_error err;
    CHECK_OK(canvass_store_create(home, "device passphrase", &store, &err), err);
    return store;
}

/* A collector enrolls over TCP after its token's fingerprint is checked, saves and syncs. */
static canvass_store* collector_over_tcp(struct world* w, char first_record[37]) {
    canvass_error err;
    char token[400];
    CHECK(mint(w, "collector", token, sizeof token));
    char* json = NULL;
    CHECK_OK(canvass_token_inspect(token, &json, &err), err);
    CHECK(json && strstr(json, "\"project\":\"" PROJECT "\"") &&
          strstr(json, "\"role\":\"collector\""));
    CHECK(json && strstr(json, w->address) != NULL);
    canvass_free(json);

    canvass_store* store = new_store(w, "collector");
    /* A fingerprint of another project: refused before any connection, nothing enrolled. */
    CHECK(canvass_enroll(store, token, "0000 0000 0000 0000", &json, &err) ==
          CANVASS_ERR_PERMISSION_DENIED);
    CHECK(err.domain == CANVASS_DOMAIN_AUTH);
    char prefix[20];
    snprintf(prefix, sizeof prefix, "%.16s", w->fingerprint);
    CHECK_OK(canvass_enroll(store, token, prefix, &json, &err), err);
    CHECK(json && strstr(json, "\"project\":\"" PROJECT "\"") &&
          strstr(json, "\"form_id\":\"" FORM "\""));
    canvass_free(json);
    /* A token works once. */
    canvass_store* other = new_store(w, "reuser");
    CHECK(canvass_enroll(other, token, NULL, NULL, &err) == CANVASS_ERR_PERMISSION_DENIED);
    CHECK(err.domain == CANVASS_DOMAIN_AUTH && strstr(err.message, "used") != NULL);
    canvass_store_close(other);

    for (int i = 0; i < 2; ++i) {
        char* answers = answers_line(store, w->source, i);
        CHECK(answers != NULL);
        char id[37];
        CHECK_OK(canvass_record_create(store, FORM, answers ? answers : "{}", 1, id, &err), err);
        if (i == 0) memcpy(first_record, id, 37);
        free(answers);
    }
    char draft[37];
    CHECK_OK(canvass_record_create(store, FORM, "{\"age\": 30}", 0, draft, &err), err);

    CHECK_OK(canvass_status(store, &json, &err), err);
    CHECK(json && strstr(json, "\"unsent_changesets\":2") &&
          strstr(json, "\"role\":\"collector\""));
    canvass_free(json);
    CHECK_OK(canvass_sync(store, count_progress, NULL, &json, &err), err);
    CHECK(json && strstr(json, "\"sent\":2") && strstr(json, "\"acknowledged\":2"));
    CHECK(json && strstr(json, "\"equivocations\":[]"));
    canvass_free(json);
    CHECK(progress_calls > 0);
    CHECK_OK(canvass_status(store, &json, &err), err);
    CHECK(json && strstr(json, "\"unsent_changesets\":0") && strstr(json, "\"drafts\":1"));
    CHECK(json && strstr(json, "\"carried_unsent_changesets\":0"));
    canvass_free(json);
    return store;
}

/* A second collector whose app brings its own socket, for enrollment and for sync. */
static void collector_over_host_socket(struct world* w) {
    canvass_error err;
    char token[400];
    CHECK(mint(w, "collector", token, sizeof token));
    canvass_store* store = new_store(w, "phone");
    struct socket_link link;
    canvass_transport t = open_link(&link, w->address);
    char* json = NULL;
    CHECK_OK(canvass_enroll_over(store, token, w->fingerprint, &t, &json, &err), err);
    CHECK(json && strstr(json, "\"role\":\"collector\""));
    canvass_free(json);
    CHECK(link.sent > 0 && link.received > 0 && link.closes == 1);

    char* answers = answers_line(store, w->source, 2);
    char id[37];
    CHECK_OK(canvass_record_create(store, FORM, answers ? answers : "{}", 1, id, &err), err);
    free(answers);
    t = open_link(&link, w->address);
    CHECK_OK(canvass_sync_over(store, &t, NULL, NULL, &json, &err), err);
    CHECK(json && strstr(json, "\"sent\":1") && strstr(json, "\"acknowledged\":1"));
    canvass_free(json);
    CHECK(link.sent > 0 && link.received > 0 && link.closes == 1);

    /* A connection that breaks: a net error, the socket closed once, the work still unsent. */
    char* more = answers_line(store, w->source, 3);
    CHECK_OK(canvass_record_create(store, FORM, more ? more : "{}", 1, id, &err), err);
    free(more);
    t = open_link(&link, w->address);
    link.fail_receive = 1;
    CHECK(canvass_sync_over(store, &t, NULL, NULL, &json, &err) == CANVASS_ERR_IO);
    CHECK(err.domain == CANVASS_DOMAIN_NET && strstr(err.message, "sync again") != NULL);
    CHECK(link.closes == 1);
    CHECK_OK(canvass_status(store, &json, &err), err);
    CHECK(json && strstr(json, "\"unsent_changesets\":1"));
    canvass_free(json);
    t = open_link(&link, w->address);
    CHECK_OK(canvass_sync_over(store, &t, NULL, NULL, NULL, &err), err);
    canvass_store_close(store);
}

/* The desk opens the project key over its store: the collector's answers, both candidates of
 * the conflict, the record's history and the photo read in clear, and the settlement and a
 * review go through the key's view. A key the project never named reads nothing. */
static void coordinator_view(struct world* w, canvass_store* desk, const char* record,
                             const uint8_t* photo, size_t photo_size) {
    canvass_error err;
    char* json = NULL;
    char public_key[80];
    CHECK_OK(canvass_coordinator_key_inspect(w->key, &json, &err), err);
    CHECK(json && json_string(json, "public_key", public_key, sizeof public_key) &&
          strlen(public_key) == 64);
    canvass_free(json);

    canvass_coordinator* c = NULL;
    CHECK(canvass_coordinator_open(desk, w->key, "not the passphrase", &c, &err) ==
          CANVASS_ERR_WRONG_KEY);
    CHECK(c == NULL && err.domain == CANVASS_DOMAIN_CRYPTO);
    CHECK_OK(canvass_coordinator_open(desk, w->key, "capi coordinator passphrase", &c, &err), err);
    if (!c) return;

    CHECK_OK(canvass_coordinator_records(c, FORM, &json, &err), err);
    CHECK(json && strstr(json, record) && strstr(json, "\"conflicts\":[\"age\"]"));
    CHECK(json && strstr(json, "\"status\":\"\"") && strstr(json, "\"decrypted\":"));
    CHECK(json && strstr(json, "\"no_grant\":[]") && strstr(json, "\"damaged\":[]"));
    canvass_free(json);

    CHECK_OK(canvass_coordinator_conflicts(c, FORM, 0, &json, &err), err);
    /* Both candidates decrypted: the collector's 40 and the coordinator's 41. */
    CHECK(json && strstr(json, "\"path\":\"age\"") && strstr(json, "\"value\":40") &&
          strstr(json, "\"value\":41"));
    canvass_free(json);

    CHECK_OK(canvass_coordinator_record(c, record, &json, &err), err);
    char hash[80];
    CHECK(json && strstr(json, "\"readable\":true") && strstr(json, "\"deleted\":false"));
    CHECK(json && json_string(json, "attachment", hash, sizeof hash) && strlen(hash) == 64);
    canvass_free(json);
    uint8_t* bytes = NULL;
    size_t size = 0;
    CHECK_OK(canvass_coordinator_attachment(c, record, hash, &bytes, &size, &err), err);
    CHECK(bytes && size == photo_size && memcmp(bytes, photo, size) == 0);
    canvass_free(bytes);
    CHECK(canvass_coordinator_attachment(c, record, "00", &bytes, &size, &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_coordinator_attachment(
              c, record, "0000000000000000000000000000000000000000000000000000000000000000", &bytes,
              &size, &err) == CANVASS_ERR_NOT_FOUND);

    CHECK_OK(canvass_coordinator_history(c, record, &json, &err), err);
    CHECK(json && strstr(json, "\"creates\":true") && strstr(json, "\"coordinator_edit\":true"));
    CHECK(json && strstr(json, "\"path\":\"age\""));
    canvass_free(json);

    /* The settlement, checked like any answer, then seen as resolved. */
    CHECK(canvass_coordinator_resolve(c, record, "age", "\"forty\"", &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(canvass_coordinator_resolve(c, record, "agee", "42", &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "no question agee") != NULL);
    CHECK_OK(canvass_coordinator_resolve(c, record, "age", "42", &err), err);
    CHECK_OK(canvass_coordinator_conflicts(c, FORM, 0, &json, &err), err);
    CHECK(json && strstr(json, "\"conflicts\":[]"));
    canvass_free(json);
    CHECK_OK(canvass_coordinator_conflicts(c, FORM, 1, &json, &err), err);
    CHECK(json && strstr(json, "\"resolved\":true") && strstr(json, "\"resolution\""));
    canvass_free(json);

    /* The whole record, question by question, over the decrypted answers. */
    canvass_interview* edit = NULL;
    CHECK(canvass_coordinator_edit(c, "", NULL, &edit, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK_OK(canvass_coordinator_edit(c, record, "en", &edit, &err), err);
    if (edit) {
        char* step = NULL;
        CHECK_OK(canvass_interview_jump_to(edit, "age", &step, &err), err);
        CHECK(step && strstr(step, "\"answer\":42"));
        canvass_free(step);
        CHECK_OK(canvass_interview_answer(edit, "43", NULL, &err), err);
        char* result = NULL;
        CHECK_OK(canvass_interview_finalize(edit, &result, &err), err);
        CHECK(result && strstr(result, "\"outcome\":\"edit_saved\""));
        canvass_free(result);
        canvass_interview_close(edit);
    }
    CHECK_OK(canvass_coordinator_record(c, record, &json, &err), err);
    CHECK(json && strstr(json, "\"age\":43"));
    canvass_free(json);

    CHECK(canvass_coordinator_label_devices(c, "[{\"label\": \"no id\"}]", &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    CHECK(strstr(err.message, "device 1 has no \"device\"") != NULL);
    CHECK_OK(
        canvass_coordinator_label_devices(
            c, "[{\"device\": \"00112233445566778899aabbccddeeff\", \"label\": \"Ana\"}]", &err),
        err);

    CHECK(canvass_record_review(desk, record, "great", NULL, &err) == CANVASS_ERR_INVALID_ARGUMENT);
    CHECK_OK(canvass_record_review(desk, record, "approved", "checked with the vendor", &err), err);
    CHECK_OK(canvass_coordinator_records(c, FORM, &json, &err), err);
    CHECK(json && strstr(json, "\"review_state\":\"approved\"") &&
          strstr(json, "checked with the vendor"));
    canvass_free(json);
    canvass_coordinator_close(c);

    /* A new key, never named by the project: made once, and it reads nothing here. */
    char other[400];
    snprintf(other, sizeof other, "%s/other.key", w->dir);
    CHECK_OK(canvass_coordinator_key_create(other, "another passphrase", &json, &err), err);
    CHECK(json && strstr(json, "\"public_key\"") && !strstr(json, public_key));
    canvass_free(json);
    CHECK(canvass_coordinator_key_create(other, "another passphrase", NULL, &err) ==
          CANVASS_ERR_ALREADY_EXISTS);
    CHECK_OK(canvass_coordinator_open(desk, other, "another passphrase", &c, &err), err);
    CHECK(canvass_coordinator_records(c, FORM, &json, &err) == CANVASS_ERR_WRONG_KEY);
    CHECK(json == NULL && err.domain == CANVASS_DOMAIN_CRYPTO);
    canvass_coordinator_close(c);
}

/* The collector and a coordinator change the same answer; a coordinator store sees both
 * candidates, reads them with the project key, settles on a third value and approves the
 * record, and the export shows it. */
static void conflict_settled_by_coordinator_store(struct world* w, canvass_store* collector,
                                                  const char* record) {
    canvass_error err;
    char token[400], edit_path[300];
    CHECK(mint(w, "coordinator", token, sizeof token));
    CHECK(cli(w, "enroll", token, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == 0);
    CHECK(cli(w, "sync", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == 0);

    int changed = 0;
    CHECK_OK(canvass_record_edit(collector, record, "{\"age\": 40}", &changed, &err), err);
    CHECK(changed == 1);
    /* A photo of the stall, from bytes the app holds, answers the image question. */
    static const uint8_t photo[] = "CAPI-PHOTO-BYTES: a stall at Makola, seen from the road";
    char* ref = NULL;
    CHECK_OK(canvass_attachment_add_bytes(collector, photo, sizeof photo, "makola.jpg", NULL, &ref,
                                          &err),
             err);
    CHECK(ref && strstr(ref, "\"type\":\"image/jpeg\"") && strstr(ref, "\"name\":\"makola.jpg\""));
    char photo_edit[600];
    snprintf(photo_edit, sizeof photo_edit, "{\"stall_photo\": %s}", ref ? ref : "null");
    canvass_free(ref);
    ref = NULL;
    CHECK_OK(canvass_record_edit(collector, record, photo_edit, &changed, &err), err);
    CHECK(changed == 1);
    /* Not a photo: a text file at an image question is refused by the store. */
    CHECK(canvass_attachment_add_bytes(collector, photo, sizeof photo, "notes.txt", NULL, &ref,
                                       &err) == 0);
    snprintf(photo_edit, sizeof photo_edit, "{\"stall_photo\": %s}", ref ? ref : "null");
    canvass_free(ref);
    ref = NULL;
    CHECK(canvass_record_edit(collector, record, photo_edit, &changed, &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    snprintf(edit_path, sizeof edit_path, "%s/cleaning.json", w->dir);
    FILE* f = fopen(edit_path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("{\"age\": 41}", f);
        fclose(f);
    }
    CHECK(cli(w, "edit", record, "--answers", edit_path, "--key", w->key, NULL, NULL, NULL, NULL) ==
          0);
    CHECK_OK(canvass_sync(collector, NULL, NULL, NULL, &err), err);
    CHECK(cli(w, "sync", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == 0);

    canvass_store* desk = new_store(w, "desk");
    CHECK(mint(w, "coordinator", token, sizeof token));
    CHECK_OK(canvass_enroll(desk, token, w->fingerprint, NULL, &err), err);
    char* json = NULL;
    CHECK_OK(canvass_sync(desk, NULL, NULL, &json, &err), err);
    CHECK(json && strstr(json, "\"received\":7")); /* with the photo's edit */
    canvass_free(json);
    CHECK_OK(canvass_record_conflicts(desk, record, &json, &err), err);
    CHECK(json && strstr(json, "\"path\":\"age\"") && strstr(json, "\"kind\":\"value\""));
    /* Two candidates, by two devices. */
    const char* second = json ? strstr(json, "\"device\"") : NULL;
    CHECK(second && strstr(second + 1, "\"device\"") != NULL);
    canvass_free(json);
    CHECK_OK(canvass_conflicts_list(desk, &json, &err), err);
    CHECK(json && strstr(json, record) != NULL);
    canvass_free(json);
    CHECK_OK(canvass_status(desk, &json, &err), err);
    CHECK(json && strstr(json, "\"records_with_conflicts\":1"));
    canvass_free(json);

    CHECK(canvass_record_resolve(desk, record, "age", "\"forty\"", &err) ==
          CANVASS_ERR_INVALID_ARGUMENT);
    coordinator_view(w, desk, record, photo, sizeof photo);
    CHECK_OK(canvass_record_conflicts(desk, record, &json, &err), err);
    CHECK(json && strcmp(json, "[]") == 0);
    canvass_free(json);
    CHECK_OK(canvass_sync(desk, NULL, NULL, &json, &err), err);
    CHECK(json && strstr(json, "\"sent\":3")); /* the settlement, the edit and the review */
    canvass_free(json);
    canvass_store_close(desk);

    /* The coordinator's export, decrypted with the project key. */
    char export_dir[300], csv_path[400];
    snprintf(export_dir, sizeof export_dir, "%s/export", w->dir);
    CHECK(cli(w, "sync", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) == 0);
    CHECK(cli(w, "export", "--key", w->key, "--form", FORM, "--format", "csv", "--out", export_dir,
              NULL) == 0);
    snprintf(csv_path, sizeof csv_path, "%s/" FORM ".csv", export_dir);
    char* csv = read_text(csv_path);
    CHECK(csv != NULL);
    int rows = 0;
    for (const char* p = csv; p && (p = strstr(p, "uuid:")) != NULL; ++p) ++rows;
    CHECK(rows >= 4);
    char key[64];
    snprintf(key, sizeof key, "uuid:%s", record);
    const char* row = csv ? strstr(csv, key) : NULL;
    CHECK(row != NULL);
    /* The age settled, then edited, is in the record's row: find the line with its key. */
    const char* line = row;
    while (line && line > csv && line[-1] != '\n') --line;
    CHECK(line && strstr(line, ",43,") && strstr(line, ",43,") < row);
    CHECK(csv && strstr(csv, "makola") != NULL);
    free(csv);
    /* The photo reached the coordinator's export, byte for byte. */
    char photo_path[400];
    snprintf(photo_path, sizeof photo_path, "%s/media/makola.jpg", export_dir);
    char* exported = read_text(photo_path);
    CHECK(exported && strcmp(exported, (const char*)photo) == 0);
    free(exported);
    char conflicts_path[400];
    snprintf(conflicts_path, sizeof conflicts_path, "%s/conflicts.csv", export_dir);
    char* conflicts = read_text(conflicts_path);
    CHECK(conflicts == NULL || strstr(conflicts, record) == NULL);
    free(conflicts);
}

void sync_tests(const char* dir, const char* source, const char* server_bin,
                const char* canvass_bin) {
    struct world w;
    memset(&w, 0, sizeof w);
    w.dir = dir;
    w.source = source;
    w.server_bin = server_bin;
    w.canvass_bin = canvass_bin;
    if (!set_up(&w)) {
        CHECK(!"the project could be set up");
        return;
    }
    char log_dir[300];
    snprintf(log_dir, sizeof log_dir, "%s", dir);
    pid_t pid = start_server(server_bin, w.data, log_dir, w.address);
    CHECK(pid > 0);
    if (pid <= 0) return;
    char record[37];
    canvass_store* collector = collector_over_tcp(&w, record);
    collector_over_host_socket(&w);
    conflict_settled_by_coordinator_store(&w, collector, record);
    canvass_store_close(collector);
    stop_server(pid);
}
