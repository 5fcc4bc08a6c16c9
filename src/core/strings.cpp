#include "strings.hpp"

#include "debug_counts.hpp"
#include "errors.hpp"
#include "lone_surrogate.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace zlhcs::core {

zlhcs_hresult to_wide(const char* utf8, const char* parameter, bool required,
                      wide_argument& out) {
    out = wide_argument{};
    if (utf8 == nullptr) {
        if (!required) return ZLHCS_S_OK;
        return fail(ZLHCS_E_INVALID_ARGUMENT, std::string(parameter) + " must not be NULL");
    }
    const std::size_t length = std::strlen(utf8);
    if (length > max_input_bytes) {
        return fail(ZLHCS_E_TOO_LARGE, std::string(parameter) + " is larger than " +
                                           std::to_string(max_input_bytes) + " bytes");
    }
    common::utf_error error;
    auto converted = common::utf8_to_utf16({utf8, length}, &error);
    if (!converted) {
        return fail(ZLHCS_E_INVALID_UTF8, std::string(parameter) +
                                              " is not valid UTF-8 (bad byte sequence at offset " +
                                              std::to_string(error.offset) + ")");
    }
    out.text = std::move(*converted);
    out.null = false;
    return ZLHCS_S_OK;
}

namespace {

// JSON's whitespace (RFC 8259): what may surround a document.
bool only_json_whitespace(const char* text) noexcept {
    for (; *text != '\0'; ++text) {
        if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r') return false;
    }
    return true;
}

}  // namespace

zlhcs_hresult json_to_wide(const char* utf8, const char* parameter, bool required,
                           wide_argument& out) {
    // An optional document given as "" (what hcsshim passes HCS for "no options") or as
    // whitespace only is absent: HCS gets NULL. A required one must be a document.
    if (!required && utf8 != nullptr && std::strlen(utf8) <= max_input_bytes && only_json_whitespace(utf8)) {
        out = wide_argument{};
        return ZLHCS_S_OK;
    }
    const zlhcs_hresult hr = to_wide(utf8, parameter, required, out);
    if (hr < 0 || out.null) return hr;
    rapidjson::MemoryStream stream(utf8, std::strlen(utf8));
    rapidjson::Reader reader;
    rapidjson::BaseReaderHandler<> ignore;
    const rapidjson::ParseResult parsed =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
            stream, ignore);
    // A lone surrogate is refused too (lone_surrogate.hpp): RapidJSON passes a lone low one and
    // refuses a lone high one with a vague "surrogate pair is invalid"; both get the same
    // message. Scanned after the parse, so the text is known well-formed up to where it looks.
    const std::string_view text(utf8, std::strlen(utf8));
    std::optional<lone_surrogate> surrogate;
    if (!parsed.IsError()) {
        surrogate = find_lone_surrogate(text);
    } else if (parsed.Code() == rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
        surrogate = find_lone_surrogate(text.substr(0, std::min(text.size(), parsed.Offset() + 12)));
    }
    if (surrogate) {
        return fail(ZLHCS_HCS_E_INVALID_JSON,
                    std::string(parameter) + " is not valid JSON for HCS: " + describe(*surrogate));
    }
    if (parsed.IsError()) {
        return fail(ZLHCS_HCS_E_INVALID_JSON,
                    std::string(parameter) + " is not valid JSON: " +
                        rapidjson::GetParseError_En(parsed.Code()) + " (at byte " +
                        std::to_string(parsed.Offset()) + ")");
    }
    return ZLHCS_S_OK;
}

void* allocate_for_caller(std::size_t size) {
    void* memory = std::malloc(size != 0 ? size : 1);
    if (memory == nullptr) throw std::bad_alloc();
    count_up(counted::strings);
    return memory;
}

void free_from_caller(void* memory) noexcept {
    if (memory == nullptr) return;
    count_down(counted::strings);
    std::free(memory);
}

char* duplicate_for_caller(std::string_view text) {
    auto* copy = static_cast<char*>(allocate_for_caller(text.size() + 1));
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

std::string from_wide(const common::utf16_char* text) {
    if (text == nullptr) return {};
    const common::u16string_view view(text, common::utf16_length(text));
    if (auto converted = common::utf16_to_utf8(view)) return std::move(*converted);
    // Replace unpaired surrogates one by one rather than dropping the document.
    common::u16string repaired(view);
    auto unit_at = [&repaired](std::size_t i) { return static_cast<std::uint16_t>(repaired[i]); };
    for (std::size_t i = 0; i < repaired.size(); ++i) {
        const bool high = unit_at(i) >= 0xD800 && unit_at(i) <= 0xDBFF;
        if (high && i + 1 < repaired.size() && unit_at(i + 1) >= 0xDC00 && unit_at(i + 1) <= 0xDFFF) {
            ++i;  // a valid pair
        } else if (unit_at(i) >= 0xD800 && unit_at(i) <= 0xDFFF) {
            repaired[i] = static_cast<common::utf16_char>(0xFFFD);
        }
    }
    return common::utf16_to_utf8(repaired).value_or(std::string());
}

}  // namespace zlhcs::core
