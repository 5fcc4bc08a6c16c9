// Error classification (zlhcs_error_category_of) and descriptions (zlhcs_error_describe):
// every HCS_E_* code of HCSHResult.md in both severity forms, zlhcs's own codes, common Win32
// codes, success codes and unknown codes.
#include "fixture.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

namespace zlhcs_core_test {
namespace {

struct expected_class {
    zlhcs_hresult code;
    const char* name;
    int32_t category;
};

// Every code of HCSHResult.md (0x80370100-0x8037011F; 0x103/0x104 are not assigned).
constexpr expected_class hcs_codes[] = {
    {ZLHCS_HCS_E_TERMINATED_DURING_START, "HCS_E_TERMINATED_DURING_START", ZLHCS_CATEGORY_TERMINATED},
    {ZLHCS_HCS_E_IMAGE_MISMATCH, "HCS_E_IMAGE_MISMATCH", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HCS_E_HYPERV_NOT_INSTALLED, "HCS_E_HYPERV_NOT_INSTALLED", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HCS_E_INVALID_STATE, "HCS_E_INVALID_STATE", ZLHCS_CATEGORY_INVALID_STATE},
    {ZLHCS_HCS_E_UNEXPECTED_EXIT, "HCS_E_UNEXPECTED_EXIT", ZLHCS_CATEGORY_TERMINATED},
    {ZLHCS_HCS_E_TERMINATED, "HCS_E_TERMINATED", ZLHCS_CATEGORY_TERMINATED},
    {ZLHCS_HCS_E_CONNECT_FAILED, "HCS_E_CONNECT_FAILED", ZLHCS_CATEGORY_SERVICE_UNAVAILABLE},
    {ZLHCS_HCS_E_CONNECTION_TIMEOUT, "HCS_E_CONNECTION_TIMEOUT", ZLHCS_CATEGORY_TIMEOUT},
    {ZLHCS_HCS_E_CONNECTION_CLOSED, "HCS_E_CONNECTION_CLOSED", ZLHCS_CATEGORY_SERVICE_UNAVAILABLE},
    {ZLHCS_HCS_E_UNKNOWN_MESSAGE, "HCS_E_UNKNOWN_MESSAGE", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_HCS_E_UNSUPPORTED_PROTOCOL_VERSION, "HCS_E_UNSUPPORTED_PROTOCOL_VERSION", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HCS_E_INVALID_JSON, "HCS_E_INVALID_JSON", ZLHCS_CATEGORY_INVALID_JSON},
    {ZLHCS_HCS_E_SYSTEM_NOT_FOUND, "HCS_E_SYSTEM_NOT_FOUND", ZLHCS_CATEGORY_NOT_FOUND},
    {ZLHCS_HCS_E_SYSTEM_ALREADY_EXISTS, "HCS_E_SYSTEM_ALREADY_EXISTS", ZLHCS_CATEGORY_ALREADY_EXISTS},
    {ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED, "HCS_E_SYSTEM_ALREADY_STOPPED", ZLHCS_CATEGORY_ALREADY_STOPPED},
    {ZLHCS_HCS_E_PROTOCOL_ERROR, "HCS_E_PROTOCOL_ERROR", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_HCS_E_INVALID_LAYER, "HCS_E_INVALID_LAYER", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_HCS_E_WINDOWS_INSIDER_REQUIRED, "HCS_E_WINDOWS_INSIDER_REQUIRED", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HCS_E_SERVICE_NOT_AVAILABLE, "HCS_E_SERVICE_NOT_AVAILABLE", ZLHCS_CATEGORY_SERVICE_UNAVAILABLE},
    {ZLHCS_HCS_E_OPERATION_NOT_STARTED, "HCS_E_OPERATION_NOT_STARTED", ZLHCS_CATEGORY_INVALID_STATE},
    {ZLHCS_HCS_E_OPERATION_ALREADY_STARTED, "HCS_E_OPERATION_ALREADY_STARTED", ZLHCS_CATEGORY_INVALID_STATE},
    {ZLHCS_HCS_E_OPERATION_PENDING, "HCS_E_OPERATION_PENDING", ZLHCS_CATEGORY_PENDING},
    {ZLHCS_HCS_E_OPERATION_TIMEOUT, "HCS_E_OPERATION_TIMEOUT", ZLHCS_CATEGORY_TIMEOUT},
    {ZLHCS_HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, "HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET", ZLHCS_CATEGORY_ALREADY_EXISTS},
    {ZLHCS_HCS_E_OPERATION_RESULT_ALLOCATION_FAILED, "HCS_E_OPERATION_RESULT_ALLOCATION_FAILED", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_HCS_E_ACCESS_DENIED, "HCS_E_ACCESS_DENIED", ZLHCS_CATEGORY_ACCESS_DENIED},
    {ZLHCS_HCS_E_GUEST_CRITICAL_ERROR, "HCS_E_GUEST_CRITICAL_ERROR", ZLHCS_CATEGORY_TERMINATED},
    {ZLHCS_HCS_E_PROCESS_INFO_NOT_AVAILABLE, "HCS_E_PROCESS_INFO_NOT_AVAILABLE", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_HCS_E_SERVICE_DISCONNECT, "HCS_E_SERVICE_DISCONNECT", ZLHCS_CATEGORY_SERVICE_UNAVAILABLE},
    {ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED, "HCS_E_PROCESS_ALREADY_STOPPED", ZLHCS_CATEGORY_ALREADY_STOPPED},
};

constexpr expected_class zlhcs_codes[] = {
    {ZLHCS_E_INVALID_ARGUMENT, "ZLHCS_E_INVALID_ARGUMENT", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_E_INVALID_HANDLE, "ZLHCS_E_INVALID_HANDLE", ZLHCS_CATEGORY_INVALID_HANDLE},
    {ZLHCS_E_INVALID_UTF8, "ZLHCS_E_INVALID_UTF8", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_E_NOT_SUPPORTED, "ZLHCS_E_NOT_SUPPORTED", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_E_OUT_OF_MEMORY, "ZLHCS_E_OUT_OF_MEMORY", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_E_INVALID_STATE, "ZLHCS_E_INVALID_STATE", ZLHCS_CATEGORY_INVALID_STATE},
    {ZLHCS_E_BACKEND_UNAVAILABLE, "ZLHCS_E_BACKEND_UNAVAILABLE", ZLHCS_CATEGORY_SERVICE_UNAVAILABLE},
    {ZLHCS_E_INTERNAL, "ZLHCS_E_INTERNAL", ZLHCS_CATEGORY_OTHER},
    {ZLHCS_E_TOO_LARGE, "ZLHCS_E_TOO_LARGE", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_E_SCHEMA_INVALID, "ZLHCS_E_SCHEMA_INVALID", ZLHCS_CATEGORY_INVALID_JSON},
    {ZLHCS_WIN32_E_CANCELLED, "ZLHCS_WIN32_E_CANCELLED", ZLHCS_CATEGORY_CANCELLED},
};

constexpr expected_class win32_codes[] = {
    {ZLHCS_HR(0x80070005u), "E_ACCESSDENIED", ZLHCS_CATEGORY_ACCESS_DENIED},
    {ZLHCS_HR(0x80070057u), "E_INVALIDARG", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_HR(0x80004003u), "E_POINTER", ZLHCS_CATEGORY_INVALID_ARGUMENT},
    {ZLHCS_HR(0x80070006u), "E_HANDLE", ZLHCS_CATEGORY_INVALID_HANDLE},
    {ZLHCS_HR(0x80004001u), "E_NOTIMPL", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HR(0x8007007Fu), "HRESULT_FROM_WIN32(ERROR_PROC_NOT_FOUND)", ZLHCS_CATEGORY_NOT_SUPPORTED},
    {ZLHCS_HR(0x80070002u), "HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)", ZLHCS_CATEGORY_NOT_FOUND},
    {ZLHCS_HR(0x800705B4u), "HRESULT_FROM_WIN32(ERROR_TIMEOUT)", ZLHCS_CATEGORY_TIMEOUT},
    {ZLHCS_HR(0x80004004u), "E_ABORT", ZLHCS_CATEGORY_CANCELLED},
};

zlhcs_hresult with_severity_bit(zlhcs_hresult code) {
    return ZLHCS_HR(static_cast<uint32_t>(code) | 0x40000000u);
}

std::string describe(zlhcs_hresult code) {
    char* text = nullptr;
    EXPECT_EQ(zlhcs_error_describe(code, &text), ZLHCS_S_OK) << hex(code);
    EXPECT_NE(text, nullptr);
    return take(text);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

using errors = core_test;

TEST_F(errors, every_hcs_code_is_classified_in_both_severity_forms) {
    ASSERT_EQ(std::size(hcs_codes), 30u);
    for (const auto& c : hcs_codes) {
        SCOPED_TRACE(c.name);
        ASSERT_EQ(static_cast<uint32_t>(c.code) & 0xFFFF0000u, 0x80370000u);
        EXPECT_EQ(category_of(c.code), c.category) << hex(c.code);
        const zlhcs_hresult nt_form = with_severity_bit(c.code);
        ASSERT_EQ(static_cast<uint32_t>(nt_form) & 0xFFFF0000u, 0xC0370000u);
        EXPECT_EQ(category_of(nt_form), c.category) << hex(nt_form);
    }
}

TEST_F(errors, every_hcs_code_has_its_own_description_in_both_forms) {
    std::set<std::string> seen;
    const std::string unknown_text = describe(ZLHCS_HR(0x8037FFF0u));
    for (const auto& c : hcs_codes) {
        SCOPED_TRACE(c.name);
        const std::string text = describe(c.code);
        EXPECT_FALSE(text.empty());
        EXPECT_NE(text, unknown_text);
        EXPECT_EQ(lower(text).find("unknown failure"), std::string::npos) << text;
        EXPECT_TRUE(seen.insert(text).second) << "duplicate description: " << text;
        EXPECT_EQ(describe(with_severity_bit(c.code)), text);
    }
}

TEST_F(errors, zlhcs_codes_are_in_the_documented_range_and_classified) {
    for (const auto& c : zlhcs_codes) {
        SCOPED_TRACE(c.name);
        EXPECT_LT(c.code, 0);
        if (c.code != ZLHCS_WIN32_E_CANCELLED) {
            EXPECT_EQ(static_cast<uint32_t>(c.code) & 0xFFFFFF00u, 0xA07A0000u);
        }
        EXPECT_EQ(category_of(c.code), c.category) << hex(c.code);
        const std::string text = describe(c.code);
        EXPECT_FALSE(text.empty());
        EXPECT_EQ(lower(text).find("unknown"), std::string::npos) << text;
    }
}

TEST_F(errors, common_win32_codes_are_classified) {
    for (const auto& c : win32_codes) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(category_of(c.code), c.category) << hex(c.code);
        EXPECT_FALSE(describe(c.code).empty());
    }
}

TEST_F(errors, success_codes_are_category_none) {
    EXPECT_EQ(category_of(ZLHCS_S_OK), ZLHCS_CATEGORY_NONE);
    EXPECT_EQ(category_of(ZLHCS_S_FALSE), ZLHCS_CATEGORY_NONE);
    EXPECT_EQ(category_of(0x7FFFFFFF), ZLHCS_CATEGORY_NONE);
    EXPECT_FALSE(describe(ZLHCS_S_OK).empty());
    EXPECT_FALSE(describe(ZLHCS_S_FALSE).empty());
}

TEST_F(errors, unknown_codes_are_other_and_the_text_names_the_value) {
    for (uint32_t value : {0x80004005u /* E_FAIL */, 0x8037FFF0u, 0xC037FFF0u, 0x87654ABCu,
                           0xA07A00FEu, 0x80000000u}) {
        const zlhcs_hresult code = ZLHCS_HR(value);
        SCOPED_TRACE(hex(code));
        EXPECT_EQ(category_of(code), ZLHCS_CATEGORY_OTHER);
        if (value == 0x80004005u) continue;  // E_FAIL may have a text of its own
        const std::string text = lower(describe(code));
        char hex_lower[16];
        std::snprintf(hex_lower, sizeof hex_lower, "%08x", value);
        EXPECT_TRUE(text.find(hex_lower) != std::string::npos ||
                    text.find(std::to_string(value)) != std::string::npos ||
                    text.find(std::to_string(static_cast<int32_t>(value))) != std::string::npos)
            << "the text of an unknown code names its value: " << text;
    }
}

TEST_F(errors, null_out_parameters_are_rejected) {
    EXPECT_EQ(zlhcs_error_category_of(ZLHCS_HCS_E_INVALID_JSON, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_ARGUMENT);
    (void)zlhcs_clear_error();
    EXPECT_EQ(zlhcs_error_describe(ZLHCS_HCS_E_INVALID_JSON, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(errors, last_error_category_matches_category_of) {
    // The category zlhcs_last_error reports is the classification of its code.
    ASSERT_EQ(zlhcs_system_close(7), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(last_error().category, category_of(ZLHCS_E_INVALID_HANDLE));
    zlhcs_system system = 0;
    ASSERT_EQ(zlhcs_system_open(unique_id("missing").c_str(), nullptr, &system), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_NOT_FOUND);
}

}  // namespace
}  // namespace zlhcs_core_test
