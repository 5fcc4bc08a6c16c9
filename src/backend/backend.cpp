#include "backend.hpp"

#include "../core/caller_struct.hpp"
#include "../core/errors.hpp"

#include <zlhcs_common/utf.hpp>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace zlhcs::backend {
namespace {

std::mutex load_mutex;
// Written once under load_mutex and deliberately never freed, not even at exit: HCS (and
// hcsim's worker threads) may still be completing operations through it while static
// destructors run, and a process-lifetime backend is what zlhcs_init promises anyway.
const table* loaded = nullptr;
std::atomic<const table*> published{nullptr};

#ifdef _WIN32
using module_handle = HMODULE;

std::string module_file_name(HMODULE module) {
    std::wstring buffer(MAX_PATH, L'\0');
    for (;;) {
        const DWORD length = GetModuleFileNameW(module, buffer.data(), static_cast<DWORD>(buffer.size()));
        if (length == 0) return {};
        if (length < buffer.size()) {
            buffer.resize(length);
            break;
        }
        buffer.resize(buffer.size() * 2);
    }
    return common::utf16_to_utf8(buffer).value_or(std::string());
}

bool is_absolute(const std::string& path) {
    const bool drive = path.size() >= 3 && path[1] == ':' && (path[2] == '\\' || path[2] == '/');
    const bool unc = path.size() >= 2 && (path[0] == '\\' || path[0] == '/') &&
                     (path[1] == '\\' || path[1] == '/');
    return drive || unc;
}

zlhcs_hresult open_module(const zlhcs_init_options& options, module_handle& module,
                          std::string& error) {
    if (options.backend == ZLHCS_BACKEND_DEFAULT) {
        // System32 only: a computecore.dll planted beside the executable is never considered.
        module = LoadLibraryExW(L"computecore.dll", nullptr, LOAD_LIBRARY_SEARCH_SYSTEM32);
    } else {
        auto wide = common::utf8_to_utf16(options.backend_path);
        if (!wide) return ZLHCS_E_INVALID_UTF8;
        module = LoadLibraryExW(wide->c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
    }
    if (module == nullptr) {
        error = "LoadLibraryExW failed with Win32 error " + std::to_string(GetLastError());
        return ZLHCS_E_BACKEND_UNAVAILABLE;
    }
    return ZLHCS_S_OK;
}

void* lookup(module_handle module, const char* name) {
    return reinterpret_cast<void*>(GetProcAddress(module, name));
}

void close_module(module_handle module) { FreeLibrary(module); }

std::string display_path(const zlhcs_init_options& options, module_handle module) {
    std::string path = module_file_name(module);
    if (!path.empty()) return path;
    return options.backend_path != nullptr ? options.backend_path : "computecore.dll";
}

// HCS now holds pointers into zlhcs.dll (completion and event callbacks): FreeLibrary must
// never unload it from under them, whoever loaded it. Pinned for the process's lifetime.
void pin_self() {
    HMODULE self = nullptr;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       reinterpret_cast<LPCWSTR>(&pin_self), &self);
}
#else
using module_handle = void*;

bool is_absolute(const std::string& path) { return !path.empty() && path[0] == '/'; }

// Off Windows the default backend is hcsim, installed beside this library.
std::string default_backend_path() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&default_backend_path), &info) == 0 ||
        info.dli_fname == nullptr) {
        return "libhcsim.so";
    }
    std::string self = info.dli_fname;
    const auto slash = self.rfind('/');
    return (slash == std::string::npos ? std::string() : self.substr(0, slash + 1)) + "libhcsim.so";
}

zlhcs_hresult open_module(const zlhcs_init_options& options, module_handle& module,
                          std::string& error) {
    const std::string path = options.backend == ZLHCS_BACKEND_DEFAULT ? default_backend_path()
                                                                      : options.backend_path;
    module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) {
        const char* reason = dlerror();
        error = std::string("dlopen failed: ") + (reason != nullptr ? reason : "unknown reason");
        return ZLHCS_E_BACKEND_UNAVAILABLE;
    }
    return ZLHCS_S_OK;
}

void* lookup(module_handle module, const char* name) { return dlsym(module, name); }

void close_module(module_handle module) { dlclose(module); }

std::string display_path(const zlhcs_init_options& options, module_handle) {
    return options.backend == ZLHCS_BACKEND_DEFAULT ? default_backend_path() : options.backend_path;
}

// libzlhcs.so is linked with -z nodelete (src/CMakeLists.txt): dlclose never unloads it, so
// HCS's pointers to its callbacks stay valid. Nothing to do at run time.
void pin_self() {}

std::string module_file_name(module_handle module, void* any_symbol) {
    Dl_info info{};
    if (any_symbol != nullptr && dladdr(any_symbol, &info) != 0 && info.dli_fname != nullptr) {
        char resolved[4096];
        if (realpath(info.dli_fname, resolved) != nullptr) return resolved;
        return info.dli_fname;
    }
    (void)module;
    return {};
}
#endif

bool same_request(const table& current, const zlhcs_init_options& options) {
    if (current.kind != options.backend || current.validation != options.validation) return false;
    return options.backend == ZLHCS_BACKEND_DEFAULT || current.requested_path == options.backend_path;
}

constexpr std::uint32_t known_validation_bits = ZLHCS_VALIDATE_DOCUMENTS | ZLHCS_VALIDATE_STRICT;

zlhcs_hresult validate(const zlhcs_init_options* options, zlhcs_init_options& out) {
    out = zlhcs_init_options{sizeof(zlhcs_init_options), ZLHCS_BACKEND_DEFAULT, nullptr, 0, 0};
    if (options == nullptr) return ZLHCS_S_OK;
    // A v1 caller's 16-byte struct ends before validation: it reads as 0 (none).
    if (const zlhcs_hresult hr = core::read_caller_struct<zlhcs_init_options>(
            options, ZLHCS_INIT_OPTIONS_SIZE_V1, "zlhcs_init_options", out);
        hr < 0) {
        return hr;
    }
    if ((out.validation & ~known_validation_bits) != 0) {
        char bits[16];
        std::snprintf(bits, sizeof bits, "0x%X", static_cast<unsigned>(out.validation & ~known_validation_bits));
        return core::fail(ZLHCS_E_INVALID_ARGUMENT, std::string("zlhcs_init_options.validation has unknown bits (") +
                                                        bits + "): only ZLHCS_VALIDATE_DOCUMENTS and "
                                                               "ZLHCS_VALIDATE_STRICT exist");
    }
    if (out.reserved != 0) return core::fail(ZLHCS_E_INVALID_ARGUMENT, "zlhcs_init_options.reserved must be 0");
    // STRICT implies DOCUMENTS: one spelling per request, so that equal requests compare equal.
    if ((out.validation & ZLHCS_VALIDATE_STRICT) != 0) out.validation |= ZLHCS_VALIDATE_DOCUMENTS;
    if (out.backend == ZLHCS_BACKEND_DEFAULT) {
        out.backend_path = nullptr;
        return ZLHCS_S_OK;
    }
    if (out.backend != ZLHCS_BACKEND_PATH) {
        return core::fail(ZLHCS_E_INVALID_ARGUMENT,
                          "unknown backend kind " + std::to_string(out.backend));
    }
    if (out.backend_path == nullptr || !is_absolute(out.backend_path)) {
        return core::fail(ZLHCS_E_INVALID_ARGUMENT,
                          "backend_path must be an absolute path (relative paths would be "
                          "searched for, and could load a planted library)");
    }
    if (!common::utf8_to_utf16(out.backend_path)) {
        return core::fail(ZLHCS_E_INVALID_UTF8, "backend_path is not valid UTF-8");
    }
    return ZLHCS_S_OK;
}

}  // namespace

std::string missing_core_entry_points(const table& backend) {
    std::string missing;
#define ZLHCS_CHECK_CORE_ENTRY(name)          \
    if (backend.name == nullptr) {            \
        if (!missing.empty()) missing += ", "; \
        missing += #name;                     \
    }
    ZLHCS_CORE_ENTRY_POINTS(ZLHCS_CHECK_CORE_ENTRY)
#undef ZLHCS_CHECK_CORE_ENTRY
    return missing;
}

void table::free_string(void* text) const noexcept {
    if (text == nullptr) return;
#ifdef _WIN32
    LocalFree(text);
#else
    if (local_free != nullptr) local_free(text);
#endif
}

zlhcs_hresult initialize(const zlhcs_init_options* options) noexcept {
    try {
        zlhcs_init_options request{};
        if (const zlhcs_hresult hr = validate(options, request); hr < 0) return hr;

        std::lock_guard lock(load_mutex);
        if (loaded != nullptr) {
            if (same_request(*loaded, request)) return ZLHCS_S_FALSE;
            return core::fail(ZLHCS_E_INVALID_STATE,
                              "zlhcs is already initialised with another backend (" +
                                  loaded->module_path + "); a process chooses its backend once");
        }
        module_handle module{};
        std::string error;
        if (const zlhcs_hresult hr = open_module(request, module, error); hr < 0) {
            return core::fail(hr, "cannot load the HCS backend: " + error);
        }
        // Unloaded again on every way out but success (a refusal, or an exception).
        struct module_guard {
            module_handle held;
            ~module_guard() {
                if (held) close_module(held);
            }
        } guard{module};
        auto fresh = std::make_unique<table>();
#define ZLHCS_BACKEND_RESOLVE(ret, name, params) \
    fresh->name = reinterpret_cast<ret(WINAPI*) params>(lookup(module, #name));
        HCS_ENTRY_POINTS(ZLHCS_BACKEND_RESOLVE)
#undef ZLHCS_BACKEND_RESOLVE
        // Not HCS at all (any library exports *something*): refuse it before it becomes the
        // process's backend for good, and let it go.
        if (const std::string missing = missing_core_entry_points(*fresh); !missing.empty()) {
            return core::fail(ZLHCS_E_BACKEND_UNAVAILABLE,
                              "cannot use " + display_path(request, module) +
                                  " as the HCS backend: it lacks the core entry points " + missing +
                                  " (it is not HCS); it was unloaded and zlhcs stays uninitialised");
        }
        fresh->kind = static_cast<zlhcs_backend_kind>(request.backend);
        fresh->validation = request.validation;
        if (request.backend_path != nullptr) fresh->requested_path = request.backend_path;
#ifdef _WIN32
        fresh->module_path = module_file_name(module);
#else
        fresh->local_free = reinterpret_cast<void*(WINAPI*)(void*)>(lookup(module, "LocalFree"));
        fresh->module_path = module_file_name(module, reinterpret_cast<void*>(fresh->HcsCreateOperation));
        if (fresh->module_path.empty()) fresh->module_path = request.backend_path != nullptr ? request.backend_path : "";
#endif
        pin_self();
        guard.held = module_handle{};  // the process's backend from now on: never unloaded
        loaded = fresh.release();
        published.store(loaded, std::memory_order_release);
        return ZLHCS_S_OK;
    } catch (const std::bad_alloc&) {
        return core::fail(ZLHCS_E_OUT_OF_MEMORY, "out of memory while loading the backend");
    } catch (...) {
        return core::fail(ZLHCS_E_INTERNAL, "unexpected failure while loading the backend");
    }
}

const table* get() noexcept {
    if (const table* current = published.load(std::memory_order_acquire)) return current;
    if (initialize(nullptr) < 0) return nullptr;
    return published.load(std::memory_order_acquire);
}

}  // namespace zlhcs::backend
