// hcsim's test-only control surface, exported by the simulator library beside the
// computecore.dll entry points. Tests resolve these by name from the loaded backend module
// (see tests/common/hcsim_client.h), so they drive the very instance zlhcs loaded, also under
// Wine where that instance is C:\windows\system32\computecore.dll.
//
// All functions are thread-safe. Names are stable; hcsim's default HCS semantics do not
// depend on any of them being called.
//
// Self-contained: it needs only <stdint.h>/<stddef.h> (and <windows.h> on Windows), so code
// outside this source tree (a user's own runtime tests) can include it on its own.
#pragma once
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#include <windows.h>
typedef HRESULT hcsim_hresult;
#ifndef WINAPI
#define WINAPI __stdcall
#endif
#else
typedef int32_t hcsim_hresult; /* HRESULT: 0 success, negative failure */
#ifndef WINAPI
#define WINAPI
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#if defined(HCSIM_BUILDING) && defined(HCSIM_EXPORTS_BY_DEF)
#define HCSIM_API /* exported by the library's .def */
#elif defined(HCSIM_BUILDING)
#define HCSIM_API __declspec(dllexport)
#else
#define HCSIM_API __declspec(dllimport)
#endif
#else
#define HCSIM_API __attribute__((visibility("default")))
#endif

/** How an injected failure shows itself. */
typedef enum hcsim_fault_mode {
    /** The entry point returns the HRESULT at once (the operation is not started). */
    HCSIM_FAULT_IMMEDIATE = 0,
    /** The entry point returns S_OK and the operation later completes with the HRESULT and
     *  an error document. For entry points without an operation, same as IMMEDIATE. */
    HCSIM_FAULT_ASYNC = 1
} hcsim_fault_mode;

/** Live object counts, for leak checks. */
typedef struct hcsim_live_objects {
    uint32_t struct_size;         /**< in: sizeof(hcsim_live_objects) */
    uint32_t operations;          /**< HCS_OPERATION handles not yet closed */
    uint32_t system_handles;      /**< HCS_SYSTEM handles not yet closed */
    uint32_t systems;             /**< compute systems in the registry */
    uint32_t process_handles;     /**< HCS_PROCESS handles not yet closed */
    uint32_t pending_completions; /**< operation completions queued or running */
    uint32_t strings;             /**< result strings handed out and not yet freed */
    /** callers blocked in an hcsim wait now: HcsWaitForOperationResult[AndProcessInfo],
     *  HcsWaitForComputeSystemExit, HcsWaitForProcessExit, and a close waiting for a callback
     *  in progress on another thread (a test knows a call it started has reached its wait) */
    uint32_t waiting_calls;
} hcsim_live_objects;

/** Behaviour switches (HcsimSetBehavior). The default (0) is what the HCS reference and
 *  hcsshim's observations say Windows does; each switch turns on a documented variant that
 *  real hosts show sometimes, or an assumption. See docs/hcsim.md, "Behaviour switches". */
#define HCSIM_BEHAVIOR_DEFAULT 0x00000000u
/** HcsCancelOperation cancels a pending operation (completes it with ERROR_CANCELLED, its
 *  state change not made). Assumption about a future build: today's HCS returns E_NOTIMPL. */
#define HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED 0x00000001u
/** An operation whose latency is 0 completes inside the call that starts it: its completion
 *  callback (and its events) run on the caller's thread before that call returns. */
#define HCSIM_BEHAVIOR_INLINE_COMPLETION 0x00000002u
/** With INLINE_COMPLETION: a successful HcsCreateProcess that completed inline leaves its
 *  operation broken: HcsGetOperationResult[AndProcessInfo] and HcsWaitForOperationResult
 *  [AndProcessInfo] fail with E_INVALIDARG, although the process runs and its HCS_PROCESS is
 *  valid (HcsGetProcessInfo recovers pid and pipes). As seen on Windows Server 2022. */
#define HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT 0x00000004u
/** Failed operations and calls carry no error document (the reference says one is "not
 *  guaranteed"). */
#define HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS 0x00000008u
/** Any use of a closed, unknown or NULL HCS handle (where real computecore.dll may crash) is
 *  recorded as a violation (HcsimGetViolations), besides being answered as usual. */
#define HCSIM_BEHAVIOR_STRICT_HANDLES 0x00000010u
/** The security inputs the reference calls "Reserved for future use, must be NULL" are
 *  refused with E_INVALIDARG when not NULL: the security descriptor of HcsCreateComputeSystem
 *  and HcsCreateProcess, and the options of HcsCreateComputeSystemInNamespace. (By default
 *  hcsim accepts and records them: see HcsimGetSystemSecurity.) */
#define HCSIM_BEHAVIOR_SECURITY_RESERVED 0x00000020u
/** Windows: the caller's ends of a process's std pipes are synchronous handles (opened
 *  without FILE_FLAG_OVERLAPPED) instead of overlapped ones like HCS's, for callers' code that
 *  must cope with both. Elsewhere it changes nothing (the ends are pipes either way). */
#define HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO 0x00000040u
#define HCSIM_BEHAVIOR_ALL 0x0000007Fu

/** Sets the behaviour switches (the whole set, HCSIM_BEHAVIOR_* or-ed). E_INVALIDARG for an
 *  unknown bit. Kept across HcsimReset. */
HCSIM_API hcsim_hresult WINAPI HcsimSetBehavior(uint32_t flags);

/** The behaviour switches in force. */
HCSIM_API uint32_t WINAPI HcsimGetBehavior(void);

/** Strict-handle violations recorded since the last HcsimClearViolations (HcsimReset keeps
 *  them): *count gets their number (saturating), and `text` (if not NULL) a NUL-terminated,
 *  possibly truncated, list of the first ones, one per line: "<function>: <handle kind>
 *  <value>". E_INVALIDARG if count is NULL. */
HCSIM_API hcsim_hresult WINAPI HcsimGetViolations(uint32_t *count, char *text, size_t capacity);

/** Forgets the recorded violations. */
HCSIM_API hcsim_hresult WINAPI HcsimClearViolations(void);

/** Ends every process (exit code 1; waits for and joins their threads) and forgets every
 *  process, system, fault, latency and the disconnected state; returns to the real clock
 *  and to a random seed. Open handles stay valid
 *  objects (a system handle's system is gone: calls on it fail with HCS_E_SYSTEM_NOT_FOUND;
 *  a process handle reports its process as exited). */
HCSIM_API hcsim_hresult WINAPI HcsimReset(void);

/** The next `count` calls of the entry point named `function` (e.g. "HcsStartComputeSystem")
 *  fail with `failure`, shown as `mode` says. count 0 clears the fault.
 *  E_INVALIDARG for an unknown name or a non-failure HRESULT. */
HCSIM_API hcsim_hresult WINAPI HcsimFailNextCalls(const char *function, uint32_t count,
                                            hcsim_hresult failure, uint32_t mode);

/** Every operation started through `function` (NULL: every entry point) completes no sooner
 *  than `milliseconds` after it starts. 0 removes the latency. */
HCSIM_API hcsim_hresult WINAPI HcsimSetLatency(const char *function, uint32_t milliseconds);

/** Simulates the service going away (disconnected != 0) or coming back. While disconnected,
 *  every entry point fails with HCS_E_SERVICE_DISCONNECT, pending operations complete with
 *  it, and registered system callbacks receive HcsEventServiceDisconnect once. */
HCSIM_API hcsim_hresult WINAPI HcsimSetServiceDisconnected(uint32_t disconnected);

/** Fills *counts up to its struct_size (a struct without the appended waiting_calls, 28
 *  bytes, is accepted and filled without it). E_INVALIDARG if counts is NULL or struct_size is
 *  below 28. */
HCSIM_API hcsim_hresult WINAPI HcsimGetLiveObjects(hcsim_live_objects *counts);

/** hcsim only (no HCS counterpart): every random value hcsim makes (the GUIDs it invents:
 *  RuntimeId, ...) comes from a pseudo-random generator seeded with `seed`, so a run can be
 *  replayed; the same seed gives the same sequence. Until the first call and after
 *  HcsimReset the generator is seeded from std::random_device (random). */
HCSIM_API hcsim_hresult WINAPI HcsimSetSeed(uint64_t seed);

/** hcsim only (no HCS counterpart): chooses the clock every time hcsim reads comes from
 *  (latencies of HcsimSetLatency, uptimes and timestamps in properties, the timeouts of
 *  HcsWaitForOperationResult, HcsWaitForComputeSystemExit, HcsWaitForProcessExit and their
 *  variants, the built-in `sleep` program). manual 0: the real clock (the default, and after
 *  HcsimReset). manual != 0: a manual clock, stopped at the current time, that moves only by
 *  HcsimAdvanceClock. Its time never goes back: returning to the real clock continues from
 *  the manual time. */
HCSIM_API hcsim_hresult WINAPI HcsimSetClock(uint32_t manual);

/** hcsim only: moves the manual clock `milliseconds` forward; whatever was due by then
 *  (a latency, a wait's timeout, a program's sleep) proceeds, on its own thread: the call
 *  does not wait for it. E_ILLEGAL_METHOD_CALL (0x8000000E) while the clock is real. */
HCSIM_API hcsim_hresult WINAPI HcsimAdvanceClock(uint64_t milliseconds);

/** hcsim only: waits up to timeout_ms (0xFFFFFFFF: no limit; real time, whatever the clock)
 *  until hcsim is idle: no worker task (an operation's completion, an event's delivery to a
 *  callback, a wait's timeout) running, and none due by the clock's current time. Tasks due
 *  later (a latency not yet elapsed) are not waited for. *out_tasks_run (optional) receives
 *  how many tasks have run since the process started, so a caller can tell whether anything
 *  ran between two calls. HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705B4) if not idle in time.
 *  A program's own thread (a process's program) is not a task. */
HCSIM_API hcsim_hresult WINAPI HcsimWaitIdle(uint32_t timeout_ms, uint64_t *out_tasks_run);

/** How many bytes of a caller's SECURITY_DESCRIPTOR hcsim copies: 20, the size of the
 *  self-relative header (Revision, Sbz1, Control, then the Owner, Group, Sacl and Dacl
 *  offsets), which every valid descriptor, absolute or self-relative, is at least as long
 *  as. A SECURITY_DESCRIPTOR is opaque off Windows, so hcsim records these bytes and the
 *  pointer's value rather than the whole descriptor. */
#define HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES 20u

/** What hcsim recorded of the security inputs of one compute system (HcsimGetSystemSecurity)
 *  or one process (HcsimGetProcessSecurity; the fields marked "system" are 0 there). */
typedef struct hcsim_security_record {
    uint32_t struct_size;                  /**< in: sizeof(hcsim_security_record) */
    /** 1 if the create call was given a security descriptor (HcsCreateComputeSystem's
     *  argument, HCS_CREATE_OPTIONS_1.SecurityDescriptor, HcsCreateProcess's argument). */
    uint32_t security_descriptor_given;
    uint64_t security_descriptor_address;  /**< the descriptor pointer's value, 0 if none */
    /** The first HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES bytes it pointed to at the call
     *  (zero if none). */
    uint8_t security_descriptor_prefix[HCSIM_SECURITY_DESCRIPTOR_PREFIX_BYTES];
    /** system: 1 if created by HcsCreateComputeSystemInNamespace with non-NULL options. */
    uint32_t create_options_given;
    uint64_t user_token;                   /**< system: HCS_CREATE_OPTIONS_1.UserToken's value */
    /** system: HcsModifyComputeSystem calls on its handles that returned S_OK. */
    uint32_t modify_calls;
    /** system: 1 if the last of those passed a non-NULL identity token. */
    uint32_t identity_given;
    uint64_t last_identity;                /**< system: that identity HANDLE's value, 0 if NULL */
} hcsim_security_record;

/** The security record of the compute system `id` (UTF-8, matched like HcsOpenComputeSystem:
 *  ASCII case-insensitively) in the namespace `id_namespace` (UTF-8; NULL: the default
 *  namespace of the calls without "InNamespace"), while the system exists (created, not yet
 *  stopped). HCS_E_SYSTEM_NOT_FOUND (0x8037010E) if there is none; E_INVALIDARG if id or
 *  record is NULL, id or id_namespace is empty, or record->struct_size is too small. */
HCSIM_API hcsim_hresult WINAPI HcsimGetSystemSecurity(const char *id_namespace, const char *id,
                                                      hcsim_security_record *record);

/** The security record of the process `process_id` of that system, while the system exists
 *  and the process is known to it (running, or exited with a handle open). Errors as
 *  HcsimGetSystemSecurity, plus HRESULT_FROM_WIN32(ERROR_NOT_FOUND) (0x80070490) for an
 *  unknown process. */
HCSIM_API hcsim_hresult WINAPI HcsimGetProcessSecurity(const char *id_namespace, const char *id,
                                                       uint32_t process_id,
                                                       hcsim_security_record *record);

/** Raises an event of any type on a compute system's or a process's handles, as if HCS had
 *  sent it: `event_type` is any 32-bit HCS_EVENT_TYPE value, also one no header names (7,
 *  0x00020000, ...), except HcsEventOperationCallback (0x01000000), which needs an operation.
 *  `event_data` (UTF-8, or NULL) becomes the event's EventData (UTF-16; NULL stays NULL);
 *  Operation is NULL.
 *
 *  The event goes to every open handle with an event callback of the compute system `id`
 *  (UTF-8, matched like HcsimGetSystemSecurity: ASCII case-insensitively, in the namespace
 *  `id_namespace`, NULL = the default namespace) when process_id is 0, else to every open
 *  handle with a callback of that system's process `process_id` (running, or exited with a
 *  handle open). Delivery is like hcsim's own events: later, on a worker thread, never on the
 *  caller's and never with hcsim's lock held; one handle's events (emitted or hcsim's) reach
 *  its callback one at a time, in the order they were raised; after HcsCloseComputeSystem /
 *  HcsCloseProcess returns, that handle's callback receives nothing more.
 *
 *  *out_targets (if not NULL; 0 on failure) receives the number of callbacks the event was
 *  queued for. E_INVALIDARG if id is NULL or empty, id_namespace is empty, event_data is not
 *  valid UTF-8 or event_type is HcsEventOperationCallback; HCS_E_SYSTEM_NOT_FOUND
 *  (0x8037010E) if there is no such system (created, not yet stopped);
 *  HRESULT_FROM_WIN32(ERROR_NOT_FOUND) (0x80070490) for an unknown process. Cheap: its cost
 *  does not grow with the number of other systems or handles. */
HCSIM_API hcsim_hresult WINAPI HcsimEmitEvent(const char *id_namespace, const char *id,
                                              uint32_t process_id, uint32_t event_type,
                                              const char *event_data, uint32_t *out_targets);

#ifdef __cplusplus
}
#endif
