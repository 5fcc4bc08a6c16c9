# Cross-compiling zlhcs for 64-bit Windows with Debian's mingw-w64 (POSIX threads variant:
# std::thread/std::mutex, needed by GoogleTest and by the library itself).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_zlhcs_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_zlhcs_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_zlhcs_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${_zlhcs_mingw}-windres)
set(CMAKE_AR ${_zlhcs_mingw}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${_zlhcs_mingw}-ranlib CACHE FILEPATH "")
set(CMAKE_OBJDUMP ${_zlhcs_mingw}-objdump CACHE FILEPATH "")

# Only mingw's own tree is searched for headers and libraries; never the host's /usr/include
# (glibc's headers would shadow mingw's). Programs (python3, wine, ...) come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${_zlhcs_mingw})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Every executable and DLL carries libgcc, libstdc++ and winpthread inside itself. Without
# this a binary imports libstdc++-6.dll / libgcc_s_seh-1.dll / libwinpthread-1.dll and
# silently fails to start under Wine (and on users' machines). `-static` makes the driver
# link every library it adds (libstdc++, libgcc, libpthread) from its static archive; the
# Windows system DLLs still come from their import libraries. tests/abi checks the result.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static")
