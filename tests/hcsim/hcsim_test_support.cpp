#include "hcsim_test_support.h"

#if defined(_WIN32)
#include <windows.h>
#endif

namespace hcsim_test {

u16string W(const std::string& utf8) {
    auto converted = zlhcs::common::utf8_to_utf16(utf8);
    EXPECT_TRUE(converted.has_value());
    return converted.value_or(u16string{});
}

std::string U8(PCWSTR text) {
    if (text == nullptr) return {};
    auto converted = zlhcs::common::utf16_to_utf8(
        zlhcs::common::u16string_view(text, zlhcs::common::utf16_length(text)));
    EXPECT_TRUE(converted.has_value());
    return converted.value_or(std::string{});
}

void free_string(PWSTR text) {
    if (text == nullptr) return;
#if defined(_WIN32)
    ::LocalFree(text);
#else
    EXPECT_EQ(nullptr, LocalFree(text));
#endif
}

std::string take(PWSTR text) {
    std::string out = U8(text);
    free_string(text);
    return out;
}

rapidjson::Document parse(const std::string& json) {
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    EXPECT_FALSE(doc.HasParseError()) << json;
    return doc;
}

std::string container_config(const std::string& extra) {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"hcsim-test")" + extra +
           R"(,"Container":{"Memory":{"SizeInMB":512}}})";
}

std::string vm_config(unsigned memory_mb, const std::string& extra) {
    return R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"hcsim-test")" + extra +
           R"(,"VirtualMachine":{"ComputeTopology":{"Memory":{"SizeInMB":)" +
           std::to_string(memory_mb) + R"(},"Processor":{"Count":2}},"Devices":{"Scsi":{}}}})";
}

Op::Op(HCS_OPERATION_COMPLETION callback, const void* context)
    : handle_(HcsCreateOperation(context, callback)) {
    EXPECT_NE(nullptr, handle_);
}

Op::~Op() { close(); }

void Op::close() {
    if (handle_ != nullptr) HcsCloseOperation(handle_);
    handle_ = nullptr;
}

HRESULT Op::wait(std::string* document) const {
    PWSTR doc = nullptr;
    const HRESULT hr = HcsWaitForOperationResult(handle_, INFINITE, &doc);
    const std::string text = take(doc);
    if (document != nullptr) *document = text;
    return hr;
}

Sys::~Sys() { close(); }

Sys& Sys::operator=(Sys&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = other.handle_;
        other.handle_ = nullptr;
    }
    return *this;
}

void Sys::close() {
    if (handle_ != nullptr) HcsCloseComputeSystem(handle_);
    handle_ = nullptr;
}

Result create_system(const std::string& id, const std::string& config, Sys& out) {
    Op op;
    Result result;
    const u16string wid = W(id);
    const u16string wconfig = W(config);
    result.hr = HcsCreateComputeSystem(id.empty() ? nullptr : wid.c_str(), wconfig.c_str(), op,
                                       nullptr, out.out());
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

Result run(HRESULT(WINAPI* entry)(HCS_SYSTEM, HCS_OPERATION, PCWSTR), HCS_SYSTEM system,
           const char* options) {
    Op op;
    Result result;
    const u16string woptions = options ? W(options) : u16string();
    result.hr = entry(system, op, options ? woptions.c_str() : nullptr);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

Result properties(HCS_SYSTEM system, const char* query) {
    Op op;
    Result result;
    const u16string wquery = query ? W(query) : u16string();
    result.hr = HcsGetComputeSystemProperties(system, op, query ? wquery.c_str() : nullptr);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

Result modify(HCS_SYSTEM system, const std::string& request) {
    Op op;
    Result result;
    const u16string wrequest = W(request);
    result.hr = HcsModifyComputeSystem(system, op, wrequest.c_str(), nullptr);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

Result enumerate(const char* query) {
    Op op;
    Result result;
    const u16string wquery = query ? W(query) : u16string();
    result.hr = HcsEnumerateComputeSystems(query ? wquery.c_str() : nullptr, op);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

std::string state_of(HCS_SYSTEM system) {
    const Result r = properties(system);
    if (FAILED(r.hr)) return "error";
    const auto doc = parse(r.document);
    return doc["State"].GetString();
}

hcsim_live_objects live() {
    hcsim_live_objects counts{};
    counts.struct_size = sizeof counts;
    EXPECT_EQ(S_OK, HcsimGetLiveObjects(&counts));
    return counts;
}

void wait_idle() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (live().pending_completions != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::yield();  // polls until the deadline, no fixed pause
    }
}

bool await_waiting_calls(uint32_t calls) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (live().waiting_calls < calls) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::yield();
    }
    return true;
}

void CALLBACK EventLog::callback(HCS_EVENT* event, void* context) {
    auto* log = static_cast<EventLog*>(context);
    std::lock_guard lock(log->mutex);
    log->entries.push_back(Entry{event->Type, U8(event->EventData), event->Operation,
                                 std::this_thread::get_id()});
    log->cv.notify_all();
}

std::vector<EventLog::Entry> EventLog::wait_for(std::size_t count) {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::seconds(20), [&] { return entries.size() >= count; });
    return entries;
}

std::vector<EventLog::Entry> EventLog::snapshot() {
    std::lock_guard lock(mutex);
    return entries;
}

void HcsimTest::SetUp() {
    wait_idle();
    ASSERT_EQ(S_OK, HcsimReset());
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_DEFAULT));  // kept across resets
    ASSERT_EQ(S_OK, HcsimClearViolations());
}

void HcsimTest::TearDown() {
    wait_idle();
    const hcsim_live_objects counts = live();
    EXPECT_EQ(0u, counts.operations) << "operation handles left open";
    EXPECT_EQ(0u, counts.system_handles) << "system handles left open";
    EXPECT_EQ(0u, counts.process_handles) << "process handles left open";
    EXPECT_EQ(0u, counts.pending_completions);
    EXPECT_EQ(0u, counts.strings) << "result strings not freed";
    HcsimReset();
    HcsimSetBehavior(HCSIM_BEHAVIOR_DEFAULT);
}

}  // namespace hcsim_test
