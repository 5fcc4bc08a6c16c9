// The built-in deterministic programs a simulated process runs (chosen by the first token of
// its command line). A program uses only its pipes (ProgramIo) and the copy of its parameters
// below; it never touches the caller's memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "program_io.h"

namespace hcsim {

enum class ProgramKind { Echo, Cat, Exit, Sleep, IgnoreSignals, Env, Cwd, ConsoleSize, Write, Crash };

struct Program {
    ProgramKind kind = ProgramKind::Echo;
    std::string name;                // normalized: lower case, no path, no ".exe"
    std::vector<std::string> args;   // the tokens after the program name
    std::vector<std::pair<std::string, std::string>> environment;  // sorted by name
    std::string working_directory;   // "" if none given
};

/** Splits a command line into tokens: blanks separate them, double quotes group (and are
 *  removed). */
std::vector<std::string> split_command_line(std::string_view command_line);

/** The program a command line runs, or nullopt (with its normalized name in `name`) if it is
 *  not one of the built-in programs. `cmd /c <rest>` runs <rest>. */
std::optional<Program> find_program(const std::vector<std::string>& tokens, std::string& name);

/** Runs the program on the calling thread; returns its exit code (the stop code if it was
 *  stopped). */
uint32_t run_program(ProgramIo& io, const Program& program);

}  // namespace hcsim
