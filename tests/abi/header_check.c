/* Compile check: the public header (and the layout baseline) compile as strict C.
 * Built once per standard (C89, C99, C11) with -pedantic -Werror, natively and with mingw;
 * a failure is a build failure. Not linked: it only has to compile. */
#include <zlhcs/zlhcs.h>
#include <struct_layout.h>

/* The layout baseline, checked in every C standard (a negative array size fails). */
#define ZLHCS_C_LAYOUT_CHECK(name, expr) typedef char zlhcs_layout_check_##name[(expr) ? 1 : -1];
ZLHCS_STRUCT_LAYOUT_CHECKS(ZLHCS_C_LAYOUT_CHECK)
#define ZLHCS_C_MEMBER_CHECK(member, fn, off) \
    typedef char zlhcs_api_member_check_##member[offsetof(zlhcs_api_v1, member) == (off) ? 1 : -1];
ZLHCS_API_V1_MEMBERS(ZLHCS_C_MEMBER_CHECK)

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define ZLHCS_C11_LAYOUT_CHECK(name, expr) _Static_assert(expr, #name);
ZLHCS_STRUCT_LAYOUT_CHECKS(ZLHCS_C11_LAYOUT_CHECK)
#endif

/* The table's members have exactly the exported functions' types. */
int zlhcs_header_check_table(zlhcs_api_v1 *api);
int zlhcs_header_check_table(zlhcs_api_v1 *api)
{
#define ZLHCS_C_ASSIGN(member, fn, off) api->member = fn;
    ZLHCS_API_V1_MEMBERS(ZLHCS_C_ASSIGN)
    return 0;
}

/* A callback and a release notifier as a C caller writes them. */
static void ZLHCS_CALL zlhcs_header_check_callback(zlhcs_operation operation, zlhcs_hresult result,
                                                   void *context)
{
    (void)operation;
    (void)result;
    (void)context;
}
static void ZLHCS_CALL zlhcs_header_check_release(void *context) { (void)context; }

/* The declarations are usable from C: a typical call sequence. */
int zlhcs_header_check_calls(void);
int zlhcs_header_check_calls(void)
{
    zlhcs_version_info info;
    zlhcs_init_options options;
    zlhcs_error error;
    zlhcs_system system = 0;
    zlhcs_hresult hr;
    uint32_t category = ZLHCS_CATEGORY_NONE;
    char *properties = NULL;
    PFN_zlhcs_system_create create = zlhcs_system_create; /* the typedefs fit the exports */
    const zlhcs_api_v1 *api = NULL;

    info.struct_size = (uint32_t)sizeof info;
    hr = zlhcs_version(&info);
    options.struct_size = (uint32_t)sizeof options;
    options.backend = ZLHCS_BACKEND_DEFAULT;
    options.backend_path = NULL;
    options.validation = ZLHCS_VALIDATE_DOCUMENTS;
    options.reserved = 0;
    if (hr >= 0) hr = zlhcs_init(&options);
    if (hr >= 0) hr = zlhcs_get_api(ZLHCS_API_REVISION, &api);
    if (hr >= 0 && ZLHCS_API_HAS(api, system_create)) create = api->system_create;
    if (hr >= 0) hr = create("id", "{}", NULL, ZLHCS_INFINITE, &system, NULL);
    if (hr >= 0) hr = zlhcs_system_properties(system, NULL, 1000u, &properties);
    zlhcs_free(properties);
    if (hr >= 0) {
        zlhcs_operation operation = 0;
        zlhcs_debug_counts_info counts;
        hr = zlhcs_system_start_async(system, "", zlhcs_header_check_callback, NULL,
                                      zlhcs_header_check_release, &operation);
        /* The closes carry no nodiscard: a (void) cast discards their status, which GCC's
         * warn_unused_result would not allow in C (-Werror here). */
        (void)zlhcs_operation_close(operation);
        counts.struct_size = (uint32_t)sizeof counts;
        if (hr >= 0) hr = zlhcs_debug_counts(&counts);
    }
    (void)zlhcs_system_close(system);
    (void)zlhcs_clear_error();
    if (hr >= 0) {
        zlhcs_schema_validate_options validate_options;
        char *report = NULL;
        validate_options.struct_size = (uint32_t)sizeof validate_options;
        validate_options.flags = 0;
        validate_options.schema_version = "2.1";
        hr = zlhcs_schema_validate("ComputeSystem", "{}", &validate_options, &report);
        zlhcs_free(report);
    }
    if (hr < 0) {
        error.struct_size = (uint32_t)sizeof error;
        if (zlhcs_last_error(&error) == ZLHCS_S_OK &&
            zlhcs_error_category_of(error.code, &category) < 0) {
            category = ZLHCS_CATEGORY_OTHER;
        }
    }
    return hr == ZLHCS_E_INVALID_HANDLE || hr == ZLHCS_HCS_E_SYSTEM_NOT_FOUND ||
           category == ZLHCS_CATEGORY_NOT_FOUND;
}
