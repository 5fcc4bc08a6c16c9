// JSON in and out of hcsim: strict, bounded parsing of caller documents and the HCS error
// document (ResultError) of failed calls.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "objects.h"

namespace hcsim {

/** Deepest nesting accepted in a caller's document (everything below may recurse). */
constexpr unsigned max_json_depth = 128;

struct ParsedJson {
    HRESULT result = S_OK;          // S_OK or HCS_E_INVALID_JSON
    std::string error;              // why, when it failed
    std::shared_ptr<rapidjson::Document> document;
};

/** Parses a caller's document given as UTF-16. Fails (HCS_E_INVALID_JSON) on a NULL-free
 *  but malformed text, invalid UTF-16, more than max_input_units, nesting deeper than
 *  max_json_depth. */
ParsedJson parse_json(PCWSTR text);
ParsedJson parse_json_utf8(std::string_view text);

/** An optional query document: absent (NULL or blank) gives neither document nor error;
 *  otherwise it must be a JSON object whose members named in `string_arrays`, where present,
 *  are arrays of strings. `error` says why not (the caller reports HCS_E_INVALID_JSON). */
struct QueryDocument {
    std::string error;
    std::shared_ptr<rapidjson::Document> document;
};
QueryDocument parse_query_document(PCWSTR text, std::initializer_list<const char*> string_arrays);

/** True if `text` is NULL or only whitespace (an absent optional document). */
bool is_blank(PCWSTR text);

/** Serialises a value to UTF-16 JSON. */
u16string to_json(const rapidjson::Value& value);
std::string to_json_utf8(const rapidjson::Value& value);

/** The ResultError document of a failure. */
u16string error_document(HRESULT failure, std::string_view message, std::string_view source);
/** A short human-readable text for an HRESULT hcsim produces. */
std::string describe(HRESULT failure);
std::string hex(HRESULT value);

/** Outcome of a failure with its error document. */
Outcome failure(HRESULT failure, std::string_view message, std::string_view source);

/** UTF-16 -> UTF-8 of a caller's NUL-terminated string, bounded. nullopt if invalid
 *  UTF-16 or longer than the input cap. */
std::optional<std::string> input_utf8(PCWSTR text);
constexpr std::size_t max_input_units = 32u * 1024u * 1024u;  // 64 MiB of UTF-16

}  // namespace hcsim
