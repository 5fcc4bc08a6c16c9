#!/usr/bin/env python3
"""Turns abi/zlhcs.abi.json into the bad-input table of every export.

Run at build time by tests/abi/CMakeLists.txt for zlhcs_abi_bad_input_tests:

  generate_bad_input_table.py <abi/zlhcs.abi.json> <output .inc>

For every function of the JSON it writes one function row (its parameters, each with the kind
the table drives it as, and a thunk that calls the export with an argument vector) and the
case rows: one parameter made bad (or an extreme that must be accepted) while every other
parameter keeps a valid value, each with the code the header documents for it. The C++ half
(bad_input_table_test.cpp) builds valid arguments, runs the rows and checks code, last error
and leak counters.

Every parameter must match one of the kinds below: a parameter no case generator knows (a new
type or name in the header) fails the build, so a new export cannot go without rows.

The mapping from a parameter's kind to the code a bad value gets is encoded ONCE, here, in
the constants below (HANDLES, NULL_ARG, UTF8, ...), each citing the section of
include/zlhcs/zlhcs.h that documents it, and in classify(), which assigns them.
Standard library only; reads only the JSON.
"""
import json
import sys

# ---------------------------------------------------------------------------------------------
# What the header documents (include/zlhcs/zlhcs.h), one entry per fault: the code, and where.
# ---------------------------------------------------------------------------------------------
HANDLES = 'zlhcs.h "Handles": a closed, stale, forged or wrong-type handle yields ZLHCS_E_INVALID_HANDLE; 0 is never a handle'
NULL_ARG = 'zlhcs.h ZLHCS_E_INVALID_ARGUMENT "NULL or out-of-range argument"; the @abi line does not mark the parameter opt'
NULL_OK = 'zlhcs.h @abi "opt": the parameter may be NULL'
UTF8 = 'zlhcs.h "Strings": invalid UTF-8 fails with ZLHCS_E_INVALID_UTF8'
TOO_LARGE = 'zlhcs.h "Strings" and ZLHCS_MAX_INPUT_BYTES: longer inputs fail with ZLHCS_E_TOO_LARGE'
JSON = 'zlhcs.h "Strings": malformed JSON fails with ZLHCS_HCS_E_INVALID_JSON and a message giving the offset'
JSON_SURROGATE = ('zlhcs.h "Strings" (malformed JSON) and docs/hcsim.md "Input limits": a \\uDC00-style escape '
                  'is no Unicode character, refused as invalid JSON')
VALIDATE_JSON = ('zlhcs.h zlhcs_schema_validate: ZLHCS_E_SCHEMA_INVALID when there is at least one error '
                 '(malformed JSON included, as rule "json")')
STRUCT_SMALL = 'zlhcs.h "Structs": zlhcs accepts any size from the struct\'s v1 size on (below it: ZLHCS_E_INVALID_ARGUMENT)'
STRUCT_BIG_IN = 'zlhcs.h "Structs": a larger struct passed IN is accepted when the unknown tail is all zero'
STRUCT_TAIL_IN = 'zlhcs.h "Structs": a larger struct passed IN with a non-zero tail fails with ZLHCS_E_NOT_SUPPORTED'
STRUCT_BIG_OUT = ('zlhcs.h "Structs": a struct zlhcs fills may be any larger size: zlhcs fills what it knows, '
                  'leaves the rest untouched, and sets struct_size to the size it filled')
TIMEOUT = 'zlhcs.h "Threads": timeouts are in milliseconds; ZLHCS_INFINITE waits forever (0 and the maximum are valid)'
ENUM = 'zlhcs.h "Parameters": an unknown enum value is refused with ZLHCS_E_INVALID_ARGUMENT'
LAST_ERROR_KEPT = 'zlhcs.h zlhcs_last_error: ZLHCS_E_INVALID_ARGUMENT (NULL ...; the last error is then left as it was)'
DEPTH = ('zlhcs.h "Strings": JSON is checked before it reaches HCS: 1 000 000 unclosed arrays are malformed '
         'JSON, refused with ZLHCS_HCS_E_INVALID_JSON and the offset (parsed without recursion: no stack overflow)')

E_INVALID_ARGUMENT = "ZLHCS_E_INVALID_ARGUMENT"
E_INVALID_HANDLE = "ZLHCS_E_INVALID_HANDLE"
E_INVALID_UTF8 = "ZLHCS_E_INVALID_UTF8"
E_TOO_LARGE = "ZLHCS_E_TOO_LARGE"
E_NOT_SUPPORTED = "ZLHCS_E_NOT_SUPPORTED"
E_SCHEMA_INVALID = "ZLHCS_E_SCHEMA_INVALID"
HCS_E_INVALID_JSON = "ZLHCS_HCS_E_INVALID_JSON"

# Faults whose message must name the parameter: the header promises it for documents ("a
# message giving the offset" of malformed JSON) and zlhcs names the parameter of every string
# and NULL argument it refuses; the table holds it to that for these faults.
NAMES_PARAMETER = {"null", "utf8_overlong", "utf8_truncated", "utf8_surrogate", "json_malformed",
                   "json_lone_surrogate", "json_deep", "too_large"}

# String parameters: which hold JSON documents and which plain UTF-8 text. The header's
# comments say it per function ("a ComputeSystem JSON document", "ProcessParameters JSON",
# "options/query/settings ... JSON"); the JSON description has no attribute for it, so the
# names are listed here, and a const char * parameter of any other name fails the build.
JSON_PARAMETERS = {"configuration", "options", "query", "settings", "parameters", "document"}
TEXT_PARAMETERS = {"id", "type_name"}

# Integer parameters: the valid value the table passes, and the documented bad values.
#   name -> (kind, baseline C++ expression, [(fault, value expr, code, citation)])
INTEGERS = {
    "timeout_ms": ("timeout", "ZLHCS_INFINITE", []),
    "revision": ("integer", "ZLHCS_API_REVISION", [
        ("value_zero", "0u", E_NOT_SUPPORTED,
         'zlhcs.h zlhcs_get_api: ZLHCS_E_NOT_SUPPORTED (a revision below ZLHCS_API_MIN_REVISION, 0 included, ...)'),
        ("value_above_max", "ZLHCS_API_REVISION + 1000u", E_NOT_SUPPORTED,
         'zlhcs.h zlhcs_get_api: ZLHCS_E_NOT_SUPPORTED (... or newer than the DLL\'s)')]),
    "code": ("integer", "ZLHCS_E_INVALID_ARGUMENT", []),
    "process_id": ("integer", "0u /* world: the pid */", []),
    "width": ("integer", "80u", []),
    "height": ("integer", "25u", []),
    "size": ("integer", "1u", []),
    "capacity": ("integer", "16u", [
        ("value_zero", "0u", E_INVALID_ARGUMENT,
         'zlhcs.h zlhcs_process_stdio_read: ZLHCS_E_INVALID_ARGUMENT (... capacity 0)')]),
    "event_mask": ("integer", "ZLHCS_EVENT_ALL", [
        ("value_zero", "0u", E_INVALID_ARGUMENT, 'zlhcs.h zlhcs_system_subscribe: ZLHCS_E_INVALID_ARGUMENT (mask 0, ...)')]),
    "interrupted": ("integer", "1", []),  # zlhcs_process_stdio_interrupt: any value (0 clears, else sets)
    "queue_capacity": ("integer", "0u", [
        ("value_above_max", "ZLHCS_EVENT_QUEUE_MAX + 1u", E_INVALID_ARGUMENT,
         'zlhcs.h zlhcs_system_subscribe: ZLHCS_E_INVALID_ARGUMENT (capacity above ZLHCS_EVENT_QUEUE_MAX)')]),
}
# Enum-carrying uint32_t parameters: the valid value; the bad one is unknown to the enum.
ENUM_BASELINE = {"zlhcs_stdio_stream": "ZLHCS_STDOUT", "zlhcs_error_category": "ZLHCS_CATEGORY_INVALID_ARGUMENT"}
# Enums whose function answers an unknown value without failing (documented otherwise).
ENUM_UNKNOWN_ACCEPTED = {
    ("zlhcs_error_matches", "category"): 'zlhcs.h zlhcs_error_matches: "Unknown categories: ZLHCS_S_FALSE"',
}

HANDLE_FAULTS = ["handle_zero", "handle_closed", "handle_stale", "handle_forged_random",
                 "handle_forged_high", "handle_other_kind"]
UTF8_FAULTS = ["utf8_overlong", "utf8_truncated", "utf8_surrogate"]


def fail(message):
    sys.exit("generate_bad_input_table.py: abi/zlhcs.abi.json: " + message)


def c_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Context:
    def __init__(self, abi):
        self.handle_types = [h["name"] for h in abi["handles"]["types"]]
        # The test's world makes handles of these kinds, by these indices.
        if self.handle_types != ["zlhcs_system", "zlhcs_operation", "zlhcs_process", "zlhcs_subscription"]:
            fail("handle types %r: the bad-input test knows system, operation, process, "
                 "subscription (in that order)" % self.handle_types)
        self.structs = {s["name"]: s for s in abi["structs"]}


def classify(ctx, function, p):
    """(kind, extra fields for the C++ parameter row, [case rows]) of one parameter."""
    name, c_type, base = p["name"], p["c_type"], p["type"]["base"]
    depth = p["type"]["pointer_depth"]
    fname = function["name"]
    own = (p["ownership"] or {}).get("kind")
    cases = []

    def case(fault, code, rule, expect="refuse"):
        cases.append((fault, expect, code, rule, "0u"))

    if p["role"] in ("callback", "context", "release"):
        if not p["nullable"]:
            fail("%s(%s): a callback-triple member that may not be NULL" % (fname, name))
        case("null", None, NULL_OK, "accept")
        return p["role"], {"callback_type": base}, cases

    if depth == 0 and base in ctx.handle_types:
        for fault in HANDLE_FAULTS:
            case(fault, E_INVALID_HANDLE, HANDLES)
        return "handle", {"handle_type": ctx.handle_types.index(base)}, cases

    if depth == 0 and base in ("uint32_t", "uint16_t", "int32_t", "size_t", "zlhcs_hresult"):
        if p["enum"]:
            if p["enum"] not in ENUM_BASELINE:
                fail("%s(%s): no valid value known for enum %s" % (fname, name, p["enum"]))
            accepted = ENUM_UNKNOWN_ACCEPTED.get((fname, name))
            if accepted:
                case("enum_unknown", None, accepted, "accept")
            else:
                case("enum_unknown", E_INVALID_ARGUMENT, ENUM)
            return "integer", {"baseline": ENUM_BASELINE[p["enum"]]}, cases
        if name not in INTEGERS:
            fail("%s(%s): an integer parameter no case generator knows" % (fname, name))
        kind, baseline, bad = INTEGERS[name]
        if kind == "timeout":
            case("timeout_zero", None, TIMEOUT, "accept")
            case("timeout_max", None, TIMEOUT, "accept")
            return "integer", {"baseline": baseline}, cases
        for fault, value, code, rule in bad:
            cases.append((fault, "refuse", code, rule, value))  # (fault, expect, code, rule, value)
        return "integer", {"baseline": baseline}, cases

    if depth == 1 and base == "char" and p["type"]["const"]:
        if name in JSON_PARAMETERS:
            kind = "json"
        elif name in TEXT_PARAMETERS:
            kind = "text"
        else:
            fail("%s(%s): a string parameter that is neither a known JSON document nor text" % (fname, name))
        if p["nullable"]:
            case("null", None, NULL_OK, "accept")
        else:
            case("null", E_INVALID_ARGUMENT, NULL_ARG)
        for fault in UTF8_FAULTS:
            case(fault, E_INVALID_UTF8, UTF8)
        case("too_large", E_TOO_LARGE, TOO_LARGE)
        if kind == "json":
            validates = fname == "zlhcs_schema_validate"
            case("json_malformed", E_SCHEMA_INVALID if validates else HCS_E_INVALID_JSON,
                 VALIDATE_JSON if validates else JSON)
            case("json_lone_surrogate", E_SCHEMA_INVALID if validates else HCS_E_INVALID_JSON,
                 VALIDATE_JSON if validates else JSON_SURROGATE)
            case("json_deep", E_SCHEMA_INVALID if validates else HCS_E_INVALID_JSON,
                 VALIDATE_JSON if validates else DEPTH)
        return kind, {}, cases

    if depth == 1 and base in ctx.structs and p["direction"] in ("in", "inout"):
        struct = ctx.structs[base]
        filled = own == "filled" or p["direction"] == "inout"
        if p["nullable"]:
            case("null", None, NULL_OK, "accept")
        elif fname == "zlhcs_last_error":
            case("null", E_INVALID_ARGUMENT, LAST_ERROR_KEPT, "refuse_keep_last_error")
        else:
            case("null", E_INVALID_ARGUMENT, NULL_ARG)
        small = "refuse_keep_last_error" if fname == "zlhcs_last_error" else "refuse"
        case("size_zero", E_INVALID_ARGUMENT, LAST_ERROR_KEPT if small != "refuse" else STRUCT_SMALL, small)
        case("size_small", E_INVALID_ARGUMENT, LAST_ERROR_KEPT if small != "refuse" else STRUCT_SMALL, small)
        if filled:
            case("size_huge", None, STRUCT_BIG_OUT, "accept")
        else:
            case("size_huge", None, STRUCT_BIG_IN, "accept")
            case("size_huge_tail", E_NOT_SUPPORTED, STRUCT_TAIL_IN)
        return ("struct_filled" if filled else "struct_in"), {
            "struct_type": base, "v1_size": struct["size_v1"]}, cases

    if depth == 1 and base == "void" and name == "buffer":
        case("null", E_INVALID_ARGUMENT, 'zlhcs.h zlhcs_process_stdio_read: ZLHCS_E_INVALID_ARGUMENT (buffer ... NULL)')
        return "buffer", {}, cases
    if depth == 1 and base == "void" and name == "data":
        # NULL with size > 0 is refused; NULL with size 0 is a write of nothing (opt).
        case("null", E_INVALID_ARGUMENT, 'zlhcs.h zlhcs_process_stdio_write: ZLHCS_E_INVALID_ARGUMENT (data NULL with size > 0)')
        return "data", {}, cases
    if depth == 1 and base == "void" and name == "memory" and p["nullable"]:
        case("null", None, 'zlhcs.h zlhcs_free: "NULL is allowed"', "accept")
        return "memory", {}, cases

    if depth >= 1 and p["direction"] == "out":
        if own == "handle":
            out = "out_handle"
        elif own == "free":
            out = "out_free"
        elif own == "os_handle" and p["ownership"].get("closed_by") == "caller":
            out = "out_os_handle"  # os_handle(caller): the caller closes it
        elif own in ("static", "os_handle", None):
            out = "out_plain"
        else:
            fail("%s(%s): an out-parameter of unknown ownership %r" % (fname, name, own))
        if p["nullable"]:
            case("null", None, NULL_OK, "accept")
        else:
            case("null", E_INVALID_ARGUMENT, NULL_ARG)
        extra = {"out": out}
        if out == "out_handle":
            extra["handle_type"] = ctx.handle_types.index(base)
        return "out", extra, cases

    fail("%s(%s): no case generator for a parameter of type %s" % (fname, name, c_type))


def argument(p, i, ctx):
    """The C++ expression passing argument i (an `arg`) as the parameter's exact type."""
    c_type = p["c_type"]
    if p["role"] == "callback":
        return "a[%d].%s" % (i, "event_callback" if p["type"]["base"] == "zlhcs_event_callback" else "operation_callback")
    if p["role"] == "release":
        return "a[%d].release" % i
    if p["type"]["pointer_depth"] == 0:
        return "static_cast<%s>(a[%d].u)" % (c_type, i)
    return "static_cast<%s>(a[%d].p)" % (c_type, i)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        abi = json.load(f)
    ctx = Context(abi)
    out = [
        "// GENERATED at build time by tests/abi/generate_bad_input_table.py from",
        "// abi/zlhcs.abi.json. Included by tests/abi/bad_input_table_test.cpp.",
        "namespace bad_input_table {",
        "",
    ]
    function_rows = []
    case_rows = []
    for index, function in enumerate(abi["functions"]):
        name = function["name"]
        params = function["parameters"]
        if len(params) > MAX_PARAMETERS:
            fail("%s: more than %d parameters" % (name, MAX_PARAMETERS))
        param_rows = []
        for i, p in enumerate(params):
            kind, extra, cases = classify(ctx, function, p)
            if not cases and kind != "integer":
                fail("%s(%s): a parameter without any case" % (name, p["name"]))
            struct_type = extra.get("struct_type")
            param_rows.append("{%s, kind::%s, %d, out_kind::%s, %s, %s, %s}" % (
                c_string(p["name"]), kind, extra.get("handle_type", -1), extra.get("out", "none"),
                "sizeof(%s)" % struct_type if struct_type else "0u",
                "%du" % extra["v1_size"] if "v1_size" in extra else "0u",
                extra.get("baseline", "0u")))
            for fault, expect, code, rule, value in cases:
                names = expect == "refuse" and fault in NAMES_PARAMETER
                case_rows.append("    {%d, %d, fault::%s, expect::%s, %s, %s, %s, %s}," % (
                    index, i, fault, expect, code or "ZLHCS_S_OK", value,
                    "true" if names else "false", c_string(rule)))
        call_args = ", ".join(argument(p, i, ctx) for i, p in enumerate(params))
        if function["return_type"] == "void":
            thunk = "[](const arg* a) -> zlhcs_hresult { %s(%s); return ZLHCS_S_OK; }" % (name, call_args)
        else:
            thunk = "[](const arg* a) -> zlhcs_hresult { return %s(%s); }" % (name, call_args)
        if not params:
            thunk = thunk.replace("const arg* a", "const arg*")
        # Every function has a baseline row: all arguments valid (it must not be refused as bad
        # input), which also proves the other rows fault exactly one parameter.
        case_rows.append("    {%d, -1, fault::none, expect::accept, ZLHCS_S_OK, 0u, false, %s}," % (
            index, c_string("every argument valid: not refused as bad input")))
        function_rows.append("    {%s, %s, %d, {%s}, %s}," % (
            c_string(name), "true" if function["return_type"] == "void" else "false", len(params),
            ", ".join(param_rows), thunk))
    out.append("const function_row functions[] = {")
    out += function_rows
    out.append("};")
    out.append("")
    out.append("const case_row cases[] = {")
    out += case_rows
    out.append("};")
    out.append("")
    out.append("}  // namespace bad_input_table")
    out.append("")
    text = "\n".join(out)
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(text)


MAX_PARAMETERS = 10

if __name__ == "__main__":
    main()
