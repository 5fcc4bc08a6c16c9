/*
 * zlhcs.h - the flat C ABI of zlhcs, a binding of the Windows Host Compute Service (HCS).
 *
 * ABI version 1, as reshaped by 0.7.0 (0.x minor versions may still reshape it; 1.0 freezes
 * it: abi/POLICY.md). This header compiles as C89/C99/C11 and as C++. 64-bit targets only
 * (x86_64 and ARM64; HCS exists on no other): the layout baseline in abi/struct_layout.h is
 * the LP64/LLP64 one, and a 32-bit build fails to compile. abi/zlhcs.abi.json describes all of
 * it for machines (generated from this header's @abi annotations by scripts/generate_api.py).
 *
 * Conventions (they hold for every function below unless its comment says otherwise)
 * -------------------------------------------------------------------------------
 * Status. Every function but zlhcs_free() returns a zlhcs_hresult: >= 0 is success
 *   (ZLHCS_S_OK, sometimes ZLHCS_S_FALSE), < 0 is failure. Three families of failure codes
 *   exist, each under its own prefix: ZLHCS_E_* are zlhcs's own (0xA07A0001-0xA07A00FF and
 *   nothing else); ZLHCS_HCS_E_* are HCS's own HRESULTs (0x8037xxxx, passed through as HCS
 *   gave them); ZLHCS_WIN32_E_* are HRESULT_FROM_WIN32 codes (0x8007xxxx) that HCS and zlhcs
 *   return. Other HRESULTs HCS returns pass through unchanged. zlhcs_error_category_of()
 *   classifies any code. What ZLHCS_S_FALSE means is said once per function, in the table
 *   "What ZLHCS_S_FALSE means" below; a function not in it never returns ZLHCS_S_FALSE.
 *
 * Errors. On failure zlhcs records the error (code, category, UTF-8 message, failing HCS
 *   function, HCS's error document) in two places:
 *   - the out_document parameter, when the function has one (see "Documents" below), and, for
 *     an operation, the operation itself (zlhcs_operation_error()). Both are valid on any
 *     thread: use them from Go (goroutines migrate between OS threads) and from .NET/Rust
 *     async code (which resumes on other threads).
 *   - the calling OS thread's last error (zlhcs_last_error()), a convenience: it is valid
 *     only on the same OS thread, and only until that thread's next zlhcs call fails (calls
 *     that succeed leave it untouched). Read it in the same native call sequence as the
 *     failing call, before anything else can run on that thread: from Go inside the same cgo
 *     call (a C helper that calls both), or between runtime.LockOSThread() and
 *     runtime.UnlockOSThread(); from .NET before any await (a P/Invoke marshalling stub with
 *     SetLastError semantics does not apply: zlhcs does not use the Win32 last error); from
 *     Rust and Python before yielding to an executor or releasing the GIL.
 *
 * Handles are 64-bit opaque values in [1, 2^53) (below ZLHCS_HANDLE_LIMIT), so that every language
 *   holds them exactly: a JavaScript or Lua number, a JSON double, a signed or unsigned 64-bit
 *   integer. They are validated on every call: a closed, stale, forged or wrong-type handle
 *   yields ZLHCS_E_INVALID_HANDLE and never crashes. 0 is never a handle. A closed handle's
 *   value never resolves again.
 *
 * Parameters. Handle first, inputs next, out-parameters last. Enum values travel as uint32_t,
 *   in parameters and struct members alike (the comment names the enum): an FFI may pass any
 *   value, and an unknown one is refused with ZLHCS_E_INVALID_ARGUMENT rather than being an
 *   out-of-range enum in C++. Every enum also has a *_FORCE_32BIT sentinel, so it is 32 bits.
 *   Each function's @abi line names, per parameter, its direction (in, out, inout), whether it
 *   may be NULL (opt), the enum a uint32_t carries (enum=), its part in a callback + context +
 *   release triple, and who owns what it hands out (own=free: release with zlhcs_free();
 *   own=static: never freed; own=borrowed(event): valid until the named event; own=filled: a
 *   struct of the caller's that zlhcs fills; own=handle: a zlhcs handle to close;
 *   own=os_handle(...): an OS handle and who closes it). Structs carry one too. The grammar is
 *   in scripts/generate_api.py, which turns them into abi/zlhcs.abi.json.
 *
 * Out-parameters, one rule:
 *   - Documents (char **out_document): written on success AND on failure: HCS's result
 *     document, or on failure HCS's error document (ResultError JSON: Error, ErrorMessage,
 *     ErrorEvents), or zlhcs's validation report when document validation refused the
 *     document (ZLHCS_E_SCHEMA_INVALID), or NULL when there is none (HCS does not always
 *     send one). A success code never hands out an error document: where zlhcs turns HCS's
 *     failure into ZLHCS_S_FALSE ("already gone"), *out_document is NULL. Every out_document
 *     is optional (NULL: not wanted). A non-NULL *out_document is freed with zlhcs_free(), on
 *     success and on failure alike.
 *   - Everything else (handles, ids, counts, codes, strings): written only on success and set
 *     to 0/NULL on failure, unless the function's comment names an exception (the creating
 *     calls hand out their handle with HCS_E_OPERATION_TIMEOUT; stdio writes report the count
 *     written on failure).
 *
 * Strings are UTF-8, NUL-terminated; invalid UTF-8 fails with ZLHCS_E_INVALID_UTF8. A string or
 *   JSON input is at most ZLHCS_MAX_INPUT_BYTES long (else ZLHCS_E_TOO_LARGE). JSON inputs are
 *   checked before they reach HCS: malformed JSON fails with ZLHCS_HCS_E_INVALID_JSON and a
 *   message giving the offset of the error. A string escaping a lone surrogate ("\uDC00", or
 *   "\uD800" without its low half) is malformed too: it escapes no Unicode character. The
 *   check is of well-formedness only: a well-formed document, however deeply nested, reaches
 *   HCS, which refuses what it cannot take with its own code (for an _async call, in the
 *   operation). The message of a refused argument (NULL where not allowed, invalid UTF-8,
 *   malformed JSON, too large) names the parameter. With document validation on
 *   (zlhcs_init_options.validation), create and modify documents are also checked against
 *   the HCS schema (ZLHCS_E_SCHEMA_INVALID; see "Schema validation"). An optional document
 *   (options, query) that is "" or only whitespace is the same as NULL (HCS's own callers pass
 *   ""); a required one (a configuration, process parameters, a modify request) must be a JSON
 *   document. Memory zlhcs allocates for the caller (every char ** out-parameter, every
 *   zlhcs_event **) is released with zlhcs_free(); nothing else is freed across the boundary.
 *
 * Structs begin with struct_size, set by the caller to sizeof the struct it was compiled
 *   with. zlhcs accepts any size from the struct's v1 size (ZLHCS_*_SIZE_V1) on: it reads and
 *   writes only the members the size covers. A struct the caller passes IN that is larger than
 *   the DLL knows is accepted when the unknown tail is all zero (otherwise
 *   ZLHCS_E_NOT_SUPPORTED: the caller asks for something this DLL cannot do). A struct zlhcs
 *   fills (zlhcs_version_info, zlhcs_error, ...) may be any larger size: zlhcs fills what it
 *   knows, leaves the rest untouched, and sets struct_size to the size it filled. reserved
 *   members are 0.
 *
 * Threads. Every function is thread-safe and may be called from any thread. No exception
 *   ever crosses this boundary. Timeouts are in milliseconds; ZLHCS_INFINITE waits forever.
 *
 * Signals. Writing to a pipe whose reader is gone raises SIGPIPE on POSIX systems; zlhcs's
 *   stdio writes block SIGPIPE on the writing thread for the write and consume a SIGPIPE they
 *   caused, so a caller never needs to ignore SIGPIPE for zlhcs (a broken pipe is
 *   ZLHCS_WIN32_E_BROKEN_PIPE).
 *
 * Calling convention. ZLHCS_CALL is __stdcall on Windows (the x64 and ARM64 compilers treat it
 *   as their one calling convention) and the platform's C convention elsewhere. Spelled in other
 *   languages: Rust `extern "system"`; C# `CallingConvention.StdCall` / `[UnmanagedCallersOnly(
 *   CallConvs = new[] { typeof(CallConvStdcall) })]` (or Winapi); Python ctypes
 *   `ctypes.WINFUNCTYPE` / `ctypes.WinDLL` on Windows and `ctypes.CFUNCTYPE` / `ctypes.CDLL`
 *   elsewhere; Go (cgo) calls through C, which knows it from this header. Callback typedefs
 *   (zlhcs_operation_callback, zlhcs_event_callback, zlhcs_release_callback) use it too.
 *
 * Closing releases waiters: closing an operation, system or process handle wakes every thread
 *   blocked on it (zlhcs_operation_wait, zlhcs_system_wait_exit, zlhcs_process_wait_exit, stdio
 *   reads and writes) at once with ZLHCS_E_INVALID_HANDLE (a wait that had already seen its
 *   object complete returns that result instead).
 *
 * Asynchrony
 * ----------
 * HCS completes work later on its own threads. Each such call has two forms:
 *   zlhcs_system_start_async(system, options, callback, context, release, &operation)
 *       starts the work and returns an operation handle. If it fails, no operation exists,
 *       the callback is never called and the release notifier is not called (the caller
 *       still owns the context). If it succeeds, the operation completes exactly once; the
 *       callback (optional) is then called exactly once, unless the operation was closed
 *       before it completed, in which case it is never called; the release notifier
 *       (optional) is called exactly once after that (see "Callback contexts" below).
 *       A callback NEVER runs before its *_async call has returned and written every
 *       out-parameter (*out_operation, and *out_system / *out_process for creates): when HCS
 *       completes an operation inside the call that starts it (seen for HcsCreateProcess on
 *       Windows Server 2022), zlhcs calls the callback later, on one of its own delivery
 *       threads. Otherwise it usually runs on an HCS thread.
 *   zlhcs_system_start(system, options, timeout_ms, &document)
 *       the same, waiting up to timeout_ms, and returns the operation's own result. If it
 *       does not complete in time it returns ZLHCS_HCS_E_OPERATION_TIMEOUT, and the work GOES
 *       ON: HCS cannot cancel it (HcsCancelOperation is not implemented) and may still
 *       complete it. A result that arrives as the timeout fires is reported, not discarded.
 *       The creating calls (zlhcs_system_create, zlhcs_process_create) hand out the new
 *       handle with ZLHCS_HCS_E_OPERATION_TIMEOUT, so that what HCS makes is never unheld.
 *
 * HCS itself cannot stop work once started: closing an operation does not stop it (HCS
 * completes it and drops the result), and cancelling is not implemented by today's HCS
 * (zlhcs_operation_cancel then fails with ZLHCS_E_NOT_SUPPORTED). Undo work instead (e.g.
 * terminate what a start started).
 *
 * Callbacks run on HCS's thread pool or zlhcs's delivery threads and must not block for long
 * (an event callback may: see "Events"). Inside a callback every zlhcs function may be called,
 * including closing any operation, subscription or handle (its own or another's) and the
 * synchronous forms (they then wait on that thread). Closes never deadlock: a close called
 * inside a zlhcs callback does not wait for another callback that is running.
 *
 * Callback contexts and release notifiers
 * ---------------------------------------
 * Every function that takes a callback takes three parameters together: the callback, its
 * `context` (passed to it untouched) and an optional release notifier
 *   typedef void (ZLHCS_CALL *zlhcs_release_callback)(void *context);
 * (GLib's GDestroyNotify, SQLite's xDestroy). When the starting call succeeds, the release
 * notifier (if not NULL) is called exactly once with `context`, after the last call of the
 * callback has returned, or once it is certain the callback will never be called - whoever
 * closes what, from whatever thread, inside or outside callbacks: on the operation's
 * completion, its close, the close of the subscription or of its system/process handle, a
 * service disconnect, a failure after the start. It is the one point at which a binding may
 * free what the context holds (a GCHandle, a cgo.Handle, a Box, a ctypes thunk). It runs on a
 * zlhcs delivery thread, an HCS thread, or the thread of the close that ended the last use;
 * never before the starting call has returned; never concurrently with the callback. When
 * the starting call fails it is never called. It may call any zlhcs function. A callback
 * without a release notifier is the caller's to keep alive until it knows otherwise
 * (zlhcs_operation_close()'s answer; the operation's completion).
 */
#ifndef ZLHCS_ZLHCS_H
#define ZLHCS_ZLHCS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Linkage, calling convention, attributes
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

/** Marks every function whose status must be checked: all but zlhcs_free(), zlhcs_clear_error()
 * and the four closes, whose only failure is a handle that is not live and which callers
 * discard with a (void) cast (GCC does not let a cast silence warn_unused_result in C). */
#if defined(__cplusplus) && __cplusplus >= 201703L
#define ZLHCS_NODISCARD [[nodiscard]]
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 202311L
#define ZLHCS_NODISCARD [[nodiscard]]
#elif defined(__GNUC__) || defined(__clang__)
#define ZLHCS_NODISCARD __attribute__((warn_unused_result))
#else
#define ZLHCS_NODISCARD
#endif

/* 64-bit targets only: the ABI's layout baseline is the LP64/LLP64 one. */
typedef char zlhcs_requires_a_64_bit_target[sizeof(void *) == 8 ? 1 : -1];

/* ---------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------- */
/** The ABI version this header describes. It changes only when the ABI breaks (never
 * within a major version); new functions are appended without changing it. */
#define ZLHCS_ABI_VERSION 1u
/** The revision of the function table (zlhcs_api_v1) this header describes. It grows by one
 * with every release that appends functions; see zlhcs_get_api(). */
#define ZLHCS_API_REVISION 5u
/** The oldest revision zlhcs_get_api() hands out: revisions 1-3 (0.4.0-0.6.0) had the parameter
 * lists from before release notifiers, which this DLL no longer has. */
#define ZLHCS_API_MIN_REVISION 4u
#define ZLHCS_VERSION_MAJOR 0u
#define ZLHCS_VERSION_MINOR 10u
#define ZLHCS_VERSION_PATCH 0u

/* ---------------------------------------------------------------------------------------
 * Basic types and limits
 * ------------------------------------------------------------------------------------- */
/** HRESULT-compatible status: 0 success, < 0 failure. */
typedef int32_t zlhcs_hresult;

/** Opaque, validated handles in [1, 2^53). 0 is "no handle". The handle encodes its type:
 * passing a handle of one kind where another is expected fails with ZLHCS_E_INVALID_HANDLE. */
typedef uint64_t zlhcs_handle;
/** Every handle is below this (2^53): exact as a double, a JavaScript number, a JSON number. */
#define ZLHCS_HANDLE_LIMIT ((zlhcs_handle)1 << 53)
typedef zlhcs_handle zlhcs_system;    /**< a compute system (container or VM) */
typedef zlhcs_handle zlhcs_operation; /**< an asynchronous HCS call in flight or complete */
typedef zlhcs_handle zlhcs_process;   /**< a process running (or run) in a compute system */
typedef zlhcs_handle zlhcs_subscription; /**< one subscriber to a system's or process's events */

/** Wait forever. */
#define ZLHCS_INFINITE 0xFFFFFFFFu

/** The largest string or JSON document zlhcs accepts as input: 64 MiB (HCS documents are
 * kilobytes). Longer inputs fail with ZLHCS_E_TOO_LARGE. */
#define ZLHCS_MAX_INPUT_BYTES (64u * 1024u * 1024u)

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */
#define ZLHCS_HR(x) ((zlhcs_hresult)(x))

#define ZLHCS_S_OK ZLHCS_HR(0)
/** Success with a qualification: what it means is said per function in the table below. */
#define ZLHCS_S_FALSE ZLHCS_HR(1)

/* What ZLHCS_S_FALSE means, per function (@sfalse-table: one entry per function that can
 * return it; a function not listed never returns it). A success code never comes with an
 * error document. zlhcs_operation_wait(), zlhcs_operation_result() and the synchronous forms
 * return an HCS operation's own result, and HCS's calls succeed with ZLHCS_S_OK: none of them
 * is listed, as none returns ZLHCS_S_FALSE of zlhcs's making.
 *   zlhcs_init                   already initialised with the same options; nothing was done
 *   zlhcs_last_error             no zlhcs call has failed on this thread (since it began or
 *                                since zlhcs_clear_error()); *error holds code 0 and ""
 *   zlhcs_error_matches          no: the code does not belong to the category
 *   zlhcs_operation_error        the operation succeeded; *error holds code 0 and ""
 *   zlhcs_operation_cancel       the operation had completed already; nothing to cancel
 *   zlhcs_operation_close        the callback was never called and never will be
 *   zlhcs_system_shutdown        the system is gone already (stopped and cleaned up, or never
 *                                created): nothing to shut down; *out_document is NULL
 *   zlhcs_system_terminate       the system is gone already: nothing to terminate;
 *                                *out_document is NULL
 *   zlhcs_process_signal         the process is gone already: nothing to signal;
 *                                *out_document is NULL
 *   zlhcs_process_terminate      the process is gone or being terminated already: nothing to
 *                                do; *out_document is NULL
 *   zlhcs_process_stdio_read     end of stream: everything the process wrote has been read;
 *                                *out_read is 0
 *   zlhcs_process_stdio_close    nothing was left to close (a closed or detached stream),
 *                                except that the first close of a detached stdin of a running
 *                                process still tells HCS and returns ZLHCS_S_OK
 *   zlhcs_process_stdio_interrupt  the stream's interrupt was already set (or already clear,
 *                                when clearing it): nothing changed
 *   zlhcs_subscription_next      the subscription has ended and everything it held was taken;
 *                                *out_event is NULL
 *   zlhcs_schema_validate        the document has warnings only (the report lists them)
 * @end */

/* zlhcs's own failures: 0xA07A0001-0xA07A00FF (severity + customer bit, facility 0x07A). */
#define ZLHCS_E_INVALID_ARGUMENT ZLHCS_HR(0xA07A0001u) /**< NULL or out-of-range argument */
#define ZLHCS_E_INVALID_HANDLE ZLHCS_HR(0xA07A0002u)   /**< closed, stale, forged, wrong type */
#define ZLHCS_E_INVALID_UTF8 ZLHCS_HR(0xA07A0003u)     /**< a string is not valid UTF-8 */
#define ZLHCS_E_NOT_SUPPORTED ZLHCS_HR(0xA07A0004u)    /**< the backend lacks the function */
#define ZLHCS_E_OUT_OF_MEMORY ZLHCS_HR(0xA07A0005u)
#define ZLHCS_E_INVALID_STATE ZLHCS_HR(0xA07A0006u)    /**< the object's state forbids the call */
#define ZLHCS_E_BACKEND_UNAVAILABLE ZLHCS_HR(0xA07A0007u) /**< no usable HCS backend */
#define ZLHCS_E_INTERNAL ZLHCS_HR(0xA07A0008u)         /**< a bug in zlhcs; message says more */
#define ZLHCS_E_TOO_LARGE ZLHCS_HR(0xA07A0009u)        /**< an input exceeds a documented limit */
/** A JSON document does not match the HCS schema: zlhcs_schema_validate() found an error, or
 * document validation (zlhcs_init_options.validation) refused it before it reached HCS. The
 * report (see "Schema validation") is the error's result_document. Category INVALID_JSON. */
#define ZLHCS_E_SCHEMA_INVALID ZLHCS_HR(0xA07A000Au)

/* Win32 codes as HRESULTs (HRESULT_FROM_WIN32), which HCS and zlhcs return. */
/** ERROR_NOT_SUPPORTED: e.g. a VM-only operation on a container. */
#define ZLHCS_WIN32_E_NOT_SUPPORTED ZLHCS_HR(0x80070032u)
/** ERROR_BROKEN_PIPE: the other end of a stdio pipe is gone. */
#define ZLHCS_WIN32_E_BROKEN_PIPE ZLHCS_HR(0x8007006Du)
/** ERROR_NOT_FOUND: e.g. no such process; also a process that has exited. */
#define ZLHCS_WIN32_E_NOT_FOUND ZLHCS_HR(0x80070490u)
/** ERROR_CANCELLED: how a cancelled operation completes. */
#define ZLHCS_WIN32_E_CANCELLED ZLHCS_HR(0x800704C7u)

/* HCS's own codes (HCSHResult.md). They arrive from HCS as is; zlhcs also returns
 * ZLHCS_HCS_E_OPERATION_TIMEOUT from its waits and ZLHCS_HCS_E_OPERATION_PENDING from result
 * queries. The same condition may arrive with the severity bit 0x40000000 set (0xC037xxxx);
 * zlhcs_error_category_of() classifies both forms alike. */
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

/** What kind of failure a code is: one value per condition a caller acts on. Every code has
 * one primary category (zlhcs_error_category_of); some codes also belong to others
 * (zlhcs_error_matches). New categories may be appended: treat unknown ones as OTHER. The
 * category of a code listed in this header never changes after 1.0 (abi/POLICY.md). */
typedef enum zlhcs_error_category {
    ZLHCS_CATEGORY_NONE = 0,            /**< success */
    ZLHCS_CATEGORY_NOT_FOUND = 1,       /**< no such system/process (hcsshim IsNotExist) */
    ZLHCS_CATEGORY_ACCESS_DENIED = 2,
    ZLHCS_CATEGORY_INVALID_JSON = 3,    /**< malformed JSON, or JSON the schema rejects */
    ZLHCS_CATEGORY_INVALID_STATE = 4,
    ZLHCS_CATEGORY_ALREADY_EXISTS = 5,
    ZLHCS_CATEGORY_ALREADY_STOPPED = 6, /**< it is not running any more (IsAlreadyStopped) */
    ZLHCS_CATEGORY_TIMEOUT = 7,
    ZLHCS_CATEGORY_PENDING = 8,
    ZLHCS_CATEGORY_CANCELLED = 9,
    ZLHCS_CATEGORY_SERVICE_UNAVAILABLE = 10, /**< HCS unavailable or disconnected */
    ZLHCS_CATEGORY_NOT_SUPPORTED = 11,  /**< the host cannot do it (IsNotSupported) */
    ZLHCS_CATEGORY_INVALID_ARGUMENT = 12,
    ZLHCS_CATEGORY_INVALID_HANDLE = 13,
    ZLHCS_CATEGORY_OTHER = 14,
    /** The system or its guest died: terminated during start, exited unexpectedly, was
     * terminated, or reported a critical error. */
    ZLHCS_CATEGORY_TERMINATED = 15,
    ZLHCS_CATEGORY_FORCE_32BIT = 0x7FFFFFFF
} zlhcs_error_category;

/* ---------------------------------------------------------------------------------------
 * Library
 * ------------------------------------------------------------------------------------- */
/** Version information, filled by zlhcs_version().
 * @abi struct:out version_string:own=static */
typedef struct zlhcs_version_info {
    uint32_t struct_size;   /**< in: sizeof(zlhcs_version_info); out: the size filled */
    uint32_t abi_version;   /**< out: the ABI version the DLL implements (ZLHCS_ABI_VERSION) */
    uint32_t major;         /**< out: library version */
    uint32_t minor;
    uint32_t patch;
    uint32_t api_revision;  /**< out: the DLL's function-table revision (ZLHCS_API_REVISION) */
    const char *version_string; /**< out: static string, e.g. "0.4.0"; never freed */
} zlhcs_version_info;
#define ZLHCS_VERSION_INFO_SIZE_V1 32u

/** Fills *info with the version of the loaded library.
 * Errors: ZLHCS_E_INVALID_ARGUMENT if info is NULL or info->struct_size is below
 * ZLHCS_VERSION_INFO_SIZE_V1.
 * @abi info:inout,own=filled */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_version(zlhcs_version_info *info);

/** The function table: one pointer per export, in the order of def/zlhcs.def (defined in
 * zlhcs_api.h, included below). */
typedef struct zlhcs_api_v1 zlhcs_api_v1;

/** Hands out the DLL's function table, for loaders that resolve one symbol. `revision` is the
 * table revision the caller was compiled against (pass ZLHCS_API_REVISION): a DLL older than
 * that refuses with ZLHCS_E_NOT_SUPPORTED (and *out_api = NULL) instead of handing out a table
 * shorter than the caller expects, so every member the caller knows is present. A newer DLL
 * hands out its longer table (its struct_size says how long; ZLHCS_API_HAS tells whether a
 * member is there). The table is static and never freed.
 * Errors: ZLHCS_E_NOT_SUPPORTED (a revision below ZLHCS_API_MIN_REVISION, 0 included, or newer
 * than the DLL's), ZLHCS_E_INVALID_ARGUMENT (out_api NULL).
 * @abi revision:in out_api:out,own=static */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_get_api(uint32_t revision,
                                                                const zlhcs_api_v1 **out_api);

/** Which HCS implementation zlhcs drives. */
typedef enum zlhcs_backend_kind {
    /** Windows: computecore.dll from System32 only (never a DLL beside the executable).
     *  Elsewhere: hcsim, the built-in simulator. */
    ZLHCS_BACKEND_DEFAULT = 0,
    /** The library at backend_path, an absolute path (a DLL/.so exporting the computecore
     *  entry points, e.g. hcsim). Relative paths are refused. */
    ZLHCS_BACKEND_PATH = 1,
    ZLHCS_BACKEND_FORCE_32BIT = 0x7FFFFFFF
} zlhcs_backend_kind;

/* Document validation (zlhcs_init_options.validation): bits. */
/** Validate every document of a create or modify call before it reaches HCS, and refuse one
 *  with a schema error: system create (sync and async) as ComputeSystem, system modify as
 *  ModifySettingRequest, process create as ProcessParameters, process modify as
 *  ProcessModifyRequest. A refused call fails with ZLHCS_E_SCHEMA_INVALID and nothing reaches
 *  HCS; the thread's last error has a summary as its message (the count, the first problem's
 *  path and message) and the full report (see "Schema validation") as its result_document,
 *  and a synchronous form's out_document receives the report too. The version in force is
 *  the document's own SchemaVersion (ComputeSystem) or none. */
#define ZLHCS_VALIDATE_DOCUMENTS 0x00000001u
/** Also refuse documents with warnings only (unknown fields, null values...). Implies
 *  ZLHCS_VALIDATE_DOCUMENTS. */
#define ZLHCS_VALIDATE_STRICT 0x00000002u

/** @abi struct:in backend:enum=zlhcs_backend_kind backend_path:opt */
typedef struct zlhcs_init_options {
    uint32_t struct_size;      /**< sizeof(zlhcs_init_options) */
    uint32_t backend;          /**< a zlhcs_backend_kind */
    const char *backend_path;  /**< UTF-8 absolute path; only with ZLHCS_BACKEND_PATH */
    /** Since 0.6.0 (ZLHCS_INIT_OPTIONS_SIZE_V2): ZLHCS_VALIDATE_* bits, 0 for none (the
     *  default, and what a v1-sized struct means). */
    uint32_t validation;
    uint32_t reserved;         /**< 0 */
} zlhcs_init_options;
#define ZLHCS_INIT_OPTIONS_SIZE_V1 16u
#define ZLHCS_INIT_OPTIONS_SIZE_V2 24u

/** Chooses and loads the backend. Optional: the first call of any other function
 * initialises with the default backend. Calling it again with the same options succeeds
 * (ZLHCS_S_FALSE); with different options after initialisation it fails with
 * ZLHCS_E_INVALID_STATE (the backend of a process is chosen once, and never unloaded).
 * options may be NULL for the default backend (and no document validation). Document
 * validation (options->validation) is chosen with the backend, once per process, and counts
 * as part of the options: the same backend with other validation bits is "different options".
 * A library that lacks HCS's core entry points
 * is refused (ZLHCS_E_BACKEND_UNAVAILABLE naming the missing ones) and unloaded, and the
 * library stays uninitialised: a later call may choose another backend.
 * Once a backend is loaded, zlhcs pins itself in memory (HCS callbacks point into it):
 * unloading zlhcs.dll / libzlhcs.so does not unmap it.
 * Errors: ZLHCS_E_INVALID_ARGUMENT (bad struct_size, unknown kind, relative or missing
 * path, unknown validation bits, reserved not 0), ZLHCS_E_INVALID_UTF8, ZLHCS_E_BACKEND_UNAVAILABLE
 * (the library did not load, or is not an HCS), ZLHCS_E_INVALID_STATE.
 * @abi options:in,opt */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_init(const zlhcs_init_options *options);

/** The absolute path of the loaded backend library, UTF-8, for diagnostics.
 * *out_path is freed with zlhcs_free(). Initialises the default backend if needed.
 * @abi out_path:out,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_backend_path(char **out_path);

/** Frees memory zlhcs returned through an out-parameter. NULL is allowed.
 * @abi memory:in,opt */
ZLHCS_API void ZLHCS_CALL zlhcs_free(void *memory);

/* ---------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------- */
/** A failure: filled by zlhcs_last_error() (strings owned by the thread's last error) or
 * zlhcs_operation_error() (strings owned by the operation); see each for how long the strings
 * live. Copy them to keep them.
 * @abi struct:out category:enum=zlhcs_error_category message:own=borrowed(holder)
 * @abi function:own=borrowed(holder) result_document:own=borrowed(holder) */
typedef struct zlhcs_error {
    uint32_t struct_size;        /**< in: sizeof(zlhcs_error); out: the size filled */
    zlhcs_hresult code;          /**< out: the failure code */
    uint32_t category;           /**< out: a zlhcs_error_category */
    uint32_t reserved;           /**< out: 0 */
    const char *message;         /**< out: what failed and why; never NULL */
    const char *function;        /**< out: the HCS entry point involved, or "" */
    const char *result_document; /**< out: HCS's JSON error document, or "" if none came */
} zlhcs_error;
#define ZLHCS_ERROR_SIZE_V1 40u

/** Fills *error with this OS thread's last failure: valid on this OS thread only, until its
 * next failing zlhcs call (see "Errors" at the top). Returns ZLHCS_S_FALSE (code 0, empty
 * strings) if no zlhcs call on this thread has failed since it began or since
 * zlhcs_clear_error(). This call never changes it. Errors: ZLHCS_E_INVALID_ARGUMENT (NULL or
 * struct_size too small; the last error is then left as it was).
 * @abi error:inout,own=borrowed(thread_error) */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_last_error(zlhcs_error *error);

/** Forgets this thread's last failure. Always succeeds (ZLHCS_S_OK).
 * @abi void */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_clear_error(void);

/** The primary category of any HRESULT (HCS's in both severity forms, zlhcs's, common Win32
 * ones) as a zlhcs_error_category. Errors: ZLHCS_E_INVALID_ARGUMENT if out_category is NULL.
 * @abi code:in out_category:out,enum=zlhcs_error_category */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_category_of(zlhcs_hresult code,
                                                                          uint32_t *out_category);

/** Whether `code` belongs to `category` (a zlhcs_error_category): ZLHCS_S_OK if it does,
 * ZLHCS_S_FALSE if not. A code may belong to several, as hcsshim's predicates treat them:
 * ZLHCS_WIN32_E_NOT_FOUND is NOT_FOUND and ALREADY_STOPPED; ZLHCS_HCS_E_INVALID_JSON,
 * 0x8007000D (ERROR_INVALID_DATA), ZLHCS_WIN32_E_NOT_SUPPORTED and
 * ZLHCS_HCS_E_UNKNOWN_MESSAGE are NOT_SUPPORTED (what a host answers to a request it does not
 * know), besides their primary category. Unknown categories: ZLHCS_S_FALSE.
 * @abi code:in category:in,enum=zlhcs_error_category */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_matches(zlhcs_hresult code,
                                                                      uint32_t category);

/** A short English description of a code, UTF-8, freed with zlhcs_free(). Unknown codes get
 * a generic text naming the value.
 * @abi code:in out_text:out,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_describe(zlhcs_hresult code,
                                                                       char **out_text);

/* ---------------------------------------------------------------------------------------
 * Operations
 * ------------------------------------------------------------------------------------- */
/** Called once when an operation completes: see "Asynchrony" above for the thread and the
 * reentrancy rules, and zlhcs_operation_close() for when it is suppressed. result is the
 * operation's final HRESULT; the operation handle stays valid until closed. Never called
 * before the *_async call that started the operation has returned.
 * @abi operation:in result:in context:in,opt,context */
typedef void(ZLHCS_CALL *zlhcs_operation_callback)(zlhcs_operation operation,
                                                   zlhcs_hresult result, void *context);

/** Called exactly once with a callback's context when the callback will never be called again
 * (see "Callback contexts and release notifiers" at the top): the moment to free the
 * context. Never called when the call that took it failed.
 * @abi context:in,opt,context */
typedef void(ZLHCS_CALL *zlhcs_release_callback)(void *context);

/** Waits up to timeout_ms for the operation to complete. Returns the operation's HRESULT
 * once complete, ZLHCS_HCS_E_OPERATION_TIMEOUT if it did not complete in time (the operation
 * goes on). out_document: its result document or error document (see "Out-parameters").
 * Closing the operation on another thread releases the wait with ZLHCS_E_INVALID_HANDLE.
 * @abi operation:in timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_wait(zlhcs_operation operation,
                                                                       uint32_t timeout_ms,
                                                                       char **out_document);

/** Like zlhcs_operation_wait() with a zero timeout, except that a running operation yields
 * ZLHCS_HCS_E_OPERATION_PENDING.
 * @abi operation:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_result(zlhcs_operation operation,
                                                                         char **out_document);

/** The failure of a completed operation, readable from any thread: code, category, message,
 * HCS function and error document, with strings owned by the operation (valid until it is
 * closed). Returns ZLHCS_S_OK with *error filled if the operation failed; ZLHCS_S_FALSE with
 * code 0 and empty strings if it succeeded; ZLHCS_HCS_E_OPERATION_PENDING (code 0 and empty
 * strings, as for S_FALSE; also this thread's last error) while it runs. Errors:
 * ZLHCS_E_INVALID_HANDLE, ZLHCS_E_INVALID_ARGUMENT (NULL or struct_size too small).
 * @abi operation:in error:inout,own=borrowed(operation_close) */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_error(zlhcs_operation operation,
                                                                        zlhcs_error *error);

/** Asks HCS to cancel the operation. Today's HCS does not implement cancellation
 * (HcsCancelOperation returns E_NOTIMPL): then this fails with ZLHCS_E_NOT_SUPPORTED naming
 * HcsCancelOperation, and the operation goes on and completes as HCS decides. If HCS accepts
 * the request (a build that implements it), ZLHCS_S_OK: the operation still completes, usually
 * with ZLHCS_WIN32_E_CANCELLED; wait for it. ZLHCS_S_FALSE if it had already completed.
 * @abi operation:in */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_cancel(
    zlhcs_operation operation);

/** Closes the handle. Safe while the operation is in flight: the HCS work goes on and its
 * result is discarded. Threads waiting on it return ZLHCS_E_INVALID_HANDLE at once.
 * Returns ZLHCS_S_FALSE if the callback has not been called and never will be (it was
 * suppressed by this close, or there was none), ZLHCS_S_OK if it has been called. Called
 * outside any zlhcs callback, a callback that is running has returned when this returns;
 * called inside a zlhcs callback (this one's or another's) this never waits, so two callbacks
 * closing each other's operations cannot deadlock: the other callback may then still be
 * running, or (for an operation that completed inside its starting call) about to run. The context
 * is therefore released in the release notifier (see "Callback contexts and release notifiers"),
 * which runs once the callback is done whichever way the close went; the answer here only says
 * whether the callback ran. Because a close outside callbacks waits for a running callback, do not
 * close while holding a lock that the callback takes. Errors: ZLHCS_E_INVALID_HANDLE.
 * @abi operation:in */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_close(zlhcs_operation operation);

/** What an operation is (zlhcs_operation_info.kind). */
typedef enum zlhcs_operation_kind {
    /** An HCS call: an HCS_OPERATION of HCS's runs it. */
    ZLHCS_OPERATION_KIND_HCS = 0,
    /** An exit watch (zlhcs_system_wait_exit_async, zlhcs_process_wait_exit_async): zlhcs
     *  completes it from HCS's exit event; no HCS_OPERATION exists. */
    ZLHCS_OPERATION_KIND_EXIT_WATCH = 1,
    ZLHCS_OPERATION_KIND_FORCE_32BIT = 0x7FFFFFFF
} zlhcs_operation_kind;

/** What an operation is and what it concerns, filled by zlhcs_operation_inspect().
 * @abi struct:out function:own=static system_id:own=borrowed(operation_close)
 * @abi kind:enum=zlhcs_operation_kind */
typedef struct zlhcs_operation_info {
    uint32_t struct_size;   /**< in: sizeof(zlhcs_operation_info); out: the size filled */
    /** out: HCS's HCS_OPERATION_TYPE (HcsGetOperationType: 0 enumerate, 1 create, 2 start, ...
     * 15 crash), as HCS reports it; 0xFFFFFFFF (HcsOperationTypeNone) for an exit watch or a
     * backend without HcsGetOperationType. */
    uint32_t hcs_type;
    /** out: HCS's id of the operation (HcsGetOperationId); UINT64_MAX
     * (HCS_INVALID_OPERATION_ID) when there is none. */
    uint64_t hcs_id;
    /** out: the HCS entry point the operation was started with (e.g.
     * "HcsStartComputeSystem"); for an exit watch the one it listens through
     * ("HcsSetComputeSystemCallback" or "HcsSetProcessCallback"). Static; never NULL. */
    const char *function;
    /** out: the system handle the operation was started on (for a process operation, the
     * process's system), 0 if none (enumerate). A handle value: it may have been closed since. */
    zlhcs_system system;
    /** out: the process handle it was started on, 0 if none. */
    zlhcs_process process;
    /** out: the id of that system, owned by the operation (valid until it is closed); "" if
     * none or unknown. */
    const char *system_id;
    uint32_t kind;          /**< out: a zlhcs_operation_kind */
    uint32_t reserved;      /**< out: 0 */
} zlhcs_operation_info;
#define ZLHCS_OPERATION_INFO_SIZE_V1 56u

/** Fills *info with what the operation is (its HCS type and id, entry point) and what it
 * concerns (system, process), from any thread, at any time until it is closed.
 * Errors: ZLHCS_E_INVALID_HANDLE, ZLHCS_E_INVALID_ARGUMENT (NULL or struct_size too small).
 * @abi operation:in info:inout,own=filled */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_operation_inspect(
    zlhcs_operation operation, zlhcs_operation_info *info);

/* ---------------------------------------------------------------------------------------
 * Call options: what HCS takes besides the document
 * ------------------------------------------------------------------------------------- */
/** Optional parameters of the calls that take them (create, open, modify, enumerate,
 * process create), passed as a nullable pointer (NULL: all defaults). Each member applies to
 * the calls its comment names; a non-default member given to a call that does not take it
 * fails with ZLHCS_E_INVALID_ARGUMENT (nothing is silently ignored).
 * @abi struct:in namespace_id:opt security_descriptor:opt */
typedef struct zlhcs_call_options {
    uint32_t struct_size;            /**< sizeof(zlhcs_call_options) */
    /** zlhcs_system_open: the access mask for HcsOpenComputeSystem; 0 means GENERIC_ALL. */
    uint32_t requested_access;
    /** zlhcs_system_create/open/enumerate: the HCS namespace (UTF-8 id) to work in, through
     * the *InNamespace entry points; NULL for the default namespace. A backend without them
     * fails with ZLHCS_E_NOT_SUPPORTED naming the missing function. */
    const char *namespace_id;
    /** zlhcs_system_create, zlhcs_process_create: a SECURITY_DESCRIPTOR for the new object,
     * passed to HCS as is (not copied beyond the call); NULL for HCS's default. */
    const void *security_descriptor;
    /** zlhcs_system_modify: an impersonation token HANDLE passed to HcsModifyComputeSystem as
     * its identity (e.g. to share a file the caller may access); 0 for none. */
    uint64_t identity_token;
} zlhcs_call_options;
#define ZLHCS_CALL_OPTIONS_SIZE_V1 32u

/* ---------------------------------------------------------------------------------------
 * Compute systems
 *
 * Every *_async function takes an optional callback (may be NULL), its context and an
 * optional release notifier for the context (see "Callback contexts and release notifiers"),
 * and returns the new operation in *out_operation. Every synchronous form takes timeout_ms and an
 * optional out_document. JSON parameters named options/query/settings may be NULL where HCS
 * allows it.
 * ------------------------------------------------------------------------------------- */
/** Creates a compute system from a ComputeSystem JSON document (schema 2.x).
 * id: UTF-8, may be NULL to let HCS choose a GUID. call_options: namespace_id,
 * security_descriptor. *out_system is valid at once (HCS hands the handle out before
 * creation completes); creation succeeded only if the operation did.
 * Errors: ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS, ZLHCS_HCS_E_INVALID_JSON, ZLHCS_E_SCHEMA_INVALID
 * (document validation on, see ZLHCS_VALIDATE_DOCUMENTS), ...
 * @abi id:in,opt configuration:in call_options:in,opt callback:in,opt,callback
 * @abi context:in,opt,context release:in,opt,release out_system:out,own=handle
 * @abi out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create_async(
    const char *id, const char *configuration, const zlhcs_call_options *call_options,
    zlhcs_operation_callback callback, void *context, zlhcs_release_callback release,
    zlhcs_system *out_system, zlhcs_operation *out_operation);
/** Synchronous form. On failure no system handle is returned (a half-created one is closed),
 * except on ZLHCS_HCS_E_OPERATION_TIMEOUT: the create may still complete, so *out_system is
 * the handle (close it as usual; the system is usable once HCS has created it, e.g. when its
 * properties report State "Created", and a create that finally fails leaves a handle on which
 * calls fail with ZLHCS_HCS_E_SYSTEM_NOT_FOUND).
 * @abi id:in,opt configuration:in call_options:in,opt timeout_ms:in out_system:out,own=handle
 * @abi out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create(
    const char *id, const char *configuration, const zlhcs_call_options *call_options,
    uint32_t timeout_ms, zlhcs_system *out_system, char **out_document);

/** Opens an existing compute system by id. call_options: namespace_id, requested_access.
 * Errors: ZLHCS_HCS_E_SYSTEM_NOT_FOUND.
 * @abi id:in call_options:in,opt out_system:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_open(
    const char *id, const zlhcs_call_options *call_options, zlhcs_system *out_system);

/** Closes the handle (not the system, unless HCS terminates it on last close as its
 * ShouldTerminateOnLastHandleClosed setting asks). Operations on it stay valid; threads in
 * zlhcs_system_wait_exit() on it return ZLHCS_E_INVALID_HANDLE.
 * @abi system:in */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_close(zlhcs_system system);

/** The id of the system, UTF-8, freed with zlhcs_free().
 * @abi system:in out_id:out,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_id(zlhcs_system system,
                                                                  char **out_id);

/* State changes. options is an optional JSON document as HCS defines for each call.
 * A change the current state forbids fails with ZLHCS_HCS_E_INVALID_STATE (in the operation).
 * A system that has stopped is cleaned up by HCS: calls on a handle still open to it fail with
 * ZLHCS_HCS_E_SYSTEM_NOT_FOUND, except zlhcs_system_wait_exit(), which still returns its exit
 * status; opening it by id fails, and enumerate no longer lists it. */
/** Start: Created -> Running.
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_start_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_start(zlhcs_system system,
                                                                     const char *options,
                                                                     uint32_t timeout_ms,
                                                                     char **out_document);

/** Graceful shutdown (options: ShutdownOptions JSON). Running/Paused -> Stopped.
 * The synchronous form returns ZLHCS_S_FALSE (success, nothing done) if the system is gone
 * already (HCS says ZLHCS_HCS_E_SYSTEM_NOT_FOUND or ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED); the
 * operation of the _async form reports HCS's code as it is.
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_shutdown_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_shutdown(zlhcs_system system,
                                                                        const char *options,
                                                                        uint32_t timeout_ms,
                                                                        char **out_document);

/** Forceful termination. Like shutdown, the synchronous form returns ZLHCS_S_FALSE if the
 * system is gone already (stopped and cleaned up, or never created); the _async form's
 * operation reports HCS's code.
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_terminate_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_terminate(zlhcs_system system,
                                                                         const char *options,
                                                                         uint32_t timeout_ms,
                                                                         char **out_document);

/** Crashes a virtual machine on purpose (for crash-dump testing); it stops with an
 * UnexpectedExit. Pause, resume, save and crash are virtual-machine operations: a
 * process-isolated container refuses them (ZLHCS_WIN32_E_NOT_SUPPORTED).
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_crash_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_crash(zlhcs_system system,
                                                                     const char *options,
                                                                     uint32_t timeout_ms,
                                                                     char **out_document);

/** Running -> Paused (options: PauseOptions JSON).
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_pause_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_pause(zlhcs_system system,
                                                                     const char *options,
                                                                     uint32_t timeout_ms,
                                                                     char **out_document);

/** Paused -> Running.
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_resume_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_resume(zlhcs_system system,
                                                                      const char *options,
                                                                      uint32_t timeout_ms,
                                                                      char **out_document);

/** Saves the state of a paused system (options: SaveOptions JSON).
 * @abi system:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_save_async(
    zlhcs_system system, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_save(zlhcs_system system,
                                                                    const char *options,
                                                                    uint32_t timeout_ms,
                                                                    char **out_document);

/** Queries properties (query: System_PropertyQuery JSON, or NULL for the basic ones).
 * The result document is the Properties JSON.
 * @abi system:in query:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties_async(
    zlhcs_system system, const char *query, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi system:in query:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties(zlhcs_system system,
                                                                          const char *query,
                                                                          uint32_t timeout_ms,
                                                                          char **out_document);

/** Applies a ModifySettingRequest JSON document to the system. call_options: identity_token.
 * With document validation on, an invalid document fails with ZLHCS_E_SCHEMA_INVALID.
 * @abi system:in settings:in call_options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify_async(
    zlhcs_system system, const char *settings, const zlhcs_call_options *call_options,
    zlhcs_operation_callback callback, void *context, zlhcs_release_callback release,
    zlhcs_operation *out_operation);
/** @abi system:in settings:in call_options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify(
    zlhcs_system system, const char *settings, const zlhcs_call_options *call_options,
    uint32_t timeout_ms, char **out_document);

/** Blocks until the system exits or timeout_ms passes (ZLHCS_HCS_E_OPERATION_TIMEOUT).
 * out_document receives HCS's exit document (SystemExitStatus JSON). Closing the system
 * handle on another thread releases the wait with ZLHCS_E_INVALID_HANDLE.
 * On hosts without HcsWaitForComputeSystemExit (Windows Server 2019) it waits for HCS's
 * SystemExited event instead (as zlhcs_system_wait_exit_async() does). Errors:
 * ZLHCS_HCS_E_SERVICE_DISCONNECT when the service disconnects during the wait.
 * @abi system:in timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit(zlhcs_system system,
                                                                         uint32_t timeout_ms,
                                                                         char **out_document);

/** Enumerates compute systems; query is an optional SystemQuery JSON (Ids, Names, Types,
 * Owners); call_options: namespace_id. The result document is a JSON array of system
 * descriptions.
 * @abi query:in,opt call_options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_enumerate_async(
    const char *query, const zlhcs_call_options *call_options, zlhcs_operation_callback callback,
    void *context, zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi query:in,opt call_options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_enumerate(
    const char *query, const zlhcs_call_options *call_options, uint32_t timeout_ms,
    char **out_document);

/* ---------------------------------------------------------------------------------------
 * The service
 * ------------------------------------------------------------------------------------- */
/** Service properties (query: ServicePropertyQuery JSON, or NULL for the basic ones, such
 * as the supported schema versions). Synchronous in HCS itself.
 * @abi query:in,opt out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_service_properties(const char *query,
                                                                           char **out_document);

/* ---------------------------------------------------------------------------------------
 * Processes in compute systems
 *
 * A process handle owns the host ends of the standard-stream pipes its ProcessParameters
 * asked for (CreateStdInPipe, CreateStdOutPipe, CreateStdErrPipe). zlhcs tracks the process's
 * exit through HCS's process-exited event, so the exit code is never lost, even if it ends
 * before anyone waits.
 * ------------------------------------------------------------------------------------- */
/** Starts a process in a running system from a ProcessParameters JSON document (CommandLine,
 * WorkingDirectory, Environment, EmulateConsole, CreateStdInPipe/StdOutPipe/StdErrPipe,
 * ConsoleSize, User, ...). call_options: security_descriptor. *out_process is valid at once;
 * the process runs only if the operation succeeds (its stdio and pid become available then).
 * Errors (in the operation): ZLHCS_HCS_E_INVALID_STATE or ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED
 * when the system is not running, ZLHCS_HCS_E_INVALID_JSON, 0x80070002 (program not found);
 * ZLHCS_E_SCHEMA_INVALID at once, with document validation on, for an invalid document.
 * @abi system:in parameters:in call_options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_process:out,own=handle out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create_async(
    zlhcs_system system, const char *parameters, const zlhcs_call_options *call_options,
    zlhcs_operation_callback callback, void *context, zlhcs_release_callback release,
    zlhcs_process *out_process, zlhcs_operation *out_operation);
/** Synchronous form. On failure no process handle is returned, and nothing HCS may have
 * started is left running (zlhcs terminates it). On ZLHCS_HCS_E_OPERATION_TIMEOUT the create
 * may still complete, so *out_process is the handle: zlhcs_process_id() gives
 * ZLHCS_HCS_E_OPERATION_PENDING until it has, then the pid, and stdio works from then on.
 * @abi system:in parameters:in call_options:in,opt timeout_ms:in out_process:out,own=handle
 * @abi out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create(
    zlhcs_system system, const char *parameters, const zlhcs_call_options *call_options,
    uint32_t timeout_ms, zlhcs_process *out_process, char **out_document);

/** Opens an existing process of the system by its id. An opened process has no stdio.
 * Errors: ZLHCS_WIN32_E_NOT_FOUND (no such process).
 * @abi system:in process_id:in out_process:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_open(zlhcs_system system,
                                                                     uint32_t process_id,
                                                                     zlhcs_process *out_process);

/** Closes the handle and the host ends of its pipes (never kills the process). Threads
 * blocked on it (wait_exit, stdio reads and writes) return ZLHCS_E_INVALID_HANDLE at once.
 * @abi process:in */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_close(zlhcs_process process);

/** The process id. Errors: ZLHCS_HCS_E_OPERATION_PENDING while its creation has not
 * completed.
 * @abi process:in out_process_id:out */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_id(zlhcs_process process,
                                                                   uint32_t *out_process_id);

/** The process's startup information (HcsGetProcessInfo): the result document (hcsim: the
 * ProcessParameters it was created with). HCS fails it once the process has exited.
 * @abi process:in callback:in,opt,callback context:in,opt,context release:in,opt,release
 * @abi out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info_async(
    zlhcs_process process, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info(zlhcs_process process,
                                                                     uint32_t timeout_ms,
                                                                     char **out_document);

/** Sends a signal (options: SignalProcessOptions JSON, e.g. {"Signal":"CtrlC"}).
 * HCS reports a process that is gone with one of several codes
 * (ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED, ZLHCS_HCS_E_INVALID_STATE, ZLHCS_HCS_E_SYSTEM_NOT_FOUND
 * in either severity form, E_ACCESSDENIED, ZLHCS_WIN32_E_NOT_FOUND): the synchronous form
 * turns each into ZLHCS_S_FALSE (nothing to signal) once the process is known to be gone; the
 * _async form's operation reports HCS's code.
 * @abi process:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_signal_async(
    zlhcs_process process, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_signal(zlhcs_process process,
                                                                       const char *options,
                                                                       uint32_t timeout_ms,
                                                                       char **out_document);

/** Asks HCS to terminate the process (options must be NULL: "reserved for future use").
 * HCS does not wait for the exit: wait for it with zlhcs_process_wait_exit(). Terminating a
 * process that is gone or already being terminated is ZLHCS_S_FALSE in the synchronous form
 * (as for zlhcs_process_signal); the _async form's operation reports HCS's code.
 * @abi process:in options:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_terminate_async(
    zlhcs_process process, const char *options, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in options:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_terminate(zlhcs_process process,
                                                                          const char *options,
                                                                          uint32_t timeout_ms,
                                                                          char **out_document);

/** Process properties: the ProcessStatus JSON {ProcessId, Exited, ExitCode, LastWaitResult}.
 * @abi process:in query:in,opt callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_properties_async(
    zlhcs_process process, const char *query, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in query:in,opt timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_properties(
    zlhcs_process process, const char *query, uint32_t timeout_ms, char **out_document);

/** Applies a ProcessModifyRequest JSON (ConsoleSize, CloseHandle).
 * Errors: ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED, ZLHCS_HCS_E_INVALID_JSON, ZLHCS_E_SCHEMA_INVALID
 * (document validation on).
 * @abi process:in settings:in callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_modify_async(
    zlhcs_process process, const char *settings, zlhcs_operation_callback callback,
    void *context, zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in settings:in timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_modify(zlhcs_process process,
                                                                       const char *settings,
                                                                       uint32_t timeout_ms,
                                                                       char **out_document);

/** Resizes the process's console (a ProcessModifyRequest with ConsoleSize).
 * @abi process:in width:in height:in timeout_ms:in out_document:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_resize_console(
    zlhcs_process process, uint16_t width, uint16_t height, uint32_t timeout_ms,
    char **out_document);

/** Waits up to timeout_ms for the process to exit; *out_exit_code (optional) receives its
 * exit code. Errors: ZLHCS_HCS_E_OPERATION_TIMEOUT, ZLHCS_E_INVALID_HANDLE (also when the
 * handle is closed during the wait), ZLHCS_HCS_E_SERVICE_DISCONNECT (the service disconnected
 * before the exit was known).
 * @abi process:in timeout_ms:in out_exit_code:out,opt */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit(zlhcs_process process,
                                                                          uint32_t timeout_ms,
                                                                          uint32_t *out_exit_code);

/** The exit code of an exited process, at once.
 * Errors: ZLHCS_HCS_E_OPERATION_PENDING while it runs.
 * @abi process:in out_exit_code:out */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_exit_code(zlhcs_process process,
                                                                          uint32_t *out_exit_code);

/* Standard streams.
 * A stream is in one of four states, and every stdio function answers alike for it:
 *   open      - the process asked for the pipe and zlhcs holds its host end;
 *   closed    - zlhcs_process_stdio_close() closed it;
 *   detached  - zlhcs_process_stdio_detach() handed its OS handle to the caller;
 *   none      - the process has no such pipe: not requested in ProcessParameters, the process
 *               was opened rather than created, its pipes were lost, or its create has not
 *               completed yet (or failed).
 * A stream that is "none" fails every stdio call with ZLHCS_E_INVALID_STATE. Reads, writes
 * and detach need an open stream: on a closed or detached one they fail with
 * ZLHCS_E_INVALID_STATE too (the message names the state). Close is idempotent: on a closed or
 * detached stream it has nothing of zlhcs's left to close and returns ZLHCS_S_FALSE, except
 * that the first close of a detached stdin still tells HCS (see zlhcs_process_stdio_close).
 */
/** The standard streams of a process (the `stream` parameters below). */
typedef enum zlhcs_stdio_stream {
    ZLHCS_STDIN = 0,
    ZLHCS_STDOUT = 1,
    ZLHCS_STDERR = 2,
    ZLHCS_STDIO_FORCE_32BIT = 0x7FFFFFFF
} zlhcs_stdio_stream;

/** Writes `size` bytes to the process's stdin, waiting up to timeout_ms for the pipe to take
 * them (the process must be reading, or the pipe buffer must have room). *out_written (may be
 * NULL) always receives the number of bytes the pipe took, on failure too: ZLHCS_S_OK when all
 * were written; ZLHCS_HCS_E_OPERATION_TIMEOUT with a partial count if the pipe stayed full;
 * ZLHCS_WIN32_E_BROKEN_PIPE if the process no longer reads. Bytes are never lost or
 * reordered; concurrent writers on one process are serialised, and time spent waiting behind
 * another writer counts against timeout_ms. A writer blocked on a full pipe is released at
 * once (on Windows, whose anonymous pipes are polled, within about 10 ms): by zlhcs_process_stdio_close(STDIN) or
 * zlhcs_process_stdio_detach(STDIN) with ZLHCS_E_INVALID_STATE, by zlhcs_process_close() with
 * ZLHCS_E_INVALID_HANDLE, by zlhcs_process_stdio_interrupt(STDIN) with ZLHCS_WIN32_E_CANCELLED;
 * in each case *out_written counts the bytes already delivered.
 * Errors: ZLHCS_E_INVALID_STATE (stdin not open), ZLHCS_E_INVALID_ARGUMENT (data NULL with
 * size > 0).
 * @abi process:in data:in,opt size:in timeout_ms:in out_written:out,opt */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_write(
    zlhcs_process process, const void *data, size_t size, uint32_t timeout_ms,
    size_t *out_written);

/** Reads what is available from stdout or stderr (stream), waiting up to timeout_ms for at
 * least one byte; timeout_ms 0 never blocks. Returns ZLHCS_S_OK with *out_read > 0,
 * ZLHCS_S_FALSE with *out_read == 0 at end of stream (the process closed it: everything it
 * wrote has been read), ZLHCS_HCS_E_OPERATION_TIMEOUT if nothing arrived in time. stdout and
 * stderr may be read concurrently from different threads; one stream from several threads at
 * once is serialised (time spent waiting behind another reader counts against timeout_ms).
 * A blocked reader is released at once (on Windows, when HCS's pipe handle is not overlapped
 * and is therefore polled, within about 10 ms) by closing or detaching the stream, closing the
 * process, or interrupting the stream (zlhcs_process_stdio_interrupt: ZLHCS_WIN32_E_CANCELLED).
 * Errors: ZLHCS_E_INVALID_STATE (stream not open),
 * ZLHCS_E_INVALID_ARGUMENT (stream is ZLHCS_STDIN or unknown, buffer or out_read NULL,
 * capacity 0).
 * @abi process:in stream:in,enum=zlhcs_stdio_stream buffer:out capacity:in timeout_ms:in
 * @abi out_read:out */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_read(
    zlhcs_process process, uint32_t stream, void *buffer, size_t capacity,
    uint32_t timeout_ms, size_t *out_read);

/** Closes zlhcs's host end of one stream and tells HCS, which keeps handles of its own to the
 * pipes, to close its end too (HcsModifyProcess with a CloseHandle ProcessModifyRequest for
 * StdIn/StdOut/StdErr, SchemaReference.md; hcsshim sends it for stdin): for stdin the process
 * then reads end-of-stream after the bytes written so far; for stdout/stderr the process's
 * writes stop reaching the host. Closing stdin after zlhcs_process_stdio_detach(ZLHCS_STDIN)
 * still tells HCS once (closing the detached OS handle alone does not end the process's
 * stdin): the first such close of a running process's stdin returns ZLHCS_S_OK once HCS has
 * taken the request, and every later one ZLHCS_S_FALSE; once the process has exited its
 * pipes are gone with it, nothing is told, and the close returns ZLHCS_S_FALSE. Blocks until
 * HCS has taken the request. Returns ZLHCS_S_OK if it closed something (also after the
 * process has exited, for a stream still open) or told HCS of a detached stdin as above,
 * ZLHCS_S_FALSE if nothing was left to close (a closed or detached stream, see above). If HCS
 * refuses the CloseHandle, its error is returned; zlhcs's end is closed anyway, and a later
 * close asks HCS again (and returns ZLHCS_S_OK once HCS has taken it). Errors: ZLHCS_E_INVALID_STATE (a "none" stream), ZLHCS_E_INVALID_ARGUMENT (unknown
 * stream), HCS's refusal.
 * @abi process:in stream:in,enum=zlhcs_stdio_stream */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_close(
    zlhcs_process process, uint32_t stream);

/** Sets (interrupted != 0) or clears (0) the interrupt of one open stream: a way to cancel a
 * blocked read or write from another thread (a task's cancellation, a shutdown) and keep the
 * stream. While a stream is interrupted, every zlhcs_process_stdio_read or _write of it that
 * would wait - timeout_ms > 0 and nothing to read, or no room in the pipe - fails with
 * ZLHCS_WIN32_E_CANCELLED instead, and one waiting now is released at once (on Windows, when
 * the pipe is polled, within about 10 ms). What is ready still moves: a read returns bytes
 * already in the pipe (or end of stream), a write's *out_written counts what the pipe took;
 * calls with timeout_ms 0 behave as without an interrupt. The interrupt stays set until
 * cleared, so one that races a reader which has not blocked yet is never lost. A reader
 * waiting behind another reader of the same stream is released when that one is.
 * Any thread; never blocks. Returns ZLHCS_S_OK, or ZLHCS_S_FALSE if the stream was already in
 * that state. Errors: ZLHCS_E_INVALID_STATE (stream not open: none, closed or detached),
 * ZLHCS_E_INVALID_ARGUMENT (unknown stream).
 * @abi process:in stream:in,enum=zlhcs_stdio_stream interrupted:in */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_interrupt(
    zlhcs_process process, uint32_t stream, int32_t interrupted);

/** Hands the OS handle of one open stream to the caller, who owns it from then on: a HANDLE
 * on Windows (close with CloseHandle), a file descriptor elsewhere (close with close()), in
 * the mode HCS made it: blocking (on Windows HCS opens its pipes for overlapped I/O, so
 * ReadFile/WriteFile on such a handle take an OVERLAPPED).
 * zlhcs no longer reads, writes or closes it: the stream is "detached" (see above).
 * Errors: ZLHCS_E_INVALID_STATE (stream not open).
 * @abi process:in stream:in,enum=zlhcs_stdio_stream out_os_handle:out,own=os_handle(caller) */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_detach(
    zlhcs_process process, uint32_t stream, uint64_t *out_os_handle);

/* ---------------------------------------------------------------------------------------
 * Events
 *
 * HCS takes one event callback per HCS handle; zlhcs registers it itself on every system and
 * process handle it makes and fans each event out to any number of subscriptions, so a caller
 * never meets HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET.
 *
 * A subscription receives the events of one zlhcs_system or zlhcs_process that its event_mask
 * selects, from the moment zlhcs_system_subscribe() / zlhcs_process_subscribe() returns (an
 * exit that happened before is not replayed: zlhcs_*_wait_exit_async() keeps exits). It
 * delivers them either to a callback or into a queue the caller drains with
 * zlhcs_subscription_next().
 *
 * Guarantees:
 *   1. After zlhcs_subscription_close() returns, or the system/process handle's close
 *      returns, the subscription's callback is never called again. Called outside any zlhcs
 *      callback, the close also waits for a call in progress to return; called inside a zlhcs
 *      callback (the subscription's own included) it never waits, so it never deadlocks: a
 *      call in progress on another thread may then still be finishing. The release notifier
 *      runs once that call has returned (or at once if none is running): free the context
 *      there, never when the close returns. No callback runs before the subscribe call
 *      that registered it has returned (events that come meanwhile wait in the queue).
 *   2. Every operation completes exactly once (see "Asynchrony"), also when its handle is
 *      closed, its system exits or the service disconnects meanwhile.
 *   3. When HCS reports a service disconnect on any handle, zlhcs completes every pending
 *      operation with ZLHCS_HCS_E_SERVICE_DISCONNECT (HCS's own result, should it come later,
 *      is discarded), releases every blocked wait (operation, system and process waits return
 *      ZLHCS_HCS_E_SERVICE_DISCONNECT), and every subscription of every system and process
 *      handle alive then that selects ZLHCS_EVENT_SERVICE_DISCONNECT receives that event once.
 *   4. Event types zlhcs does not know are delivered, not dropped: kind ZLHCS_EVENT_UNKNOWN,
 *      with HCS's type value and data.
 *   5. One handle's events reach each subscription in the order HCS delivered them to zlhcs,
 *      numbered 1, 2, 3... per subscription. A subscription never delays another, and never
 *      blocks HCS's thread: callbacks run on zlhcs's own delivery threads, one call at a time
 *      per subscription; a callback that blocks holds up only its own subscription, whose
 *      queue then fills (zlhcs adds a delivery thread when all have been blocked for 20 ms,
 *      up to 256 threads, so the others go on; docs/events.md). A full queue drops the newest
 *      events and says so: the subscriber receives one ZLHCS_EVENT_EVENTS_LOST record, in place,
 *      with how many were lost (their sequence numbers are skipped), before anything newer.
 *   6. zlhcs uses the one HCS callback per handle itself (HcsSetComputeSystemCallback,
 *      HcsSetProcessCallback) and fans out.
 *
 * Threads: callbacks run on zlhcs's delivery threads (never on HCS's, never inside a zlhcs
 * call of the caller's). Inside one every zlhcs function may be called, including closing
 * this or any subscription or handle.
 * ------------------------------------------------------------------------------------- */
/* Event kinds: one bit each, for a subscription's event_mask and zlhcs_event.kind. */
/** HcsEventSystemExited; data: SystemExitStatus (Status, ExitType: GracefulExit,
 *  ForcedExit, UnexpectedExit...). */
#define ZLHCS_EVENT_SYSTEM_EXITED 0x00000001u
/** HcsEventSystemCrashInitiated; data: CrashReport. */
#define ZLHCS_EVENT_SYSTEM_CRASH_INITIATED 0x00000002u
/** HcsEventSystemCrashReport; data: CrashReport. */
#define ZLHCS_EVENT_SYSTEM_CRASH_REPORT 0x00000004u
/** HcsEventSystemRdpEnhancedModeStateChanged. */
#define ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED 0x00000008u
/** HcsEventSystemSiloJobCreated. */
#define ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED 0x00000010u
/** HcsEventSystemGuestConnectionClosed. */
#define ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED 0x00000020u
/** HcsEventProcessExited; data: ProcessStatus (ProcessId, Exited, ExitCode...). */
#define ZLHCS_EVENT_PROCESS_EXITED 0x00000040u
/** HcsEventServiceDisconnect (guarantee 3). */
#define ZLHCS_EVENT_SERVICE_DISCONNECT 0x00000080u
/** Any HCS event type this zlhcs has no bit for (guarantee 4); hcs_type says which. */
#define ZLHCS_EVENT_UNKNOWN 0x80000000u
/** Every kind, including kinds later versions define (bits 0x100-0x40000000 are reserved for
 *  them: a mask may name them, and receives them once a version knows them). */
#define ZLHCS_EVENT_ALL 0xFFFFFFFFu
/** Not a mask bit: the kind of the record saying that events were lost (always delivered). */
#define ZLHCS_EVENT_EVENTS_LOST 0x00000000u

/** The queue capacity zlhcs uses when a subscribe call passes 0. */
#define ZLHCS_EVENT_QUEUE_DEFAULT 1024u
/** The largest queue capacity a subscription may ask for. */
#define ZLHCS_EVENT_QUEUE_MAX (1024u * 1024u)

/** One event, as a subscription receives it.
 * @abi struct:out system_id:own=borrowed(holder) data:opt,own=borrowed(holder) */
typedef struct zlhcs_event {
    uint32_t struct_size;   /**< the size zlhcs filled (ZLHCS_EVENT_SIZE_V1 for this version) */
    uint32_t kind;          /**< one ZLHCS_EVENT_* bit, or ZLHCS_EVENT_EVENTS_LOST */
    uint32_t hcs_type;      /**< HCS's HCS_EVENT_TYPE value as it came; 0 for EVENTS_LOST */
    uint32_t process_id;    /**< a process subscription's pid (0 if unknown); 0 for a system */
    /** This subscription's number for the event: 1, 2, 3... A EVENTS_LOST record has the
     *  number of the first lost event; the next event's is that plus lost_count. */
    uint64_t sequence;
    uint64_t lost_count;    /**< EVENTS_LOST: how many events were dropped; 0 otherwise */
    zlhcs_subscription subscription; /**< the subscription delivering it */
    zlhcs_handle source;    /**< the zlhcs_system or zlhcs_process subscribed to */
    const char *system_id;  /**< UTF-8 id of the system (of the process's system); never NULL */
    const char *data;       /**< the event's JSON document (UTF-8), or NULL if HCS gave none */
} zlhcs_event;
#define ZLHCS_EVENT_SIZE_V1 64u

/** Receives one event of a callback subscription. `event` and its strings are valid during
 * the call only. Runs on a zlhcs delivery thread (see "Events" above).
 * @abi event:in,own=borrowed(callback_return) context:in,opt,context */
typedef void(ZLHCS_CALL *zlhcs_event_callback)(const zlhcs_event *event, void *context);

/** Subscribes to the events of a compute system that event_mask selects (ZLHCS_EVENT_* bits,
 * or ZLHCS_EVENT_ALL). With a callback, events are delivered to it (context passed through);
 * with callback NULL, they are queued for zlhcs_subscription_next(). queue_capacity bounds the
 * events waiting for delivery (0: ZLHCS_EVENT_QUEUE_DEFAULT); a full queue loses the newest
 * events and records how many (ZLHCS_EVENT_EVENTS_LOST). Any number of subscriptions may
 * exist per handle. The subscription ends when it is closed or when the system handle is
 * closed (after which a queue subscription still hands out what it holds, then reports the
 * end); its handle is closed with zlhcs_subscription_close() in every case. release (optional)
 * is called once with context when the subscription can call the callback no more: after it
 * is closed or its system handle is closed, once a callback call in progress has returned
 * (guarantee 1); for a queue subscription, when it ends or is closed.
 * Errors: ZLHCS_E_INVALID_HANDLE, ZLHCS_E_INVALID_ARGUMENT (mask 0, capacity above
 * ZLHCS_EVENT_QUEUE_MAX, out_subscription NULL).
 * @abi system:in event_mask:in queue_capacity:in callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_subscription:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_subscribe(
    zlhcs_system system, uint32_t event_mask, uint32_t queue_capacity,
    zlhcs_event_callback callback, void *context, zlhcs_release_callback release,
    zlhcs_subscription *out_subscription);

/** The same for a process's events (ZLHCS_EVENT_PROCESS_EXITED, ZLHCS_EVENT_SERVICE_DISCONNECT,
 * unknown ones).
 * @abi process:in event_mask:in queue_capacity:in callback:in,opt,callback context:in,opt,context
 * @abi release:in,opt,release out_subscription:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_subscribe(
    zlhcs_process process, uint32_t event_mask, uint32_t queue_capacity,
    zlhcs_event_callback callback, void *context, zlhcs_release_callback release,
    zlhcs_subscription *out_subscription);

/** Takes the next event of a queue subscription, waiting up to timeout_ms (0: never
 * blocks). ZLHCS_S_OK with *out_event set (free it with zlhcs_free(); its strings live in the
 * same block); ZLHCS_HCS_E_OPERATION_TIMEOUT if none came in time; ZLHCS_S_FALSE with
 * *out_event NULL once the subscription has ended (its system or process handle was closed)
 * and everything it held was taken. Several threads may call it at once: each event goes to
 * one of them, in order. Closing the subscription releases a waiting call with
 * ZLHCS_E_INVALID_HANDLE. Errors: ZLHCS_E_INVALID_HANDLE, ZLHCS_E_INVALID_STATE (a callback
 * subscription), ZLHCS_E_INVALID_ARGUMENT (out_event NULL).
 * @abi subscription:in timeout_ms:in out_event:out,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_next(
    zlhcs_subscription subscription, uint32_t timeout_ms, zlhcs_event **out_event);

/** An OS object that is signalled while a queue subscription has something to take (an
 * event, or its end), for callers with their own event loop: on Windows a manual-reset event
 * HANDLE (WaitForMultipleObjects), elsewhere a file descriptor that polls readable (poll,
 * epoll). Level-triggered: it stays signalled until zlhcs_subscription_next() has taken
 * everything. Owned by the subscription: do not close it, wait on it, read it or reset it
 * yourself; it is valid until zlhcs_subscription_close(). Errors: ZLHCS_E_INVALID_HANDLE,
 * ZLHCS_E_INVALID_STATE (a callback subscription), ZLHCS_E_INVALID_ARGUMENT.
 * @abi subscription:in out_os_handle:out,own=os_handle(subscription_close) */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_wait_handle(
    zlhcs_subscription subscription, uint64_t *out_os_handle);

/** Unsubscribes and closes the handle: the callback is not called again (guarantee 1), queued
 * events are dropped, a thread in zlhcs_subscription_next() returns ZLHCS_E_INVALID_HANDLE.
 * Errors: ZLHCS_E_INVALID_HANDLE.
 * @abi subscription:in */
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_subscription_close(
    zlhcs_subscription subscription);

/** Exit watches: operations that complete when the system or process exits, built on HCS's
 * exit events, so they work on every host (zlhcs_system_wait_exit() needs
 * HcsWaitForComputeSystemExit, which Windows Server 2019 lacks) and need no thread while they
 * wait. The exit is recorded when it happens, so a watch started after the exit completes at
 * once: it is never lost (the watch is then complete when this call returns, and its callback,
 * if any, is called on a zlhcs thread after this call returned).
 * The operation completes with ZLHCS_S_OK and the exit document (SystemExitStatus / ProcessStatus
 * JSON) as its result document; with ZLHCS_HCS_E_SERVICE_DISCONNECT if the service disconnects
 * first; with ZLHCS_E_INVALID_HANDLE if the system or process handle is closed first; with
 * ZLHCS_WIN32_E_CANCELLED if zlhcs_operation_cancel() is called (exit watches can be cancelled).
 * Everything else is as for any operation (callback on a zlhcs thread, release notifier, wait,
 * close; zlhcs_operation_inspect() says ZLHCS_OPERATION_KIND_EXIT_WATCH). Errors:
 * ZLHCS_E_INVALID_HANDLE, ZLHCS_E_INVALID_ARGUMENT (out_operation NULL).
 * @abi system:in callback:in,opt,callback context:in,opt,context release:in,opt,release
 * @abi out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit_async(
    zlhcs_system system, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);
/** @abi process:in callback:in,opt,callback context:in,opt,context release:in,opt,release
 * @abi out_operation:out,own=handle */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit_async(
    zlhcs_process process, zlhcs_operation_callback callback, void *context,
    zlhcs_release_callback release, zlhcs_operation *out_operation);

/* ---------------------------------------------------------------------------------------
 * Debugging: leak counters
 * ------------------------------------------------------------------------------------- */
/** What zlhcs holds for its caller right now, filled by zlhcs_debug_counts(). A program (or a
 * test suite) that has closed everything it opened, freed everything zlhcs handed it and let
 * its callbacks finish sees every member 0 (delivery threads retire within about a quarter of
 * a second of their last task). New members may be appended.
 * @abi struct:out */
typedef struct zlhcs_debug_counts_info {
    uint32_t struct_size;   /**< in: sizeof(zlhcs_debug_counts_info); out: the size filled */
    uint32_t reserved;      /**< out: 0 */
    uint64_t systems;       /**< out: zlhcs_system handles open */
    uint64_t processes;     /**< out: zlhcs_process handles open */
    uint64_t operations;    /**< out: zlhcs_operation handles open */
    uint64_t subscriptions; /**< out: zlhcs_subscription handles open */
    /** out: callback contexts zlhcs holds: given to a call that succeeded with a callback or a
     *  release notifier, and not yet released (see "Callback contexts and release notifiers"). */
    uint64_t contexts;
    /** out: memory handed to the caller (strings, documents, events) not yet passed to
     *  zlhcs_free(). */
    uint64_t strings;
    /** out: subscriptions alive inside zlhcs, with an open handle or not (one whose handle was
     *  closed lives until a delivery in progress ends). */
    uint64_t live_subscriptions;
    /** out: operations alive inside zlhcs (an operation whose handle was closed lives until
     *  HCS completes it: HCS cannot stop work). */
    uint64_t live_operations;
    /** out: zlhcs's delivery threads alive (they run event callbacks and completions that must
     *  not run on HCS's threads; idle ones retire). */
    uint64_t delivery_threads;
    /** out (from 0.9.0; ZLHCS_DEBUG_COUNTS_INFO_SIZE_V2): calls blocked right now in a wait
     *  inside zlhcs: zlhcs_operation_wait and every blocking form of an HCS call,
     *  zlhcs_system_wait_exit, zlhcs_process_wait_exit, zlhcs_process_stdio_read / _write,
     *  zlhcs_subscription_next, and a close waiting for a callback in progress to return. A
     *  watchdog sees a thread parked in zlhcs; a test knows that a call it started has
     *  reached its wait. */
    uint64_t waiting_calls;
    /** out (from 0.9.0): tasks queued for or running on the delivery threads (event
     *  callbacks, completion callbacks, exit watches, release notifiers). 0 while HCS has
     *  nothing in flight means no zlhcs callback is queued or running. */
    uint64_t queued_tasks;
} zlhcs_debug_counts_info;
#define ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1 80u
#define ZLHCS_DEBUG_COUNTS_INFO_SIZE_V2 96u

/** Fills *counts with zlhcs's leak counters (see zlhcs_debug_counts_info). A snapshot: each
 * member is read on its own, so a count may move while another is read. Any thread; never
 * loads a backend. Errors: ZLHCS_E_INVALID_ARGUMENT (NULL, or struct_size below
 * ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1).
 * @abi counts:inout,own=filled */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_debug_counts(
    zlhcs_debug_counts_info *counts);

/* ---------------------------------------------------------------------------------------
 * Schema validation
 *
 * HCS answers a document it does not like with a terse "the parameter is incorrect". zlhcs
 * validates a document against the HCS JSON schema (2.0 to 2.6, the official schema
 * reference, plus a few rules of zlhcs's own; docs/schema-validation.md) and reports EVERY
 * problem it finds, each with where (a JSON pointer), why, and since which schema version a
 * field or value exists. zlhcs_init_options.validation applies it to every create/modify
 * document before it reaches HCS.
 *
 * The report is a JSON document (UTF-8):
 *   {"Type": "ComputeSystem", "SchemaVersion": "2.1" or null,
 *    "SchemaVersionFrom": "caller" | "document" | "none", "Note": "..." (only when no version
 *    checks were made, saying why), "Valid": true if no error, "Errors": n, "Warnings": n,
 *    "Problems": [{"Path": "/Container/Storage/Layers/0/Path", "Severity": "error" |
 *      "warning", "Rule": "json" | "type" | "range" | "length" | "format" | "enum" |
 *      "required" | "any-of" | "unknown-field" | "since" | "version" | "depth" |
 *      "duplicate", "Message": "...", "Expected": "uint32" or ["Value", ...] (optional), "Actual": "..."
 *      (optional), "Suggestion": "..." (optional), "Since": "2.3" (optional)}, ...],
 *    "Truncated": true if more problems were found than listed (the count limit or the
 *    size bound)}
 * Problems come in document order; at most ZLHCS_SCHEMA_MAX_PROBLEMS are listed, while
 * Errors and Warnings count every problem found. The report is bounded: strings quoted in
 * Message and Actual, and each member name in a Path, are cut to 120 bytes at a character
 * boundary, "..." marking the cut; a Path over 512 bytes keeps its first and last segments
 * around a "/..." segment; and the list ends early (Truncated true) where the report would
 * pass 64 KiB plus 8 bytes per byte of the document, never passing 1 MiB. A member name
 * repeated in an object is one "duplicate" warning at its first occurrence, the only one
 * validated. A string escaping a lone surrogate and a number too large for a double are
 * malformed JSON (rule "json"). Members marked optional are left out when
 * they do not apply. New rules and new members may appear in later versions: ignore those you
 * do not know.
 *
 * The schema version in force: the one the caller names, else the document's own top-level
 * SchemaVersion {Major, Minor} when its type has that field (ComputeSystem), else none (no
 * version checks; "Note" says so). Fields and enum values newer than the version in force
 * are reported (rule "since"): errors against a version the caller names, warnings against
 * the document's own (HCS accepts those: hcsshim declares 2.1 and sends 2.2 fields). A
 * version newer than the newest this zlhcs knows is a warning.
 * ------------------------------------------------------------------------------------- */
/** The most problems a report lists. */
#define ZLHCS_SCHEMA_MAX_PROBLEMS 1000u

/** Optional parameters of zlhcs_schema_validate() (NULL: all defaults).
 * @abi struct:in schema_version:opt */
typedef struct zlhcs_schema_validate_options {
    uint32_t struct_size;        /**< sizeof(zlhcs_schema_validate_options) */
    uint32_t flags;              /**< 0 (none are defined yet) */
    /** The schema version to validate against, "2.<minor>" (e.g. "2.1"), overriding the
     *  document's own SchemaVersion; NULL to use the document's. */
    const char *schema_version;
} zlhcs_schema_validate_options;
#define ZLHCS_SCHEMA_VALIDATE_OPTIONS_SIZE_V1 16u

/** Validates `document` (UTF-8 JSON) as the HCS schema struct type named type_name (e.g.
 * "ComputeSystem", "ModifySettingRequest", "ProcessParameters"; exact spelling) and writes
 * the report (see "Schema validation" above) to *out_report.
 * Returns ZLHCS_S_OK when there is no problem, ZLHCS_S_FALSE when there are warnings only,
 * ZLHCS_E_SCHEMA_INVALID when there is at least one error (malformed JSON included, as rule
 * "json"); the report is written in all three cases (a failure, so ZLHCS_E_SCHEMA_INVALID is
 * also the thread's last error, with a summary message and the report as result_document).
 * out_report is optional (NULL: not wanted); a non-NULL *out_report is freed with
 * zlhcs_free(). Any thread; no backend is loaded (validation never calls HCS).
 * Errors (nothing validated, *out_report NULL): ZLHCS_E_INVALID_ARGUMENT (type_name or
 * document NULL; a type_name the schema does not have, with the nearest struct name in the
 * message; options with a bad struct_size, unknown flags, or a schema_version that is not
 * "2.<minor>"), ZLHCS_E_INVALID_UTF8, ZLHCS_E_TOO_LARGE (a document over
 * ZLHCS_MAX_INPUT_BYTES), ZLHCS_E_NOT_SUPPORTED (options larger than this zlhcs knows with a
 * non-zero tail), ZLHCS_E_OUT_OF_MEMORY.
 * @abi type_name:in document:in options:in,opt out_report:out,opt,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_schema_validate(
    const char *type_name, const char *document, const zlhcs_schema_validate_options *options,
    char **out_report);

/** What this zlhcs knows of the schema, as JSON: {"LatestSchemaVersion": "2.6", "Types":
 * ["Attachment", ...]} (the struct types zlhcs_schema_validate() accepts, sorted). A newer
 * zlhcs may know a newer version and more types. *out_info is freed with zlhcs_free().
 * Errors: ZLHCS_E_INVALID_ARGUMENT (out_info NULL).
 * @abi out_info:out,own=free */
ZLHCS_NODISCARD ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_schema_info(char **out_info);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* The function table and a function-pointer type for every export (generated). */
#include <zlhcs/zlhcs_api.h>

#endif /* ZLHCS_ZLHCS_H */
