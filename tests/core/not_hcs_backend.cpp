// A library that is not an HCS backend although it exports a few computecore names: it has
// HcsCreateOperation, HcsCloseOperation and HcsCreateComputeSystem, and lacks the other core
// entry points (HcsGetOperationResult, HcsOpenComputeSystem, HcsCloseComputeSystem). zlhcs
// must refuse it as a backend, name exactly those three, and unload it
// (backend_refusal_test.cpp); backend_pin_test.cpp also uses it as a library that unloads.
//
// Nothing here is ever called by a correct zlhcs. It keeps no state and starts no thread, and
// has no C++ statics (a GNU unique symbol would make it impossible to unload natively).
#include "backend/hcs_types.h"

#ifdef _WIN32
#define NOT_HCS_EXPORT extern "C" __declspec(dllexport)
#else
#define NOT_HCS_EXPORT extern "C" __attribute__((visibility("default")))
#endif

NOT_HCS_EXPORT HCS_OPERATION WINAPI HcsCreateOperation(const void*, HCS_OPERATION_COMPLETION) {
    return nullptr;
}

NOT_HCS_EXPORT void WINAPI HcsCloseOperation(HCS_OPERATION) {}

NOT_HCS_EXPORT HRESULT WINAPI HcsCreateComputeSystem(PCWSTR, PCWSTR, HCS_OPERATION,
                                                     const SECURITY_DESCRIPTOR*,
                                                     HCS_SYSTEM* compute_system) {
    if (compute_system != nullptr) *compute_system = nullptr;
    return E_NOTIMPL;
}
