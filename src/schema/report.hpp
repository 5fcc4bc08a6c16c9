// The validation report as JSON (docs/schema-validation.md, "The report"), and the one-line
// summary that a refused document's error message carries.
#pragma once

#include "validator.hpp"

#include <string>

namespace zlhcs::schema {

/// {"Type", "SchemaVersion", "SchemaVersionFrom", "Note"?, "Valid", "Errors", "Warnings",
///  "Problems": [{"Path", "Severity", "Rule", "Message", "Expected"?, "Actual"?,
///  "Suggestion"?, "Since"?}], "Truncated"}, written with RapidJSON's Writer.
[[nodiscard]] std::string to_json(const report& r);

/// Lists no more of r.problems than fit, with the rest of the report, in `budget` bytes of
/// to_json() (setting r.truncated when it drops any); Errors and Warnings still count them all.
void fit_to_budget(report& r, std::size_t budget);

/// "2 errors and 1 warning; first: /Container/Processor/Count: Field Count of ... ." The
/// first error is named (the first warning when there is no error).
[[nodiscard]] std::string summary(const report& r);

}  // namespace zlhcs::schema
