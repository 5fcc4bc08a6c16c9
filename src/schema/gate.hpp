// Document validation before HCS (zlhcs_init_options.validation): the create and modify
// calls pass their caller's document through check_document() once it is known to be UTF-8
// JSON, and a refused document never reaches HCS.
#pragma once

#include <zlhcs/zlhcs.h>

#include <cstdint>

namespace zlhcs::schema {

/// With `validation` (ZLHCS_VALIDATE_* bits) on, validates `document` (NULL: nothing to
/// check) as the struct type `type_name` (a name the schema has), with the document's own
/// version. A document with errors (or, with ZLHCS_VALIDATE_STRICT, warnings) is refused:
/// ZLHCS_E_SCHEMA_INVALID becomes the thread's last error (message: `parameter`, the type and
/// the report's summary; result document: the report), *out_document (if not NULL) receives a
/// copy of the report, and the code is returned. Otherwise ZLHCS_S_OK.
zlhcs_hresult check_document(std::uint32_t validation, const char* type_name, const char* parameter,
                             const char* document, char** out_document);

}  // namespace zlhcs::schema
