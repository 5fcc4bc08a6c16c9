// The bad-input table: every export of abi/zlhcs.abi.json, every parameter made bad in every
// way its kind allows (generate_bad_input_table.py writes the rows and the code the header
// documents for each), one parameter at a time while the others stay valid. Each row must give
// its documented code AND a thread-local last error (non-empty, valid UTF-8, naming the
// parameter where the row says so), never crash, set non-document out-parameters to 0 on
// failure, and lose nothing: zlhcs_debug_counts is back where it was after every row, and at
// zero once the objects each function's rows ran against are closed. A function of the JSON
// that ran no row, or an export of the library the JSON lacks, fails the test.
//
// The valid arguments come from a small world built per function: a running VM, an exited
// system, a completed operation, an ended queue subscription, and for every handle kind a
// closed handle and a stale one (closed, its slot reused); for the functions that take a
// process or a pid, an exited process with its pipes and the process handles too.
#include <zlhcs/zlhcs.h>

#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace bad_input_table {

enum class kind : uint8_t {
    handle, text, json, struct_in, struct_filled, out, buffer, data, memory, integer,
    callback, context, release
};
enum class out_kind : uint8_t { none, out_handle, out_free, out_os_handle, out_plain };
enum class fault : uint8_t {
    none, null,
    handle_zero, handle_closed, handle_stale, handle_forged_random, handle_forged_high, handle_other_kind,
    utf8_overlong, utf8_truncated, utf8_surrogate, too_large,
    json_malformed, json_lone_surrogate, json_deep,
    size_zero, size_small, size_huge, size_huge_tail,
    timeout_zero, timeout_max, enum_unknown, value_zero, value_above_max
};
/// refuse: the row's code and a last error saying so. refuse_keep_last_error: the row's code,
/// and the thread's last error left as it was (zlhcs_last_error itself). accept: not refused as
/// bad input (the call may still fail for reasons of HCS's, e.g. a state it forbids).
enum class expect : uint8_t { refuse, refuse_keep_last_error, accept };

/// One argument, whatever its C type (the generated thunk casts each to the exact type).
struct arg {
    uint64_t u = 0;
    void* p = nullptr;
    zlhcs_operation_callback operation_callback = nullptr;
    zlhcs_event_callback event_callback = nullptr;
    zlhcs_release_callback release = nullptr;
};

struct param_row {
    const char* name;
    kind k;
    int handle_type;  // index into abi.handles.types (system, operation, process, subscription)
    out_kind out;
    size_t struct_sizeof;
    uint32_t v1_size;
    int64_t baseline;  // integers: the valid value
};

constexpr int max_parameters = 10;

struct function_row {
    const char* name;
    bool returns_void;
    int count;
    param_row params[max_parameters];
    zlhcs_hresult (*call)(const arg*);
};

struct case_row {
    int function;
    int parameter;  // -1: the baseline row (every argument valid)
    fault f;
    expect e;
    zlhcs_hresult code;
    int64_t value;  // value_zero / value_above_max: the value
    bool names_parameter;
    const char* rule;  // the header section documenting the code
};

}  // namespace bad_input_table

#include "bad_input_table.inc"

namespace bad_input_table {
namespace {

using zlhcs_test::hcsim_client;

constexpr int handle_kinds = 4;  // abi.handles.types, in the JSON's order
constexpr int system_type = 0;
constexpr int operation_type = 1;
constexpr int process_type = 2;
const char* const handle_kind_names[handle_kinds] = {"zlhcs_system", "zlhcs_operation", "zlhcs_process",
                                                     "zlhcs_subscription"};

constexpr const char* vm_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-bad-input-table",)"
    R"("VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":1024},"Processor":{"Count":2}}}})";
constexpr const char* container_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-bad-input-table","Container":{}})";
constexpr const char* echo_parameters =
    R"({"CommandLine":"echo hello","CreateStdInPipe":true,"CreateStdOutPipe":true,"CreateStdErrPipe":true})";
constexpr const char* quick_parameters = R"({"CommandLine":"echo x"})";
constexpr const char* system_modify_settings =
    R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":1024})";
constexpr const char* process_modify_settings = R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})";

constexpr size_t struct_buffer_size = 4096;  // a "huge" struct_size: a struct from a far newer header

std::string hex(zlhcs_hresult code) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(code));
    return buffer;
}

const char* fault_name(fault f) {
    switch (f) {
    case fault::none: return "none (baseline)";
    case fault::null: return "NULL";
    case fault::handle_zero: return "handle 0";
    case fault::handle_closed: return "closed handle";
    case fault::handle_stale: return "stale handle (closed, its slot reused)";
    case fault::handle_forged_random: return "forged handle (random bits)";
    case fault::handle_forged_high: return "forged handle (a live one with bit 53 set)";
    case fault::handle_other_kind: return "live handle of another kind";
    case fault::utf8_overlong: return "invalid UTF-8: overlong C0 AF";
    case fault::utf8_truncated: return "invalid UTF-8: truncated E2 82";
    case fault::utf8_surrogate: return "invalid UTF-8: lone surrogate ED B0 80";
    case fault::too_large: return "64 MiB + 1 byte";
    case fault::json_malformed: return "malformed JSON";
    case fault::json_lone_surrogate: return "JSON escaping a lone surrogate \\uDC00";
    case fault::json_deep: return "JSON nested 1 000 000 deep (unclosed)";
    case fault::size_zero: return "struct_size 0";
    case fault::size_small: return "struct_size v1 - 1";
    case fault::size_huge: return "struct_size 4096 (zero tail)";
    case fault::size_huge_tail: return "struct_size 4096 (non-zero tail)";
    case fault::timeout_zero: return "timeout 0";
    case fault::timeout_max: return "timeout ZLHCS_INFINITE";
    case fault::enum_unknown: return "unknown enum value";
    case fault::value_zero: return "value 0";
    case fault::value_above_max: return "value above the maximum";
    }
    return "?";
}

bool valid_utf8(const std::string& text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) { ++i; continue; }
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
        else return false;
        for (size_t k = 1; k <= n; ++k) {
            if (i + k >= text.size()) return false;
            const auto d = static_cast<unsigned char>(text[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

struct error_copy {
    zlhcs_hresult rc = 0;
    zlhcs_hresult code = 0;
    std::string message;
};

error_copy last_error() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    error_copy copy;
    copy.rc = zlhcs_last_error(&e);
    copy.code = e.code;
    copy.message = e.message != nullptr ? e.message : "<NULL>";
    return copy;
}

// Callbacks of the valid arguments: they do nothing; the release notifier lets the leak
// counters (contexts) show that every context given to a call that succeeded came back.
std::atomic<int> callback_context{0};
void ZLHCS_CALL on_operation(zlhcs_operation, zlhcs_hresult, void*) {}
void ZLHCS_CALL on_event(const zlhcs_event*, void*) {}
void ZLHCS_CALL on_release(void*) {}

void close_os_handle(uint64_t handle) {
#ifdef _WIN32
    CloseHandle(reinterpret_cast<HANDLE>(static_cast<uintptr_t>(handle)));
#else
    ::close(static_cast<int>(handle));
#endif
}

zlhcs_hresult close_handle(int type, uint64_t handle) {
    switch (type) {
    case 0: return zlhcs_system_close(handle);
    case 1: return zlhcs_operation_close(handle);
    case 2: return zlhcs_process_close(handle);
    default: return zlhcs_subscription_close(handle);
    }
}

// The counters a row must leave as it found them (delivery threads and live objects follow
// HCS's own completions and are checked when each function's world is gone).
struct held_counts {
    uint64_t systems, processes, operations, subscriptions, contexts, strings;
    bool operator==(const held_counts& o) const {
        return systems == o.systems && processes == o.processes && operations == o.operations &&
               subscriptions == o.subscriptions && contexts == o.contexts && strings == o.strings;
    }
    bool operator<=(const held_counts& o) const {
        return systems <= o.systems && processes <= o.processes && operations <= o.operations &&
               subscriptions <= o.subscriptions && contexts <= o.contexts && strings <= o.strings;
    }
};
held_counts held() {
    const zlhcs_debug_counts_info c = zlhcs_test::debug_counts();
    return {c.systems, c.processes, c.operations, c.subscriptions, c.contexts, c.strings};
}
std::string describe(const held_counts& c) {
    return "systems " + std::to_string(c.systems) + ", processes " + std::to_string(c.processes) +
           ", operations " + std::to_string(c.operations) + ", subscriptions " + std::to_string(c.subscriptions) +
           ", contexts " + std::to_string(c.contexts) + ", strings " + std::to_string(c.strings);
}

/// What the valid arguments point at, rebuilt for every function so that a row that changed
/// something (an accepted terminate, a closed stream) cannot change the next function's rows.
class world {
public:
    /// `with_process`: also the process objects (a process start is costly under ASan and
    /// Wine, so only the functions that take a process or a pid get them).
    explicit world(bool with_process) {
        // hcsim from scratch (no systems left by earlier functions' accepted creates).
        EXPECT_EQ(hcsim_client::instance().reset(), 0);
        system_id_ = "bad-input-table-vm-" + std::to_string(++generation_);
        EXPECT_EQ(zlhcs_system_create(system_id_.c_str(), vm_config, nullptr, ZLHCS_INFINITE, &live_[0], nullptr),
                  ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(zlhcs_system_start(live_[0], nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << last_error().message;
        const std::string exited_id = system_id_ + "-exited";
        EXPECT_EQ(zlhcs_system_create(exited_id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &exited_system_,
                                      nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_system_start(exited_system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_system_terminate(exited_system_, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_system_wait_exit(exited_system_, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        // An exited process whose pipes are open: reads end, waits return at once.
        if (with_process) {
            EXPECT_EQ(zlhcs_process_create(live_[0], echo_parameters, nullptr, ZLHCS_INFINITE, &live_[2], nullptr),
                      ZLHCS_S_OK) << last_error().message;
            EXPECT_EQ(zlhcs_process_wait_exit(live_[2], ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
            EXPECT_EQ(zlhcs_process_id(live_[2], &pid_), ZLHCS_S_OK);
        }
        // A completed operation.
        EXPECT_EQ(zlhcs_system_properties_async(live_[0], nullptr, nullptr, nullptr, nullptr, &live_[1]), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_operation_wait(live_[1], ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        // A queue subscription that has ended (its system handle was closed): next returns at once.
        zlhcs_system second = 0;
        EXPECT_EQ(zlhcs_system_open(system_id_.c_str(), nullptr, &second), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_system_subscribe(second, ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, &live_[3]), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_system_close(second), ZLHCS_S_OK);
        // Per kind: a stale handle (closed, then its slot taken by a new handle, which the
        // world keeps) and a closed one (its slot free).
        for (int type = 0; type < handle_kinds; ++type) {
            if (type == process_type && !with_process) continue;
            const uint64_t stale = make(type);
            const uint64_t closed = make(type);
            EXPECT_GE(close_handle(type, stale), 0);
            reused_[type] = make(type);
            EXPECT_EQ(reused_[type] & 0x0FFFFFFFu, stale & 0x0FFFFFFFu)
                << handle_kind_names[type] << ": the new handle did not take the stale one's slot";
            EXPECT_NE(reused_[type], stale);
            EXPECT_GE(close_handle(type, closed), 0);
            stale_[type] = stale;
            closed_[type] = closed;
        }
    }
    world(const world&) = delete;
    world& operator=(const world&) = delete;
    ~world() {
        for (int type = 0; type < handle_kinds; ++type) (void)close_handle(type, reused_[type]);
        (void)zlhcs_subscription_close(live_[3]);
        (void)zlhcs_operation_close(live_[1]);
        (void)zlhcs_process_close(live_[2]);
        (void)zlhcs_system_terminate(live_[0], nullptr, ZLHCS_INFINITE, nullptr);
        (void)zlhcs_system_close(live_[0]);
        (void)zlhcs_system_close(exited_system_);
        (void)zlhcs_clear_error();
    }

    uint64_t live(int type) const { return live_[type]; }
    uint64_t closed(int type) const { return closed_[type]; }
    uint64_t stale(int type) const { return stale_[type]; }
    zlhcs_system exited_system() const { return exited_system_; }
    const std::string& system_id() const { return system_id_; }
    uint32_t pid() const { return pid_; }

private:
    uint64_t make(int type) const {
        uint64_t h = 0;
        switch (type) {
        case 0: EXPECT_EQ(zlhcs_system_open(system_id_.c_str(), nullptr, &h), ZLHCS_S_OK); break;
        case 1:
            EXPECT_EQ(zlhcs_system_properties_async(live_[0], nullptr, nullptr, nullptr, nullptr, &h), ZLHCS_S_OK);
            EXPECT_EQ(zlhcs_operation_wait(h, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
            break;
        case 2:
            EXPECT_EQ(zlhcs_process_create(live_[0], quick_parameters, nullptr, ZLHCS_INFINITE, &h, nullptr),
                      ZLHCS_S_OK);
            break;
        default:
            EXPECT_EQ(zlhcs_system_subscribe(live_[0], ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, &h), ZLHCS_S_OK);
            break;
        }
        return h;
    }

    static inline unsigned generation_ = 0;
    std::string system_id_;
    uint64_t live_[handle_kinds] = {};
    uint64_t closed_[handle_kinds] = {};
    uint64_t stale_[handle_kinds] = {};
    uint64_t reused_[handle_kinds] = {};
    zlhcs_system exited_system_ = 0;
    uint32_t pid_ = 0;
};

/// Inputs allocated once for the whole run (the 64 MiB + 1 byte and the 1 000 000-deep ones).
struct shared_inputs {
    std::string too_large;  // a valid JSON string (and valid text) of ZLHCS_MAX_INPUT_BYTES + 1 bytes
    std::string deep;       // 1 000 000 nested arrays, never closed: malformed at byte 1 000 000
    shared_inputs() {
        too_large.reserve(ZLHCS_MAX_INPUT_BYTES + 2);
        too_large += '"';
        too_large.append(ZLHCS_MAX_INPUT_BYTES - 1, 'x');
        too_large += '"';
        constexpr size_t depth = 1000000;
        deep.append(depth, '[');
    }
};

const shared_inputs& inputs() {
    static const shared_inputs instance;
    return instance;
}

/// Storage the arguments of one row point into.
struct row_storage {
    uint64_t out_slots[max_parameters] = {};
    alignas(16) unsigned char structs[max_parameters][struct_buffer_size] = {};
    char buffer[64] = {};
    std::string strings[max_parameters];
    char* memory = nullptr;  // zlhcs_free's argument, allocated by zlhcs
};

constexpr uint64_t out_sentinel = 0x5EEDu;
unsigned id_counter = 0;

/// The valid value of parameter i of function f.
arg valid_argument(const function_row& f, int i, const world& w, row_storage& s) {
    const param_row& p = f.params[i];
    const std::string fn = f.name;
    const std::string name = p.name;
    arg a;
    switch (p.k) {
    case kind::handle:
        // zlhcs_system_wait_exit blocks until the system exits: give it one that has.
        a.u = (fn == "zlhcs_system_wait_exit" && p.handle_type == 0) ? w.exited_system() : w.live(p.handle_type);
        break;
    case kind::text:
        if (name == "type_name") {
            s.strings[i] = "ComputeSystem";
        } else if (fn == "zlhcs_system_open") {
            s.strings[i] = w.system_id();
        } else {
            s.strings[i] = "bad-input-table-new-" + std::to_string(++id_counter);
        }
        a.p = s.strings[i].data();
        break;
    case kind::json:
        if (name == "configuration" || name == "document") {
            s.strings[i] = container_config;
        } else if (name == "parameters") {
            s.strings[i] = quick_parameters;
        } else if (name == "settings") {
            s.strings[i] = fn.rfind("zlhcs_process_", 0) == 0 ? process_modify_settings : system_modify_settings;
        } else if (fn.rfind("zlhcs_process_terminate", 0) == 0) {
            break;  // options must be NULL ("reserved for future use")
        } else {
            s.strings[i] = "{}";
        }
        a.p = s.strings[i].data();
        break;
    case kind::struct_in:
    case kind::struct_filled: {
        unsigned char* bytes = s.structs[i];
        std::memset(bytes, 0, struct_buffer_size);
        const auto size = static_cast<uint32_t>(p.struct_sizeof);
        std::memcpy(bytes, &size, sizeof size);
        a.p = bytes;
        break;
    }
    case kind::out:
        s.out_slots[i] = out_sentinel;
        a.p = &s.out_slots[i];
        break;
    case kind::buffer: a.p = s.buffer; break;
    case kind::data: a.p = const_cast<char*>("x"); break;
    case kind::memory:
        EXPECT_EQ(zlhcs_error_describe(ZLHCS_E_INVALID_ARGUMENT, &s.memory), ZLHCS_S_OK);
        a.p = s.memory;
        break;
    case kind::integer:
        a.u = static_cast<uint64_t>(p.baseline);
        if (name == "process_id") a.u = w.pid();
        break;
    case kind::callback:
        a.operation_callback = &on_operation;
        a.event_callback = &on_event;
        break;
    case kind::context: a.p = &callback_context; break;
    case kind::release: a.release = &on_release; break;
    }
    return a;
}

/// Makes argument i bad as the row says.
void apply_fault(const case_row& row, const param_row& p, arg& a, const world& w, row_storage& s, uint64_t forged) {
    const int i = row.parameter;
    const bool json = p.k == kind::json;
    auto set_text = [&](const std::string& text) {
        s.strings[i] = text;
        a.p = s.strings[i].data();
    };
    auto bad_utf8 = [&](const char* bytes) { set_text(json ? std::string("{\"k\":\"") + bytes + "\"}" : std::string("id-") + bytes); };
    unsigned char* bytes = s.structs[i];
    auto set_size = [&](uint32_t size) { std::memcpy(bytes, &size, sizeof size); };
    switch (row.f) {
    case fault::none: break;
    case fault::null:
        a.p = nullptr;
        a.operation_callback = nullptr;
        a.event_callback = nullptr;
        a.release = nullptr;
        break;
    case fault::handle_zero: a.u = 0; break;
    case fault::handle_closed: a.u = w.closed(p.handle_type); break;
    case fault::handle_stale: a.u = w.stale(p.handle_type); break;
    case fault::handle_forged_random: a.u = forged; break;
    case fault::handle_forged_high: a.u = w.live(p.handle_type) | (uint64_t{1} << 53); break;
    case fault::handle_other_kind: a.u = w.live(p.handle_type == system_type ? operation_type : system_type); break;
    case fault::utf8_overlong: bad_utf8("\xC0\xAF"); break;
    case fault::utf8_truncated: bad_utf8("abc\xE2\x82"); break;
    case fault::utf8_surrogate: bad_utf8("\xED\xB0\x80"); break;
    case fault::too_large: a.p = const_cast<char*>(inputs().too_large.c_str()); break;
    case fault::json_malformed: set_text("{\"a\":}"); break;
    case fault::json_lone_surrogate: set_text("{\"a\":\"\\uDC00\"}"); break;
    case fault::json_deep: a.p = const_cast<char*>(inputs().deep.c_str()); break;
    case fault::size_zero: set_size(0); break;
    case fault::size_small: set_size(p.v1_size - 1); break;
    case fault::size_huge:
        set_size(struct_buffer_size);
        // A struct zlhcs fills: the tail is the caller's and must stay as it was.
        if (p.k == kind::struct_filled) std::memset(bytes + p.struct_sizeof, 0xAB, struct_buffer_size - p.struct_sizeof);
        break;
    case fault::size_huge_tail:
        set_size(struct_buffer_size);
        bytes[p.struct_sizeof + 8] = 1;
        break;
    case fault::timeout_zero: a.u = 0; break;
    case fault::timeout_max: a.u = ZLHCS_INFINITE; break;
    case fault::enum_unknown: a.u = 0x7FFFFFF0u; break;
    case fault::value_zero:
    case fault::value_above_max: a.u = static_cast<uint64_t>(row.value); break;
    }
}

bool is_bad_input_code(zlhcs_hresult hr) {
    return hr == ZLHCS_E_INVALID_ARGUMENT || hr == ZLHCS_E_INVALID_HANDLE || hr == ZLHCS_E_INVALID_UTF8 ||
           hr == ZLHCS_E_TOO_LARGE || hr == ZLHCS_E_INTERNAL || hr == ZLHCS_E_SCHEMA_INVALID;
}

bool is_document(const param_row& p) {
    return std::strcmp(p.name, "out_document") == 0 || std::strcmp(p.name, "out_report") == 0;
}

/// Releases what a row's call handed out.
void release_outputs(const function_row& f, row_storage& s) {
    for (int i = 0; i < f.count; ++i) {
        const param_row& p = f.params[i];
        if (p.k != kind::out) continue;
        const uint64_t value = s.out_slots[i];
        if (value == out_sentinel || value == 0) continue;
        switch (p.out) {
        case out_kind::out_handle: (void)close_handle(p.handle_type, value); break;
        case out_kind::out_free: zlhcs_free(reinterpret_cast<void*>(static_cast<uintptr_t>(value))); break;
        case out_kind::out_os_handle: close_os_handle(value); break;
        default: break;
        }
    }
    if (s.memory != nullptr) zlhcs_free(s.memory);  // zlhcs_free was given NULL instead
    s.memory = nullptr;
}

/// The results recorded in the running test so far (a row that adds one failed).
int failure_parts() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->result()->total_part_count();
}

class bad_input_table_test : public ::testing::Test {
protected:
    void SetUp() override { (void)hcsim_client::instance(); }  // hcsim in this run's behaviour
};

TEST_F(bad_input_table_test, every_export_answers_every_bad_input_as_documented) {
    constexpr size_t function_count = sizeof functions / sizeof functions[0];
    std::vector<int> rows_run(function_count, 0);
    std::mt19937_64 random(0x5A1Cu);  // fixed seed: the same forged handles every run
    auto storage = std::make_unique<row_storage>();
    size_t row_count = 0;
    for (size_t fi = 0; fi < function_count; ++fi) {
        const function_row& f = functions[fi];
        SCOPED_TRACE(f.name);
        {
            bool with_process = false;
            for (int i = 0; i < f.count; ++i) {
                with_process |= f.params[i].handle_type == process_type ||
                                std::strcmp(f.params[i].name, "process_id") == 0;
            }
            const world w(with_process);
            // Refusals first: an accepted row may change the world (start, terminate, close).
            for (const bool accepting : {false, true}) {
                for (const case_row& row : cases) {
                    if (row.function != static_cast<int>(fi)) continue;
                    if ((row.e == expect::accept) != accepting) continue;
                    const param_row* p = row.parameter >= 0 ? &f.params[row.parameter] : nullptr;
                    const std::string what = std::string(f.name) + "(" + (p != nullptr ? p->name : "") + "): " +
                                             fault_name(row.f) + " [" + row.rule + "]";
                    SCOPED_TRACE(what);
                    const held_counts before = held();
                    const int parts_before = failure_parts();
                    row_storage& s = *storage;
                    arg args[max_parameters];
                    for (int i = 0; i < f.count; ++i) args[i] = valid_argument(f, i, w, s);
                    uint64_t forged = random() & (ZLHCS_HANDLE_LIMIT - 1);
                    if (p != nullptr) apply_fault(row, *p, args[row.parameter], w, s, forged | 1u);

                    // zlhcs_last_error must leave the last error as it was: give it one to keep.
                    if (row.e == expect::refuse_keep_last_error) {
                        EXPECT_EQ(zlhcs_error_describe(0, nullptr), ZLHCS_E_INVALID_ARGUMENT);
                    } else {
                        (void)zlhcs_clear_error();
                    }
                    const error_copy kept = last_error();

                    const zlhcs_hresult hr = f.call(args);
                    for (int i = 0; i < f.count; ++i) {
                        if (f.params[i].k == kind::memory && args[i].p != nullptr) s.memory = nullptr;  // freed
                    }
                    ++rows_run[fi];
                    ++row_count;

                    if (f.returns_void) {
                        // zlhcs_free: nothing to answer; it must not have failed on the thread.
                        EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE) << "a void function recorded an error";
                    } else if (row.e == expect::accept) {
                        EXPECT_FALSE(is_bad_input_code(hr)) << hex(hr) << ": " << last_error().message;
                    } else {
                        EXPECT_EQ(hr, row.code) << "got " << hex(hr) << ", documented " << hex(row.code) << ": "
                                                << last_error().message;
                        const error_copy e = last_error();
                        if (row.e == expect::refuse_keep_last_error) {
                            EXPECT_EQ(e.code, kept.code) << "the last error changed";
                            EXPECT_EQ(e.message, kept.message) << "the last error changed";
                        } else {
                            EXPECT_EQ(e.rc, ZLHCS_S_OK) << "no last error recorded";
                            EXPECT_EQ(e.code, row.code) << "last error " << hex(e.code);
                            EXPECT_FALSE(e.message.empty()) << "an empty message";
                            EXPECT_TRUE(valid_utf8(e.message)) << "the message is not UTF-8";
                            if (row.f == fault::json_deep && row.code == ZLHCS_HCS_E_INVALID_JSON) {
                                EXPECT_NE(e.message.find("1000000"), std::string::npos)
                                    << "the message does not give the offset of the error: " << e.message;
                            }
                            if (row.names_parameter && p != nullptr) {
                                EXPECT_NE(e.message.find(p->name), std::string::npos)
                                    << "the message does not name " << p->name << ": " << e.message;
                            }
                        }
                        // "Out-parameters": everything but documents set to 0/NULL on failure.
                        for (int i = 0; i < f.count; ++i) {
                            const param_row& q = f.params[i];
                            if (q.k != kind::out || is_document(q) || args[i].p == nullptr) continue;
                            EXPECT_EQ(storage->out_slots[i], 0u) << q.name << " not set to 0 on failure";
                        }
                    }
                    if (p != nullptr && p->k == kind::struct_filled && row.f == fault::size_huge && hr >= 0) {
                        const unsigned char* bytes = storage->structs[row.parameter];
                        uint32_t filled = 0;
                        std::memcpy(&filled, bytes, sizeof filled);
                        EXPECT_EQ(filled, p->struct_sizeof) << "struct_size is not the size filled";
                        size_t touched = 0;
                        for (size_t b = p->struct_sizeof; b < struct_buffer_size; ++b) touched += bytes[b] != 0xAB;
                        EXPECT_EQ(touched, 0u) << "bytes beyond the struct zlhcs knows were written";
                    }
                    release_outputs(f, s);
                    (void)zlhcs_clear_error();
                    // Nothing lost: what the row's call took (handles, contexts, strings) is back.
                    // An accepted call may close what it was given (a close function's baseline row):
                    // fewer is fine there, more never is.
                    const auto settled = [&](const held_counts& now) {
                        return row.e == expect::accept ? now <= before : now == before;
                    };
                    held_counts after = held();
                    const auto settle_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
                    while (!settled(after) && std::chrono::steady_clock::now() < settle_by) {
                        std::this_thread::yield();  // a release notifier in flight: poll (bounded above)
                        after = held();
                    }
                    EXPECT_TRUE(settled(after)) << "before: " << describe(before) << "; after: " << describe(after);
                    if (failure_parts() != parts_before) {  // one line per failing row
                        std::printf("[ bad row ] %s -> %s\n", what.c_str(), hex(hr).c_str());
                    }
                }
            }
        }
        // Everything each function's rows ran against is closed: zlhcs holds nothing.
        const std::string left = zlhcs_test::wait_for_zero_counts(false);
        EXPECT_TRUE(left.empty()) << "after " << f.name << "'s rows: " << left;
    }
    // Every function of the JSON ran at least one row, and the JSON has every export of the
    // library (its function table: one pointer per export).
    for (size_t fi = 0; fi < function_count; ++fi) {
        EXPECT_GT(rows_run[fi], 0) << functions[fi].name << " has no row";
    }
    const zlhcs_api_v1* api = nullptr;
    ASSERT_EQ(zlhcs_get_api(ZLHCS_API_REVISION, &api), ZLHCS_S_OK);
    EXPECT_EQ((api->struct_size - offsetof(zlhcs_api_v1, version)) / sizeof(void*), function_count)
        << "the library exports functions abi/zlhcs.abi.json does not describe";
    std::printf("[ bad input ] %zu functions, %zu rows\n", function_count, row_count);
}

}  // namespace
}  // namespace bad_input_table
