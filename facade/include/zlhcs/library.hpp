// zlhcs C++ facade - the library: version, backend choice, document validation, leak counters.
//
// Free functions and plain value types; thread-safe. initialize() chooses the backend once per
// process (the first zlhcs call otherwise loads the default one). Failures throw zlhcs::error.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/memory.hpp>

#include <cstdint>
#include <string>

namespace zlhcs {

/// The version of the loaded zlhcs library.
struct version_info {
    std::uint32_t abi_version = 0;  ///< the DLL's ABI version (compare with ZLHCS_ABI_VERSION)
    std::uint32_t major = 0;
    std::uint32_t minor = 0;
    std::uint32_t patch = 0;
    std::string text;  ///< e.g. "0.1.0"
};

/// The version of the loaded library (not of these headers: ZLHCS_VERSION_* are those).
[[nodiscard]] inline version_info library_version() {
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    check(zlhcs_version(&info), "zlhcs_version");
    version_info result;
    result.abi_version = info.abi_version;
    result.major = info.major;
    result.minor = info.minor;
    result.patch = info.patch;
    if (info.version_string != nullptr) result.text = info.version_string;
    return result;
}

/// Which HCS implementation zlhcs drives (zlhcs_backend_kind).
enum class backend_kind : std::uint32_t {
    /// Windows: computecore.dll from System32. Elsewhere: hcsim, the built-in simulator.
    default_backend = ZLHCS_BACKEND_DEFAULT,
    /// The library at init_options::backend_path (an absolute path).
    path = ZLHCS_BACKEND_PATH,
};

/// Whether zlhcs validates create and modify documents before they reach HCS
/// (zlhcs_init_options.validation; <zlhcs/validation.hpp> reads a refusal's report).
enum class document_validation : std::uint32_t {
    off = 0,                                                    ///< documents go to HCS as they are
    on = ZLHCS_VALIDATE_DOCUMENTS,                              ///< refuse documents with errors
    strict = ZLHCS_VALIDATE_DOCUMENTS | ZLHCS_VALIDATE_STRICT,  ///< also documents with warnings
};

struct init_options {
    backend_kind backend = backend_kind::default_backend;
    std::string backend_path;  ///< UTF-8 absolute path; only with backend_kind::path
    /// On: every system create (ComputeSystem), system modify (ModifySettingRequest), process
    /// create (ProcessParameters) and process modify (ProcessModifyRequest) document is
    /// validated first, and a refused one throws zlhcs::error with ZLHCS_E_SCHEMA_INVALID
    /// (errc::invalid_json) without reaching HCS. Chosen once per process, with the backend.
    document_validation validation = document_validation::off;
};

/// Chooses and loads the backend (optional: the first zlhcs call otherwise loads the
/// default one). Returns true if this call initialised the library, false if it already
/// was with the same options. Throws errc::invalid_state if it was initialised with other
/// options (a process's backend is chosen once), errc::invalid_argument for a relative or
/// missing path, errc::service_unavailable / other if the backend does not load.
inline bool initialize(const init_options& options = {}) {
    zlhcs_init_options native{};
    native.struct_size = sizeof native;
    native.backend = static_cast<std::uint32_t>(options.backend);
    native.backend_path = options.backend == backend_kind::path ? options.backend_path.c_str() : nullptr;
    native.validation = static_cast<std::uint32_t>(options.validation);
    return check(zlhcs_init(&native), "zlhcs_init") == ZLHCS_S_OK;
}

/// The absolute path of the loaded backend library (initialises the default one if needed).
[[nodiscard]] inline std::string backend_path() {
    out_string path;
    check(zlhcs_backend_path(path.put()), "zlhcs_backend_path");
    return path.str();
}

/// zlhcs's leak counters (zlhcs_debug_counts_info; zlhcs_debug_counts): what the library holds
/// for this program now. A program that has destroyed every facade object and let its
/// callbacks finish sees all of them 0 (idle delivery threads retire a moment later).
struct debug_counts {
    std::uint64_t systems = 0;             ///< zlhcs_system handles open
    std::uint64_t processes = 0;           ///< zlhcs_process handles open
    std::uint64_t operations = 0;          ///< zlhcs_operation handles open
    std::uint64_t subscriptions = 0;       ///< zlhcs_subscription handles open
    std::uint64_t contexts = 0;            ///< callback contexts not yet released
    std::uint64_t strings = 0;             ///< memory handed out and not yet freed
    std::uint64_t live_subscriptions = 0;  ///< subscriptions alive inside zlhcs
    std::uint64_t live_operations = 0;     ///< operations alive inside zlhcs (HCS may still run them)
    std::uint64_t delivery_threads = 0;    ///< zlhcs's delivery threads alive
    std::uint64_t waiting_calls = 0;       ///< calls blocked in a wait inside zlhcs now (0.9.0)
    std::uint64_t queued_tasks = 0;        ///< tasks queued for or running on delivery threads (0.9.0)

    /// True when nothing is held (delivery threads left out: idle ones retire on their own).
    [[nodiscard]] bool nothing_held() const noexcept {
        return systems == 0 && processes == 0 && operations == 0 && subscriptions == 0 && contexts == 0 &&
               strings == 0 && live_subscriptions == 0 && live_operations == 0;
    }
};

/// A snapshot of the leak counters (never loads a backend). Any thread.
[[nodiscard]] inline debug_counts current_debug_counts() {
    zlhcs_debug_counts_info native{};
    native.struct_size = sizeof native;
    check(zlhcs_debug_counts(&native), "zlhcs_debug_counts");
    debug_counts counts;
    counts.systems = native.systems;
    counts.processes = native.processes;
    counts.operations = native.operations;
    counts.subscriptions = native.subscriptions;
    counts.contexts = native.contexts;
    counts.strings = native.strings;
    counts.live_subscriptions = native.live_subscriptions;
    counts.live_operations = native.live_operations;
    counts.delivery_threads = native.delivery_threads;
    counts.waiting_calls = native.waiting_calls;
    counts.queued_tasks = native.queued_tasks;
    return counts;
}

}  // namespace zlhcs
