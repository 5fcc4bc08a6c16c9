#include "programs.h"

#include "text.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace hcsim {
namespace {

constexpr uint32_t bad_arguments_exit_code = 87;  // ERROR_INVALID_PARAMETER
constexpr uint32_t crash_exit_code = 0xC0000005u;  // STATUS_ACCESS_VIOLATION
constexpr std::size_t write_chunk = 4096;
constexpr unsigned pattern_modulus = 251;

std::string normalize(std::string_view token) {
    const auto slash = token.find_last_of("\\/");
    if (slash != std::string_view::npos) token.remove_prefix(slash + 1);
    std::string name = lower_ascii(token);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".exe") == 0) name.resize(name.size() - 4);
    return name;
}

// Decimal, 0x-hexadecimal, or a negative decimal taken as int32 (-1 -> 0xFFFFFFFF).
std::optional<uint32_t> parse_u32(std::string_view text) {
    bool negative = false;
    int base = 10;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    if (text.empty()) return std::nullopt;
    uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    if (negative) {
        if (value > 0x80000000ull) return std::nullopt;
        return static_cast<uint32_t>(0u - static_cast<uint32_t>(value));
    }
    if (value > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<uint32_t>(value);
}

uint32_t outcome(IoStatus status, const ProgramIo& io, uint32_t code) {
    return status == IoStatus::Stopped ? io.stop_code() : code;
}

uint32_t bad_arguments(ProgramIo& io, const Program& program, const std::string& why) {
    const std::string text = "hcsim: " + program.name + ": " + why + "\r\n";
    return outcome(io.write(Stream::Err, text.data(), text.size()), io, bad_arguments_exit_code);
}

uint32_t write_line(ProgramIo& io, const std::string& line) {
    const std::string text = line + "\r\n";
    return outcome(io.write(Stream::Out, text.data(), text.size()), io, 0);
}

uint32_t run_cat(ProgramIo& io) {
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        std::size_t got = 0;
        const IoStatus status = io.read(buffer.data(), buffer.size(), got);
        if (status == IoStatus::Eof) return 0;
        if (status != IoStatus::Ok) return io.stop_code();
        if (io.write(Stream::Out, buffer.data(), got) == IoStatus::Stopped) return io.stop_code();
    }
}

uint32_t run_console_size(ProgramIo& io) {
    std::vector<char> buffer(4096);
    for (;;) {
        const uint32_t size = io.console();
        const std::string line = std::to_string(size >> 16) + "x" + std::to_string(size & 0xFFFF) + "\r\n";
        if (io.write(Stream::Out, line.data(), line.size()) == IoStatus::Stopped) return io.stop_code();
        for (;;) {
            std::size_t got = 0;
            const IoStatus status =
                io.read(buffer.data(), buffer.size(), got, [&io, size] { return io.console() != size; });
            if (status == IoStatus::Eof) return 0;
            if (status == IoStatus::Stopped) return io.stop_code();
            if (status == IoStatus::Interrupted) break;  // the size changed: write it again
        }
    }
}

uint32_t run_write(ProgramIo& io, const Program& program) {
    if (program.args.empty() || program.args.size() > 2) {
        return bad_arguments(io, program, "usage: write <bytes> [stdout|stderr|both]");
    }
    uint64_t total = 0;
    {
        const std::string& text = program.args[0];
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), total);
        if (ec != std::errc() || ptr != text.data() + text.size()) {
            return bad_arguments(io, program, "the byte count must be a decimal number");
        }
    }
    bool to_out = true;
    bool to_err = false;
    if (program.args.size() == 2) {
        const std::string where = lower_ascii(program.args[1]);
        if (where == "stderr") {
            to_out = false;
            to_err = true;
        } else if (where == "both") {
            to_err = true;
        } else if (where != "stdout") {
            return bad_arguments(io, program, "the stream must be stdout, stderr or both");
        }
    }
    // Byte i of each stream is i % 251; both streams advance chunk by chunk, alternately.
    std::array<char, write_chunk> chunk{};
    for (uint64_t offset = 0; offset < total; offset += write_chunk) {
        const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(write_chunk, total - offset));
        for (std::size_t i = 0; i < n; ++i) {
            chunk[i] = static_cast<char>((offset + i) % pattern_modulus);
        }
        if (to_out && io.write(Stream::Out, chunk.data(), n) == IoStatus::Stopped) return io.stop_code();
        if (to_err && io.write(Stream::Err, chunk.data(), n) == IoStatus::Stopped) return io.stop_code();
    }
    return 0;
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view command_line) {
    std::vector<std::string> tokens;
    std::string current;
    bool in_token = false;
    bool quoted = false;
    for (const char c : command_line) {
        if (c == '"') {
            quoted = !quoted;
            in_token = true;
        } else if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
            if (in_token) tokens.push_back(std::move(current));
            current.clear();
            in_token = false;
        } else {
            current.push_back(c);
            in_token = true;
        }
    }
    if (in_token) tokens.push_back(std::move(current));
    return tokens;
}

std::optional<Program> find_program(const std::vector<std::string>& tokens, std::string& name) {
    name.clear();
    if (tokens.empty()) return std::nullopt;
    name = normalize(tokens[0]);
    if (name == "cmd" && tokens.size() >= 2 && lower_ascii(tokens[1]) == "/c") {
        return find_program(std::vector<std::string>(tokens.begin() + 2, tokens.end()), name);
    }
    static constexpr std::pair<std::string_view, ProgramKind> programs[] = {
        {"echo", ProgramKind::Echo},
        {"cat", ProgramKind::Cat},
        {"exit", ProgramKind::Exit},
        {"sleep", ProgramKind::Sleep},
        {"ignore-signals", ProgramKind::IgnoreSignals},
        {"env", ProgramKind::Env},
        {"cwd", ProgramKind::Cwd},
        {"console-size", ProgramKind::ConsoleSize},
        {"write", ProgramKind::Write},
        {"crash", ProgramKind::Crash},
    };
    for (const auto& [program_name, kind] : programs) {
        if (name == program_name) {
            Program program;
            program.kind = kind;
            program.name = name;
            program.args.assign(tokens.begin() + 1, tokens.end());
            return program;
        }
    }
    return std::nullopt;
}

uint32_t run_program(ProgramIo& io, const Program& program) {
    switch (program.kind) {
    case ProgramKind::Echo: {
        std::string line;
        for (const auto& arg : program.args) {
            if (!line.empty() || &arg != &program.args.front()) line.push_back(' ');
            line += arg;
        }
        return write_line(io, line);
    }
    case ProgramKind::Cat: return run_cat(io);
    case ProgramKind::Exit: {
        if (program.args.empty()) return 0;
        const auto code = parse_u32(program.args[0]);
        if (!code || program.args.size() > 1) return bad_arguments(io, program, "usage: exit <code>");
        return *code;
    }
    case ProgramKind::Sleep:
    case ProgramKind::IgnoreSignals: {
        const auto ms = program.args.size() == 1 ? parse_u32(program.args[0]) : std::nullopt;
        if (!ms) return bad_arguments(io, program, "usage: " + program.name + " <milliseconds>");
        return outcome(io.sleep(*ms), io, 0);
    }
    case ProgramKind::Env: {
        std::string text;
        for (const auto& [key, value] : program.environment) text += key + "=" + value + "\r\n";
        return outcome(io.write(Stream::Out, text.data(), text.size()), io, 0);
    }
    case ProgramKind::Cwd:
        return write_line(io, program.working_directory.empty() ? std::string("C:\\") : program.working_directory);
    case ProgramKind::ConsoleSize: return run_console_size(io);
    case ProgramKind::Write: return run_write(io, program);
    case ProgramKind::Crash: return crash_exit_code;
    }
    return 0;
}

}  // namespace hcsim
