#!/usr/bin/env python3
"""Turns abi/zlhcs.abi.json into C++ that checks it against include/zlhcs/zlhcs.h.

Run at build time by tests/abi/CMakeLists.txt for zlhcs_abi_json_tests:

  generate_abi_json_checks.py <abi/zlhcs.abi.json> <output .inc>

The output is a list of static_asserts, one or more per fact the JSON states (the exact type
of every function and callback typedef, every struct's size and every member's offset, size
and type, every constant's type and value, every enumerator), so that a JSON that disagrees
with the header fails to compile; and tables of names, ordinals and offsets that the test's
run-time half compares with def/zlhcs.def, the header's text and the loaded library.

This reads only the JSON (never the header): it checks what scripts/generate_api.py wrote,
independently of how that script read the header. Standard library only.
"""
import json
import sys


def fail(message):
    sys.exit("generate_abi_json_checks.py: abi/zlhcs.abi.json: " + message)


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def literal(value, c_type, resolved):
    """A C++ literal of `value` for a constant of the JSON's type."""
    signed = resolved.startswith("int")
    if signed:
        if value == -(1 << 31):
            return "(-2147483647 - 1)"
        if value == -(1 << 63):
            return "(-9223372036854775807LL - 1)"
        return "(%d)" % value if value < 0 else ("%d" % value if value < 1 << 31 else "%dLL" % value)
    return "%du" % value if value < 1 << 32 else "%dull" % value


def signature(return_type, parameters, convention):
    params = ", ".join(p["c_type"] for p in parameters) or "void"
    return "%s(%s *)(%s)" % (return_type, convention, params)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        abi = json.load(f)
    resolved = {t["name"]: t["resolved"] for t in abi["typedefs"]}
    resolved.update({h["name"]: abi["handles"]["resolved"] for h in abi["handles"]["types"]})
    for fixed in ("int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t",
                  "uint64_t", "size_t"):
        resolved[fixed] = fixed

    out = [
        "// GENERATED at build time by tests/abi/generate_abi_json_checks.py from",
        "// abi/zlhcs.abi.json. Included by tests/abi/abi_json_test.cpp.",
        "namespace abi_json {",
        "",
        "// Functions: the JSON's return and parameter types make exactly the declared type.",
    ]
    api_v1 = next((s for s in abi["structs"] if s["name"] == "zlhcs_api_v1"), None)
    if api_v1 is None:
        fail("no zlhcs_api_v1 struct")
    slots = {m["function"]: m["offset"] for m in api_v1["members"] if "function" in m}
    rows = []
    for function in abi["functions"]:
        name = function["name"]
        if function["calling_convention"] != "ZLHCS_CALL":
            fail("%s: calling convention %r" % (name, function["calling_convention"]))
        sig = signature(function["return_type"], function["parameters"], "ZLHCS_CALL")
        out.append("static_assert(std::is_same<decltype(&%s), %s>::value, %s);" %
                   (name, sig, c_string(name + ": return and parameter types")))
        out.append("static_assert(std::is_same<PFN_%s, %s>::value, %s);" %
                   (name, sig, c_string("PFN_" + name)))
        if name not in slots:
            fail("%s has no member in zlhcs_api_v1" % name)
        rows.append("    {%s, %du, %du, %du, %s, %du}," % (
            c_string(name), function["ordinal"], function["revision"],
            len(function["parameters"]), "true" if function["nodiscard"] else "false",
            slots[name]))

    out += ["", "// Callback typedefs."]
    for callback in abi["callbacks"]:
        sig = signature(callback["return_type"], callback["parameters"], "ZLHCS_CALL")
        out.append("static_assert(std::is_same<%s, %s>::value, %s);" %
                   (callback["name"], sig, c_string(callback["name"])))

    out += ["", "// Typedefs and handle types."]
    for typedef in abi["typedefs"]:
        out.append("static_assert(std::is_same<%s, %s>::value, %s);" %
                   (typedef["name"], typedef["c_type"], c_string(typedef["name"])))
    handles = abi["handles"]
    for handle in handles["types"]:
        out.append("static_assert(std::is_same<%s, %s>::value, %s);" %
                   (handle["name"], handle["c_type"], c_string(handle["name"])))
    out.append("static_assert(%s == %s, %s);" % (
        handles["limit_macro"], literal(handles["limit"], "", handles["resolved"]),
        c_string("handles: limit")))

    out += ["", "// Constants: type, value, and the value as a signed 32-bit integer."]
    for constant in abi["constants"]:
        name, c_type = constant["name"], constant["c_type"]
        if c_type not in resolved:
            fail("%s: unknown type %s" % (name, c_type))
        out.append("static_assert(std::is_same<decltype(%s), %s>::value, %s);" %
                   (name, c_type, c_string(name + ": type")))
        out.append("static_assert(%s == %s, %s);" % (
            name, literal(constant["value"], c_type, resolved[c_type]), c_string(name)))
        if constant["int32"] is not None:
            out.append("static_assert(static_cast<std::int32_t>(static_cast<std::uint32_t>(%s)) "
                       "== %s, %s);" % (name, literal(constant["int32"], "", "int32_t"),
                                        c_string(name + ": as int32")))
        elif -(1 << 31) <= constant["value"] < (1 << 32):
            fail("%s: int32 is null but the value fits 32 bits" % name)

    out += ["", "// Enums."]
    enum_values = 0
    for enum in abi["enums"]:
        out.append("static_assert(sizeof(%s) == %du, %s);" %
                   (enum["name"], enum["size"], c_string(enum["name"] + ": size")))
        for value in enum["values"]:
            enum_values += 1
            out.append("static_assert(std::is_same<decltype(%s), %s>::value && %s == %s, %s);" % (
                value["name"], enum["name"], value["name"],
                literal(value["value"], "", "int64_t"), c_string(value["name"])))

    out += ["", "// Structs: size, alignment, every member's offset, size and type, the sizes."]
    for struct in abi["structs"]:
        name = struct["name"]
        out.append("static_assert(sizeof(%s) == %du && alignof(%s) == %du, %s);" % (
            name, struct["size"], name, struct["align"], c_string(name + ": size")))
        end = 0
        for member in struct["members"]:
            label = c_string("%s::%s" % (name, member["name"]))
            out.append("static_assert(offsetof(%s, %s) == %du && sizeof(%s::%s) == %du, %s);" % (
                name, member["name"], member["offset"], name, member["name"], member["size"],
                label))
            out.append("static_assert(std::is_same<decltype(%s::%s), %s>::value, %s);" % (
                name, member["name"], member["c_type"], label))
            if "function" in member:
                out.append("static_assert(std::is_same<decltype(%s::%s), decltype(&%s)>::value, "
                           "%s);" % (name, member["name"], member["function"], label))
            end = member["offset"] + member["size"]
        if end > struct["size"]:
            fail("%s: members end after its size" % name)
        for size in struct["sizes"]:
            if "macro" in size:
                out.append("static_assert(%s == %du, %s);" %
                           (size["macro"], size["value"], c_string(size["macro"])))

    def names(kind, values):
        return ["inline constexpr const char *%s[] = {" % kind] + \
               ["    %s," % c_string(v) for v in values] + ["};"]

    out += ["", "// For the run-time half.",
            "struct function_row {",
            "    const char *name;",
            "    unsigned ordinal;",
            "    unsigned revision;",
            "    unsigned parameters;",
            "    bool nodiscard;",
            "    unsigned table_offset;  // of its member in zlhcs_api_v1",
            "};",
            "inline constexpr function_row functions[] = {"] + rows + ["};"]
    out += names("constants", [c["name"] for c in abi["constants"]])
    out += names("macros_not_described", [m["name"] for m in abi["macros_not_described"]])
    out += names("structs", [s["name"] for s in abi["structs"] if s["name"] != "zlhcs_api_v1"])
    out += names("enums", [e["name"] for e in abi["enums"]])
    out += names("callbacks", [c["name"] for c in abi["callbacks"]])
    out += names("handles", [h["name"] for h in handles["types"]])
    sizes = {s["name"]: s["size"] for s in abi["structs"]}
    out += [
        "inline constexpr unsigned enum_value_count = %du;" % enum_values,
        "inline constexpr unsigned api_revision = %du;" % abi["api_revision"],
        "inline constexpr unsigned api_min_revision = %du;" % abi["api_min_revision"],
        "inline constexpr unsigned abi_version = %du;" % abi["abi_version"],
        "inline constexpr unsigned version[3] = {%du, %du, %du};" % (
            abi["version"]["major"], abi["version"]["minor"], abi["version"]["patch"]),
        "inline constexpr const char *version_string = %s;" % c_string(abi["version"]["string"]),
        "inline constexpr unsigned api_v1_size = %du;" % sizes["zlhcs_api_v1"],
        "inline constexpr unsigned version_info_size = %du;" % sizes["zlhcs_version_info"],
        "inline constexpr unsigned debug_counts_info_size = %du;" %
        sizes["zlhcs_debug_counts_info"],
        "",
        "}  // namespace abi_json",
        "",
    ]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
