#include "gate.hpp"

#include "report.hpp"
#include "validator.hpp"

#include "../core/errors.hpp"
#include "../core/strings.hpp"

#include <gsl/gsl>

#include <cstring>
#include <string>

namespace zlhcs::schema {

zlhcs_hresult check_document(std::uint32_t validation, const char* type_name, const char* parameter,
                             const char* document, char** out_document) {
    if ((validation & (ZLHCS_VALIDATE_DOCUMENTS | ZLHCS_VALIDATE_STRICT)) == 0 || document == nullptr) {
        return ZLHCS_S_OK;
    }
    const auto type = find_struct(type_name);
    Expects(type.has_value());
    const report result = validate(*type, std::string_view(document, std::strlen(document)), std::nullopt);
    const bool strict = (validation & ZLHCS_VALIDATE_STRICT) != 0;
    if (result.errors == 0 && (!strict || result.warnings == 0)) return ZLHCS_S_OK;
    std::string text = to_json(result);
    if (out_document != nullptr) *out_document = core::duplicate_for_caller(text);
    std::string message = std::string(parameter) + " is not a valid " + type_name + " document (" +
                          (strict ? "strict document validation" : "document validation") +
                          " is on, so it was not passed to HCS): " + summary(result);
    return core::fail(ZLHCS_E_SCHEMA_INVALID, std::move(message), {}, std::move(text));
}

}  // namespace zlhcs::schema
