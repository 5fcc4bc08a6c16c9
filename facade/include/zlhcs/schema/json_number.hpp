// zlhcs C++ facade - JSON numbers as text. The reader gets every number as its text
// (kParseNumbersAsStringsFlag): an Any value or unknown field keeps it exactly as sent (no
// double round trip: 7e84, -0, 1e-400 and 123456789012345678901234567890 stay what they are),
// a typed integer field parses it exactly. A number beyond a double's range (one that rounds
// to infinity, such as 2e308) is refused everywhere: RapidJSON refuses most of them itself
// (kParseErrorNumberTooBig), and no JSON library can hand them on faithfully.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

namespace zlhcs::schema::detail {

/// True if `text` (a number in JSON syntax, as RapidJSON checked it) has a fraction or an
/// exponent: not an integer for a typed integer field, whatever its value.
inline bool has_fraction_or_exponent(std::string_view text) noexcept {
    return text.find_first_of(".eE") != std::string_view::npos;
}

/// Parses a JSON integer (-?digits, no fraction or exponent) into T; false if it is out of
/// T's range (however many digits it has).
template <class T>
bool parse_json_integer(std::string_view text, T& out) noexcept {
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) text.remove_prefix(1);
    std::uint64_t magnitude = 0;
    for (const char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
        magnitude = magnitude * 10 + digit;
    }
    if (negative) {
        if (magnitude == 0) {
            out = 0;  // -0
            return true;
        }
        if constexpr (std::is_signed_v<T>) {
            const auto limit = static_cast<std::uint64_t>(std::numeric_limits<T>::max()) + 1;  // |min|
            if (magnitude > limit) return false;
            out = static_cast<T>(-static_cast<std::int64_t>(magnitude - 1) - 1);
            return true;
        } else {
            return false;
        }
    }
    if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(magnitude);
    return true;
}

/// True if the JSON number `text` is within a double's range, i.e. does not round to infinity.
/// Exact and locale-free: the magnitude is compared digit by digit with 2^1024 - 2^970, the
/// smallest value that rounds to infinity (halfway between DBL_MAX and 2^1024; ties go to
/// even, which is infinity).
inline bool json_number_fits_double(std::string_view text) noexcept {
    static constexpr std::string_view threshold =
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286"
        "416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571"
        "366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";
    static_assert(threshold.size() == 309);
    std::size_t i = 0;
    if (i < text.size() && text[i] == '-') ++i;
    // The digits of the significand (integer part then fraction) and where the point is.
    const std::size_t integer_begin = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    const std::size_t integer_end = i;
    std::size_t fraction_begin = i;
    std::size_t fraction_end = i;
    if (i < text.size() && text[i] == '.') {
        fraction_begin = ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        fraction_end = i;
    }
    std::int64_t exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
        for (; i < text.size(); ++i) {
            if (exponent < 1'000'000'000'000) exponent = exponent * 10 + (text[i] - '0');  // saturates, far beyond any limit
        }
        if (exponent_negative) exponent = -exponent;
    }
    // The significant digits: integer and fraction digits without the leading zeros.
    auto digit_at = [&](std::size_t k) -> char {  // k-th digit of integer+fraction
        const std::size_t integer_digits = integer_end - integer_begin;
        return k < integer_digits ? text[integer_begin + k] : text[fraction_begin + (k - integer_digits)];
    };
    const std::size_t total_digits = (integer_end - integer_begin) + (fraction_end - fraction_begin);
    std::size_t first = 0;
    while (first < total_digits && digit_at(first) == '0') ++first;
    if (first == total_digits) return true;  // zero
    // value = 0.d1d2d3... x 10^position
    const std::int64_t position =
        static_cast<std::int64_t>(integer_end - integer_begin) - static_cast<std::int64_t>(first) + exponent;
    if (position != static_cast<std::int64_t>(threshold.size())) return position < static_cast<std::int64_t>(threshold.size());
    for (std::size_t k = 0; first + k < total_digits || k < threshold.size(); ++k) {
        const char digit = first + k < total_digits ? digit_at(first + k) : '0';
        const char limit = k < threshold.size() ? threshold[k] : '0';
        if (digit != limit) return digit < limit;
    }
    return false;  // exactly the threshold: rounds to infinity
}

}  // namespace zlhcs::schema::detail
