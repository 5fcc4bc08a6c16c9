#include "json.h"

#include <algorithm>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdio>

namespace hcsim {
namespace {

// SAX pass run before the DOM parse: bounds the nesting depth (so that everything done with
// the DOM afterwards may recurse safely) and checks every string is valid UTF-8 (RapidJSON
// decodes a lone "\udc00" escape into CESU bytes, which must not reach our output).
struct Checker : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Checker> {
    unsigned depth = 0;
    std::string error;

    bool Default() { return true; }
    bool String(const char* text, rapidjson::SizeType length, bool) { return valid(text, length); }
    bool Key(const char* text, rapidjson::SizeType length, bool) { return valid(text, length); }
    bool StartObject() { return enter(); }
    bool EndObject(rapidjson::SizeType) { return leave(); }
    bool StartArray() { return enter(); }
    bool EndArray(rapidjson::SizeType) { return leave(); }

    bool enter() {
        if (++depth > max_json_depth) {
            error = "the document nests deeper than " + std::to_string(max_json_depth) + " levels";
            return false;
        }
        return true;
    }
    bool leave() {
        --depth;
        return true;
    }
    bool valid(const char* text, rapidjson::SizeType length) {
        if (zlhcs::common::utf8_to_utf16(std::string_view(text, length)).has_value()) return true;
        error = "a string holds an invalid Unicode escape";
        return false;
    }
};

constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag;

}  // namespace

std::optional<std::string> input_utf8(PCWSTR text) {
    if (text == nullptr) return std::string();
    std::size_t length = 0;
    while (text[length] != 0) {
        if (++length > max_input_units) return std::nullopt;
    }
    return zlhcs::common::utf16_to_utf8(u16string_view(text, length));
}

bool is_blank(PCWSTR text) {
    if (text == nullptr) return true;
    for (std::size_t i = 0; text[i] != 0; ++i) {
        const auto c = text[i];
        if (c != u' ' && c != u'\t' && c != u'\r' && c != u'\n') return false;
        if (i > max_input_units) return false;
    }
    return true;
}

ParsedJson parse_json_utf8(std::string_view text) {
    ParsedJson parsed;
    Checker checker;
    rapidjson::Reader reader;
    rapidjson::MemoryStream stream(text.data(), text.size());
    const rapidjson::ParseResult check = reader.Parse<parse_flags>(stream, checker);
    if (check.IsError()) {
        parsed.result = HCS_E_INVALID_JSON;
        parsed.error = checker.error.empty()
                           ? std::string("invalid JSON at offset ") + std::to_string(check.Offset()) +
                                 ": " + rapidjson::GetParseError_En(check.Code())
                           : checker.error;
        return parsed;
    }
    auto document = std::make_shared<rapidjson::Document>();
    document->Parse<parse_flags>(text.data(), text.size());
    if (document->HasParseError()) {  // not expected after the check; be safe anyway
        parsed.result = HCS_E_INVALID_JSON;
        parsed.error = rapidjson::GetParseError_En(document->GetParseError());
        return parsed;
    }
    parsed.document = std::move(document);
    return parsed;
}

ParsedJson parse_json(PCWSTR text) {
    if (text == nullptr) {
        ParsedJson parsed;
        parsed.result = HCS_E_INVALID_JSON;
        parsed.error = "no document";
        return parsed;
    }
    const auto utf8 = input_utf8(text);
    if (!utf8) {
        ParsedJson parsed;
        parsed.result = HCS_E_INVALID_JSON;
        parsed.error = "the document is not valid UTF-16 or exceeds the size limit";
        return parsed;
    }
    return parse_json_utf8(*utf8);
}

std::string to_json_utf8(const rapidjson::Value& value) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

u16string to_json(const rapidjson::Value& value) {
    auto converted = zlhcs::common::utf8_to_utf16(to_json_utf8(value));
    // Our documents hold only validated UTF-8; an empty object is the safe fallback.
    return converted ? std::move(*converted) : u16string{u'{', u'}'};
}

std::string hex(HRESULT value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(value));
    return text;
}

std::string describe(HRESULT failure) {
    switch (failure) {
    case HCS_E_INVALID_JSON: return "The JSON document is invalid.";
    case HCS_E_SYSTEM_NOT_FOUND: return "A compute system with the given identifier was not found.";
    case HCS_E_SYSTEM_ALREADY_EXISTS: return "A compute system with the given identifier already exists.";
    case HCS_E_SYSTEM_ALREADY_STOPPED: return "The compute system has already stopped.";
    case HCS_E_INVALID_STATE: return "The operation is not valid in the compute system's current state.";
    case HCS_E_SERVICE_DISCONNECT: return "The connection to the compute service was lost.";
    case HCS_E_OPERATION_TIMEOUT: return "The operation timed out.";
    case HCSIM_E_CANCELLED: return "The operation was cancelled.";
    case E_INVALIDARG: return "An argument is invalid.";
    case E_HANDLE: return "The handle is invalid.";
    default: return "The operation failed with " + hex(failure) + ".";
    }
}

u16string error_document(HRESULT failure, std::string_view message, std::string_view source) {
    rapidjson::Document doc(rapidjson::kObjectType);
    auto& a = doc.GetAllocator();
    std::string text = describe(failure);
    if (!message.empty()) text += " " + std::string(message);
    doc.AddMember("Error", rapidjson::Value(static_cast<int32_t>(failure)), a);
    doc.AddMember("ErrorMessage", rapidjson::Value(text.c_str(), a), a);
    rapidjson::Value event(rapidjson::kObjectType);
    event.AddMember("Message", rapidjson::Value(text.c_str(), a), a);
    event.AddMember("StackTrace", rapidjson::Value("", a), a);
    // A fixed provider GUID identifies hcsim as the event source.
    event.AddMember("Provider", rapidjson::Value("3b1f7a0e-5c1d-4e6b-9a5e-68637369d000", a), a);
    event.AddMember("EventId", rapidjson::Value(static_cast<unsigned>(failure) & 0xFFFFu), a);
    event.AddMember("Source", rapidjson::Value(std::string(source).c_str(), a), a);
    rapidjson::Value events(rapidjson::kArrayType);
    events.PushBack(event, a);
    doc.AddMember("ErrorEvents", events, a);
    return to_json(doc);
}

Outcome failure(HRESULT hr, std::string_view message, std::string_view source) {
    Outcome outcome;
    outcome.result = hr;
    outcome.document = error_document(hr, message, source);
    return outcome;
}

QueryDocument parse_query_document(PCWSTR text, std::initializer_list<const char*> string_arrays) {
    QueryDocument query;
    if (is_blank(text)) return query;
    ParsedJson parsed = parse_json(text);
    if (FAILED(parsed.result)) {
        query.error = parsed.error;
        return query;
    }
    const auto& doc = *parsed.document;
    if (!doc.IsObject()) {
        query.error = "the query must be a JSON object";
        return query;
    }
    for (const char* name : string_arrays) {
        const auto it = doc.FindMember(name);
        if (it == doc.MemberEnd()) continue;
        const bool strings = it->value.IsArray() &&
                             std::all_of(it->value.Begin(), it->value.End(),
                                         [](const rapidjson::Value& v) { return v.IsString(); });
        if (!strings) {
            query.error = std::string(name) + " must be an array of strings";
            return query;
        }
    }
    query.document = std::move(parsed.document);
    return query;
}

}  // namespace hcsim
