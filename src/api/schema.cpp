// Exports: schema validation.
#include "arguments.hpp"

#include "../core/caller_struct.hpp"
#include "../core/strings.hpp"
#include "../schema/report.hpp"
#include "../schema/tables.hpp"
#include "../schema/validator.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

namespace {

using namespace zlhcs::core;
namespace schema = zlhcs::schema;

/// A string argument that must be present, at most max_input_bytes, and UTF-8.
zlhcs_hresult check_text(const char* text, const char* parameter, std::string_view& out) {
    if (text == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, std::string(parameter) + " must not be NULL");
    const std::size_t length = std::strlen(text);
    if (length > max_input_bytes) {
        return fail(ZLHCS_E_TOO_LARGE,
                    std::string(parameter) + " is larger than " + std::to_string(max_input_bytes) + " bytes");
    }
    zlhcs::common::utf_error error;
    if (!zlhcs::common::is_valid_utf8({text, length}, &error)) {
        return fail(ZLHCS_E_INVALID_UTF8, std::string(parameter) + " is not valid UTF-8 (bad byte sequence at offset " +
                                              std::to_string(error.offset) + ")");
    }
    out = {text, length};
    return ZLHCS_S_OK;
}

zlhcs_hresult validate(const char* type_name, const char* document, const zlhcs_schema_validate_options* options,
                       char** out_report) {
    if (out_report != nullptr) *out_report = nullptr;
    std::string_view type_text;
    std::string_view document_text;
    if (const zlhcs_hresult hr = check_text(type_name, "type_name", type_text); hr < 0) return hr;
    if (const zlhcs_hresult hr = check_text(document, "document", document_text); hr < 0) return hr;
    std::optional<schema::version> caller_version;
    if (options != nullptr) {
        zlhcs_schema_validate_options copy{};
        if (const zlhcs_hresult hr = read_caller_struct<zlhcs_schema_validate_options>(
                options, ZLHCS_SCHEMA_VALIDATE_OPTIONS_SIZE_V1, "options", copy);
            hr < 0) {
            return hr;
        }
        if (copy.flags != 0) {
            return fail(ZLHCS_E_INVALID_ARGUMENT,
                        "options.flags is " + std::to_string(copy.flags) + ": no flags are defined yet (pass 0)");
        }
        if (copy.schema_version != nullptr) {
            schema::version named;
            std::size_t length = 0;  // bounded: a version is a few bytes, whatever the caller passes
            while (length < 64 && copy.schema_version[length] != '\0') ++length;
            const std::string_view text(copy.schema_version, length);
            if (length == 64 || !schema::parse_version(text, named) || named.major != 2) {
                return fail(ZLHCS_E_INVALID_ARGUMENT,
                            "options.schema_version must be a schema 2 version \"2.<minor>\" such as \"2.1\", not \"" +
                                std::string(text.substr(0, 32)) + (length > 32 ? "...\"" : "\""));
            }
            caller_version = named;
        }
    }
    const auto type = schema::find_struct(type_text);
    if (!type) return fail(ZLHCS_E_INVALID_ARGUMENT, "type_name: " + schema::explain_unknown_type(type_text));

    const schema::report result = schema::validate(*type, document_text, caller_version);
    std::string text = schema::to_json(result);
    if (out_report != nullptr) *out_report = duplicate_for_caller(text);
    if (result.errors > 0) {
        return fail(ZLHCS_E_SCHEMA_INVALID,
                    "the document is not a valid " + result.type + ": " + schema::summary(result), {},
                    std::move(text));
    }
    return result.warnings > 0 ? ZLHCS_S_FALSE : ZLHCS_S_OK;
}

std::string schema_info() {
    namespace t = zlhcs::schema::tables;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key("LatestSchemaVersion");
    const std::string latest = "2." + std::to_string(t::latest_minor);
    writer.String(latest.c_str());
    writer.Key("Types");
    writer.StartArray();
    for (std::size_t i = t::first_struct_type; i < std::size(t::types); ++i) writer.String(t::types[i].name);
    writer.EndArray();
    writer.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_schema_validate(const char* type_name, const char* document,
                                                         const zlhcs_schema_validate_options* options,
                                                         char** out_report) {
    return zlhcs::api::guarded("zlhcs_schema_validate",
                               [&] { return validate(type_name, document, options, out_report); });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_schema_info(char** out_info) {
    return zlhcs::api::guarded("zlhcs_schema_info", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_info);
        *out_info = nullptr;
        *out_info = duplicate_for_caller(schema_info());
        return ZLHCS_S_OK;
    });
}

}  // extern "C"
