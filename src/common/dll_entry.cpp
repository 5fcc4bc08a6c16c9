// The entry point of zlhcs.dll and hcsim.dll (Windows only; linked with --entry / /ENTRY).
//
// When a process exits, Windows (and Wine) first kills every other thread, then sends
// DLL_PROCESS_DETACH with a non-NULL lpReserved. A killed thread may have held a lock the C++
// runtime needs (the CRT heap's, say), so the runtime's cleanup at that point (this DLL's
// static and thread_local destructors, which free memory) can wait for it forever. DllMain's
// documentation says as much: when the process is terminating, do not clean up; let the
// system reclaim everything. We skip the CRT's detach work in that one case and forward every
// other notification (including FreeLibrary's detach, lpReserved == NULL) unchanged.
//
// Found as a 1-in-15 hang of zlhcs_core_tests.exe under Wine after all its tests passed: one
// thread left, inside zlhcs.dll's detach, blocked in msvcrt.
#include <windows.h>

// The C runtime's own entry point of a DLL, which runs constructors, DllMain, destructors:
// mingw-w64's DllMainCRTStartup (crtdll.c); MSVC's (and clang-cl's) _DllMainCRTStartup
// (vcstartup's dll_dllmain.cpp).
#if defined(_MSC_VER)
#define ZLHCS_CRT_DLL_ENTRY _DllMainCRTStartup
#else
#define ZLHCS_CRT_DLL_ENTRY DllMainCRTStartup
#endif

extern "C" {
BOOL WINAPI ZLHCS_CRT_DLL_ENTRY(HANDLE instance, DWORD reason, LPVOID reserved);
BOOL WINAPI zlhcs_dll_entry(HANDLE instance, DWORD reason, LPVOID reserved);
}

BOOL WINAPI zlhcs_dll_entry(HANDLE instance, DWORD reason, LPVOID reserved) {
    if (reason == DLL_PROCESS_DETACH && reserved != nullptr) return TRUE;
    return ZLHCS_CRT_DLL_ENTRY(instance, reason, reserved);
}
