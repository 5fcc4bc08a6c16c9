// zlhcs_operation_error (issue 7 point 1): an operation carries its own failure, readable from
// any thread, with strings owned by the operation until it is closed; and a synchronous form's
// out_document carries HCS's error document, usable on another thread. Neither needs the
// failing thread's last error (Go goroutines and .NET continuations move between threads).
#include "fixture.hpp"

#include <cstring>
#include <thread>
#include <vector>

namespace zlhcs_core_test {
namespace {

class operation_error : public core_test {};

/// What a zlhcs_error held, copied (the strings are the operation's).
struct error_seen {
    zlhcs_hresult rc = 1;
    uint32_t struct_size = 0;
    zlhcs_hresult code = 1;
    uint32_t category = 0xFFFFFFFFu;
    uint32_t reserved = 0xFFFFFFFFu;
    bool strings_non_null = false;
    std::string message;
    std::string function;
    std::string document;
    const char* message_pointer = nullptr;
    const char* document_pointer = nullptr;
    zlhcs_hresult own_last_error_rc = 1;  // this thread's zlhcs_last_error afterwards
};

error_seen read_error(zlhcs_operation op) {
    zlhcs_error e;
    std::memset(&e, 0xAB, sizeof e);  // junk: everything must be written
    e.struct_size = sizeof e;
    error_seen seen;
    seen.rc = zlhcs_operation_error(op, &e);
    seen.struct_size = e.struct_size;
    seen.code = e.code;
    seen.category = e.category;
    seen.reserved = e.reserved;
    seen.strings_non_null = e.message != nullptr && e.function != nullptr && e.result_document != nullptr;
    if (seen.strings_non_null) {
        seen.message = e.message;
        seen.function = e.function;
        seen.document = e.result_document;
        seen.message_pointer = e.message;
        seen.document_pointer = e.result_document;
    }
    zlhcs_error own{};
    own.struct_size = sizeof own;
    seen.own_last_error_rc = zlhcs_last_error(&own);
    return seen;
}

/// Runs `body` on a fresh thread (whose last error is empty) and returns what it returned.
template <typename Body>
auto on_another_thread(Body body) {
    decltype(body()) result{};
    std::thread([&] { result = body(); }).join();
    return result;
}

TEST_F(operation_error, failed_operation_is_read_on_another_thread_without_its_last_error) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_INVALID_JSON, fault_async), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, &raw), ZLHCS_HCS_E_INVALID_JSON);  // this thread waits
    const std::string waited_document = take(raw);
    const zlhcs_operation handle = op.handle;

    const error_seen seen = on_another_thread([&] {
        (void)zlhcs_clear_error();
        return read_error(handle);
    });
    EXPECT_EQ(seen.rc, ZLHCS_S_OK) << "the operation failed";
    EXPECT_EQ(seen.struct_size, sizeof(zlhcs_error));
    EXPECT_EQ(seen.code, ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(seen.category, static_cast<uint32_t>(ZLHCS_CATEGORY_INVALID_JSON));
    EXPECT_EQ(seen.reserved, 0u);
    ASSERT_TRUE(seen.strings_non_null);
    EXPECT_EQ(seen.function, "HcsStartComputeSystem");
    EXPECT_NE(seen.message.find("HcsStartComputeSystem"), std::string::npos) << seen.message;
    EXPECT_EQ(seen.own_last_error_rc, ZLHCS_S_FALSE) << "reading an operation's error is no failure of the reader";
    EXPECT_EQ(seen.document, waited_document) << "the same document the wait handed out";
    if (error_documents_omitted()) {
        EXPECT_EQ(seen.document, "");
        EXPECT_GT(seen.message.size(), std::string("HcsStartComputeSystem").size() + 20) << seen.message;
    } else {
        const rapidjson::Document d = parse(seen.document);
        ASSERT_TRUE(d.IsObject()) << seen.document;
        ASSERT_TRUE(d.HasMember("Error") && d["Error"].IsInt());
        EXPECT_EQ(d["Error"].GetInt(), ZLHCS_HCS_E_INVALID_JSON);
        ASSERT_TRUE(d.HasMember("ErrorMessage") && d["ErrorMessage"].IsString());
        const std::string error_message = d["ErrorMessage"].GetString();
        if (!error_message.empty()) {
            EXPECT_NE(seen.message.find(error_message), std::string::npos) << "HCS's ErrorMessage: " << seen.message;
        }
    }
    // The strings are the operation's: the same ones on every read, on any thread, until close.
    const error_seen again = read_error(handle);
    EXPECT_EQ(again.message_pointer, seen.message_pointer);
    EXPECT_EQ(again.document_pointer, seen.document_pointer);
    EXPECT_STREQ(seen.message_pointer, seen.message.c_str()) << "still valid after the other thread ended";
    op.reset();
    zlhcs_error e{};
    e.struct_size = sizeof e;
    EXPECT_EQ(zlhcs_operation_error(handle, &e), ZLHCS_E_INVALID_HANDLE);
}

TEST_F(operation_error, failed_operation_started_and_awaited_by_its_callback_only) {
    // Nobody waits: the reader thread sees PENDING or the final error, never anything else.
    ASSERT_EQ(sim().fail_next_calls("HcsEnumerateComputeSystems", 1, ZLHCS_HCS_E_ACCESS_DENIED, fault_async), 0);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    const zlhcs_operation handle = op.handle;
    const error_seen seen = on_another_thread([&] {
        error_seen last;
        (void)eventually([&] {
            (void)zlhcs_clear_error();  // a PENDING read is this thread's failure; the final one is not
            last = read_error(handle);
            return last.rc != ZLHCS_HCS_E_OPERATION_PENDING;
        });
        return last;
    });
    EXPECT_EQ(seen.rc, ZLHCS_S_OK);
    EXPECT_EQ(seen.code, ZLHCS_HCS_E_ACCESS_DENIED);
    EXPECT_EQ(seen.category, static_cast<uint32_t>(ZLHCS_CATEGORY_ACCESS_DENIED));
    EXPECT_EQ(seen.function, "HcsEnumerateComputeSystems");
    EXPECT_NE(seen.message.find("HcsEnumerateComputeSystems"), std::string::npos) << seen.message;
    EXPECT_EQ(seen.own_last_error_rc, ZLHCS_S_FALSE);
    EXPECT_EQ(seen.document.empty(), error_documents_omitted()) << seen.document;
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_HCS_E_ACCESS_DENIED);
}

TEST_F(operation_error, succeeded_operation_is_s_false_with_code_0_and_empty_strings) {
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    const zlhcs_operation handle = op.handle;
    const error_seen seen = on_another_thread([&] { return read_error(handle); });
    EXPECT_EQ(seen.rc, ZLHCS_S_FALSE);
    EXPECT_EQ(seen.struct_size, sizeof(zlhcs_error));
    EXPECT_EQ(seen.code, 0);
    EXPECT_EQ(seen.category, static_cast<uint32_t>(ZLHCS_CATEGORY_NONE));
    EXPECT_EQ(seen.reserved, 0u);
    ASSERT_TRUE(seen.strings_non_null);
    EXPECT_EQ(seen.message, "");
    EXPECT_EQ(seen.function, "");
    EXPECT_EQ(seen.document, "");
    EXPECT_EQ(seen.own_last_error_rc, ZLHCS_S_FALSE);
}

TEST_F(operation_error, running_operation_is_pending_with_the_struct_zeroed) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 600000), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    const zlhcs_operation handle = op.handle;
    const error_seen seen = on_another_thread([&] { return read_error(handle); });
    EXPECT_EQ(seen.rc, ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(seen.struct_size, sizeof(zlhcs_error));
    EXPECT_EQ(seen.code, 0);
    EXPECT_EQ(seen.category, static_cast<uint32_t>(ZLHCS_CATEGORY_NONE));
    EXPECT_EQ(seen.reserved, 0u);
    ASSERT_TRUE(seen.strings_non_null);
    EXPECT_EQ(seen.message, "");
    EXPECT_EQ(seen.function, "");
    EXPECT_EQ(seen.document, "");
    op.reset();
    // HCS completes it now (its result is discarded).
    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    EXPECT_TRUE(settled());
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
}

TEST_F(operation_error, null_and_too_small_structs_are_invalid_arguments) {
    operation_guard op;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_error(op, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    for (const uint32_t size : {0u, 4u, ZLHCS_ERROR_SIZE_V1 - 1u}) {
        zlhcs_error e;
        std::memset(&e, 0xAB, sizeof e);
        e.struct_size = size;
        EXPECT_EQ(zlhcs_operation_error(op, &e), ZLHCS_E_INVALID_ARGUMENT) << "struct_size " << size;
        EXPECT_EQ(e.struct_size, size) << "nothing written";
        EXPECT_EQ(e.code, static_cast<zlhcs_hresult>(0xABABABABu)) << "nothing written";
    }
    zlhcs_error e{};
    e.struct_size = sizeof e;
    EXPECT_EQ(zlhcs_operation_error(0, &e), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_error(static_cast<zlhcs_operation>(0x12345), &e), ZLHCS_E_INVALID_HANDLE);
}

TEST_F(operation_error, a_larger_struct_from_a_later_header_is_filled_as_far_as_this_zlhcs_knows) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_ACCESS_DENIED, fault_async), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_ACCESS_DENIED);
    struct later_error {
        zlhcs_error v1;
        uint64_t added[3];  // members a later header appends
    } later{};
    later.v1.struct_size = sizeof later;
    EXPECT_EQ(zlhcs_operation_error(op, &later.v1), ZLHCS_S_OK);
    EXPECT_EQ(later.v1.struct_size, sizeof(zlhcs_error)) << "the size actually filled";
    EXPECT_EQ(later.v1.code, ZLHCS_HCS_E_ACCESS_DENIED);
    ASSERT_NE(later.v1.function, nullptr);
    EXPECT_STREQ(later.v1.function, "HcsStartComputeSystem");
    for (const uint64_t member : later.added) EXPECT_EQ(member, 0u) << "the tail is the caller's";
}

// Members are written once, under the lock, before the operation counts as complete: readers
// racing the completion see PENDING (zeroed) or the final failure, whose strings stay put
// (TSan checks the publication).
TEST_F(operation_error, readers_racing_the_completion_see_pending_or_the_final_error) {
    ASSERT_EQ(sim().set_latency("HcsEnumerateComputeSystems", 1), 0);
    for (int round = 0; round < 40; ++round) {
        ASSERT_EQ(sim().fail_next_calls("HcsEnumerateComputeSystems", 1, ZLHCS_HCS_E_CONNECT_FAILED, fault_async), 0);
        operation_guard op;
        ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
        const zlhcs_operation handle = op.handle;
        std::atomic<int> bad{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 3; ++t) {
            readers.emplace_back([&] {
                const char* message = nullptr;
                std::string message_copy;
                for (;;) {
                    const error_seen seen = read_error(handle);
                    if (seen.rc == ZLHCS_HCS_E_OPERATION_PENDING) {
                        if (seen.code != 0 || !seen.strings_non_null || !seen.message.empty()) bad.fetch_add(1);
                        std::this_thread::yield();
                        continue;
                    }
                    if (seen.rc != ZLHCS_S_OK || seen.code != ZLHCS_HCS_E_CONNECT_FAILED ||
                        seen.function != "HcsEnumerateComputeSystems") {
                        bad.fetch_add(1);
                        return;
                    }
                    if (message == nullptr) {
                        message = seen.message_pointer;
                        message_copy = seen.message;
                        continue;  // once more: the same string
                    }
                    if (seen.message_pointer != message || message_copy != message) bad.fetch_add(1);
                    return;
                }
            });
        }
        EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_HCS_E_CONNECT_FAILED);
        for (auto& reader : readers) reader.join();
        EXPECT_EQ(bad.load(), 0) << "round " << round;
    }
}

// Issue 7 "done when": a test reads an HCS error document from another thread than the one
// that failed, without the thread-local error. The synchronous form hands it out through
// out_document, the same document the failing thread's last error holds.
TEST_F(operation_error, sync_failure_document_is_read_on_another_thread) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsStartComputeSystem", 1, ZLHCS_HCS_E_GUEST_CRITICAL_ERROR, fault_async), 0);
    struct failing_call {
        zlhcs_hresult rc = 1;
        char* document = nullptr;
        std::string last_error_document;
    };
    const zlhcs_system handle = system.get();
    failing_call failed = on_another_thread([&] {
        failing_call call;
        call.document = out_sentinel();
        call.rc = zlhcs_system_start(handle, nullptr, ZLHCS_INFINITE, &call.document);
        call.last_error_document = last_error().document;
        return call;
    });
    ASSERT_EQ(failed.rc, ZLHCS_HCS_E_GUEST_CRITICAL_ERROR);
    ASSERT_NE(failed.document, out_sentinel());
    // This thread never failed: it reads the document alone.
    (void)zlhcs_clear_error();
    const std::string document = take(failed.document);
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE);
    if (error_documents_omitted()) {
        EXPECT_EQ(document, "");
        return;
    }
    EXPECT_EQ(document, failed.last_error_document) << "out_document and the last error agree";
    const rapidjson::Document d = parse(document);
    ASSERT_TRUE(d.IsObject()) << document;
    ASSERT_TRUE(d.HasMember("Error") && d["Error"].IsInt());
    EXPECT_EQ(d["Error"].GetInt(), ZLHCS_HCS_E_GUEST_CRITICAL_ERROR);
    EXPECT_TRUE(d.HasMember("ErrorMessage"));
    EXPECT_TRUE(d.HasMember("ErrorEvents"));
}

}  // namespace
}  // namespace zlhcs_core_test
