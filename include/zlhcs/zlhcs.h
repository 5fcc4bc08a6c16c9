/*
 * zlhcs.h - the flat C ABI of zlhcs, a binding of the Windows Host Compute Service (HCS).
 *
 * ABI version 1. This header compiles as C89/C99/C11 and as C++.
 *
 * Conventions (they hold for every function below unless its comment says otherwise)
 * -------------------------------------------------------------------------------
 * - Every function returns a zlhcs_hresult: >= 0 is success (ZLHCS_S_OK, sometimes
 *   ZLHCS_S_FALSE), < 0 is failure. HCS's own HRESULTs (HCS_E_*, 0x8037xxxx) pass through
 *   unchanged; zlhcs's own failures are ZLHCS_E_* in the range 0xA07A0000-0xA07AFFFF.
 * - On failure the calling thread's last error is set: zlhcs_last_error() returns the code,
 *   a category, a UTF-8 message, the name of the failing HCS function if any, and the HCS
 *   result document (the JSON with Error/ErrorMessage/ErrorEvents) when HCS supplied one.
 *   Successful calls leave the last error untouched.
 * - Handles are 64-bit opaque values, validated on every call: a closed, stale, forged or
 *   wrong-type handle yields ZLHCS_E_INVALID_HANDLE and never crashes. 0 is never a handle.
 * - Parameter order: handle first, inputs, then out-parameters last. Out-parameters are
 *   written only on success (out handles are set to 0 on failure).
 * - Strings are UTF-8, NUL-terminated. Invalid UTF-8 fails with ZLHCS_E_INVALID_UTF8.
 *   JSON inputs are checked before they reach HCS: malformed JSON fails with
 *   HCS_E_INVALID_JSON and a message giving the offset of the error.
 * - Memory zlhcs allocates for the caller (every char** out-parameter) is released with
 *   zlhcs_free(). Nothing else is freed across the boundary.
 * - Structs passed in begin with struct_size, set by the caller to sizeof(struct); this lets
 *   a struct grow in a later version without breaking old callers.
 * - Every function is thread-safe and may be called from any thread. No exception ever
 *   crosses this boundary.
 * - Timeouts are in milliseconds; ZLHCS_INFINITE waits forever.
 *
 * Asynchrony
 * ----------
 * HCS completes work later on its own threads. Each such call has two forms:
 *   zlhcs_system_start_async(system, options, callback, context, &operation)
 *       starts the work and returns an operation handle. If it fails, no operation exists
 *       and the callback is never called. If it succeeds, the operation completes exactly
 *       once; the callback (optional) is then called exactly once, unless the operation was
 *       closed before it completed, in which case it is never called. It usually runs on an
 *       HCS thread, but HCS may complete an operation inside the call that starts it (seen
 *       for HcsCreateProcess on Windows Server 2022): the callback then runs on the calling
 *       thread, before the *_async function returns and before *out_operation (and, for
 *       creates, *out_system / *out_process) are written; it receives the operation handle
 *       as its argument. Close the operation with zlhcs_operation_close().
 *   zlhcs_system_start(system, options, timeout_ms)
 *       the same, waiting up to timeout_ms, and returns the operation's own result. If it
 *       does not complete in time it returns HCS_E_OPERATION_TIMEOUT, and the work GOES ON:
 *       HCS cannot cancel it (HcsCancelOperation is not implemented) and may still complete
 *       it. A result that arrives as the timeout fires is reported, not discarded. The
 *       creating calls (zlhcs_system_create, zlhcs_process_create) hand out the new handle
 *       with HCS_E_OPERATION_TIMEOUT, so that what HCS makes is never left unheld.
 *
 * HCS itself cannot stop work once started: closing an operation does not stop it (HCS
 * completes it and drops the result), and cancelling is not implemented by today's HCS
 * (zlhcs_operation_cancel then fails with ZLHCS_E_NOT_SUPPORTED). Undo work instead (e.g.
 * terminate what a start started).
 *
 * Error documents: a failed HCS call may or may not come with HCS's error document
 * (ResultError: Error, ErrorMessage, ErrorEvents); HCS does not guarantee one. When there is
 * none, the last error's result_document is "" and its message still names the code's
 * meaning and the HCS function.
 *
 * Callbacks: a callback must not block for long (it runs on HCS's thread pool). Inside a
 * callback every zlhcs function may be called, including zlhcs_operation_close() on the
 * operation being completed; waiting on that operation returns at once (it is complete).
 * When zlhcs_operation_close() returns, the operation's callback is not running and will
 * never run (a close from inside the callback itself returns without waiting for it).
 */
#ifndef ZLHCS_ZLHCS_H
#define ZLHCS_ZLHCS_H

#include <stddef.h>
#if defined(_MSC_VER) && _MSC_VER < 1600
typedef signed __int32 int32_t;
typedef unsigned __int32 uint32_t;
typedef unsigned __int64 uint64_t;
#else
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Linkage and calling convention
 * ------------------------------------------------------------------------------------- */
#if defined(_WIN32)
#define ZLHCS_CALL __stdcall
#if defined(ZLHCS_BUILDING_DLL)
#define ZLHCS_API __declspec(dllexport)
#else
#define ZLHCS_API __declspec(dllimport)
#endif
#else
#define ZLHCS_CALL
#if defined(ZLHCS_BUILDING_DLL)
#define ZLHCS_API __attribute__((visibility("default")))
#else
#define ZLHCS_API
#endif
#endif

/* ---------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------- */
/** The ABI version this header describes. It changes only when the ABI breaks (never
 * within a major version); new functions are appended without changing it. */
#define ZLHCS_ABI_VERSION 1u
#define ZLHCS_VERSION_MAJOR 0u
#define ZLHCS_VERSION_MINOR 3u
#define ZLHCS_VERSION_PATCH 0u

/* ---------------------------------------------------------------------------------------
 * Basic types
 * ------------------------------------------------------------------------------------- */
/** HRESULT-compatible status: 0 success, < 0 failure. */
typedef int32_t zlhcs_hresult;

/** Opaque, validated handles. 0 is "no handle". The handle encodes its type: passing a
 * handle of one kind where another is expected fails with ZLHCS_E_INVALID_HANDLE. */
typedef uint64_t zlhcs_handle;
typedef zlhcs_handle zlhcs_system;    /**< a compute system (container or VM) */
typedef zlhcs_handle zlhcs_operation; /**< an asynchronous HCS call in flight or complete */
typedef zlhcs_handle zlhcs_process;   /**< a process running (or run) in a compute system */

/** Wait forever. */
#define ZLHCS_INFINITE 0xFFFFFFFFu

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */
#define ZLHCS_HR(x) ((zlhcs_hresult)(x))

#define ZLHCS_S_OK ZLHCS_HR(0)
/** Success, but nothing was done (e.g. cancel of a completed operation). */
#define ZLHCS_S_FALSE ZLHCS_HR(1)

/* zlhcs's own failures: 0xA07A0001 - 0xA07A00FF (severity + customer bit, facility 0x07A). */
#define ZLHCS_E_INVALID_ARGUMENT ZLHCS_HR(0xA07A0001u) /**< NULL or out-of-range argument */
#define ZLHCS_E_INVALID_HANDLE ZLHCS_HR(0xA07A0002u)   /**< closed, stale, forged, wrong type */
#define ZLHCS_E_INVALID_UTF8 ZLHCS_HR(0xA07A0003u)     /**< a string is not valid UTF-8 */
#define ZLHCS_E_NOT_SUPPORTED ZLHCS_HR(0xA07A0004u)    /**< the backend lacks the function */
#define ZLHCS_E_OUT_OF_MEMORY ZLHCS_HR(0xA07A0005u)
#define ZLHCS_E_INVALID_STATE ZLHCS_HR(0xA07A0006u)    /**< library state forbids the call */
#define ZLHCS_E_BACKEND_UNAVAILABLE ZLHCS_HR(0xA07A0007u) /**< backend could not be loaded */
#define ZLHCS_E_INTERNAL ZLHCS_HR(0xA07A0008u)         /**< a bug in zlhcs; message says more */
#define ZLHCS_E_TOO_LARGE ZLHCS_HR(0xA07A0009u)        /**< an input exceeds a documented limit */
/** HRESULT_FROM_WIN32(ERROR_BROKEN_PIPE): the other end of a stdio pipe is gone. */
#define ZLHCS_E_BROKEN_PIPE ZLHCS_HR(0x8007006Du)

/* The HCS codes (HCSHResult.md). They arrive from HCS as is; zlhcs also returns
 * HCS_E_OPERATION_TIMEOUT from its waits and HCS_E_OPERATION_PENDING from result queries.
 * The same condition may arrive with the severity bit 0x40000000 set (0xC037xxxx);
 * zlhcs_error_category() classifies both forms alike. */
#define ZLHCS_HCS_E_TERMINATED_DURING_START ZLHCS_HR(0x80370100u)
#define ZLHCS_HCS_E_IMAGE_MISMATCH ZLHCS_HR(0x80370101u)
#define ZLHCS_HCS_E_HYPERV_NOT_INSTALLED ZLHCS_HR(0x80370102u)
#define ZLHCS_HCS_E_INVALID_STATE ZLHCS_HR(0x80370105u)
#define ZLHCS_HCS_E_UNEXPECTED_EXIT ZLHCS_HR(0x80370106u)
#define ZLHCS_HCS_E_TERMINATED ZLHCS_HR(0x80370107u)
#define ZLHCS_HCS_E_CONNECT_FAILED ZLHCS_HR(0x80370108u)
#define ZLHCS_HCS_E_CONNECTION_TIMEOUT ZLHCS_HR(0x80370109u)
#define ZLHCS_HCS_E_CONNECTION_CLOSED ZLHCS_HR(0x8037010Au)
#define ZLHCS_HCS_E_UNKNOWN_MESSAGE ZLHCS_HR(0x8037010Bu)
#define ZLHCS_HCS_E_UNSUPPORTED_PROTOCOL_VERSION ZLHCS_HR(0x8037010Cu)
#define ZLHCS_HCS_E_INVALID_JSON ZLHCS_HR(0x8037010Du)
#define ZLHCS_HCS_E_SYSTEM_NOT_FOUND ZLHCS_HR(0x8037010Eu)
#define ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS ZLHCS_HR(0x8037010Fu)
#define ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED ZLHCS_HR(0x80370110u)
#define ZLHCS_HCS_E_PROTOCOL_ERROR ZLHCS_HR(0x80370111u)
#define ZLHCS_HCS_E_INVALID_LAYER ZLHCS_HR(0x80370112u)
#define ZLHCS_HCS_E_WINDOWS_INSIDER_REQUIRED ZLHCS_HR(0x80370113u)
#define ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE ZLHCS_HR(0x80370114u)
#define ZLHCS_HCS_E_OPERATION_NOT_STARTED ZLHCS_HR(0x80370115u)
#define ZLHCS_HCS_E_OPERATION_ALREADY_STARTED ZLHCS_HR(0x80370116u)
#define ZLHCS_HCS_E_OPERATION_PENDING ZLHCS_HR(0x80370117u)
#define ZLHCS_HCS_E_OPERATION_TIMEOUT ZLHCS_HR(0x80370118u)
#define ZLHCS_HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET ZLHCS_HR(0x80370119u)
#define ZLHCS_HCS_E_OPERATION_RESULT_ALLOCATION_FAILED ZLHCS_HR(0x8037011Au)
#define ZLHCS_HCS_E_ACCESS_DENIED ZLHCS_HR(0x8037011Bu)
#define ZLHCS_HCS_E_GUEST_CRITICAL_ERROR ZLHCS_HR(0x8037011Cu)
#define ZLHCS_HCS_E_PROCESS_INFO_NOT_AVAILABLE ZLHCS_HR(0x8037011Du)
#define ZLHCS_HCS_E_SERVICE_DISCONNECT ZLHCS_HR(0x8037011Eu)
#define ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED ZLHCS_HR(0x8037011Fu)

/** HRESULT_FROM_WIN32(ERROR_CANCELLED): how a cancelled operation completes. */
#define ZLHCS_E_CANCELLED ZLHCS_HR(0x800704C7u)

/** What kind of failure a code is; one value per condition a caller acts on. */
typedef enum zlhcs_error_category {
    ZLHCS_CATEGORY_NONE = 0,            /**< success */
    ZLHCS_CATEGORY_NOT_FOUND = 1,
    ZLHCS_CATEGORY_ACCESS_DENIED = 2,
    ZLHCS_CATEGORY_INVALID_JSON = 3,    /**< malformed JSON, or JSON the schema rejects */
    ZLHCS_CATEGORY_INVALID_STATE = 4,
    ZLHCS_CATEGORY_ALREADY_EXISTS = 5,
    ZLHCS_CATEGORY_ALREADY_STOPPED = 6,
    ZLHCS_CATEGORY_TIMEOUT = 7,
    ZLHCS_CATEGORY_PENDING = 8,
    ZLHCS_CATEGORY_CANCELLED = 9,
    ZLHCS_CATEGORY_SERVICE_UNAVAILABLE = 10, /**< HCS unavailable or disconnected */
    ZLHCS_CATEGORY_NOT_SUPPORTED = 11,
    ZLHCS_CATEGORY_INVALID_ARGUMENT = 12,
    ZLHCS_CATEGORY_INVALID_HANDLE = 13,
    ZLHCS_CATEGORY_OTHER = 14
} zlhcs_error_category;

/* ---------------------------------------------------------------------------------------
 * Library
 * ------------------------------------------------------------------------------------- */
/** Version information, filled by zlhcs_version(). */
typedef struct zlhcs_version_info {
    uint32_t struct_size;   /**< in: sizeof(zlhcs_version_info) */
    uint32_t abi_version;   /**< out: the ABI version the DLL implements (ZLHCS_ABI_VERSION) */
    uint32_t major;         /**< out: library version */
    uint32_t minor;
    uint32_t patch;
    const char *version_string; /**< out: static string, e.g. "0.1.0"; never freed */
} zlhcs_version_info;

/** Fills *info with the version of the loaded library.
 * Errors: ZLHCS_E_INVALID_ARGUMENT if info is NULL or info->struct_size is too small. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_version(zlhcs_version_info *info);

/** Which HCS implementation zlhcs drives. */
typedef enum zlhcs_backend_kind {
    /** Windows: computecore.dll from System32 only (never a DLL beside the executable).
     *  Elsewhere: hcsim, the built-in simulator. */
    ZLHCS_BACKEND_DEFAULT = 0,
    /** The library at backend_path, an absolute path (a DLL/.so exporting the computecore
     *  entry points, e.g. hcsim). Relative paths are refused. */
    ZLHCS_BACKEND_PATH = 1
} zlhcs_backend_kind;

typedef struct zlhcs_init_options {
    uint32_t struct_size;      /**< sizeof(zlhcs_init_options) */
    uint32_t backend;          /**< a zlhcs_backend_kind */
    const char *backend_path;  /**< UTF-8 absolute path; only with ZLHCS_BACKEND_PATH */
} zlhcs_init_options;

/** Chooses and loads the backend. Optional: the first call of any other function
 * initialises with the default backend. Calling it again with the same options succeeds
 * (ZLHCS_S_FALSE); with different options after initialisation it fails with
 * ZLHCS_E_INVALID_STATE (the backend of a process is chosen once, and never unloaded).
 * options may be NULL for the default backend.
 * Errors: ZLHCS_E_INVALID_ARGUMENT (bad struct_size, unknown kind, relative or missing
 * path), ZLHCS_E_INVALID_UTF8, ZLHCS_E_BACKEND_UNAVAILABLE (the library did not load),
 * ZLHCS_E_INVALID_STATE. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_init(const zlhcs_init_options *options);

/** The absolute path of the loaded backend library, UTF-8, for diagnostics.
 * *out_path is freed with zlhcs_free(). Initialises the default backend if needed. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_backend_path(char **out_path);

/** Frees memory zlhcs returned through an out-parameter. NULL is allowed. Always succeeds. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_free(void *memory);

/* ---------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------- */
/** The calling thread's last failure. The strings are owned by zlhcs and stay valid until
 * the next zlhcs call on the same thread fails, or the thread ends. Copy them to keep them. */
typedef struct zlhcs_error {
    uint32_t struct_size;        /**< in: sizeof(zlhcs_error) */
    zlhcs_hresult code;          /**< out: the failure code */
    int32_t category;            /**< out: a zlhcs_error_category */
    const char *message;         /**< out: what failed and why; never NULL */
    const char *function;        /**< out: the HCS entry point involved, or "" */
    const char *result_document; /**< out: HCS's JSON result/error document, or "" */
} zlhcs_error;

/** Fills *error with this thread's last failure. Returns ZLHCS_S_FALSE (and code 0, empty
 * strings) if no zlhcs call on this thread has failed yet. This call never changes it. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_last_error(zlhcs_error *error);

/** Forgets this thread's last failure. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_clear_error(void);

/** Classifies any HRESULT (HCS's in both severity forms, zlhcs's, common Win32 ones).
 * Errors: ZLHCS_E_INVALID_ARGUMENT if out_category is NULL. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_category_of(zlhcs_hresult code,
                                                           int32_t *out_category);

/** A short English description of a code, UTF-8, freed with zlhcs_free(). Unknown codes get
 * a generic text naming the value. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_describe(zlhcs_hresult code, char **out_text);

/* ---------------------------------------------------------------------------------------
 * Operations
 * ------------------------------------------------------------------------------------- */
/** Called once when an operation completes: see "Asynchrony" above for the thread and the
 * reentrancy rules. result is the operation's final HRESULT. */
typedef void(ZLHCS_CALL *zlhcs_operation_callback)(zlhcs_operation operation,
                                                   zlhcs_hresult result, void *context);

/** Waits up to timeout_ms for the operation to complete.
 * Returns the operation's HRESULT once complete, HCS_E_OPERATION_TIMEOUT if it did not
 * complete in time (the operation goes on). out_document (optional) receives the result
 * document (on failure, HCS's error document), or NULL if there is none; free it. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_wait(zlhcs_operation operation,
                                                        uint32_t timeout_ms,
                                                        char **out_document);

/** Like zlhcs_operation_wait() with a zero timeout, except that a running operation yields
 * HCS_E_OPERATION_PENDING. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_result(zlhcs_operation operation,
                                                          char **out_document);

/** Asks HCS to cancel the operation. Today's HCS does not implement cancellation
 * (HcsCancelOperation returns E_NOTIMPL): then this fails with ZLHCS_E_NOT_SUPPORTED naming
 * HcsCancelOperation, and the operation goes on and completes as HCS decides. If HCS accepts
 * the request (a build that implements it), ZLHCS_S_OK: the operation still completes, usually
 * with ZLHCS_E_CANCELLED; wait for it. ZLHCS_S_FALSE if it had already completed. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_cancel(zlhcs_operation operation);

/** Closes the handle. Safe while the operation is in flight: the HCS work goes on, its
 * result is discarded, and the callback will not be called once this returns. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_close(zlhcs_operation operation);

/* ---------------------------------------------------------------------------------------
 * Compute systems
 *
 * Every *_async function takes an optional callback (may be NULL) and its context, and
 * returns the new operation in *out_operation. Every synchronous form takes timeout_ms.
 * JSON parameters named options/query/settings may be NULL where HCS allows it.
 * ------------------------------------------------------------------------------------- */
/** Creates a compute system from a ComputeSystem JSON document (schema 2.x).
 * id: UTF-8, may be NULL to let HCS choose a GUID. *out_system is valid at once (HCS hands the
 * handle out before creation completes); creation succeeded only if the operation did.
 * Errors: HCS_E_SYSTEM_ALREADY_EXISTS, HCS_E_INVALID_JSON, ... */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create_async(
    const char *id, const char *configuration, zlhcs_operation_callback callback,
    void *context, zlhcs_system *out_system, zlhcs_operation *out_operation);
/** Synchronous form. On failure no system handle is returned (a half-created one is closed),
 * except on HCS_E_OPERATION_TIMEOUT: the create may still complete, so *out_system is the
 * handle (close it as usual; the system is usable once HCS has created it, e.g. when its
 * properties report State "Created", and a create that finally fails leaves a handle on which
 * calls fail with HCS_E_SYSTEM_NOT_FOUND). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create(const char *id,
                                                       const char *configuration,
                                                       uint32_t timeout_ms,
                                                       zlhcs_system *out_system);

/** Opens an existing compute system by id. Errors: HCS_E_SYSTEM_NOT_FOUND. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_open(const char *id, zlhcs_system *out_system);

/** Closes the handle (not the system, unless HCS terminates it on last close as its
 * ShouldTerminateOnLastHandleClosed setting asks). Operations on it stay valid. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_close(zlhcs_system system);

/** The id of the system, UTF-8, freed with zlhcs_free(). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_id(zlhcs_system system, char **out_id);

/* State changes. options is an optional JSON document as HCS defines for each call.
 * A change the current state forbids fails with HCS_E_INVALID_STATE (in the operation).
 * A system that has stopped is cleaned up by HCS: calls on a handle still open to it fail with
 * HCS_E_SYSTEM_NOT_FOUND, except zlhcs_system_wait_exit(), which still returns its exit
 * status; opening it by id fails, and enumerate no longer lists it. */
/** Start: Created -> Running. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_start_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_start(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Graceful shutdown of a running system (options: ShutdownOptions JSON). Running/Paused -> Stopped.
 * The synchronous form returns ZLHCS_S_FALSE (success, nothing done) if the system is gone
 * already (HCS says HCS_E_SYSTEM_NOT_FOUND or HCS_E_SYSTEM_ALREADY_STOPPED); the operation of
 * the _async form reports HCS's code as it is. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_shutdown_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_shutdown(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Forceful termination. Like shutdown, the synchronous form returns ZLHCS_S_FALSE if the
 * system is gone already (stopped and cleaned up, or never created); the _async form's
 * operation reports HCS_E_SYSTEM_NOT_FOUND / HCS_E_SYSTEM_ALREADY_STOPPED as HCS says. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_terminate_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_terminate(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Crashes a virtual machine on purpose (for crash-dump testing); it stops with an
 * UnexpectedExit. Pause, resume, save and crash are virtual-machine operations: a
 * process-isolated container refuses them (HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_crash_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_crash(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Running -> Paused (options: PauseOptions JSON). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_pause_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_pause(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Paused -> Running. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_resume_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_resume(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Saves the state of a paused system (options: SaveOptions JSON). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_save_async(zlhcs_system system,
                                                         const char *options,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_save(zlhcs_system system, const char *options,
                                                   uint32_t timeout_ms);

/** Queries properties (query: System_PropertyQuery JSON, or NULL for the basic ones).
 * The operation's result document is the Properties JSON. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties_async(
    zlhcs_system system, const char *query, zlhcs_operation_callback callback, void *context,
    zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties(zlhcs_system system,
                                                           const char *query,
                                                           uint32_t timeout_ms,
                                                           char **out_properties);

/** Applies a ModifySettingRequest JSON document to the system. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify_async(
    zlhcs_system system, const char *settings, zlhcs_operation_callback callback,
    void *context, zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify(zlhcs_system system,
                                                       const char *settings,
                                                       uint32_t timeout_ms);

/** Blocks until the system exits or timeout_ms passes (HCS_E_OPERATION_TIMEOUT).
 * out_result (optional) receives HCS's exit document (SystemExitStatus JSON).
 * Errors: ZLHCS_E_NOT_SUPPORTED on hosts without HcsWaitForComputeSystemExit. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit(zlhcs_system system,
                                                          uint32_t timeout_ms,
                                                          char **out_result);

/* ---------------------------------------------------------------------------------------
 * Host-wide queries
 * ------------------------------------------------------------------------------------- */
/** Enumerates compute systems; query is an optional SystemQuery JSON (Ids, Names, Types,
 * Owners). The result document is a JSON array of system descriptions. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_enumerate_async(const char *query,
                                                         zlhcs_operation_callback callback,
                                                         void *context,
                                                         zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_enumerate(const char *query, uint32_t timeout_ms,
                                                   char **out_systems);

/** Service properties (query: ServicePropertyQuery JSON, or NULL for the basic ones, such
 * as the supported schema versions). Synchronous in HCS itself. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_service_properties(const char *query,
                                                            char **out_properties);

/* ---------------------------------------------------------------------------------------
 * Processes in compute systems
 *
 * A process handle owns the host ends of the standard-stream pipes its ProcessParameters
 * asked for (CreateStdInPipe, CreateStdOutPipe, CreateStdErrPipe). zlhcs tracks the process's
 * exit through HCS's process-exited event, so the exit code is never lost, even if it ends
 * before anyone waits.
 * ------------------------------------------------------------------------------------- */
/** The standard streams of a process. */
typedef enum zlhcs_stdio_stream {
    ZLHCS_STDIN = 0,
    ZLHCS_STDOUT = 1,
    ZLHCS_STDERR = 2
} zlhcs_stdio_stream;

/** Starts a process in a running system from a ProcessParameters JSON document (CommandLine,
 * WorkingDirectory, Environment, EmulateConsole, CreateStdInPipe/StdOutPipe/StdErrPipe,
 * ConsoleSize, User, ...). *out_process is valid at once; the process runs only if the
 * operation succeeds (its stdio and pid become available then).
 * Errors (in the operation): HCS_E_INVALID_STATE or HCS_E_SYSTEM_ALREADY_STOPPED when the
 * system is not running, HCS_E_INVALID_JSON, 0x80070002 (program not found), ... */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create_async(
    zlhcs_system system, const char *parameters, zlhcs_operation_callback callback,
    void *context, zlhcs_process *out_process, zlhcs_operation *out_operation);
/** Synchronous form. On failure no process handle is returned, and nothing HCS may have
 * started is left running (zlhcs terminates it). On HCS_E_OPERATION_TIMEOUT the create may
 * still complete, so *out_process is the handle: zlhcs_process_id() gives
 * HCS_E_OPERATION_PENDING until it has, then the pid, and stdio works from then on. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create(zlhcs_system system,
                                                        const char *parameters,
                                                        uint32_t timeout_ms,
                                                        zlhcs_process *out_process);

/** Opens an existing process of the system by its id. An opened process has no stdio.
 * Errors: 0x80070490 (no such process). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_open(zlhcs_system system, uint32_t process_id,
                                                      zlhcs_process *out_process);

/** Closes the handle and the host ends of its pipes (never kills the process). Safe with
 * reads, writes or waits in flight on other threads: they return ZLHCS_E_INVALID_HANDLE or
 * finish first. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_close(zlhcs_process process);

/** The process id. Errors: HCS_E_OPERATION_PENDING while its creation has not completed. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_id(zlhcs_process process,
                                                    uint32_t *out_process_id);

/** Sends a signal (options: SignalProcessOptions JSON, e.g. {"Signal":"CtrlC"}).
 * HCS reports a process that is gone with one of several codes (HCS_E_PROCESS_ALREADY_STOPPED,
 * HCS_E_INVALID_STATE, HCS_E_SYSTEM_NOT_FOUND in either severity form, E_ACCESSDENIED,
 * 0x80070490): the synchronous form turns each into ZLHCS_S_FALSE (nothing to signal) once
 * the process is known to be gone; the _async form's operation reports HCS's code. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_signal_async(zlhcs_process process,
                                                              const char *options,
                                                              zlhcs_operation_callback callback,
                                                              void *context,
                                                              zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_signal(zlhcs_process process,
                                                        const char *options,
                                                        uint32_t timeout_ms);

/** Asks HCS to terminate the process (options must be NULL: "reserved for future use").
 * HCS does not wait for the exit: wait for it with zlhcs_process_wait_exit(). Terminating a
 * process that is gone or already being terminated is ZLHCS_S_FALSE in the synchronous form
 * (see zlhcs_process_signal for HCS's codes); the _async form's operation reports HCS's code. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_terminate_async(
    zlhcs_process process, const char *options, zlhcs_operation_callback callback,
    void *context, zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_terminate(zlhcs_process process,
                                                           const char *options,
                                                           uint32_t timeout_ms);

/** The process's startup information (HcsGetProcessInfo): the operation's result document
 * (hcsim: the ProcessParameters it was created with). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info_async(zlhcs_process process,
                                                            zlhcs_operation_callback callback,
                                                            void *context,
                                                            zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info(zlhcs_process process, uint32_t timeout_ms,
                                                      char **out_info);

/** Process properties: the ProcessStatus JSON {ProcessId, Exited, ExitCode, LastWaitResult}. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_properties_async(
    zlhcs_process process, const char *query, zlhcs_operation_callback callback, void *context,
    zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_properties(zlhcs_process process,
                                                            const char *query,
                                                            uint32_t timeout_ms,
                                                            char **out_status);

/** Applies a ProcessModifyRequest JSON (ConsoleSize, CloseHandle).
 * Errors: HCS_E_PROCESS_ALREADY_STOPPED, HCS_E_INVALID_JSON. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_modify_async(
    zlhcs_process process, const char *settings, zlhcs_operation_callback callback,
    void *context, zlhcs_operation *out_operation);
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_modify(zlhcs_process process,
                                                        const char *settings,
                                                        uint32_t timeout_ms);

/** Resizes the process's console (a ProcessModifyRequest with ConsoleSize). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_resize_console(zlhcs_process process,
                                                                uint16_t width,
                                                                uint16_t height,
                                                                uint32_t timeout_ms);

/** Waits up to timeout_ms for the process to exit; *out_exit_code (optional) receives its
 * exit code. Errors: HCS_E_OPERATION_TIMEOUT. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit(zlhcs_process process,
                                                           uint32_t timeout_ms,
                                                           uint32_t *out_exit_code);

/** The exit code of an exited process, at once. Errors: HCS_E_OPERATION_PENDING while it runs. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_exit_code(zlhcs_process process,
                                                           uint32_t *out_exit_code);

/** Writes all `size` bytes to the process's stdin, blocking until the pipe has taken them
 * (the process must be reading, or the pipe buffer must have room). Bytes are never lost or
 * reordered; concurrent writers on one process are serialised.
 * Errors: ZLHCS_E_INVALID_STATE (no stdin pipe, or stdin closed/handed out),
 * 0x8007006D (the process no longer reads: broken pipe), ZLHCS_E_INVALID_ARGUMENT. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_write_stdin(zlhcs_process process,
                                                             const void *data, size_t size);

/** Ends the process's stdin: closes zlhcs's host end of the pipe (if zlhcs still has it) and
 * tells HCS, which keeps handles of its own to the pipe, that stdin is closed
 * (HcsModifyProcess CloseHandle StdIn, as hcsshim does); the process reads end-of-stream after
 * the bytes written so far. After zlhcs_process_detach_stdio(ZLHCS_STDIN) too: closing the
 * detached OS handle alone does not end the process's stdin. Blocks until HCS has taken the
 * request. Returns ZLHCS_S_FALSE if both were done already (or the process has exited). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_close_stdin(zlhcs_process process);

/** Reads what is available from stdout or stderr (stream), waiting up to timeout_ms for at
 * least one byte; timeout_ms 0 never blocks. Returns ZLHCS_S_OK with *out_read > 0,
 * ZLHCS_S_FALSE with *out_read == 0 at end of stream (the process closed it: everything it
 * wrote has been read), HCS_E_OPERATION_TIMEOUT if nothing arrived in time. stdout and stderr
 * may be read concurrently from different threads; one stream from several threads at once is
 * serialised. Errors: ZLHCS_E_INVALID_STATE (no such pipe, or handed out). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_read(zlhcs_process process, int32_t stream,
                                                      void *buffer, size_t capacity,
                                                      uint32_t timeout_ms, size_t *out_read);

/** Hands the OS handle of one stdio pipe to the caller, who owns it from then on: a HANDLE
 * on Windows (close with CloseHandle), a file descriptor elsewhere (close with close()).
 * zlhcs no longer reads, writes or closes that stream: zlhcs_process_read/write_stdin on it
 * fail with ZLHCS_E_INVALID_STATE afterwards.
 * Errors: ZLHCS_E_INVALID_STATE (no such pipe, already handed out, or closed). */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_detach_stdio(zlhcs_process process,
                                                              int32_t stream,
                                                              uint64_t *out_os_handle);

/* ---------------------------------------------------------------------------------------
 * Versioned function table, for loaders that resolve a single symbol.
 * ------------------------------------------------------------------------------------- */
typedef struct zlhcs_api_v1 {
    uint32_t struct_size; /**< sizeof(zlhcs_api_v1) of the DLL; later versions only append */
    uint32_t abi_version; /**< 1 */
    zlhcs_hresult(ZLHCS_CALL *version)(zlhcs_version_info *);
    zlhcs_hresult(ZLHCS_CALL *init)(const zlhcs_init_options *);
    zlhcs_hresult(ZLHCS_CALL *backend_path)(char **);
    zlhcs_hresult(ZLHCS_CALL *free_memory)(void *);
    zlhcs_hresult(ZLHCS_CALL *last_error)(zlhcs_error *);
    zlhcs_hresult(ZLHCS_CALL *clear_error)(void);
    zlhcs_hresult(ZLHCS_CALL *error_category_of)(zlhcs_hresult, int32_t *);
    zlhcs_hresult(ZLHCS_CALL *error_describe)(zlhcs_hresult, char **);
    zlhcs_hresult(ZLHCS_CALL *operation_wait)(zlhcs_operation, uint32_t, char **);
    zlhcs_hresult(ZLHCS_CALL *operation_result)(zlhcs_operation, char **);
    zlhcs_hresult(ZLHCS_CALL *operation_cancel)(zlhcs_operation);
    zlhcs_hresult(ZLHCS_CALL *operation_close)(zlhcs_operation);
    zlhcs_hresult(ZLHCS_CALL *system_create_async)(const char *, const char *,
                                                   zlhcs_operation_callback, void *,
                                                   zlhcs_system *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_create)(const char *, const char *, uint32_t,
                                             zlhcs_system *);
    zlhcs_hresult(ZLHCS_CALL *system_open)(const char *, zlhcs_system *);
    zlhcs_hresult(ZLHCS_CALL *system_close)(zlhcs_system);
    zlhcs_hresult(ZLHCS_CALL *system_id)(zlhcs_system, char **);
    zlhcs_hresult(ZLHCS_CALL *system_start_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_start)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_shutdown_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_shutdown)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_terminate_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_terminate)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_crash_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_crash)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_pause_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_pause)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_resume_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_resume)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_save_async)(zlhcs_system, const char *,
                                              zlhcs_operation_callback, void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_save)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_properties_async)(zlhcs_system, const char *,
                                                       zlhcs_operation_callback, void *,
                                                       zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_properties)(zlhcs_system, const char *, uint32_t,
                                                 char **);
    zlhcs_hresult(ZLHCS_CALL *system_modify_async)(zlhcs_system, const char *,
                                                   zlhcs_operation_callback, void *,
                                                   zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *system_modify)(zlhcs_system, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *system_wait_exit)(zlhcs_system, uint32_t, char **);
    zlhcs_hresult(ZLHCS_CALL *enumerate_async)(const char *, zlhcs_operation_callback, void *,
                                               zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *enumerate)(const char *, uint32_t, char **);
    zlhcs_hresult(ZLHCS_CALL *service_properties)(const char *, char **);
    /* Appended in 0.2.0: processes. */
    zlhcs_hresult(ZLHCS_CALL *process_create_async)(zlhcs_system, const char *,
                                                    zlhcs_operation_callback, void *,
                                                    zlhcs_process *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_create)(zlhcs_system, const char *, uint32_t,
                                              zlhcs_process *);
    zlhcs_hresult(ZLHCS_CALL *process_open)(zlhcs_system, uint32_t, zlhcs_process *);
    zlhcs_hresult(ZLHCS_CALL *process_close)(zlhcs_process);
    zlhcs_hresult(ZLHCS_CALL *process_id)(zlhcs_process, uint32_t *);
    zlhcs_hresult(ZLHCS_CALL *process_signal_async)(zlhcs_process, const char *,
                                                    zlhcs_operation_callback, void *,
                                                    zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_signal)(zlhcs_process, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *process_terminate_async)(zlhcs_process, const char *,
                                                       zlhcs_operation_callback, void *,
                                                       zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_terminate)(zlhcs_process, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *process_properties_async)(zlhcs_process, const char *,
                                                        zlhcs_operation_callback, void *,
                                                        zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_properties)(zlhcs_process, const char *, uint32_t,
                                                  char **);
    zlhcs_hresult(ZLHCS_CALL *process_modify_async)(zlhcs_process, const char *,
                                                    zlhcs_operation_callback, void *,
                                                    zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_modify)(zlhcs_process, const char *, uint32_t);
    zlhcs_hresult(ZLHCS_CALL *process_resize_console)(zlhcs_process, uint16_t, uint16_t,
                                                      uint32_t);
    zlhcs_hresult(ZLHCS_CALL *process_wait_exit)(zlhcs_process, uint32_t, uint32_t *);
    zlhcs_hresult(ZLHCS_CALL *process_exit_code)(zlhcs_process, uint32_t *);
    zlhcs_hresult(ZLHCS_CALL *process_write_stdin)(zlhcs_process, const void *, size_t);
    zlhcs_hresult(ZLHCS_CALL *process_close_stdin)(zlhcs_process);
    zlhcs_hresult(ZLHCS_CALL *process_read)(zlhcs_process, int32_t, void *, size_t, uint32_t,
                                            size_t *);
    zlhcs_hresult(ZLHCS_CALL *process_detach_stdio)(zlhcs_process, int32_t, uint64_t *);
    zlhcs_hresult(ZLHCS_CALL *process_info_async)(zlhcs_process, zlhcs_operation_callback,
                                                  void *, zlhcs_operation *);
    zlhcs_hresult(ZLHCS_CALL *process_info)(zlhcs_process, uint32_t, char **);
} zlhcs_api_v1;

/** Returns the function table of ABI version `version` (only 1 exists) in *out_api; the
 * table is static and never freed. Errors: ZLHCS_E_NOT_SUPPORTED for an unknown version,
 * ZLHCS_E_INVALID_ARGUMENT for a NULL out_api. */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_get_api(uint32_t version, const void **out_api);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ZLHCS_ZLHCS_H */
