// Exports: version, initialisation, memory, errors.
#include "arguments.hpp"

#include <cstddef>

#include "../backend/backend.hpp"
#include "../core/caller_struct.hpp"
#include "../core/debug_counts.hpp"
#include "../core/errors.hpp"
#include "../core/strings.hpp"

namespace {
// "major.minor.patch", made from the header's numbers (the one place the version is written;
// they carry a 'u' suffix, so they are printed, not stringized).
struct version_text {
    char text[3 * 10 + 3] = {};
    constexpr version_text() {
        std::size_t at = 0;
        const unsigned parts[3] = {ZLHCS_VERSION_MAJOR, ZLHCS_VERSION_MINOR, ZLHCS_VERSION_PATCH};
        for (int i = 0; i < 3; ++i) {
            if (i > 0) text[at++] = '.';
            char digits[10] = {};
            int count = 0;
            unsigned value = parts[i];
            do {
                digits[count++] = static_cast<char>('0' + value % 10);
                value /= 10;
            } while (value != 0);
            while (count > 0) text[at++] = digits[--count];
        }
    }
};
constexpr version_text version_storage{};
constexpr const char* version_string = version_storage.text;
}

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_version(zlhcs_version_info* info) {
    return zlhcs::api::guarded("zlhcs_version", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(info);
        const std::uint32_t size = zlhcs::core::writable_size(*info, ZLHCS_VERSION_INFO_SIZE_V1, "info");
        if (size == 0) return ZLHCS_E_INVALID_ARGUMENT;
        zlhcs_version_info filled{};
        filled.abi_version = ZLHCS_ABI_VERSION;
        filled.major = ZLHCS_VERSION_MAJOR;
        filled.minor = ZLHCS_VERSION_MINOR;
        filled.patch = ZLHCS_VERSION_PATCH;
        filled.api_revision = ZLHCS_API_REVISION;
        filled.version_string = version_string;
        zlhcs::core::write_caller_struct(*info, filled, size);
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_init(const zlhcs_init_options* options) {
    return zlhcs::api::guarded("zlhcs_init",
                               [&] { return zlhcs::backend::initialize(options); });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_backend_path(char** out_path) {
    return zlhcs::api::guarded("zlhcs_backend_path", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_path);
        *out_path = nullptr;
        ZLHCS_BACKEND(backend);
        *out_path = zlhcs::core::duplicate_for_caller(backend->module_path);
        return ZLHCS_S_OK;
    });
}

ZLHCS_API void ZLHCS_CALL zlhcs_free(void* memory) { zlhcs::core::free_from_caller(memory); }

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_last_error(zlhcs_error* error) {
    return zlhcs::core::last_error(error);
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_clear_error(void) {
    zlhcs::core::clear_last_error();
    return ZLHCS_S_OK;
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_category_of(zlhcs_hresult code,
                                                           uint32_t* out_category) {
    ZLHCS_ARG_NOT_NULL(out_category);
    *out_category = static_cast<uint32_t>(zlhcs::core::classify(code));
    return ZLHCS_S_OK;
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_matches(zlhcs_hresult code, uint32_t category) {
    return zlhcs::core::matches(code, category) ? ZLHCS_S_OK : ZLHCS_S_FALSE;
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_error_describe(zlhcs_hresult code, char** out_text) {
    return zlhcs::api::guarded("zlhcs_error_describe", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_text);
        *out_text = zlhcs::core::duplicate_for_caller(zlhcs::core::describe(code));
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_debug_counts(zlhcs_debug_counts_info* counts) {
    return zlhcs::api::guarded("zlhcs_debug_counts", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(counts);
        const std::uint32_t size =
            zlhcs::core::writable_size(*counts, ZLHCS_DEBUG_COUNTS_INFO_SIZE_V1, "counts");
        if (size == 0) return ZLHCS_E_INVALID_ARGUMENT;
        return zlhcs::core::fill_debug_counts(*counts, size);
    });
}

}  // extern "C"
