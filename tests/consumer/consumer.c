/* zlhcs_consumer_c: a C99 program that knows zlhcs only through the installed package
 * (<zlhcs/zlhcs.h>, the library found by find_package or pkg-config). It checks that the
 * library it loaded is the version its header describes, then creates a container on the
 * backend (argv[1]: an absolute path of an HCS library such as hcsim; none: the default one,
 * off Windows the libhcsim.so beside libzlhcs.so), starts it, reads its state, terminates
 * and closes it, and checks that zlhcs holds nothing for it at the end.
 * Prints "zlhcs_consumer_c: ok" and exits 0, or says what failed and exits 1. */
#include <zlhcs/zlhcs.h>

#include <stdio.h>
#include <string.h>

static const char *program = "zlhcs_consumer_c";

static int fail(const char *what, zlhcs_hresult code)
{
    zlhcs_error info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    fprintf(stderr, "%s: %s failed: 0x%08lx", program, what, (unsigned long)(uint32_t)code);
    if (zlhcs_last_error(&info) >= 0 && info.message != NULL) fprintf(stderr, " (%s)", info.message);
    fprintf(stderr, "\n");
    return 1;
}

#define CHECK(call)                                       \
    do {                                                  \
        const zlhcs_hresult check_code_ = (call);         \
        if (check_code_ < 0) return fail(#call, check_code_); \
    } while (0)

static int run(const char *backend)
{
    static const char configuration[] =
        "{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Owner\":\"zlhcs-consumer\","
        "\"ShouldTerminateOnLastHandleClosed\":true,\"Container\":{}}";
    zlhcs_version_info version;
    zlhcs_debug_counts_info counts;
    zlhcs_system system = 0;
    char *path = NULL;
    char *document = NULL;
    int running;

    memset(&version, 0, sizeof version);
    version.struct_size = sizeof version;
    CHECK(zlhcs_version(&version));
    printf("%s: zlhcs %s (ABI %u), header %u.%u.%u\n", program, version.version_string,
           (unsigned)version.abi_version, (unsigned)ZLHCS_VERSION_MAJOR, (unsigned)ZLHCS_VERSION_MINOR,
           (unsigned)ZLHCS_VERSION_PATCH);
    if (version.major != ZLHCS_VERSION_MAJOR || version.minor != ZLHCS_VERSION_MINOR ||
        version.abi_version != ZLHCS_ABI_VERSION) {
        fprintf(stderr, "%s: the library is not the version of its header\n", program);
        return 1;
    }

    if (backend != NULL) {
        zlhcs_init_options options;
        memset(&options, 0, sizeof options);
        options.struct_size = sizeof options;
        options.backend = ZLHCS_BACKEND_PATH;
        options.backend_path = backend;
        CHECK(zlhcs_init(&options));
    }
    CHECK(zlhcs_backend_path(&path));
    printf("%s: backend %s\n", program, path);
    zlhcs_free(path);

    CHECK(zlhcs_system_create("zlhcs-consumer-c", configuration, NULL, 30000, &system, NULL));
    CHECK(zlhcs_system_start(system, NULL, 30000, NULL));
    CHECK(zlhcs_system_properties(system, NULL, 30000, &document));
    running = strstr(document, "\"State\":\"Running\"") != NULL;
    printf("%s: properties %s\n", program, document);
    zlhcs_free(document);
    if (!running) {
        fprintf(stderr, "%s: the started container is not Running\n", program);
        (void)zlhcs_system_close(system);
        return 1;
    }
    CHECK(zlhcs_system_terminate(system, NULL, 30000, NULL));
    CHECK(zlhcs_system_close(system));

    memset(&counts, 0, sizeof counts);
    counts.struct_size = sizeof counts;
    CHECK(zlhcs_debug_counts(&counts));
    if (counts.systems != 0 || counts.operations != 0 || counts.strings != 0 || counts.contexts != 0) {
        fprintf(stderr, "%s: zlhcs still holds something (systems %lu, operations %lu, strings %lu)\n",
                program, (unsigned long)counts.systems, (unsigned long)counts.operations,
                (unsigned long)counts.strings);
        return 1;
    }
    printf("%s: ok\n", program);
    return 0;
}

int main(int argc, char **argv)
{
    return run(argc > 1 ? argv[1] : NULL);
}
