// zlhcs_demo - compute systems' lifecycles through the zlhcs C++ facade.
//
// On the default backend (the hcsim simulator off Windows): creates a container, starts it,
// runs a process in it and reads its output, reads the container's statistics, watches its
// exit through an event subscription and an exit watch, terminates it; then a virtual machine,
// which (unlike a container: pause is a VM operation, and the container's refusal is shown)
// is paused and resumed before it is shut down. Prints each step, and at the end zlhcs's leak
// counters. Exits 0 on success; on failure prints the error (code, category, message, HCS
// function, result document) and exits 1. Run by README's first command and by ctest
// (natively and under Wine), which checks its output.
#include <zlhcs/zlhcs.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace {

constexpr const char* kConfiguration =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-demo",)"
    R"("ShouldTerminateOnLastHandleClosed":true,"Container":{}})";

// ProcessParameters: the command line, and a pipe for its stdout.
constexpr const char* kProcessParameters =
    R"({"CommandLine":"cmd /c echo hello from a container","CreateStdOutPipe":true})";

constexpr const char* kStatisticsQuery = R"({"PropertyTypes":["Statistics"]})";

constexpr const char* kVirtualMachine =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-demo","ShouldTerminateOnLastHandleClosed":true,)"
    R"("VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1024},"Processor":{"Count":2}}}})";

constexpr auto kTimeout = std::chrono::seconds(30);

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

void run_process(const zlhcs::compute_system& system);
void show_statistics(const zlhcs::compute_system& system);

int run() {
    const zlhcs::version_info version = zlhcs::library_version();
    std::printf("zlhcs %s (ABI %u), backend %s\n", version.text.c_str(), static_cast<unsigned>(version.abi_version),
                zlhcs::backend_path().c_str());

    {
        // An empty id: HCS chooses a GUID.
        const zlhcs::compute_system system = zlhcs::compute_system::create("", kConfiguration, kTimeout);
        std::printf("container %s\n", system.id().c_str());
        step("create", "state " + state_of(system));

        system.start(kTimeout);
        step("start", "state " + state_of(system));

        run_process(system);
        show_statistics(system);

        // Pause is a VM operation: the container refuses it, and says why.
        try {
            system.pause(kTimeout);
            step("pause", "state " + state_of(system));
        } catch (const zlhcs::error& e) {
            step("pause", std::string("refused: ") + e.code().default_error_condition().message() + " (" +
                              e.function() + ")");
        }

        // Its exit, two ways: an event subscription (a queue here) and an exit watch.
        zlhcs::subscription events = system.subscribe(zlhcs::event_kind::system_exited);
        zlhcs::async_result exited = system.exited();
        system.terminate(kTimeout);
        const std::optional<zlhcs::event> event = events.next(kTimeout);
        step("terminate", "event " + std::string(event ? "system exited" : "none") + ", exit " +
                              string_member(parse(exited.wait(kTimeout)), "ExitType"));
    }
    {
        const zlhcs::compute_system vm = zlhcs::compute_system::create("", kVirtualMachine, kTimeout);
        std::printf("virtual machine %s\n", vm.id().c_str());
        vm.start(kTimeout);
        step("start", "state " + state_of(vm));
        vm.pause(kTimeout);
        step("pause", "state " + state_of(vm));
        vm.resume(kTimeout);
        step("resume", "state " + state_of(vm));
        vm.shutdown(kTimeout);
        step("shutdown", "exit " + string_member(parse(vm.wait_exit(kTimeout)), "ExitType"));
    }

    // Every handle is closed and every string freed: zlhcs holds nothing for us any more (a
    // callback context is released just after its callback returned, on zlhcs's thread: a
    // moment may pass).
    zlhcs::debug_counts counts = zlhcs::current_debug_counts();
    for (int i = 0; i < 500 && !counts.nothing_held(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        counts = zlhcs::current_debug_counts();
    }
    step("counters", counts.nothing_held() ? "zlhcs holds nothing (handles, contexts, strings: 0)"
                                           : "zlhcs still holds something");
    std::printf("done\n");
    return counts.nothing_held() ? 0 : 1;
}

void run_process(const zlhcs::compute_system& system) {
    // A process in the container; its stdout is a std::istream.
    zlhcs::process child = zlhcs::process::create(system, kProcessParameters, kTimeout);
    std::string output;
    std::getline(child.stdout_stream(), output);
    if (!output.empty() && output.back() == '\r') output.pop_back();  // Windows line ends
    const std::uint32_t exit_code = child.wait_exit(kTimeout);
    step("process", "pid " + std::to_string(child.id()) + " printed \"" + output + "\", exit code " +
                        std::to_string(exit_code));
}

void show_statistics(const zlhcs::compute_system& system) {
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
