/* Running the real programs from the C11 test: posix_spawn with output captured in a file. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capi_check.h"

extern char** environ;

char* read_text(const char* path) {
    FILE* f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char* text = malloc(cap);
    size_t got;
    while (text && (got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char* bigger = realloc(text, cap * 2);
            if (!bigger) {
                free(text);
                text = NULL;
                break;
            }
            text = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (text) text[n] = '\0';
    return text;
}

static pid_t spawn(const char* const argv[], const char* out_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, (char* const*)argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

static void pause_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

int run_program(const char* const argv[], char* out, size_t cap) {
    char path[] = "/tmp/canvass-capi-out-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    close(fd);
    pid_t pid = spawn(argv, path);
    int status = 0, code = -1;
    if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) code = WEXITSTATUS(status);
    char* text = read_text(path);
    unlink(path);
    if (out && cap) snprintf(out, cap, "%s", text ? text : "");
    if (code != 0) {
        fprintf(stderr, "%s", argv[0]);
        for (int i = 1; argv[i]; ++i) fprintf(stderr, " %s", argv[i]);
        fprintf(stderr, " exited with %d:\n%s\n", code, text ? text : "");
    }
    free(text);
    return code;
}

pid_t start_server(const char* server_bin, const char* data, const char* log_dir,
                   char address[64]) {
    char log[512];
    snprintf(log, sizeof log, "%s/server.out", log_dir);
    const char* argv[] = {server_bin, "--data", data, "run", "--listen", "127.0.0.1:0", NULL};
    pid_t pid = spawn(argv, log);
    if (pid <= 0) return -1;
    for (int i = 0; i < 3000; ++i) { /* a minute: the machine may be loaded */
        char* text = read_text(log);
        const char* at = text ? strstr(text, "listening on ") : NULL;
        if (at && strchr(at, '\n')) {
            at += strlen("listening on ");
            size_t n = strcspn(at, "\n");
            snprintf(address, 64, "%.*s", (int)(n < 63 ? n : 63), at);
            free(text);
            return pid;
        }
        free(text);
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        pause_ms(20);
    }
    char* text = read_text(log);
    fprintf(stderr, "canvass-server did not start:\n%s\n", text ? text : "");
    free(text);
    stop_server(pid);
    return -1;
}

void stop_server(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 3000; ++i) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) return;
        pause_ms(20);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}
