// zlhcs C++ facade - the implementation unit: what the headers declare and one translation
// unit of a program compiles. It holds the typed schema's codec (from_json, to_json, ==,
// minimum_version of all 189 structs: RapidJSON's SAX reader and writer instantiated once) and
// the typed members of compute_system and process that take a schema struct.
//
// Use exactly one of:
//   - the `zlhcs::schema` CMake target (a static library made of this file), or
//   - in one .cpp of the program, stb-style:
//         #define ZLHCS_IMPLEMENTATION
//         #include <zlhcs/zlhcs.hpp>
//     (<zlhcs/schema.hpp> works too), or #include <zlhcs/implementation.hpp> there directly.
// The functions defined here are not inline: compiling this in two units of one program is a
// duplicate symbol at link time; in none, an undefined one naming the function.
//
// It needs RapidJSON on the include path (the rest of the facade does not).
#ifndef ZLHCS_IMPLEMENTATION_HPP_INCLUDED
#define ZLHCS_IMPLEMENTATION_HPP_INCLUDED

#include <zlhcs/zlhcs.hpp>
#include <zlhcs/schema/codec.hpp>
#include <zlhcs/schema/generated/definitions.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace zlhcs::schema {

void from_json(std::string_view json, std::vector<Properties>& out) { detail::read_document(json, out); }

any parse_any(std::string_view json) {
    any out;
    detail::reader handler(out);
    detail::parse_with(handler, json, "zlhcs::schema::parse_any");
    return out;
}

}  // namespace zlhcs::schema

namespace zlhcs {

// ---- compute_system and process: the typed members that are not templates --------------------

compute_system compute_system::create(const string_arg& id, const schema::ComputeSystem& configuration,
                                             std::chrono::milliseconds timeout) {
    return create(id, schema::to_json(configuration), call_options{}, timeout);
}

compute_system compute_system::create(const string_arg& id, const schema::ComputeSystem& configuration,
                                             const call_options& options, std::chrono::milliseconds timeout) {
    return create(id, schema::to_json(configuration), options, timeout);
}

creation compute_system::create_async(const string_arg& id, const schema::ComputeSystem& configuration,
                                             const call_options& options) {
    // zlhcs copies the document during the call, so a temporary suffices.
    return create_async(id, schema::to_json(configuration), options);
}

void compute_system::modify(const schema::ModifySettingRequest& settings,
                                   std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), call_options{}, timeout);
}

void compute_system::modify(const schema::ModifySettingRequest& settings, const call_options& options,
                                   std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), options, timeout);
}

async_result compute_system::modify_async(const schema::ModifySettingRequest& settings,
                                                 const call_options& options) const {
    return modify_async(string_arg(schema::to_json(settings)), options);
}

process process::create(const compute_system& system, const schema::ProcessParameters& parameters,
                               std::chrono::milliseconds timeout) {
    return create(system, string_arg(schema::to_json(parameters)), call_options{}, timeout);
}

process process::create(const compute_system& system, const schema::ProcessParameters& parameters,
                               const call_options& options, std::chrono::milliseconds timeout) {
    return create(system, string_arg(schema::to_json(parameters)), options, timeout);
}

process_creation process::create_async(const compute_system& system,
                                              const schema::ProcessParameters& parameters,
                                              const call_options& options) {
    return create_async(system, string_arg(schema::to_json(parameters)), options);
}

void process::modify(const schema::ProcessModifyRequest& settings, std::chrono::milliseconds timeout) const {
    modify(string_arg(schema::to_json(settings)), timeout);
}

async_result process::modify_async(const schema::ProcessModifyRequest& settings) const {
    return modify_async(string_arg(schema::to_json(settings)));
}

}  // namespace zlhcs

#endif  // ZLHCS_IMPLEMENTATION_HPP_INCLUDED
