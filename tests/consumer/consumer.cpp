// zlhcs_consumer_cpp: a C++17 program using the facade's typed API from the installed package
// (zlhcs::facade). It builds a container's ComputeSystem with zlhcs::container_builder, checks
// that the document survives schema::to_json / from_json, creates and starts the container on
// the backend (argv[1]: an absolute path of an HCS library such as hcsim; none: the default
// one), reads its typed Properties and Statistics, terminates it and checks that zlhcs holds
// nothing for the program at the end. Prints "zlhcs_consumer_cpp: ok" and exits 0, or says
// what failed and exits 1.
//
// The typed codec is compiled once per program: here (ZLHCS_IMPLEMENTATION, the one .cpp of
// the program), or in the package's zlhcs::schema library, which CMakeLists.txt links instead
// (ZLHCS_CONSUMER_CODEC).
#ifdef ZLHCS_CONSUMER_IMPLEMENTATION_HERE
#define ZLHCS_IMPLEMENTATION
#endif
#include <zlhcs/zlhcs.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

namespace schema = zlhcs::schema;

namespace {

void require(bool condition, const std::string& what) {
    if (!condition) throw std::runtime_error(what);
}

int run(int argc, char** argv) {
    if (argc > 1) {
        zlhcs::init_options options;
        options.backend = zlhcs::backend_kind::path;
        options.backend_path = argv[1];
        zlhcs::initialize(options);
    }
    const zlhcs::version_info version = zlhcs::library_version();
    std::printf("zlhcs_consumer_cpp: zlhcs %s, backend %s\n", version.text.c_str(), zlhcs::backend_path().c_str());
    require(version.major == ZLHCS_VERSION_MAJOR && version.minor == ZLHCS_VERSION_MINOR,
            "the library is not the version of its header");

    const schema::ComputeSystem document =
        zlhcs::container_builder().owner("zlhcs-consumer").processor_count(2).memory_mb(512).build();
    const std::string json = schema::to_json(document);
    std::printf("zlhcs_consumer_cpp: ComputeSystem %s\n", json.c_str());
    require(schema::from_json<schema::ComputeSystem>(json) == document, "the document does not round-trip");

    {
        const zlhcs::compute_system system = zlhcs::compute_system::create("zlhcs-consumer-cpp", document);
        system.start();
        const schema::Properties properties = system.properties<schema::Properties>();
        require(properties.State == schema::State::Running, "the started container is not Running");
        const schema::Statistics statistics = zlhcs::statistics(system);
        require(statistics.Processor.has_value() && statistics.Memory.has_value(),
                "Statistics without Processor or Memory");
        std::printf("zlhcs_consumer_cpp: Running; uptime %llu x 100 ns\n",
                    static_cast<unsigned long long>(statistics.Uptime100ns.value_or(0)));
        system.terminate();
    }

    // A callback context is released just after its callback returned, on zlhcs's thread.
    zlhcs::debug_counts counts = zlhcs::current_debug_counts();
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!counts.nothing_held() && std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();  // polls until `until`, no fixed pause
        counts = zlhcs::current_debug_counts();
    }
    require(counts.nothing_held(), "zlhcs still holds something for the program");
    std::printf("zlhcs_consumer_cpp: ok\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zlhcs_consumer_cpp: %s\n", e.what());
        return 1;
    }
}
