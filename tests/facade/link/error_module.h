// Two shared libraries (error_module_a, error_module_b) built from error_module.cpp: each has
// its own copy of the header-only facade, hence its own zlhcs::category() and
// condition_category() objects (Windows DLLs always; ELF .so files here because the project
// builds with hidden visibility). The link tests compare what they produce in the executable.
#pragma once

#include <zlhcs/core.hpp>

#include <system_error>

#if defined(_WIN32)
#define ZLHCS_TEST_EXPORT __declspec(dllexport)
#define ZLHCS_TEST_IMPORT __declspec(dllimport)
#else
#define ZLHCS_TEST_EXPORT __attribute__((visibility("default")))
#define ZLHCS_TEST_IMPORT
#endif

#if defined(ZLHCS_TEST_BUILDING_ERROR_MODULE_A)
#define ZLHCS_TEST_MODULE_A_API ZLHCS_TEST_EXPORT
#else
#define ZLHCS_TEST_MODULE_A_API ZLHCS_TEST_IMPORT
#endif
#if defined(ZLHCS_TEST_BUILDING_ERROR_MODULE_B)
#define ZLHCS_TEST_MODULE_B_API ZLHCS_TEST_EXPORT
#else
#define ZLHCS_TEST_MODULE_B_API ZLHCS_TEST_IMPORT
#endif

// What each module offers (prefix: error_module_a_ or error_module_b_).
#define ZLHCS_TEST_DECLARE_ERROR_MODULE(prefix, api)                                              \
    /* zlhcs::make_error_code(code) made in the module */                                         \
    api std::error_code prefix##code(zlhcs_hresult code);                                          \
    /* zlhcs::make_error_condition(condition) made in the module */                               \
    api std::error_condition prefix##condition(zlhcs::errc condition);                             \
    /* the code of a real failing facade call in the module: open of an unknown system */         \
    api std::error_code prefix##failed_open();                                                     \
    /* the module's category objects */                                                           \
    api const std::error_category* prefix##category();                                             \
    api const std::error_category* prefix##condition_category();                                   \
    /* comparisons made inside the module, of a code from elsewhere */                            \
    api bool prefix##matches(const std::error_code& code, zlhcs::errc condition);                 \
    api bool prefix##matches_generic(const std::error_code& code, std::errc condition);           \
    api bool prefix##same_error(const std::error_code& a, const std::error_code& b);

ZLHCS_TEST_DECLARE_ERROR_MODULE(error_module_a_, ZLHCS_TEST_MODULE_A_API)
ZLHCS_TEST_DECLARE_ERROR_MODULE(error_module_b_, ZLHCS_TEST_MODULE_B_API)
