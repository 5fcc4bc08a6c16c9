// A deliberately incomplete HCS backend for zlhcs_core_tests (missing_entry_point_test.cpp).
//
// It exports only the core entry points zlhcs requires of any backend (src/backend/backend.hpp:
// the operation basics and HcsCreateComputeSystem/HcsOpenComputeSystem/HcsCloseComputeSystem),
// so zlhcs accepts it and can create a system through it, while every other computecore entry
// point (start, properties, enumerate, wait-for-exit, service properties, cancel...) is
// missing: the situation of an older Windows host that lacks newer entry points.
#include "backend/hcs_types.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
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

// One completion thread for the whole process, as HCS completes on a pool of long-lived
// threads. (A thread started per completion made Wine lose a thread start now and then: one
// created while the previous one was exiting never ran.)
void complete_later(std::function<void()> work) {
    struct queue {
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<std::function<void()>> items;
    };
    static queue* const shared = [] {
        auto* q = new queue;  // never destroyed: the thread outlives static destruction
        std::thread([q] {
            for (;;) {
                std::function<void()> next;
                {
                    std::unique_lock lock(q->mutex);
                    q->ready.wait(lock, [q] { return !q->items.empty(); });
                    next = std::move(q->items.front());
                    q->items.pop_front();
                }
                next();
            }
        }).detach();
        return q;
    }();
    {
        std::lock_guard lock(shared->mutex);
        shared->items.push_back(std::move(work));
    }
    shared->ready.notify_one();
}
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
    if (callback != nullptr) complete_later([operation, callback, context] { callback(operation, context); });
    return S_OK;
}

// Knows no system by id (the stub keeps no registry).
STUB_EXPORT HRESULT WINAPI HcsOpenComputeSystem(PCWSTR, DWORD, HCS_SYSTEM* compute_system) {
    if (compute_system == nullptr) return E_POINTER;
    *compute_system = nullptr;
    return HCS_E_SYSTEM_NOT_FOUND;
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
