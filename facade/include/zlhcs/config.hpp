// zlhcs C++ facade - configuration shared by every header.
//
// The facade is header-only: it adds no symbol to the zlhcs DLL and calls only the flat C
// ABI of <zlhcs/zlhcs.h>. It compiles as C++17; the co_await support needs C++20
// coroutines and is enabled when the compiler provides them (ZLHCS_HAS_COROUTINES == 1).
#pragma once

#include <zlhcs/zlhcs.h>

#if defined(__cpp_impl_coroutine) && defined(__has_include)
#if __cpp_impl_coroutine >= 201902L && __has_include(<coroutine>)
#define ZLHCS_HAS_COROUTINES 1
#endif
#endif
#ifndef ZLHCS_HAS_COROUTINES
#define ZLHCS_HAS_COROUTINES 0
#endif
