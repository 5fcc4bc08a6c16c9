// FUZZ_CHECK: a property every input must keep. A violation prints what and where and
// aborts, which libFuzzer reports as a crash (keeping the input) and which fails a replay
// test. Not assert(): it must hold in release builds too.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace zlhcs_fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition, const std::string& detail) {
    std::fprintf(stderr, "\n%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line, condition, detail.c_str());
    std::fflush(stderr);
    std::abort();
}

}  // namespace zlhcs_fuzz

#define FUZZ_CHECK(condition, detail)                                                    \
    do {                                                                                 \
        if (!(condition)) ::zlhcs_fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
    } while (false)
