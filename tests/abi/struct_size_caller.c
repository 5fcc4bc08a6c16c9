/* zlhcs_abi_struct_sizes: a C caller that passes structs by their struct_size, as callers
 * built against other releases do (abi/POLICY.md):
 *   - "old": frozen copies of the v1 structs below, with struct_size = the published
 *     ZLHCS_*_SIZE_V1, keep working whatever the header's structs grow into;
 *   - "new": a struct larger than this DLL knows is accepted when its tail is zero (and the
 *     DLL writes back the size it filled), refused with ZLHCS_E_NOT_SUPPORTED otherwise;
 *   - below v1: refused with ZLHCS_E_INVALID_ARGUMENT.
 * Plain C99; prints every failed check and exits non-zero. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200112L /* sched_yield under -std=c99 */
#endif
#include <zlhcs/zlhcs.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sched.h>
#endif

static int failures = 0;
#define CHECK(expr)                                                        \
    do {                                                                   \
        if (!(expr)) {                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
            ++failures;                                                    \
        }                                                                  \
    } while (0)

/* The v1 layouts, frozen here on purpose (never edit: they are what old callers compiled). */
typedef struct frozen_version_info_v1 {
    uint32_t struct_size, abi_version, major, minor, patch, api_revision;
    const char *version_string;
} frozen_version_info_v1;
typedef struct frozen_error_v1 {
    uint32_t struct_size;
    int32_t code;
    uint32_t category, reserved;
    const char *message, *function, *result_document;
} frozen_error_v1;
typedef struct frozen_call_options_v1 {
    uint32_t struct_size, requested_access;
    const char *namespace_id;
    const void *security_descriptor;
    uint64_t identity_token;
} frozen_call_options_v1;
typedef struct frozen_init_options_v1 { /* 0.4.0-0.5.0: before validation was appended */
    uint32_t struct_size, backend;
    const char *backend_path;
} frozen_init_options_v1;

/* What a caller built against a later header might pass: v1 plus members this DLL lacks. */
typedef struct future_error {
    zlhcs_error v1;
    uint64_t added_later;
} future_error;
typedef struct future_call_options {
    zlhcs_call_options v1;
    uint64_t added_later;
} future_call_options;
typedef struct future_init_options {
    zlhcs_init_options current;
    uint64_t added_later;
} future_init_options;

static void old_callers_work(void) {
    frozen_version_info_v1 info;
    frozen_error_v1 error;
    frozen_call_options_v1 options;
    frozen_init_options_v1 init;
    zlhcs_hresult hr;
    zlhcs_system system = 0;

    /* The 16-byte init options of 0.5.0 initialise the default backend (no validation). */
    memset(&init, 0, sizeof init);
    init.struct_size = ZLHCS_INIT_OPTIONS_SIZE_V1;
    init.backend = ZLHCS_BACKEND_DEFAULT;
    hr = zlhcs_init((const zlhcs_init_options *)&init);
    CHECK(hr == ZLHCS_S_OK || hr == ZLHCS_S_FALSE);

    memset(&info, 0, sizeof info);
    info.struct_size = ZLHCS_VERSION_INFO_SIZE_V1;
    CHECK(zlhcs_version((zlhcs_version_info *)&info) == ZLHCS_S_OK);
    CHECK(info.struct_size == ZLHCS_VERSION_INFO_SIZE_V1);
    CHECK(info.abi_version == 1u && info.api_revision >= 1u && info.version_string != NULL);

    /* A failure, then the v1-sized error struct. */
    CHECK(zlhcs_system_close(12345) == ZLHCS_E_INVALID_HANDLE);
    memset(&error, 0, sizeof error);
    error.struct_size = ZLHCS_ERROR_SIZE_V1;
    CHECK(zlhcs_last_error((zlhcs_error *)&error) == ZLHCS_S_OK);
    CHECK(error.struct_size == ZLHCS_ERROR_SIZE_V1);
    CHECK(error.code == ZLHCS_E_INVALID_HANDLE);
    CHECK(error.category == ZLHCS_CATEGORY_INVALID_HANDLE);
    CHECK(error.message != NULL && strlen(error.message) > 0);

    /* v1 call options are read: requested_access is not taken by create -> refused. */
    memset(&options, 0, sizeof options);
    options.struct_size = ZLHCS_CALL_OPTIONS_SIZE_V1;
    options.requested_access = 1;
    CHECK(zlhcs_system_create(NULL, "{}", (const zlhcs_call_options *)&options, 0, &system, NULL) ==
          ZLHCS_E_INVALID_ARGUMENT);
    CHECK(system == 0);
}

static void newer_callers_work_when_the_tail_is_zero(void) {
    future_error error;
    future_call_options options;
    future_init_options init;
    zlhcs_system system = 0;

    /* Init options larger than this DLL knows: the same request when the tail is zero (the
     * backend is loaded already: S_FALSE), refused when it is not. */
    memset(&init, 0, sizeof init);
    init.current.struct_size = (uint32_t)sizeof init;
    init.current.backend = ZLHCS_BACKEND_DEFAULT;
    CHECK(zlhcs_init(&init.current) == ZLHCS_S_FALSE);
    init.added_later = 1;
    CHECK(zlhcs_init(&init.current) == ZLHCS_E_NOT_SUPPORTED);

    CHECK(zlhcs_system_close(54321) == ZLHCS_E_INVALID_HANDLE);
    memset(&error, 0, sizeof error);
    error.v1.struct_size = (uint32_t)sizeof error;
    error.added_later = 0xA5A5A5A5A5A5A5A5ull;
    CHECK(zlhcs_last_error(&error.v1) == ZLHCS_S_OK);
    CHECK(error.v1.struct_size == sizeof(zlhcs_error)); /* the size actually filled */
    CHECK(error.added_later == 0xA5A5A5A5A5A5A5A5ull);  /* beyond it: untouched */
    CHECK(error.v1.code == ZLHCS_E_INVALID_HANDLE);

    /* Zero tail: the DLL can do everything asked (here: a bad id, refused for that). */
    memset(&options, 0, sizeof options);
    options.v1.struct_size = (uint32_t)sizeof options;
    CHECK(zlhcs_system_open("\xFF", &options.v1, &system) == ZLHCS_E_INVALID_UTF8);
    /* Non-zero tail: a request this DLL cannot honour is refused, never dropped. */
    options.added_later = 1;
    CHECK(zlhcs_system_open("any", &options.v1, &system) == ZLHCS_E_NOT_SUPPORTED);
    CHECK(system == 0);
}

static void below_v1_is_refused(void) {
    zlhcs_version_info info;
    zlhcs_error error;
    zlhcs_call_options options;
    zlhcs_init_options init;
    zlhcs_system system = 0;
    memset(&init, 0, sizeof init);
    init.struct_size = ZLHCS_INIT_OPTIONS_SIZE_V1 - 8;
    CHECK(zlhcs_init(&init) == ZLHCS_E_INVALID_ARGUMENT);
    memset(&info, 0, sizeof info);
    info.struct_size = ZLHCS_VERSION_INFO_SIZE_V1 - 8;
    CHECK(zlhcs_version(&info) == ZLHCS_E_INVALID_ARGUMENT);
    memset(&error, 0, sizeof error);
    error.struct_size = 8;
    CHECK(zlhcs_last_error(&error) == ZLHCS_E_INVALID_ARGUMENT);
    memset(&options, 0, sizeof options);
    options.struct_size = 4;
    CHECK(zlhcs_system_open("any", &options, &system) == ZLHCS_E_INVALID_ARGUMENT);
}

/* Lets other threads run while polling a condition (no fixed pause). */
static void pause_a_moment(void) {
#ifdef _WIN32
    SwitchToThread();
#else
    sched_yield();
#endif
}

/* The leak counters, read with the v1 size: everything the checks above were handed has been
 * freed, so zlhcs holds nothing (zlhcs_debug_counts). An operation lives on for a moment after
 * its waiter saw it complete (until HCS's completion callback has returned): a bounded wait. */
static void nothing_is_held(void) {
    zlhcs_debug_counts_info counts;
    const time_t until = time(NULL) + 10; /* a bound against hanging, never asserted */
    int tries = 0;
    do {
        if (tries++ > 0) pause_a_moment();
        memset(&counts, 0xAB, sizeof counts);
        counts.struct_size = ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1;
        CHECK(zlhcs_debug_counts(&counts) == ZLHCS_S_OK);
    } while ((counts.live_operations != 0 || counts.contexts != 0) && time(NULL) < until);
    CHECK(counts.struct_size == ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1);
    CHECK(counts.systems == 0 && counts.processes == 0 && counts.operations == 0 && counts.subscriptions == 0);
    CHECK(counts.contexts == 0 && counts.strings == 0);
    CHECK(counts.live_subscriptions == 0 && counts.live_operations == 0);
    { /* The v1 size: the members appended in 0.9.0 are not written. */
        const unsigned char *tail = (const unsigned char *)&counts + ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1;
        size_t i;
        for (i = 0; i < sizeof counts - ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1; ++i) CHECK(tail[i] == 0xAB);
    }
    /* The v2 size: every member. No call waits now; the last release notifier's task may still
     * be finishing on a delivery thread: a bounded wait. */
    tries = 0;
    do {
        if (tries++ > 0) pause_a_moment();
        memset(&counts, 0xAB, sizeof counts);
        counts.struct_size = ZLHCS_DEBUG_COUNTS_INFO_SIZE_V2;
        CHECK(zlhcs_debug_counts(&counts) == ZLHCS_S_OK);
    } while (counts.queued_tasks != 0 && time(NULL) < until);
    CHECK(counts.struct_size == ZLHCS_DEBUG_COUNTS_INFO_SIZE_V2);
    CHECK(counts.waiting_calls == 0 && counts.queued_tasks == 0);
    counts.struct_size = ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1 - 1;
    CHECK(zlhcs_debug_counts(&counts) == ZLHCS_E_INVALID_ARGUMENT);
    CHECK(zlhcs_debug_counts(NULL) == ZLHCS_E_INVALID_ARGUMENT);
}

int main(void) {
    old_callers_work();
    newer_callers_work_when_the_tail_is_zero();
    below_v1_is_refused();
    nothing_is_held();
    if (failures == 0) printf("struct_size checks passed\n");
    return failures == 0 ? 0 : 1;
}
