// Test helper: the control surface of the hcsim instance that zlhcs actually loaded.
//
// It asks zlhcs for its backend's path and looks the Hcsim* exports up in that already loaded
// module, so natively and under Wine (where the backend is system32\computecore.dll) a test
// drives the very simulator behind the DLL under test.
#pragma once

#include <zlhcs/zlhcs.h>

#include <stdexcept>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include "hcsim/hcsim_control.h"

namespace zlhcs_test {

class hcsim_client {
public:
    using reset_fn = HRESULT(WINAPI*)();
    using fail_next_fn = HRESULT(WINAPI*)(const char*, uint32_t, HRESULT, uint32_t);
    using set_latency_fn = HRESULT(WINAPI*)(const char*, uint32_t);
    using set_disconnected_fn = HRESULT(WINAPI*)(uint32_t);
    using live_objects_fn = HRESULT(WINAPI*)(hcsim_live_objects*);

    reset_fn reset = nullptr;
    fail_next_fn fail_next_calls = nullptr;
    set_latency_fn set_latency = nullptr;
    set_disconnected_fn set_service_disconnected = nullptr;
    live_objects_fn get_live_objects = nullptr;

    /// The client of the backend zlhcs has loaded (initialising the default one if needed).
    static const hcsim_client& instance() {
        static const hcsim_client client;
        return client;
    }

    hcsim_live_objects live_objects() const {
        hcsim_live_objects counts{};
        counts.struct_size = sizeof counts;
        if (get_live_objects(&counts) != 0) throw std::runtime_error("HcsimGetLiveObjects failed");
        return counts;
    }

private:
    hcsim_client() {
        char* path = nullptr;
        if (zlhcs_backend_path(&path) != 0) throw std::runtime_error("zlhcs_backend_path failed");
        const std::string backend = path;
        zlhcs_free(path);
#ifdef _WIN32
        const int wide_length = MultiByteToWideChar(CP_UTF8, 0, backend.c_str(), -1, nullptr, 0);
        std::wstring wide(static_cast<size_t>(wide_length), L'\0');
        MultiByteToWideChar(CP_UTF8, 0, backend.c_str(), -1, wide.data(), wide_length);
        HMODULE module = GetModuleHandleW(wide.c_str());
        if (module == nullptr) throw std::runtime_error("backend module not loaded: " + backend);
        auto lookup = [module](const char* name) {
            return reinterpret_cast<void*>(GetProcAddress(module, name));
        };
#else
        void* module = dlopen(backend.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (module == nullptr) throw std::runtime_error("backend module not loaded: " + backend);
        auto lookup = [module](const char* name) { return dlsym(module, name); };
#endif
        resolve(reset, lookup, "HcsimReset");
        resolve(fail_next_calls, lookup, "HcsimFailNextCalls");
        resolve(set_latency, lookup, "HcsimSetLatency");
        resolve(set_service_disconnected, lookup, "HcsimSetServiceDisconnected");
        resolve(get_live_objects, lookup, "HcsimGetLiveObjects");
    }

    template <typename Fn, typename Lookup>
    static void resolve(Fn& fn, Lookup& lookup, const char* name) {
        void* address = lookup(name);
        if (address == nullptr) throw std::runtime_error(std::string("backend lacks ") + name);
        fn = reinterpret_cast<Fn>(address);
    }
};

}  // namespace zlhcs_test
