// A deliberately incomplete HCS backend for zlhcs_core_tests (test_missing_entry_point.cpp).
//
// It exports only the operation basics and HcsCreateComputeSystem/HcsCloseComputeSystem, so
// zlhcs can create a system through it, while every other computecore entry point (start,
// open, properties, enumerate, wait-for-exit, service properties, cancel...) is missing: the
// situation of an older Windows host that lacks newer entry points.
#include "backend/hcs_types.h"

#include <thread>

#ifdef _WIN32
#define STUB_EXPORT extern "C" __declspec(dllexport)
#else
#define STUB_EXPORT extern "C" __attribute__((visibility("default")))
#endif

namespace {
struct stub_operation {
    const void* context;
    HCS_OPERATION_COMPLETION callback;
};
struct stub_system {
    int unused;
};
}  // namespace

STUB_EXPORT HCS_OPERATION WINAPI HcsCreateOperation(const void* context,
                                                    HCS_OPERATION_COMPLETION callback) {
    return reinterpret_cast<HCS_OPERATION>(new stub_operation{context, callback});
}

STUB_EXPORT void WINAPI HcsCloseOperation(HCS_OPERATION operation) {
    delete reinterpret_cast<stub_operation*>(operation);
}

STUB_EXPORT HRESULT WINAPI HcsGetOperationResult(HCS_OPERATION, PWSTR* result_document) {
    if (result_document != nullptr) *result_document = nullptr;
    return S_OK;
}

STUB_EXPORT HRESULT WINAPI HcsCreateComputeSystem(PCWSTR, PCWSTR, HCS_OPERATION operation,
                                                  const SECURITY_DESCRIPTOR*,
                                                  HCS_SYSTEM* compute_system) {
    if (operation == nullptr || compute_system == nullptr) return E_INVALIDARG;
    *compute_system = reinterpret_cast<HCS_SYSTEM>(new stub_system{0});
    auto* op = reinterpret_cast<stub_operation*>(operation);
    const HCS_OPERATION_COMPLETION callback = op->callback;
    void* context = const_cast<void*>(op->context);
    // Completes on another thread, as HCS does; nothing of `op` is touched after the callback.
    std::thread([operation, callback, context] {
        if (callback != nullptr) callback(operation, context);
    }).detach();
    return S_OK;
}

STUB_EXPORT void WINAPI HcsCloseComputeSystem(HCS_SYSTEM compute_system) {
    delete reinterpret_cast<stub_system*>(compute_system);
}

#ifndef _WIN32
// Off Windows zlhcs frees backend strings through the backend's LocalFree.
STUB_EXPORT void* WINAPI LocalFree(void* memory) {
    ::operator delete(memory);
    return nullptr;
}
#endif
