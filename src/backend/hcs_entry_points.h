// X-macro list of the computecore.dll entry points zlhcs resolves, with their exact
// signatures (computecore.h). Used to declare hcsim's exports, to build the backend table and
// to name a missing entry point in errors. Order is irrelevant; names are what get resolved.
//
// HCS_ENTRY(return type, name, (parameter list))
#pragma once
#include "hcs_types.h"

#define HCS_ENTRY_POINTS(HCS_ENTRY)                                                            \
    HCS_ENTRY(HCS_OPERATION, HcsCreateOperation,                                               \
              (const void *context, HCS_OPERATION_COMPLETION callback))                        \
    HCS_ENTRY(void, HcsCloseOperation, (HCS_OPERATION operation))                              \
    HCS_ENTRY(void *, HcsGetOperationContext, (HCS_OPERATION operation))                       \
    HCS_ENTRY(HRESULT, HcsSetOperationContext, (HCS_OPERATION operation, const void *context)) \
    HCS_ENTRY(HCS_SYSTEM, HcsGetComputeSystemFromOperation, (HCS_OPERATION operation))         \
    HCS_ENTRY(HCS_PROCESS, HcsGetProcessFromOperation, (HCS_OPERATION operation))             \
    HCS_ENTRY(HCS_OPERATION_TYPE, HcsGetOperationType, (HCS_OPERATION operation))             \
    HCS_ENTRY(UINT64, HcsGetOperationId, (HCS_OPERATION operation))                            \
    HCS_ENTRY(HRESULT, HcsGetOperationResult, (HCS_OPERATION operation, PWSTR *resultDocument)) \
    HCS_ENTRY(HRESULT, HcsGetOperationResultAndProcessInfo,                                    \
              (HCS_OPERATION operation, HCS_PROCESS_INFORMATION *processInformation,           \
               PWSTR *resultDocument))                                                         \
    HCS_ENTRY(HRESULT, HcsWaitForOperationResult,                                              \
              (HCS_OPERATION operation, DWORD timeoutMs, PWSTR *resultDocument))               \
    HCS_ENTRY(HRESULT, HcsWaitForOperationResultAndProcessInfo,                                \
              (HCS_OPERATION operation, DWORD timeoutMs,                                       \
               HCS_PROCESS_INFORMATION *processInformation, PWSTR *resultDocument))            \
    HCS_ENTRY(HRESULT, HcsSetOperationCallback,                                                \
              (HCS_OPERATION operation, const void *context,                                   \
               HCS_OPERATION_COMPLETION callback))                                             \
    HCS_ENTRY(HRESULT, HcsCancelOperation, (HCS_OPERATION operation))                          \
    HCS_ENTRY(HRESULT, HcsEnumerateComputeSystems, (PCWSTR query, HCS_OPERATION operation))    \
    HCS_ENTRY(HRESULT, HcsEnumerateComputeSystemsInNamespace,                                  \
              (PCWSTR idNamespace, PCWSTR query, HCS_OPERATION operation))                     \
    HCS_ENTRY(HRESULT, HcsCreateComputeSystem,                                                 \
              (PCWSTR id, PCWSTR configuration, HCS_OPERATION operation,                       \
               const SECURITY_DESCRIPTOR *securityDescriptor, HCS_SYSTEM *computeSystem))      \
    HCS_ENTRY(HRESULT, HcsCreateComputeSystemInNamespace,                                      \
              (PCWSTR idNamespace, PCWSTR id, PCWSTR configuration, HCS_OPERATION operation,   \
               const HCS_CREATE_OPTIONS *options, HCS_SYSTEM *computeSystem))                  \
    HCS_ENTRY(HRESULT, HcsOpenComputeSystem,                                                   \
              (PCWSTR id, DWORD requestedAccess, HCS_SYSTEM *computeSystem))                   \
    HCS_ENTRY(HRESULT, HcsOpenComputeSystemInNamespace,                                        \
              (PCWSTR idNamespace, PCWSTR id, DWORD requestedAccess, HCS_SYSTEM *computeSystem)) \
    HCS_ENTRY(void, HcsCloseComputeSystem, (HCS_SYSTEM computeSystem))                         \
    HCS_ENTRY(HRESULT, HcsStartComputeSystem,                                                  \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsShutDownComputeSystem,                                               \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsTerminateComputeSystem,                                              \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsCrashComputeSystem,                                                  \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsPauseComputeSystem,                                                  \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsResumeComputeSystem,                                                 \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsSaveComputeSystem,                                                   \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR options))             \
    HCS_ENTRY(HRESULT, HcsGetComputeSystemProperties,                                          \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR propertyQuery))       \
    HCS_ENTRY(HRESULT, HcsModifyComputeSystem,                                                 \
              (HCS_SYSTEM computeSystem, HCS_OPERATION operation, PCWSTR configuration,        \
               HANDLE identity))                                                               \
    HCS_ENTRY(HRESULT, HcsWaitForComputeSystemExit,                                            \
              (HCS_SYSTEM computeSystem, DWORD timeoutMs, PWSTR *result))                      \
    HCS_ENTRY(HRESULT, HcsSetComputeSystemCallback,                                            \
              (HCS_SYSTEM computeSystem, HCS_EVENT_OPTIONS callbackOptions,                    \
               const void *context, HCS_EVENT_CALLBACK callback))                              \
    HCS_ENTRY(HRESULT, HcsGetServiceProperties, (PCWSTR propertyQuery, PWSTR *result))         \
    HCS_ENTRY(HRESULT, HcsCreateProcess,                                                       \
              (HCS_SYSTEM computeSystem, PCWSTR processParameters, HCS_OPERATION operation,    \
               const SECURITY_DESCRIPTOR *securityDescriptor, HCS_PROCESS *process))           \
    HCS_ENTRY(HRESULT, HcsOpenProcess,                                                         \
              (HCS_SYSTEM computeSystem, DWORD processId, DWORD requestedAccess,               \
               HCS_PROCESS *process))                                                          \
    HCS_ENTRY(void, HcsCloseProcess, (HCS_PROCESS process))                                    \
    HCS_ENTRY(HRESULT, HcsTerminateProcess,                                                    \
              (HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options))                  \
    HCS_ENTRY(HRESULT, HcsSignalProcess,                                                       \
              (HCS_PROCESS process, HCS_OPERATION operation, PCWSTR options))                  \
    HCS_ENTRY(HRESULT, HcsGetProcessInfo, (HCS_PROCESS process, HCS_OPERATION operation))      \
    HCS_ENTRY(HRESULT, HcsGetProcessProperties,                                                \
              (HCS_PROCESS process, HCS_OPERATION operation, PCWSTR propertyQuery))            \
    HCS_ENTRY(HRESULT, HcsModifyProcess,                                                       \
              (HCS_PROCESS process, HCS_OPERATION operation, PCWSTR settings))                 \
    HCS_ENTRY(HRESULT, HcsSetProcessCallback,                                                  \
              (HCS_PROCESS process, HCS_EVENT_OPTIONS callbackOptions, void *context,          \
               HCS_EVENT_CALLBACK callback))                                                   \
    HCS_ENTRY(HRESULT, HcsWaitForProcessExit,                                                  \
              (HCS_PROCESS process, DWORD timeoutMs, PWSTR *result))
