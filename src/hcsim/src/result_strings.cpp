#include "result_strings.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_set>

namespace hcsim {

#if defined(_WIN32)

PWSTR allocate_result_string(u16string_view text) {
    const SIZE_T bytes = (text.size() + 1) * sizeof(WCHAR);
    auto* memory = static_cast<PWSTR>(::LocalAlloc(LMEM_FIXED, bytes));
    if (memory == nullptr) return nullptr;
    if (!text.empty()) std::memcpy(memory, text.data(), text.size() * sizeof(WCHAR));
    memory[text.size()] = 0;
    return memory;
}

// The caller frees with kernel32's LocalFree, which hcsim cannot observe.
uint32_t live_result_strings() { return 0; }

#else

namespace {

// Every block handed out by LocalAlloc (ours or the caller's), so LocalFree frees only
// what is really ours and never crashes on a foreign or double-freed pointer.
struct Blocks {
    std::mutex mutex;
    std::unordered_set<void*> live;
    std::unordered_set<void*> results;  // the subset that are result strings
};

Blocks& blocks() {
    static Blocks* instance = new Blocks;  // never destroyed (callers may free at exit)
    return *instance;
}

void* allocate_block(uint32_t flags, std::size_t bytes, bool result) {
    void* memory = (flags & HCSIM_LMEM_ZEROINIT) != 0 ? std::calloc(1, bytes == 0 ? 1 : bytes)
                                                      : std::malloc(bytes == 0 ? 1 : bytes);
    if (memory == nullptr) return nullptr;
    auto& b = blocks();
    std::lock_guard lock(b.mutex);
    try {
        b.live.insert(memory);
        if (result) b.results.insert(memory);
    } catch (const std::bad_alloc&) {
        b.live.erase(memory);
        std::free(memory);
        return nullptr;
    }
    return memory;
}

}  // namespace

PWSTR allocate_result_string(u16string_view text) {
    auto* memory = static_cast<PWSTR>(allocate_block(0, (text.size() + 1) * sizeof(WCHAR), true));
    if (memory == nullptr) return nullptr;
    if (!text.empty()) std::memcpy(memory, text.data(), text.size() * sizeof(WCHAR));
    memory[text.size()] = 0;
    return memory;
}

uint32_t live_result_strings() {
    auto& b = blocks();
    std::lock_guard lock(b.mutex);
    return static_cast<uint32_t>(b.results.size());
}

#endif

bool store_result_string(PWSTR* out, const std::optional<u16string>& text) {
    if (out == nullptr) return true;
    *out = nullptr;
    if (!text) return true;
    *out = allocate_result_string(*text);
    return *out != nullptr;
}

}  // namespace hcsim

#if !defined(_WIN32)
extern "C" {

HCSIM_ENTRY void* LocalAlloc(uint32_t flags, size_t bytes) {
    return hcsim::allocate_block(flags, bytes, false);  // NULL when out of memory
}

HCSIM_ENTRY void* LocalFree(void* memory) {
    if (memory == nullptr) return nullptr;
    auto& b = hcsim::blocks();
    {
        std::lock_guard lock(b.mutex);
        if (b.live.erase(memory) == 0) return memory;  // not ours: leave it alone
        b.results.erase(memory);
    }
    std::free(memory);
    return nullptr;
}

}  // extern "C"
#endif
