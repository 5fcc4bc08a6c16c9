// The HCS types and entry-point signatures (computedefs.h / computecore.h), portable.
//
// On Windows this is the SDK's own definitions. Elsewhere (where hcsim is the only HCS) the
// same names are declared with the same sizes: WCHAR is a 16-bit UTF-16 code unit, HRESULT a
// 32-bit signed integer, handles opaque pointers. Code on both sides of the backend table (the
// zlhcs core and hcsim) includes this header and nothing platform-specific for HCS.
#pragma once

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <computedefs.h>
#else
#include <stdint.h>

typedef int32_t HRESULT;
typedef uint32_t DWORD;
typedef uint64_t UINT64;
typedef int BOOL;
typedef void *HANDLE;
#ifdef __cplusplus
typedef char16_t WCHAR;
#else
typedef uint16_t WCHAR;
#endif
typedef WCHAR *PWSTR;
typedef const WCHAR *PCWSTR;
typedef struct SECURITY_DESCRIPTOR SECURITY_DESCRIPTOR; /* opaque; never dereferenced */
#define WINAPI
#define CALLBACK
#define S_OK ((HRESULT)0)
#define S_FALSE ((HRESULT)1)
#define E_INVALIDARG ((HRESULT)0x80070057u)
#define E_POINTER ((HRESULT)0x80004003u)
#define E_OUTOFMEMORY ((HRESULT)0x8007000Eu)
#define E_HANDLE ((HRESULT)0x80070006u)
#define E_FAIL ((HRESULT)0x80004005u)
#define E_NOTIMPL ((HRESULT)0x80004001u)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define INFINITE 0xFFFFFFFFu
#define GENERIC_ALL 0x10000000u

typedef struct HCS_SYSTEM__ *HCS_SYSTEM;
typedef struct HCS_PROCESS__ *HCS_PROCESS;
typedef struct HCS_OPERATION__ *HCS_OPERATION;
typedef struct HCS_CALLBACK__ *HCS_CALLBACK;

typedef enum HCS_OPERATION_TYPE {
    HcsOperationTypeNone = -1,
    HcsOperationTypeEnumerate = 0,
    HcsOperationTypeCreate = 1,
    HcsOperationTypeStart = 2,
    HcsOperationTypeShutdown = 3,
    HcsOperationTypePause = 4,
    HcsOperationTypeResume = 5,
    HcsOperationTypeSave = 6,
    HcsOperationTypeTerminate = 7,
    HcsOperationTypeModify = 8,
    HcsOperationTypeGetProperties = 9,
    HcsOperationTypeCreateProcess = 10,
    HcsOperationTypeSignalProcess = 11,
    HcsOperationTypeGetProcessInfo = 12,
    HcsOperationTypeGetProcessProperties = 13,
    HcsOperationTypeModifyProcess = 14,
    HcsOperationTypeCrash = 15
} HCS_OPERATION_TYPE;

#define HCS_INVALID_OPERATION_ID ((UINT64)(-1))

typedef void(CALLBACK *HCS_OPERATION_COMPLETION)(HCS_OPERATION operation, void *context);

typedef enum HCS_EVENT_TYPE {
    HcsEventInvalid = 0x00000000,
    HcsEventSystemExited = 0x00000001,
    HcsEventSystemCrashInitiated = 0x00000002,
    HcsEventSystemCrashReport = 0x00000003,
    HcsEventSystemRdpEnhancedModeStateChanged = 0x00000004,
    HcsEventSystemSiloJobCreated = 0x00000005,
    HcsEventSystemGuestConnectionClosed = 0x00000006,
    HcsEventProcessExited = 0x00010000,
    HcsEventOperationCallback = 0x01000000,
    HcsEventServiceDisconnect = 0x02000000
} HCS_EVENT_TYPE;

typedef struct HCS_EVENT {
    HCS_EVENT_TYPE Type;
    PCWSTR EventData;
    HCS_OPERATION Operation;
} HCS_EVENT;

typedef enum HCS_EVENT_OPTIONS {
    HcsEventOptionNone = 0x00000000,
    HcsEventOptionEnableOperationCallbacks = 0x00000001,
    HcsEventOptionEnableLiveMigrationEvents = 0x00000004 /* newer SDKs (hcsshim types.go) */
} HCS_EVENT_OPTIONS;

typedef void(CALLBACK *HCS_EVENT_CALLBACK)(HCS_EVENT *event, void *context);

typedef struct HCS_PROCESS_INFORMATION {
    DWORD ProcessId;
    DWORD Reserved;
    HANDLE StdInput;
    HANDLE StdOutput;
    HANDLE StdError;
} HCS_PROCESS_INFORMATION;

/* The options of HcsCreateComputeSystemInNamespace (computedefs.h; the reference's
 * HCS_CREATE_OPTIONS.md): the function takes a pointer to the version field, which is the
 * first member of the versioned struct it names. */
typedef enum HCS_CREATE_OPTIONS {
    HcsCreateOptions_1 = 0x00010000
} HCS_CREATE_OPTIONS;

typedef struct {
    HCS_CREATE_OPTIONS Version;
    HANDLE UserToken;
    SECURITY_DESCRIPTOR *SecurityDescriptor;
    HCS_EVENT_OPTIONS CallbackOptions;
    void *CallbackContext;
    HCS_EVENT_CALLBACK Callback;
} HCS_CREATE_OPTIONS_1;
#endif /* !_WIN32 */

/* The HCS_E_* codes (HCSHResult.md) under their SDK names, for both sides of the table. */
#define HCSIM_HR(x) ((HRESULT)(x))
#ifndef HCS_E_TERMINATED_DURING_START
#define HCS_E_TERMINATED_DURING_START HCSIM_HR(0x80370100u)
#define HCS_E_IMAGE_MISMATCH HCSIM_HR(0x80370101u)
#define HCS_E_HYPERV_NOT_INSTALLED HCSIM_HR(0x80370102u)
#define HCS_E_INVALID_STATE HCSIM_HR(0x80370105u)
#define HCS_E_UNEXPECTED_EXIT HCSIM_HR(0x80370106u)
#define HCS_E_TERMINATED HCSIM_HR(0x80370107u)
#define HCS_E_CONNECT_FAILED HCSIM_HR(0x80370108u)
#define HCS_E_CONNECTION_TIMEOUT HCSIM_HR(0x80370109u)
#define HCS_E_CONNECTION_CLOSED HCSIM_HR(0x8037010Au)
#define HCS_E_UNKNOWN_MESSAGE HCSIM_HR(0x8037010Bu)
#define HCS_E_UNSUPPORTED_PROTOCOL_VERSION HCSIM_HR(0x8037010Cu)
#define HCS_E_INVALID_JSON HCSIM_HR(0x8037010Du)
#define HCS_E_SYSTEM_NOT_FOUND HCSIM_HR(0x8037010Eu)
#define HCS_E_SYSTEM_ALREADY_EXISTS HCSIM_HR(0x8037010Fu)
#define HCS_E_SYSTEM_ALREADY_STOPPED HCSIM_HR(0x80370110u)
#define HCS_E_PROTOCOL_ERROR HCSIM_HR(0x80370111u)
#define HCS_E_INVALID_LAYER HCSIM_HR(0x80370112u)
#define HCS_E_WINDOWS_INSIDER_REQUIRED HCSIM_HR(0x80370113u)
#define HCS_E_SERVICE_NOT_AVAILABLE HCSIM_HR(0x80370114u)
#define HCS_E_OPERATION_NOT_STARTED HCSIM_HR(0x80370115u)
#define HCS_E_OPERATION_ALREADY_STARTED HCSIM_HR(0x80370116u)
#define HCS_E_OPERATION_PENDING HCSIM_HR(0x80370117u)
#define HCS_E_OPERATION_TIMEOUT HCSIM_HR(0x80370118u)
#define HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET HCSIM_HR(0x80370119u)
#define HCS_E_OPERATION_RESULT_ALLOCATION_FAILED HCSIM_HR(0x8037011Au)
#define HCS_E_ACCESS_DENIED HCSIM_HR(0x8037011Bu)
#define HCS_E_GUEST_CRITICAL_ERROR HCSIM_HR(0x8037011Cu)
#define HCS_E_PROCESS_INFO_NOT_AVAILABLE HCSIM_HR(0x8037011Du)
#define HCS_E_SERVICE_DISCONNECT HCSIM_HR(0x8037011Eu)
#define HCS_E_PROCESS_ALREADY_STOPPED HCSIM_HR(0x8037011Fu)
#endif
/** HRESULT_FROM_WIN32(ERROR_CANCELLED): the result of a cancelled operation. */
#define HCSIM_E_CANCELLED HCSIM_HR(0x800704C7u)
