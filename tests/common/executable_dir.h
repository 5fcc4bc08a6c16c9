// The directory of the running test executable (with a trailing separator), UTF-8: test
// programs find the libraries built beside them (backends, zlhcs itself) there.
#pragma once

#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <climits>
#include <unistd.h>
#endif

namespace zlhcs_test {

inline std::string executable_dir() {
#ifdef _WIN32
    wchar_t buffer[4096];
    const DWORD length = GetModuleFileNameW(nullptr, buffer, 4096);
    const int bytes = WideCharToMultiByte(CP_UTF8, 0, buffer, static_cast<int>(length), nullptr, 0,
                                          nullptr, nullptr);
    std::string path(static_cast<size_t>(bytes), '\0');
    WideCharToMultiByte(CP_UTF8, 0, buffer, static_cast<int>(length), path.data(), bytes, nullptr,
                        nullptr);
    return path.substr(0, path.find_last_of("\\/") + 1);
#else
    char buffer[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (length <= 0) return "/";
    const std::string path(buffer, static_cast<size_t>(length));
    return path.substr(0, path.rfind('/') + 1);
#endif
}

}  // namespace zlhcs_test
