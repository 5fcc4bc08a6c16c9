#include "text.h"

#include <cstdio>

namespace hcsim {

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string iso8601(wall::time_point when) {
    using namespace std::chrono;
    const auto days = floor<std::chrono::days>(when);
    const year_month_day date{days};
    const auto time = when - days;
    const auto h = duration_cast<hours>(time);
    const auto m = duration_cast<minutes>(time - h);
    const auto sec = duration_cast<seconds>(time - h - m);
    const auto ticks = duration_cast<nanoseconds>(time - h - m - sec).count() / 100;
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02lldZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(h.count()), static_cast<int>(m.count()),
                  static_cast<long long>(sec.count()));
    std::string out(text);
    char fraction[32];
    std::snprintf(fraction, sizeof fraction, ".%07lld", static_cast<long long>(ticks));
    out.insert(out.size() - 1, fraction);
    return out;
}

}  // namespace hcsim
