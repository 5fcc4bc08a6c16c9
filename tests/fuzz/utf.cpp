// Fuzz harness: src/common/utf.cpp (UTF-8 <-> UTF-16, shared by zlhcs and hcsim) against the
// reference codec of reference_utf.hpp, in exact agreement: the same verdict, the same error
// offset, the same output. Every input is read twice: as UTF-8, and as UTF-16 code units
// (little-endian byte pairs; an odd last byte is left out).
#include "check.hpp"
#include "harness.hpp"
#include "reference_utf.hpp"

#include <zlhcs_common/utf.hpp>

#include <string>
#include <vector>

namespace {

namespace common = zlhcs::common;
namespace reference = zlhcs_fuzz::reference;

std::vector<std::uint16_t> units_of(const common::u16string& text) {
    return {text.begin(), text.end()};
}

common::u16string text_of(const std::vector<std::uint16_t>& units) {
    common::u16string text;
    for (const std::uint16_t unit : units) text.push_back(static_cast<common::utf16_char>(unit));
    return text;
}

void check_utf8_input(std::string_view input) {
    std::size_t reference_offset = 0;
    const auto code_points = reference::decode_utf8(input, &reference_offset);

    common::utf_error valid_error{~std::size_t{0}};
    const bool valid = common::is_valid_utf8(input, &valid_error);
    FUZZ_CHECK(valid == code_points.has_value(), "is_valid_utf8 says " + std::to_string(valid));

    common::utf_error convert_error{~std::size_t{0}};
    const auto utf16 = common::utf8_to_utf16(input, &convert_error);
    FUZZ_CHECK(utf16.has_value() == code_points.has_value(),
               "utf8_to_utf16 " + std::string(utf16 ? "accepted" : "refused") + " it");
    if (!code_points) {
        FUZZ_CHECK(valid_error.offset == reference_offset,
                   "is_valid_utf8 offset " + std::to_string(valid_error.offset) + ", reference " +
                       std::to_string(reference_offset));
        FUZZ_CHECK(convert_error.offset == reference_offset,
                   "utf8_to_utf16 offset " + std::to_string(convert_error.offset) + ", reference " +
                       std::to_string(reference_offset));
        return;
    }
    FUZZ_CHECK(units_of(*utf16) == reference::encode_utf16(*code_points), "utf8_to_utf16 output differs");
    // And back: valid UTF-16 made from valid UTF-8 gives the same bytes.
    const auto back = common::utf16_to_utf8(*utf16);
    FUZZ_CHECK(back.has_value() && *back == input, "utf16_to_utf8(utf8_to_utf16(x)) != x");
}

void check_utf16_input(const std::vector<std::uint16_t>& units) {
    std::size_t reference_index = 0;
    const auto code_points = reference::decode_utf16(units, &reference_index);

    common::utf_error error{~std::size_t{0}};
    const common::u16string text = text_of(units);
    const auto utf8 = common::utf16_to_utf8(text, &error);
    FUZZ_CHECK(utf8.has_value() == code_points.has_value(),
               "utf16_to_utf8 " + std::string(utf8 ? "accepted" : "refused") + " it");
    if (!code_points) {
        FUZZ_CHECK(error.offset == reference_index,
                   "utf16_to_utf8 offset " + std::to_string(error.offset) + ", reference " +
                       std::to_string(reference_index));
        return;
    }
    FUZZ_CHECK(*utf8 == reference::encode_utf8(*code_points), "utf16_to_utf8 output differs");
    const auto back = common::utf8_to_utf16(*utf8);
    FUZZ_CHECK(back.has_value() && *back == text, "utf8_to_utf16(utf16_to_utf8(x)) != x");
    // utf16_length counts up to the first NUL unit.
    common::u16string terminated = text;
    terminated.push_back(0);
    std::size_t first_nul = 0;
    while (units.size() > first_nul && units[first_nul] != 0) ++first_nul;
    FUZZ_CHECK(common::utf16_length(terminated.c_str()) == first_nul, "utf16_length differs");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check_utf8_input(bytes);
    std::vector<std::uint16_t> units;
    for (std::size_t i = 0; i + 1 < size; i += 2) units.push_back(static_cast<std::uint16_t>(data[i] | (data[i + 1] << 8)));
    check_utf16_input(units);
    return 0;
}

std::optional<std::string> zlhcs_fuzz::seed_from_document(std::string_view, std::string_view document) {
    return std::string(document);
}
