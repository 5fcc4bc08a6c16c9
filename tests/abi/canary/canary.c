/* The planted-DLL canary (Windows build): a DLL named computecore.dll that is placed beside
 * the test executable (bin/planted/). It exports only HcsGetServiceProperties, returning a
 * marker document. zlhcs must never load it: the real backend comes from System32 only
 * (DESIGN.md, ABI rule 10). tests/abi checks that the marker never reaches zlhcs's callers. */
#include <windows.h>

#define ZLHCS_CANARY_DOCUMENT L"{\"ZlhcsCanary\":\"ZLHCS_PLANTED_CANARY\"}"

__declspec(dllexport) HRESULT WINAPI HcsGetServiceProperties(PCWSTR propertyQuery,
                                                             PWSTR *result)
{
    static const WCHAR document[] = ZLHCS_CANARY_DOCUMENT;
    (void)propertyQuery;
    if (result == NULL) return E_POINTER;
    *result = (PWSTR)LocalAlloc(LMEM_FIXED, sizeof document);
    if (*result == NULL) return E_OUTOFMEMORY;
    CopyMemory(*result, document, sizeof document);
    return S_OK;
}
