/* zlhcs_abi_version_resource: the Windows DLLs carry the version resource Explorer's Details
 * tab and PowerShell's (Get-Item <dll>).VersionInfo show (cmake/ZlhcsVersionResource.cmake).
 *
 *   zlhcs_abi_version_resource <dll>...   (file names, looked up beside this executable)
 *
 * For each DLL, read back with GetFileVersionInfoW / VerQueryValueW: the fixed file and
 * product versions are include/zlhcs/zlhcs.h's ZLHCS_VERSION_MAJOR.MINOR.PATCH.0; the
 * strings of its first translation: FileVersion and ProductVersion "major.minor.patch",
 * FileDescription not empty, CompanyName and ProductName the project's name
 * (ZLHCS_EXPECTED_COMPANY), OriginalFilename the DLL's name. Prints what it read; exits 1
 * if anything differs (all output is wide-character: one orientation per stream). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <zlhcs/zlhcs.h>

#ifndef ZLHCS_EXPECTED_COMPANY
#error "ZLHCS_EXPECTED_COMPANY (the project's name, a wide string literal) must be defined"
#endif

static int failures = 0;

static void fail(const wchar_t *dll, const char *what)
{
    fwprintf(stderr, L"%ls: %hs\n", dll, what);
    ++failures;
}

/* The string `name` of the resource's first translation, or NULL. */
static const wchar_t *string_value(void *block, const wchar_t *name)
{
    struct translation {
        WORD language;
        WORD code_page;
    } *translations = NULL;
    UINT size = 0;
    wchar_t query[128];
    wchar_t *value = NULL;
    if (!VerQueryValueW(block, L"\\VarFileInfo\\Translation", (void **)&translations, &size) ||
        size < sizeof *translations) {
        return NULL;
    }
    swprintf(query, sizeof query / sizeof query[0], L"\\StringFileInfo\\%04x%04x\\%ls",
             translations[0].language, translations[0].code_page, name);
    if (!VerQueryValueW(block, query, (void **)&value, &size) || size == 0) return NULL;
    return value;
}

static void check_string(const wchar_t *dll, void *block, const wchar_t *name, const wchar_t *expected)
{
    const wchar_t *value = string_value(block, name);
    wprintf(L"  %-16ls %ls\n", name, value != NULL ? value : L"(missing)");
    if (value == NULL) {
        fwprintf(stderr, L"%ls: no %ls string\n", dll, name);
        ++failures;
    } else if (expected != NULL && wcscmp(value, expected) != 0) {
        fwprintf(stderr, L"%ls: %ls is \"%ls\", expected \"%ls\"\n", dll, name, value, expected);
        ++failures;
    } else if (expected == NULL && value[0] == L'\0') {
        fwprintf(stderr, L"%ls: %ls is empty\n", dll, name);
        ++failures;
    }
}

static void check_dll(const wchar_t *directory, const wchar_t *dll)
{
    const DWORD major = ZLHCS_VERSION_MAJOR, minor = ZLHCS_VERSION_MINOR, patch = ZLHCS_VERSION_PATCH;
    wchar_t path[MAX_PATH * 2];
    wchar_t version[64];
    DWORD ignored = 0;
    DWORD size;
    void *block;
    VS_FIXEDFILEINFO *fixed = NULL;
    UINT fixed_size = 0;

    swprintf(path, sizeof path / sizeof path[0], L"%ls%ls", directory, dll);
    swprintf(version, sizeof version / sizeof version[0], L"%lu.%lu.%lu", (unsigned long)major,
             (unsigned long)minor, (unsigned long)patch);
    wprintf(L"%ls\n", path);
    size = GetFileVersionInfoSizeW(path, &ignored);
    if (size == 0) {
        fail(dll, "no version resource (GetFileVersionInfoSizeW failed)");
        return;
    }
    block = malloc(size);
    if (block == NULL || !GetFileVersionInfoW(path, 0, size, block)) {
        fail(dll, "GetFileVersionInfoW failed");
        free(block);
        return;
    }

    if (!VerQueryValueW(block, L"\\", (void **)&fixed, &fixed_size) || fixed_size < sizeof *fixed) {
        fail(dll, "no VS_FIXEDFILEINFO");
    } else {
        wprintf(L"  %-16ls %lu.%lu.%lu.%lu\n", L"fixed file", (unsigned long)HIWORD(fixed->dwFileVersionMS),
                (unsigned long)LOWORD(fixed->dwFileVersionMS), (unsigned long)HIWORD(fixed->dwFileVersionLS),
                (unsigned long)LOWORD(fixed->dwFileVersionLS));
        wprintf(L"  %-16ls %lu.%lu.%lu.%lu\n", L"fixed product", (unsigned long)HIWORD(fixed->dwProductVersionMS),
                (unsigned long)LOWORD(fixed->dwProductVersionMS), (unsigned long)HIWORD(fixed->dwProductVersionLS),
                (unsigned long)LOWORD(fixed->dwProductVersionLS));
        if (fixed->dwSignature != 0xFEEF04BDu) fail(dll, "VS_FIXEDFILEINFO has a wrong signature");
        if (fixed->dwFileVersionMS != MAKELONG(minor, major) || fixed->dwFileVersionLS != MAKELONG(0, patch)) {
            fail(dll, "the fixed file version is not the header's ZLHCS_VERSION_*");
        }
        if (fixed->dwProductVersionMS != MAKELONG(minor, major) || fixed->dwProductVersionLS != MAKELONG(0, patch)) {
            fail(dll, "the fixed product version is not the header's ZLHCS_VERSION_*");
        }
        if (fixed->dwFileType != VFT_DLL) fail(dll, "the file type is not VFT_DLL");
    }

    check_string(dll, block, L"FileVersion", version);
    check_string(dll, block, L"ProductVersion", version);
    check_string(dll, block, L"FileDescription", NULL);
    check_string(dll, block, L"CompanyName", ZLHCS_EXPECTED_COMPANY);
    check_string(dll, block, L"ProductName", ZLHCS_EXPECTED_COMPANY);
    check_string(dll, block, L"OriginalFilename", dll);
    free(block);
}

int main(int argc, char **argv)
{
    wchar_t directory[MAX_PATH * 2];
    wchar_t dll[MAX_PATH];
    DWORD length = GetModuleFileNameW(NULL, directory, MAX_PATH * 2);
    int i;
    while (length > 0 && directory[length - 1] != L'\\' && directory[length - 1] != L'/') --length;
    directory[length] = L'\0';
    if (argc < 2) {
        fwprintf(stderr, L"usage: %hs <dll>...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; ++i) {
        if (MultiByteToWideChar(CP_UTF8, 0, argv[i], -1, dll, MAX_PATH) == 0) {
            fwprintf(stderr, L"%hs: not a file name\n", argv[i]);
            return 2;
        }
        check_dll(directory, dll);
    }
    if (failures != 0) {
        fwprintf(stderr, L"%d mismatch(es)\n", failures);
        return 1;
    }
    wprintf(L"version resources: ok\n");
    return 0;
}
