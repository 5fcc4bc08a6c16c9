// What the schema-validation tests share: running zlhcs_schema_validate, reading its report,
// checking the report's shape, and realistic documents that validate clean.
#pragma once

#include "fixture.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

namespace zlhcs_core_test {

/// One problem of a report, as plain strings ("" when the report leaves a member out).
struct reported_problem {
    std::string path;
    std::string severity;
    std::string rule;
    std::string message;
    std::string expected;                  // Expected when it is a string
    std::vector<std::string> expected_list; // Expected when it is an array
    bool expected_is_list = false;
    bool has_actual = false;
    std::string actual;
    bool has_suggestion = false;
    std::string suggestion;
    std::string since;
};

struct validation_result {
    zlhcs_hresult hr = 0;
    bool has_report = false;
    std::string text;
    rapidjson::Document report;
    std::vector<reported_problem> problems;

    /// The first problem at `path` with `rule`, or nullptr.
    [[nodiscard]] const reported_problem* find(const std::string& path, const std::string& rule) const {
        for (const auto& p : problems) {
            if (p.path == path && p.rule == rule) return &p;
        }
        return nullptr;
    }
    [[nodiscard]] std::size_t count(const std::string& severity) const {
        std::size_t n = 0;
        for (const auto& p : problems) n += p.severity == severity ? 1 : 0;
        return n;
    }
    [[nodiscard]] std::string member(const char* name) const {
        if (!report.IsObject() || !report.HasMember(name) || !report[name].IsString()) return "<absent>";
        return report[name].GetString();
    }
    [[nodiscard]] uint64_t number(const char* name) const {
        if (!report.IsObject() || !report.HasMember(name) || !report[name].IsUint64()) return UINT64_MAX;
        return report[name].GetUint64();
    }
    [[nodiscard]] bool flag(const char* name) const {
        return report.IsObject() && report.HasMember(name) && report[name].IsBool() && report[name].GetBool();
    }
    /// Every (path, rule) pair of the report, for failure messages.
    [[nodiscard]] std::string listing() const {
        std::string out;
        for (const auto& p : problems) out += "  " + p.severity + " " + p.rule + " at '" + p.path + "': " + p.message + "\n";
        return out;
    }
};

inline std::string string_member(const rapidjson::Value& object, const char* name) {
    if (!object.HasMember(name) || !object[name].IsString()) return "";
    return {object[name].GetString(), object[name].GetStringLength()};
}

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
/// U+10FFFF): the report promises UTF-8.
inline bool is_utf8(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        uint32_t cp = 0;
        if (byte < 0x80) {
            ++i;
            continue;
        } else if (byte >= 0xC2 && byte <= 0xDF) {
            extra = 1;
            cp = byte & 0x1Fu;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            extra = 2;
            cp = byte & 0x0Fu;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            extra = 3;
            cp = byte & 0x07u;
        } else {
            return false;
        }
        if (i + extra >= text.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0u) != 0x80u) return false;
            cp = (cp << 6) | (next & 0x3Fu);
        }
        const uint32_t minimum = extra == 1 ? 0x80u : extra == 2 ? 0x800u : 0x10000u;
        if (cp < minimum || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) return false;
        i += extra + 1;
    }
    return true;
}

/// Checks the report's documented shape and that the return code agrees with it.
inline void expect_well_formed(const validation_result& v) {
    ASSERT_TRUE(v.has_report);
    const rapidjson::Value& r = v.report;
    ASSERT_TRUE(r.IsObject()) << v.text;
    for (const char* name : {"Type", "SchemaVersionFrom"}) {
        ASSERT_TRUE(r.HasMember(name) && r[name].IsString()) << name << " in " << v.text;
    }
    ASSERT_TRUE(r.HasMember("SchemaVersion") && (r["SchemaVersion"].IsString() || r["SchemaVersion"].IsNull()));
    const std::string from = r["SchemaVersionFrom"].GetString();
    EXPECT_TRUE(from == "caller" || from == "document" || from == "none") << from;
    EXPECT_EQ(r["SchemaVersion"].IsNull(), from == "none") << v.text;
    for (const char* name : {"Valid", "Truncated"}) ASSERT_TRUE(r.HasMember(name) && r[name].IsBool()) << name;
    for (const char* name : {"Errors", "Warnings"}) ASSERT_TRUE(r.HasMember(name) && r[name].IsUint64()) << name;
    ASSERT_TRUE(r.HasMember("Problems") && r["Problems"].IsArray());
    const uint64_t errors = r["Errors"].GetUint64();
    const uint64_t warnings = r["Warnings"].GetUint64();
    EXPECT_EQ(r["Valid"].GetBool(), errors == 0);
    EXPECT_LE(r["Problems"].Size(), ZLHCS_SCHEMA_MAX_PROBLEMS);
    if (!r["Truncated"].GetBool()) {
        EXPECT_EQ(v.count("error"), errors) << v.text;
        EXPECT_EQ(v.count("warning"), warnings) << v.text;
    } else {
        // Cut at the count limit, or earlier by the size bound (docs/schema-validation.md, "Limits").
        EXPECT_GT(errors + warnings, r["Problems"].Size());
        EXPECT_GE(errors, static_cast<uint64_t>(v.count("error")));
        EXPECT_GE(warnings, static_cast<uint64_t>(v.count("warning")));
    }
    for (const auto& p : v.problems) {
        EXPECT_TRUE(p.severity == "error" || p.severity == "warning") << p.severity;
        EXPECT_FALSE(p.rule.empty());
        EXPECT_FALSE(p.message.empty());
        EXPECT_TRUE(p.path.empty() || p.path[0] == '/') << p.path;
    }
    if (errors > 0) {
        EXPECT_EQ(v.hr, ZLHCS_E_SCHEMA_INVALID) << hex(v.hr);
    } else if (warnings > 0) {
        EXPECT_EQ(v.hr, ZLHCS_S_FALSE) << hex(v.hr);
    } else {
        EXPECT_EQ(v.hr, ZLHCS_S_OK) << hex(v.hr);
    }
}

/// Runs zlhcs_schema_validate (version: options.schema_version, NULL for none) and parses
/// the report.
inline validation_result run_validation(const char* type, const std::string& document,
                                        const char* version = nullptr) {
    validation_result v;
    zlhcs_schema_validate_options options{};
    options.struct_size = sizeof options;
    options.schema_version = version;
    char* raw = out_sentinel();
    v.hr = zlhcs_schema_validate(type, document.c_str(), version != nullptr ? &options : nullptr, &raw);
    EXPECT_NE(raw, out_sentinel()) << "out_report left unwritten";
    if (raw == out_sentinel()) return v;
    v.has_report = raw != nullptr;
    v.text = take(raw);
    if (!v.has_report) return v;
    v.report.Parse(v.text.c_str(), v.text.size());
    EXPECT_FALSE(v.report.HasParseError()) << "the report is not JSON: " << v.text;
    if (v.report.HasParseError() || !v.report.IsObject() || !v.report.HasMember("Problems") ||
        !v.report["Problems"].IsArray()) {
        return v;
    }
    for (const auto& item : v.report["Problems"].GetArray()) {
        reported_problem p;
        if (!item.IsObject()) continue;
        p.path = string_member(item, "Path");
        p.severity = string_member(item, "Severity");
        p.rule = string_member(item, "Rule");
        p.message = string_member(item, "Message");
        if (item.HasMember("Expected") && item["Expected"].IsArray()) {
            p.expected_is_list = true;
            for (const auto& value : item["Expected"].GetArray()) {
                if (value.IsString()) p.expected_list.emplace_back(value.GetString());
            }
        } else {
            p.expected = string_member(item, "Expected");
        }
        p.has_actual = item.HasMember("Actual");
        p.actual = string_member(item, "Actual");
        p.has_suggestion = item.HasMember("Suggestion");
        p.suggestion = string_member(item, "Suggestion");
        p.since = string_member(item, "Since");
        v.problems.push_back(std::move(p));
    }
    return v;
}

// Realistic documents that validate clean. Their shapes follow what hcsshim sends
// (internal/hcsoci/hcsdoc_wcow.go for a process-isolated container, internal/uvm/create_wcow.go
// for a utility VM, internal/uvm/scsi for a SCSI hot-add, internal/cmd for process parameters);
// ids and paths are made up.

/// A process-isolated Windows container, schema 2.1.
inline constexpr const char* process_isolated_container = R"json({
  "Owner": "containerd-shim-runhcs-v1.exe",
  "SchemaVersion": {"Major": 2, "Minor": 1},
  "ShouldTerminateOnLastHandleClosed": true,
  "Container": {
    "GuestOs": {"HostName": "web-0"},
    "Storage": {
      "Layers": [
        {"Id": "8a4f7c0e-2b1d-5e3f-9a6b-0c1d2e3f4a5b",
         "Path": "C:\\ProgramData\\containerd\\root\\io.containerd.snapshotter.v1.windows\\snapshots\\12"},
        {"Id": "3C2B1A09-8F7E-5D6C-B4A3-921807F6E5D4",
         "Path": "C:\\ProgramData\\containerd\\root\\io.containerd.snapshotter.v1.windows\\snapshots\\11"}
      ],
      "Path": "\\\\?\\Volume{4f1e2d3c-5b6a-4798-8a9b-0c1d2e3f4a5b}\\"
    },
    "MappedDirectories": [
      {"HostPath": "C:\\data\\web", "ContainerPath": "C:\\inetpub\\wwwroot", "ReadOnly": true}
    ],
    "MappedPipes": [
      {"ContainerPipeName": "docker_engine", "HostPath": "\\\\.\\pipe\\docker_engine"}
    ],
    "Memory": {"SizeInMB": 2048},
    "Processor": {"Count": 2, "Maximum": 5000},
    "Networking": {
      "AllowUnqualifiedDnsQuery": true,
      "DnsSearchList": "corp.example.com",
      "Namespace": "0f9e8d7c-6b5a-4938-a7b6-c5d4e3f2a1b0"
    },
    "HvSocket": {"Config": {"DefaultBindSecurityDescriptor": "D:P(A;;FA;;;SY)(A;;FA;;;BA)"}},
    "RegistryChanges": {
      "AddValues": [
        {"Key": {"Hive": "Software", "Name": "Microsoft\\Windows NT\\CurrentVersion\\Winlogon"},
         "Name": "Shell", "Type": "String", "StringValue": "cmd.exe"}
      ]
    }
  }
})json";

/// A Hyper-V utility VM booting Windows from a VMBFS share, schema 2.1.
inline constexpr const char* utility_vm = R"json({
  "Owner": "containerd-shim-runhcs-v1.exe",
  "SchemaVersion": {"Major": 2, "Minor": 1},
  "ShouldTerminateOnLastHandleClosed": true,
  "VirtualMachine": {
    "StopOnReset": true,
    "Chipset": {
      "Uefi": {
        "BootThis": {
          "DevicePath": "\\EFI\\Microsoft\\Boot\\bootmgfw.efi",
          "DeviceType": "VmbFs",
          "VmbFsRootPath": "C:\\ProgramData\\Microsoft\\Windows\\Images\\UtilityVM\\Files"
        }
      }
    },
    "ComputeTopology": {
      "Memory": {"SizeInMB": 1024, "AllowOvercommit": true, "EnableDeferredCommit": true},
      "Processor": {"Count": 2}
    },
    "Devices": {
      "Scsi": {
        "0": {"Attachments": {"0": {"Type": "VirtualDisk", "Path": "C:\\uvm\\sandbox.vhdx"}}}
      },
      "HvSocket": {
        "HvSocketConfig": {
          "DefaultBindSecurityDescriptor": "D:P(A;;FA;;;SY)(A;;FA;;;BA)",
          "ServiceTable": {
            "0e9c6f3a-1d2b-4c5d-8e7f-9a0b1c2d3e4f": {"BindSecurityDescriptor": "D:P(A;;FA;;;SY)"}
          }
        }
      },
      "VirtualSmb": {
        "Shares": [
          {"Name": "os", "Path": "C:\\ProgramData\\Microsoft\\Windows\\Images\\UtilityVM\\Files",
           "Options": {"ReadOnly": true, "ShareRead": true, "CacheIo": true, "TakeBackupPrivilege": true,
                       "PseudoOplocks": true}}
        ]
      },
      "ComPorts": {"0": {"NamedPipe": "\\\\.\\pipe\\uvm-console"}}
    },
    "GuestConnection": {"UseVsock": true}
  }
})json";

/// Hot-adding a SCSI disk to a running VM.
inline constexpr const char* scsi_hot_add = R"json({
  "ResourcePath": "VirtualMachine/Devices/Scsi/0/Attachments/1",
  "RequestType": "Add",
  "Settings": {"Path": "C:\\uvm\\layer.vhdx", "Type": "VirtualDisk", "ReadOnly": true},
  "GuestRequest": {"ResourceType": "MappedVirtualDisk", "RequestType": "Add",
                   "Settings": {"ContainerPath": "C:\\layers\\1", "Lun": 1}}
})json";

/// A console process with stdio pipes.
inline constexpr const char* console_process = R"json({
  "CommandLine": "cmd /c echo hello",
  "WorkingDirectory": "C:\\",
  "User": "ContainerUser",
  "Environment": {"PATH": "C:\\Windows\\system32;C:\\Windows", "TERM": "xterm"},
  "EmulateConsole": true,
  "CreateStdInPipe": true,
  "CreateStdOutPipe": true,
  "CreateStdErrPipe": false,
  "ConsoleSize": [30, 120]
})json";

// Microsoft's own HCS samples (MicrosoftDocs/Virtualization-Documentation,
// virtualization/api/hcs/Reference/, commit 77e0742a8029): the same text as the files of
// tests/data/schema named below (SOURCES.md gives each one's source), which the facade's
// zlhcs_schema_tests embed; here as literals because core tests read no files (Wine).

/// tests/data/schema/msdocs-tutorial-vm.json (Tutorial.md c_VmConfiguration: "Backing": "Virtual").
inline constexpr const char* msdocs_tutorial_vm = R"json(    {
        "SchemaVersion": {
            "Major": 2,
            "Minor": 1
        },
        "Owner": "Sample",
        "ShouldTerminateOnLastHandleClosed": true,
        "VirtualMachine": {
            "Chipset": {
                "Uefi": {
                    "BootThis": {
                        "DevicePath": "Primary disk",
                        "DiskNumber": 0,
                        "DeviceType": "ScsiDrive"
                    }
                }
            },
            "ComputeTopology": {
                "Memory": {
                    "Backing": "Virtual",
                    "SizeInMB": 2048
                },
                "Processor": {
                    "Count": 2
                }
            },
            "Devices": {
                "Scsi": {
                    "Primary disk": {
                        "Attachments": {
                            "0": {
                                "Type": "VirtualDisk",
                                "Path": "c:\\HCS_Test\\utilityvm.vhdx"
                            }
                        }
                    }
                }
            }
        }
    }
)json";

/// tests/data/schema/msdocs-eventcallback-empty-vm.json (EventCallbackSample.md and OperationCompletionSample.md c_EmptyVM: "Backing": "Physical").
inline constexpr const char* msdocs_empty_vm = R"json({
    "SchemaVersion": {
        "Major": 2,
        "Minor": 1
    },
    "Owner": "Sample",
    "VirtualMachine": {
        "Chipset": {
            "Uefi": {}
        },
        "ComputeTopology": {
            "Memory": {
                "Backing": "Physical",
                "SizeInMB": 1024
            },
            "Processor": {
                "Count": 2
            }
        }
    },
    "ShouldTerminateOnLastHandleClosed": true
}
)json";

/// tests/data/schema/msdocs-service-property-query.json (ServiceSample.md c_ServicePropertyQuery: the service's "Memory" property).
inline constexpr const char* msdocs_service_memory_query = R"json(    {
        "PropertyTypes": [
            "Memory"
        ]
    }
)json";

/// tests/data/schema/msdocs-tutorial-property-query.json (Tutorial.md c_VmQuery: the system's "Memory" property).
inline constexpr const char* msdocs_system_memory_query = R"json(    {
        "PropertyTypes":[
            "Memory"
        ]
    }
)json";

}  // namespace zlhcs_core_test
