/* What the C11 tests of canvass.h share: a check that counts failures, and the programs the
 * sync tests run (canvass-server, the canvass command line). */
#ifndef CAPI_CHECK_H
#define CAPI_CHECK_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

extern int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            ++failures;                                                              \
        }                                                                            \
    } while (0)

/* A check that also prints the canvass_error message when it fails. */
#define CHECK_OK(call, err)                                                                \
    do {                                                                                   \
        int rc_ = (call);                                                                  \
        if (rc_ != 0) {                                                                    \
            fprintf(stderr, "%s:%d: %s returned %d: %s\n", __FILE__, __LINE__, #call, rc_, \
                    (err).message);                                                        \
            ++failures;                                                                    \
        }                                                                                  \
    } while (0)

/* Runs argv[0] (a path) with argv to completion, stdout and stderr together in `out`
 * (NUL-terminated, cut at cap - 1). Returns the exit code, or -1 if it could not run. */
int run_program(const char* const argv[], char* out, size_t cap);

/* A file's whole text, malloc'ed (free it), or NULL. */
char* read_text(const char* path);

/* canvass-server `run --listen 127.0.0.1:0` on `data`; writes "127.0.0.1:PORT" to address.
 * Returns the pid, or -1 if it did not start within a minute. */
pid_t start_server(const char* server_bin, const char* data, const char* log_dir, char address[64]);
void stop_server(pid_t pid);

/* The parts of the test program. */
void store_tests(const char* dir);
void error_tests(const char* dir);
void interview_tests(const char* dir);
void sync_tests(const char* dir, const char* source, const char* server_bin,
                const char* canvass_bin);

#endif
