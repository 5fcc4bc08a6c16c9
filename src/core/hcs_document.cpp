#include "hcs_document.hpp"

#include <rapidjson/document.h>

namespace zlhcs::core {

struct hcs_document::parsed {
    rapidjson::Document document;

    [[nodiscard]] const rapidjson::Value* find(const char* name) const {
        const auto member = document.FindMember(name);
        return member != document.MemberEnd() ? &member->value : nullptr;
    }
};

hcs_document::hcs_document(std::string_view json) {
    auto candidate = std::make_unique<parsed>();
    // Iterative: HCS's documents are not trusted to be shallow.
    candidate->document.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
    if (!candidate->document.HasParseError() && candidate->document.IsObject()) parsed_ = std::move(candidate);
}

hcs_document::~hcs_document() = default;

std::optional<std::string> hcs_document::string(const char* name) const {
    const rapidjson::Value* value = parsed_ != nullptr ? parsed_->find(name) : nullptr;
    if (value == nullptr || !value->IsString()) return std::nullopt;
    return std::string(value->GetString(), value->GetStringLength());
}

std::optional<bool> hcs_document::boolean(const char* name) const {
    const rapidjson::Value* value = parsed_ != nullptr ? parsed_->find(name) : nullptr;
    if (value == nullptr || !value->IsBool()) return std::nullopt;
    return value->GetBool();
}

std::optional<std::uint32_t> hcs_document::uint32(const char* name) const {
    const rapidjson::Value* value = parsed_ != nullptr ? parsed_->find(name) : nullptr;
    if (value == nullptr || !value->IsUint()) return std::nullopt;
    return value->GetUint();
}

}  // namespace zlhcs::core
