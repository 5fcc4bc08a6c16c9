#include "zlhcs_common/utf.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

// SSE2 on x86-64 (every x86-64 CPU has it); the portable word-at-a-time code elsewhere, or
// when built with -DZLHCS_UTF_SSE2=0 (to test that code on x86-64).
#ifndef ZLHCS_UTF_SSE2
#if defined(__SSE2__) || defined(_M_X64)
#define ZLHCS_UTF_SSE2 1
#else
#define ZLHCS_UTF_SSE2 0
#endif
#endif
#if ZLHCS_UTF_SSE2
#include <emmintrin.h>
#endif

namespace zlhcs::common {
namespace {

constexpr char32_t max_code_point = 0x10FFFF;

bool is_surrogate(char32_t cp) noexcept { return cp >= 0xD800 && cp <= 0xDFFF; }
bool is_continuation(unsigned char byte) noexcept { return (byte & 0xC0) == 0x80; }

// Decodes one code point starting at utf8[i]; advances i. Returns false on invalid input.
bool decode_utf8(std::string_view utf8, std::size_t& i, char32_t& cp) noexcept {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    std::size_t length = 0;
    char32_t min_value = 0;
    if (lead < 0x80) {
        cp = lead;
        ++i;
        return true;
    }
    if ((lead & 0xE0) == 0xC0) {
        length = 2; cp = lead & 0x1F; min_value = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3; cp = lead & 0x0F; min_value = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4; cp = lead & 0x07; min_value = 0x10000;
    } else {
        return false;
    }
    if (utf8.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
        const auto byte = static_cast<unsigned char>(utf8[i + k]);
        if (!is_continuation(byte)) return false;
        cp = (cp << 6) | (byte & 0x3F);
    }
    if (cp < min_value || cp > max_code_point || is_surrogate(cp)) return false;
    i += length;
    return true;
}

// Writes cp (a valid scalar value) as UTF-8 at out; returns the number of bytes (1 to 4).
std::size_t encode_utf8(char* out, char32_t cp) noexcept {
    if (cp < 0x80) {
        out[0] = static_cast<char>(cp);
        return 1;
    }
    if (cp < 0x800) {
        out[0] = static_cast<char>(0xC0 | (cp >> 6));
        out[1] = static_cast<char>(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = static_cast<char>(0xE0 | (cp >> 12));
        out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out[2] = static_cast<char>(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
}

// The ASCII fast paths. HCS documents are almost entirely ASCII, so the conversions and the
// validator go over runs of ASCII 16 bytes (SSE2, which every x86-64 target has: the Linux
// build and mingw-w64) or 8 bytes (the portable fallback) at a time and hand only the rest
// to the strict scalar code.

// The length of the ASCII prefix of in[0, n) (reads only).
std::size_t ascii_prefix(const unsigned char* in, std::size_t n) noexcept {
    std::size_t i = 0;
#if ZLHCS_UTF_SSE2
    const auto load = [in](std::size_t at) noexcept {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at));
    };
    for (; i + 64 <= n; i += 64) {
        const __m128i any = _mm_or_si128(_mm_or_si128(load(i), load(i + 16)),
                                         _mm_or_si128(load(i + 32), load(i + 48)));
        if (_mm_movemask_epi8(any) != 0) break;
    }
    for (; i + 16 <= n; i += 16) {
        if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(load(i))); mask != 0) {
            return i + static_cast<std::size_t>(std::countr_zero(mask));
        }
    }
#else
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, in + i, sizeof word);
        if ((word & 0x8080808080808080ull) != 0) break;
    }
#endif
    while (i < n && in[i] < 0x80) ++i;
    return i;
}

// widen_ascii and narrow_ascii convert the ASCII prefix of in[0, n), writing it to
// out[0, length), and return its length. `out` must have room for n elements: the vector
// code stores whole blocks, so it may also write anything to out[length, n) (the caller
// overwrites or trims that).

// Widens the ASCII prefix of in[0, n) to UTF-16.
std::size_t widen_ascii(const unsigned char* in, std::size_t n, utf16_char* out) noexcept {
    std::size_t i = 0;
#if ZLHCS_UTF_SSE2
    const __m128i zero = _mm_setzero_si128();
    const auto widen16 = [&](std::size_t at) noexcept {
        const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + at));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), _mm_unpacklo_epi8(chunk, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at + 8), _mm_unpackhi_epi8(chunk, zero));
        return static_cast<unsigned>(_mm_movemask_epi8(chunk));  // bit k: in[at + k] >= 0x80
    };
    for (; i + 16 <= n; i += 16) {
        if (const unsigned mask = widen16(i); mask != 0) {
            return i + static_cast<std::size_t>(std::countr_zero(mask));
        }
    }
    if (i < n && n >= 16) {
        // The last, partial block: redo the final 16 bytes. Everything before i is ASCII and
        // already widened, so the overlap rewrites the same values and sets no mask bit.
        const unsigned mask = widen16(n - 16);
        return mask != 0 ? n - 16 + static_cast<std::size_t>(std::countr_zero(mask)) : n;
    }
#else
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, in + i, sizeof word);
        if ((word & 0x8080808080808080ull) != 0) break;
        for (std::size_t k = 0; k < 8; ++k) out[i + k] = static_cast<utf16_char>(in[i + k]);
    }
#endif
    for (; i < n && in[i] < 0x80; ++i) out[i] = static_cast<utf16_char>(in[i]);
    return i;
}

// Narrows the ASCII prefix of in[0, n) (UTF-16 code units below 0x80) to UTF-8.
std::size_t narrow_ascii(const utf16_char* in, std::size_t n, char* out) noexcept {
    std::size_t i = 0;
#if ZLHCS_UTF_SSE2
    const __m128i high = _mm_set1_epi16(static_cast<short>(0xFF80));
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 8));
        // Units 0..15 as bytes (saturated: only meaningful where the unit is ASCII).
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packus_epi16(a, b));
        const __m128i ascii_a = _mm_cmpeq_epi16(_mm_and_si128(a, high), zero);
        const __m128i ascii_b = _mm_cmpeq_epi16(_mm_and_si128(b, high), zero);
        // One byte per unit, 0xFF where it is ASCII.
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_packs_epi16(ascii_a, ascii_b)));
        if (mask != 0xFFFF) return i + static_cast<std::size_t>(std::countr_zero(~mask));
    }
#else
    for (; i + 4 <= n; i += 4) {
        const auto u0 = static_cast<std::uint16_t>(in[i]), u1 = static_cast<std::uint16_t>(in[i + 1]);
        const auto u2 = static_cast<std::uint16_t>(in[i + 2]), u3 = static_cast<std::uint16_t>(in[i + 3]);
        if (((u0 | u1 | u2 | u3) & 0xFF80) != 0) break;
        out[i] = static_cast<char>(u0);
        out[i + 1] = static_cast<char>(u1);
        out[i + 2] = static_cast<char>(u2);
        out[i + 3] = static_cast<char>(u3);
    }
#endif
    for (; i < n && static_cast<std::uint16_t>(in[i]) < 0x80; ++i) out[i] = static_cast<char>(in[i]);
    return i;
}

}  // namespace

std::optional<u16string> utf8_to_utf16(std::string_view utf8, utf_error* error) {
    const std::size_t n = utf8.size();
    const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
    // All ASCII, as HCS documents nearly always are: checking that only reads, and the
    // string's own range constructor then widens in one exactly sized copy. Cheaper than
    // the general path below, which has to zero-fill its buffer first.
    if (ascii_prefix(bytes, n) == n) return u16string(bytes, bytes + n);
    // Sized once for the worst case (one code unit per byte: a 4-byte sequence makes two
    // units), trimmed at the end. So `written <= i` always, and out has room for the
    // remaining n - i bytes' units at out + written, as widen_ascii needs.
    u16string out(n, utf16_char{});
    utf16_char* const dst = out.data();
    std::size_t written = 0;
    std::size_t i = 0;
    for (;;) {
        const std::size_t ascii = widen_ascii(bytes + i, n - i, dst + written);
        i += ascii;
        written += ascii;
        if (i == n) break;
        // A multi-byte sequence (or garbage) at i: decode strictly until the next ASCII byte.
        do {
            const std::size_t start = i;
            char32_t cp = 0;
            if (!decode_utf8(utf8, i, cp)) {
                if (error != nullptr) error->offset = start;
                return std::nullopt;
            }
            if (cp >= 0x10000) {
                cp -= 0x10000;
                dst[written++] = static_cast<utf16_char>(0xD800 + (cp >> 10));
                dst[written++] = static_cast<utf16_char>(0xDC00 + (cp & 0x3FF));
            } else {
                dst[written++] = static_cast<utf16_char>(cp);
            }
        } while (i < n && bytes[i] >= 0x80);
    }
    out.resize(written);
    return out;
}

std::optional<std::string> utf16_to_utf8(u16string_view utf16, utf_error* error) {
    // Sized for all-ASCII (one byte per unit) and grown when a unit needs more. Invariant at
    // the top of the loop: out.size() - written >= n - i (room for one byte per remaining
    // unit, as narrow_ascii needs).
    const std::size_t n = utf16.size();
    std::string out(n, '\0');
    std::size_t written = 0;
    std::size_t i = 0;
    for (;;) {
        const std::size_t ascii = narrow_ascii(utf16.data() + i, n - i, out.data() + written);
        i += ascii;
        written += ascii;
        if (i == n) break;
        do {
            char32_t cp = static_cast<std::uint16_t>(utf16[i]);
            std::size_t consumed = 1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                const bool has_low = i + 1 < n &&
                                     static_cast<std::uint16_t>(utf16[i + 1]) >= 0xDC00 &&
                                     static_cast<std::uint16_t>(utf16[i + 1]) <= 0xDFFF;
                if (!has_low) {
                    if (error != nullptr) error->offset = i;
                    return std::nullopt;
                }
                const char32_t low = static_cast<std::uint16_t>(utf16[i + 1]);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                consumed = 2;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                if (error != nullptr) error->offset = i;
                return std::nullopt;
            }
            // At most 4 bytes now, and one per unit after it.
            const std::size_t needed = written + 4 + (n - i - consumed);
            if (out.size() < needed) out.resize(std::max(needed, out.size() + out.size() / 2));
            written += encode_utf8(out.data() + written, cp);
            i += consumed;
        } while (i < n && static_cast<std::uint16_t>(utf16[i]) >= 0x80);
    }
    out.resize(written);
    return out;
}

bool is_valid_utf8(std::string_view utf8, utf_error* error) noexcept {
    std::size_t i = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(utf8.data());
    while (i < utf8.size()) {
        i += ascii_prefix(bytes + i, utf8.size() - i);
        if (i >= utf8.size()) break;
        const std::size_t start = i;
        char32_t cp = 0;
        if (!decode_utf8(utf8, i, cp)) {
            if (error != nullptr) error->offset = start;
            return false;
        }
    }
    return true;
}

std::size_t utf16_length(const utf16_char* s) noexcept {
    std::size_t n = 0;
    while (s[n] != 0) ++n;
    return n;
}

}  // namespace zlhcs::common
