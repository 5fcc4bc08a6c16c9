// zlhcs_demo - a compute system's lifecycle through the zlhcs C++ facade.
//
// Creates a container on the default backend (the hcsim simulator off Windows), starts it,
// runs a process in it and reads its output, reads the container's statistics, pauses and
// resumes it, terminates it and waits for its exit, printing each step. Exits 0 on success;
// on failure prints the error (code, category, message, HCS function, result document) and
// exits 1.
#include <zlhcs/zlhcs.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <future>
#include <string>

namespace {

constexpr const char* kConfiguration =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-demo",)"
    R"("ShouldTerminateOnLastHandleClosed":true,"Container":{}})";

// ProcessParameters: the command line, and a pipe for its stdout.
constexpr const char* kProcessParameters =
    R"({"CommandLine":"cmd /c echo hello from a container","CreateStdOutPipe":true})";

constexpr const char* kStatisticsQuery = R"({"PropertyTypes":["Statistics"]})";

rapidjson::Document parse(const std::string& json) {
    rapidjson::Document document;
    document.Parse(json.c_str(), json.size());
    return document;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
    if (!object.IsObject()) return "?";
    const auto member = object.FindMember(name);
    if (member == object.MemberEnd() || !member->value.IsString()) return "?";
    return member->value.GetString();
}

// A number member (possibly nested: "Processor", "TotalRuntime100ns"), or -1.
double number_member(const rapidjson::Value& object, const char* name, const char* inner = nullptr) {
    if (!object.IsObject()) return -1;
    const auto member = object.FindMember(name);
    if (member == object.MemberEnd()) return -1;
    if (inner != nullptr) return number_member(member->value, inner);
    return member->value.IsNumber() ? member->value.GetDouble() : -1;
}

std::string state_of(const zlhcs::compute_system& system) {
    return string_member(parse(system.properties()), "State");
}

void step(const char* what, const std::string& detail) {
    std::printf("  %-10s %s\n", what, detail.c_str());
    std::fflush(stdout);
}

int run() {
    const zlhcs::version_info version = zlhcs::library_version();
    std::printf("zlhcs %s (ABI %u), backend %s\n", version.text.c_str(), static_cast<unsigned>(version.abi_version),
                zlhcs::backend_path().c_str());

    // An empty id: HCS chooses a GUID.
    const zlhcs::compute_system system = zlhcs::compute_system::create("", kConfiguration, std::chrono::seconds(30));
    std::printf("compute system %s\n", system.id().c_str());
    step("create", "state " + state_of(system));

    system.start(std::chrono::seconds(30));
    step("start", "state " + state_of(system));

    // A process in the container; its stdout is a std::istream.
    zlhcs::process child = zlhcs::process::create(system, kProcessParameters, std::chrono::seconds(30));
    std::string output;
    std::getline(child.stdout_stream(), output);
    if (!output.empty() && output.back() == '\r') output.pop_back();  // Windows line ends
    const std::uint32_t exit_code = child.wait_exit(std::chrono::seconds(30));
    step("process", "pid " + std::to_string(child.id()) + " printed \"" + output + "\", exit code " +
                        std::to_string(exit_code));

    // The asynchronous form, through a std::future.
    std::future<std::string> pending = system.properties_async(kStatisticsQuery).get_future();
    const rapidjson::Document properties = parse(pending.get());
    const auto statistics = properties.IsObject() ? properties.FindMember("Statistics") : properties.MemberEnd();
    if (properties.IsObject() && statistics != properties.MemberEnd()) {
        const rapidjson::Value& stats = statistics->value;
        char line[256];
        std::snprintf(line, sizeof line, "uptime %.1f ms, processor %.1f ms, memory commit %.0f bytes",
                      number_member(stats, "Uptime100ns") / 1e4,
                      number_member(stats, "Processor", "TotalRuntime100ns") / 1e4,
                      number_member(stats, "Memory", "MemoryUsageCommitBytes"));
        step("statistics", line);
    } else {
        step("statistics", "(none reported)");
    }

    system.pause(std::chrono::seconds(30));
    step("pause", "state " + state_of(system));

    system.resume(std::chrono::seconds(30));
    step("resume", "state " + state_of(system));

    system.terminate(std::chrono::seconds(30));
    const std::string exit_document = system.wait_exit(std::chrono::seconds(30));
    step("terminate", "state " + state_of(system) + ", exit " + string_member(parse(exit_document), "ExitType"));

    std::printf("done\n");
    return 0;
}

}  // namespace

int main() {
    try {
        return run();
    } catch (const zlhcs::error& e) {
        std::fprintf(stderr,
                     "zlhcs error\n  code      0x%08X\n  category  %s\n  message   %s\n  function  %s\n"
                     "  document  %s\n",
                     static_cast<unsigned>(static_cast<std::uint32_t>(e.hresult())),
                     e.code().default_error_condition().message().c_str(), e.what(),
                     e.function().empty() ? "-" : e.function().c_str(),
                     e.result_document().empty() ? "-" : e.result_document().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
    }
    return 1;
}
