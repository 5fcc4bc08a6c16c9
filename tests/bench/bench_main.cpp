// Runs the benchmarks, then prints each "<name>/zlhcs" time as a ratio of "<name>/baseline"
// from the same run: absolute times vary between machines, ratios much less.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

namespace {

class ratio_reporter : public benchmark::ConsoleReporter {
public:
    ratio_reporter() : ConsoleReporter(OO_None) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            // With --benchmark_repetitions the median of the repetitions stands for the name.
            const bool aggregate = run.run_type == Run::RT_Aggregate;
            if (aggregate && run.aggregate_name != "median") continue;
            // The name and its arguments, without what the run adds (/iterations:N,
            // /real_time, /manual_time...).
            std::string name = run.run_name.function_name;
            if (!run.run_name.args.empty()) name += "/" + run.run_name.args;
            const auto slash = name.rfind('/');
            if (slash == std::string::npos) continue;
            auto& entry = times_[name.substr(0, slash)][name.substr(slash + 1)];
            if (aggregate || !entry.from_median) entry = {run.GetAdjustedRealTime(), aggregate};
        }
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        std::printf("\nratio to baseline (same run; lower is better, 1.00 = as fast as baseline)\n");
        for (const auto& [name, variants] : times_) {
            const auto baseline = variants.find("baseline");
            const auto measured = variants.find("zlhcs");
            if (baseline == variants.end() || measured == variants.end() || baseline->second.time <= 0) {
                continue;
            }
            std::printf("  %-32s %6.2f\n", name.c_str(), measured->second.time / baseline->second.time);
        }
    }

private:
    struct measurement {
        double time = 0;
        bool from_median = false;
    };
    std::map<std::string, std::map<std::string, measurement>> times_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
