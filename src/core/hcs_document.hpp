// The few top-level fields zlhcs itself reads from HCS's documents (a ProcessStatus's Exited,
// ExitCode and ProcessId; a system's State and Id; an error's ErrorMessage). One small reader
// instead of a DOM parse at each place: anything that is not a JSON object, or a field of
// another type, reads as absent.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace zlhcs::core {

class hcs_document {
public:
    explicit hcs_document(std::string_view json);
    ~hcs_document();
    hcs_document(const hcs_document&) = delete;
    hcs_document& operator=(const hcs_document&) = delete;

    [[nodiscard]] std::optional<std::string> string(const char* name) const;
    [[nodiscard]] std::optional<bool> boolean(const char* name) const;
    [[nodiscard]] std::optional<std::uint32_t> uint32(const char* name) const;

private:
    struct parsed;
    std::unique_ptr<parsed> parsed_;  // null: not a JSON object
};

}  // namespace zlhcs::core
