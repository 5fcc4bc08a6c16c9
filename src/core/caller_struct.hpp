// Structs that cross the boundary: they begin with struct_size, and the caller's size may be
// any size from the struct's v1 size on (abi/POLICY.md). Older (smaller) structs are read as
// far as they go, newer (larger) ones are accepted when the tail this DLL does not know is all
// zero, so a caller never gets a request silently dropped.
#pragma once

#include "errors.hpp"

#include <gsl/gsl>

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace zlhcs::core {

/// Copies the caller's struct into `out` (members it does not cover keep their defaults).
/// Fails with ZLHCS_E_INVALID_ARGUMENT (NULL is the caller's business: check first) when
/// struct_size is below v1_size, ZLHCS_E_NOT_SUPPORTED when a larger struct sets members this
/// DLL does not know.
template <typename T>
zlhcs_hresult read_caller_struct(gsl::not_null<const T*> in, std::uint32_t v1_size, const char* name,
                                 T& out) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::uint32_t size = 0;  // the first member of every boundary struct
    std::memcpy(&size, in.get(), sizeof size);
    if (size < v1_size) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, std::string(name) + ".struct_size is " +
                                                  std::to_string(size) + ", below its v1 size " +
                                                  std::to_string(v1_size));
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(in.get());
    for (std::size_t i = sizeof(T); i < size; ++i) {
        if (bytes[i] != 0) {
            return fail(ZLHCS_E_NOT_SUPPORTED,
                        std::string(name) + " sets members this zlhcs does not know (struct_size " +
                            std::to_string(size) + ", this zlhcs knows " +
                            std::to_string(sizeof(T)) + " bytes): a newer zlhcs is needed");
        }
    }
    std::memcpy(&out, in.get(), size < sizeof(T) ? size : sizeof(T));
    out.struct_size = static_cast<std::uint32_t>(sizeof(T));
    return ZLHCS_S_OK;
}

/// How many bytes of an out-struct the caller's struct_size lets zlhcs write, or 0 (with the
/// last error set) when it is below v1_size.
template <typename T>
std::uint32_t writable_size(const T& out, std::uint32_t v1_size, const char* name) {
    const std::uint32_t size = out.struct_size;
    if (size < v1_size) {
        fail(ZLHCS_E_INVALID_ARGUMENT, std::string(name) + ".struct_size is " + std::to_string(size) +
                                           ", below its v1 size " + std::to_string(v1_size));
        return 0;
    }
    return size < sizeof(T) ? size : static_cast<std::uint32_t>(sizeof(T));
}

/// Writes the first `size` bytes of `filled` (from writable_size) to the caller's struct, with
/// struct_size saying how much was filled. Bytes beyond are the caller's and stay untouched.
template <typename T>
void write_caller_struct(T& out, T filled, std::uint32_t size) noexcept {
    static_assert(std::is_trivially_copyable_v<T>);
    Expects(size <= sizeof(T));
    filled.struct_size = size;
    std::memcpy(&out, &filled, size);
}

}  // namespace zlhcs::core
