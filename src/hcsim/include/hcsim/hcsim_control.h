// hcsim's test-only control surface, exported by the simulator library beside the
// computecore.dll entry points. Tests resolve these by name from the loaded backend module
// (see tests/common/hcsim_client.h), so they drive the very instance zlhcs loaded, also under
// Wine where that instance is C:\windows\system32\computecore.dll.
//
// All functions are thread-safe. Names are stable; the library's own HCS semantics do not
// depend on any of them being called.
#pragma once
#include <stdint.h>

#include "../../../backend/hcs_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define HCSIM_API __declspec(dllexport)
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
} hcsim_live_objects;

/** Ends every process (exit code 1; waits for and joins their threads) and forgets every
 *  process, system, fault, latency and the disconnected state. Open handles stay valid
 *  objects (a system handle's system is gone: calls on it fail with HCS_E_SYSTEM_NOT_FOUND;
 *  a process handle reports its process as exited). */
HCSIM_API HRESULT WINAPI HcsimReset(void);

/** The next `count` calls of the entry point named `function` (e.g. "HcsStartComputeSystem")
 *  fail with `failure`, shown as `mode` says. count 0 clears the fault.
 *  E_INVALIDARG for an unknown name or a non-failure HRESULT. */
HCSIM_API HRESULT WINAPI HcsimFailNextCalls(const char *function, uint32_t count,
                                            HRESULT failure, uint32_t mode);

/** Every operation started through `function` (NULL: every entry point) completes no sooner
 *  than `milliseconds` after it starts. 0 removes the latency. */
HCSIM_API HRESULT WINAPI HcsimSetLatency(const char *function, uint32_t milliseconds);

/** Simulates the service going away (disconnected != 0) or coming back. While disconnected,
 *  every entry point fails with HCS_E_SERVICE_DISCONNECT, pending operations complete with
 *  it, and registered system callbacks receive HcsEventServiceDisconnect once. */
HCSIM_API HRESULT WINAPI HcsimSetServiceDisconnected(uint32_t disconnected);

/** Fills *counts. E_INVALIDARG if counts is NULL or struct_size is too small. */
HCSIM_API HRESULT WINAPI HcsimGetLiveObjects(hcsim_live_objects *counts);

#ifdef __cplusplus
}
#endif
