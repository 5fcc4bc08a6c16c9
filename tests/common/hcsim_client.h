// Test helper: the control surface of the hcsim instance that zlhcs actually loaded.
//
// It asks zlhcs for its backend's path and looks the Hcsim* exports up in that already loaded
// module, so natively and under Wine (where the backend is system32\computecore.dll) a test
// drives the very simulator behind the DLL under test. ZLHCS_TEST_BACKEND=<file name> makes it
// choose that backend first, from the test executable's directory (e.g. hcsim_ws2019, the
// simulator without the entry points Windows Server 2019 lacks).
#pragma once

#include <zlhcs/zlhcs.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include "executable_dir.h"
#include "hcsim/hcsim_control.h"

namespace zlhcs_test {

class hcsim_client {
public:
    using reset_fn = hcsim_hresult(WINAPI*)();
    using fail_next_fn = hcsim_hresult(WINAPI*)(const char*, uint32_t, hcsim_hresult, uint32_t);
    using set_latency_fn = hcsim_hresult(WINAPI*)(const char*, uint32_t);
    using set_disconnected_fn = hcsim_hresult(WINAPI*)(uint32_t);
    using live_objects_fn = hcsim_hresult(WINAPI*)(hcsim_live_objects*);
    using set_behavior_fn = hcsim_hresult(WINAPI*)(uint32_t);
    using get_behavior_fn = uint32_t(WINAPI*)();
    using get_violations_fn = hcsim_hresult(WINAPI*)(uint32_t*, char*, size_t);
    using clear_violations_fn = hcsim_hresult(WINAPI*)();
    using get_system_security_fn = hcsim_hresult(WINAPI*)(const char*, const char*, hcsim_security_record*);
    using get_process_security_fn = hcsim_hresult(WINAPI*)(const char*, const char*, uint32_t,
                                                           hcsim_security_record*);
    using set_seed_fn = hcsim_hresult(WINAPI*)(uint64_t);
    using set_clock_fn = hcsim_hresult(WINAPI*)(uint32_t);
    using advance_clock_fn = hcsim_hresult(WINAPI*)(uint64_t);
    using wait_idle_fn = hcsim_hresult(WINAPI*)(uint32_t, uint64_t*);
    using emit_event_fn = hcsim_hresult(WINAPI*)(const char*, const char*, uint32_t, uint32_t, const char*,
                                                 uint32_t*);

    /// True if the backend exports `name` (the Server 2019 simulator lacks a few entry points).
    bool exports(const char* name) const { return lookup_(name) != nullptr; }

    reset_fn reset = nullptr;
    fail_next_fn fail_next_calls = nullptr;
    set_latency_fn set_latency = nullptr;
    set_disconnected_fn set_service_disconnected = nullptr;
    live_objects_fn get_live_objects = nullptr;
    set_behavior_fn set_behavior = nullptr;
    get_behavior_fn get_behavior = nullptr;
    get_violations_fn get_violations = nullptr;
    clear_violations_fn clear_violations = nullptr;
    get_system_security_fn get_system_security = nullptr;
    get_process_security_fn get_process_security = nullptr;
    emit_event_fn emit_event = nullptr;  // HcsimEmitEvent
    set_seed_fn set_seed = nullptr;                // HcsimSetSeed
    set_clock_fn set_clock = nullptr;              // HcsimSetClock
    advance_clock_fn advance_clock = nullptr;      // HcsimAdvanceClock
    wait_idle_fn wait_idle = nullptr;              // HcsimWaitIdle

    /// The client of the backend zlhcs has loaded (initialising the default one if needed).
    /// The first call puts hcsim in this run's behaviour (run_behavior()).
    static const hcsim_client& instance() {
        static const hcsim_client client;
        return client;
    }

    /// The hcsim behaviour every zlhcs test runs under: strict handles always (a use of a
    /// closed HCS handle, which can crash real computecore.dll, is a violation), plus the
    /// variants named in ZLHCS_TEST_HCSIM_BEHAVIOR (comma-separated: inline,
    /// spurious-process-result, no-error-documents, cancel, synchronous-stdio), which the
    /// extra ctest entries of the conformance and facade suites set.
    static uint32_t run_behavior() {
        uint32_t flags = HCSIM_BEHAVIOR_STRICT_HANDLES;
        const char* value = std::getenv("ZLHCS_TEST_HCSIM_BEHAVIOR");
        std::string_view rest = value != nullptr ? value : "";
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view token = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (token == "inline") {
                flags |= HCSIM_BEHAVIOR_INLINE_COMPLETION;
            } else if (token == "spurious-process-result") {
                flags |= HCSIM_BEHAVIOR_INLINE_COMPLETION | HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT;
            } else if (token == "no-error-documents") {
                flags |= HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS;
            } else if (token == "cancel") {
                flags |= HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED;
            } else if (token == "synchronous-stdio") {
                flags |= HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO;
            } else if (!token.empty()) {
                throw std::runtime_error("unknown ZLHCS_TEST_HCSIM_BEHAVIOR token: " + std::string(token));
            }
        }
        return flags;
    }

    /// True if this run's hcsim has the switch on.
    static bool run_has(uint32_t flag) { return (run_behavior() & flag) != 0; }

    /// Puts hcsim back in this run's behaviour (after a test changed it).
    void restore_run_behavior() const {
        if (set_behavior(run_behavior()) != 0) throw std::runtime_error("HcsimSetBehavior failed");
    }

    /// The strict-handle violations recorded so far ("" if none), and forgets them.
    std::string take_violations() const {
        uint32_t count = 0;
        char text[4096] = {};
        if (get_violations(&count, text, sizeof text) != 0) throw std::runtime_error("HcsimGetViolations failed");
        (void)clear_violations();
        if (count == 0) return {};
        return std::to_string(count) + " use(s) of a closed or unknown HCS handle:\n" + text;
    }

    hcsim_live_objects live_objects() const {
        hcsim_live_objects counts{};
        counts.struct_size = sizeof counts;
        if (get_live_objects(&counts) != 0) throw std::runtime_error("HcsimGetLiveObjects failed");
        return counts;
    }

private:
    hcsim_client() {
        const char* chosen_name = std::getenv("ZLHCS_TEST_BACKEND");
        if (chosen_name != nullptr && *chosen_name != '\0') {
            const std::string chosen = executable_dir() + chosen_name;
            zlhcs_init_options options{};
            options.struct_size = sizeof options;
            options.backend = ZLHCS_BACKEND_PATH;
            options.backend_path = chosen.c_str();
            if (zlhcs_init(&options) < 0) throw std::runtime_error("zlhcs_init with backend " + chosen + " failed");
        }
        char* path = nullptr;
        if (zlhcs_backend_path(&path) != 0) throw std::runtime_error("zlhcs_backend_path failed");
        const std::string backend = path;
        zlhcs_free(path);
        if (chosen_name != nullptr && *chosen_name != '\0' &&
            (backend.size() < std::strlen(chosen_name) ||
             backend.compare(backend.size() - std::strlen(chosen_name), std::string::npos, chosen_name) != 0)) {
            throw std::runtime_error("ZLHCS_TEST_BACKEND names " + std::string(chosen_name) + ", but zlhcs loaded " +
                                     backend);
        }
#ifdef _WIN32
        const int wide_length = MultiByteToWideChar(CP_UTF8, 0, backend.c_str(), -1, nullptr, 0);
        std::wstring wide(static_cast<size_t>(wide_length), L'\0');
        MultiByteToWideChar(CP_UTF8, 0, backend.c_str(), -1, wide.data(), wide_length);
        HMODULE module = GetModuleHandleW(wide.c_str());
        if (module == nullptr) throw std::runtime_error("backend module not loaded: " + backend);
        lookup_ = [module](const char* name) { return reinterpret_cast<void*>(GetProcAddress(module, name)); };
#else
        void* module = dlopen(backend.c_str(), RTLD_NOW | RTLD_NOLOAD);
        if (module == nullptr) throw std::runtime_error("backend module not loaded: " + backend);
        lookup_ = [module](const char* name) { return dlsym(module, name); };
#endif
        const auto lookup = lookup_;
        resolve(reset, lookup, "HcsimReset");
        resolve(fail_next_calls, lookup, "HcsimFailNextCalls");
        resolve(get_system_security, lookup, "HcsimGetSystemSecurity");
        resolve(get_process_security, lookup, "HcsimGetProcessSecurity");
        resolve(set_latency, lookup, "HcsimSetLatency");
        resolve(set_service_disconnected, lookup, "HcsimSetServiceDisconnected");
        resolve(get_live_objects, lookup, "HcsimGetLiveObjects");
        resolve(set_behavior, lookup, "HcsimSetBehavior");
        resolve(get_behavior, lookup, "HcsimGetBehavior");
        resolve(get_violations, lookup, "HcsimGetViolations");
        resolve(clear_violations, lookup, "HcsimClearViolations");
        resolve(emit_event, lookup, "HcsimEmitEvent");
        resolve(set_seed, lookup, "HcsimSetSeed");
        resolve(set_clock, lookup, "HcsimSetClock");
        resolve(advance_clock, lookup, "HcsimAdvanceClock");
        resolve(wait_idle, lookup, "HcsimWaitIdle");
        restore_run_behavior();
    }

    template <typename Fn, typename Lookup>
    static void resolve(Fn& fn, const Lookup& lookup, const char* name) {
        void* address = lookup(name);
        if (address == nullptr) throw std::runtime_error(std::string("backend lacks ") + name);
        fn = reinterpret_cast<Fn>(address);
    }

    std::function<void*(const char*)> lookup_;
};

/// hcsim's manual clock for the scope of a test (HcsimSetClock): time in hcsim (uptimes,
/// timestamps, latencies) moves only by advance(); the real clock is back at the end.
class manual_clock {
public:
    manual_clock() {
        if (hcsim_client::instance().set_clock(1) != 0) throw std::runtime_error("HcsimSetClock failed");
    }
    ~manual_clock() { (void)hcsim_client::instance().set_clock(0); }
    manual_clock(const manual_clock&) = delete;
    manual_clock& operator=(const manual_clock&) = delete;

    void advance(std::chrono::milliseconds by) const {
        if (hcsim_client::instance().advance_clock(static_cast<uint64_t>(by.count())) != 0) {
            throw std::runtime_error("HcsimAdvanceClock failed");
        }
    }
};

}  // namespace zlhcs_test
