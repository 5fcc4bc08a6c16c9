/* Proves the plant works: a naive LoadLibraryW(L"computecore.dll") from bin/planted/ loads
 * the canary beside the executable (the application folder comes first in the default DLL
 * search order). If it did not, the planted-DLL test would prove nothing. Prints the document
 * of the computecore.dll it loaded and where it came from. */
#include <windows.h>
#include <stdio.h>

int main(void)
{
    typedef HRESULT(WINAPI * get_service_properties_fn)(PCWSTR, PWSTR *);
    HMODULE module = LoadLibraryW(L"computecore.dll");
    get_service_properties_fn get_service_properties;
    WCHAR path[MAX_PATH];
    PWSTR document = NULL;
    HRESULT hr;
    if (module == NULL) {
        printf("LoadLibraryW(computecore.dll) failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    GetModuleFileNameW(module, path, MAX_PATH);
    printf("loaded %ls\n", path);
    get_service_properties =
        (get_service_properties_fn)(void (*)(void))GetProcAddress(module, "HcsGetServiceProperties");
    if (get_service_properties == NULL) {
        printf("no HcsGetServiceProperties\n");
        return 1;
    }
    hr = get_service_properties(NULL, &document);
    printf("HcsGetServiceProperties: 0x%08lx %ls\n", (unsigned long)hr, document ? document : L"");
    LocalFree(document);
    return 0;
}
