// Exports: a process's stdio (zlhcs.h "Stdio").
#include "arguments.hpp"

namespace {

using namespace zlhcs::core;

zlhcs_hresult check_stream(std::uint32_t stream) {
    if (stream <= ZLHCS_STDERR) return ZLHCS_S_OK;
    return fail(ZLHCS_E_INVALID_ARGUMENT,
                "stream " + std::to_string(stream) + " is not ZLHCS_STDIN, ZLHCS_STDOUT or ZLHCS_STDERR");
}

}  // namespace

extern "C" {

// Bounded: waits at most timeout_ms for the pipe to take the bytes, and reports how many it
// took whatever the outcome (stdio_pipe::write). A writer in flight is released at once
// (stdio_pipe's wake-up) by zlhcs_process_stdio_close(STDIN) or _detach(STDIN) (ZLHCS_E_INVALID_STATE, the
// stream's state) and by zlhcs_process_close (ZLHCS_E_INVALID_HANDLE); the bytes taken before
// reach the process.
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_write(zlhcs_process process, const void* data,
                                                             size_t size, uint32_t timeout_ms,
                                                             size_t* out_written) {
    if (out_written != nullptr) *out_written = 0;
    return zlhcs::api::guarded("zlhcs_process_stdio_write", [&]() -> zlhcs_hresult {
        if (size > 0) ZLHCS_ARG_NOT_NULL(data);
        ZLHCS_RESOLVE(object, process_object, process);
        return object->pipe(ZLHCS_STDIN).write(data, size, timeout_ms, out_written);
    });
}

// zlhcs's end and HCS's (process_object::close_stream).
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_close(zlhcs_process process,
                                                             uint32_t stream) {
    return zlhcs::api::guarded("zlhcs_process_stdio_close", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        ZLHCS_RESOLVE(object, process_object, process);
        return object->close_stream(static_cast<zlhcs_stdio_stream>(stream));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_read(zlhcs_process process, uint32_t stream,
                                                            void* buffer, size_t capacity, uint32_t timeout_ms,
                                                            size_t* out_read) {
    return zlhcs::api::guarded("zlhcs_process_stdio_read", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_read);
        *out_read = 0;
        if (buffer == nullptr || capacity == 0) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "buffer must not be NULL and capacity must not be 0");
        }
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        if (stream == ZLHCS_STDIN) return fail(ZLHCS_E_INVALID_ARGUMENT, "stdin cannot be read");
        ZLHCS_RESOLVE(object, process_object, process);
        return object->pipe(static_cast<zlhcs_stdio_stream>(stream)).read(buffer, capacity, timeout_ms, out_read);
    });
}

// Never waits for the I/O it releases: stdio_pipe::set_interrupt takes only the wake-up's lock.
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_interrupt(zlhcs_process process, uint32_t stream,
                                                                 int32_t interrupted) {
    return zlhcs::api::guarded("zlhcs_process_stdio_interrupt", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        ZLHCS_RESOLVE(object, process_object, process);
        return object->pipe(static_cast<zlhcs_stdio_stream>(stream)).set_interrupt(interrupted != 0);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_detach(zlhcs_process process, uint32_t stream,
                                                              uint64_t* out_os_handle) {
    return zlhcs::api::guarded("zlhcs_process_stdio_detach", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_os_handle);
        *out_os_handle = 0;
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        ZLHCS_RESOLVE(object, process_object, process);
        stdio_pipe::native_handle handle{};
        if (const zlhcs_hresult hr = object->pipe(static_cast<zlhcs_stdio_stream>(stream)).detach(handle); hr < 0) {
            return hr;
        }
#ifdef _WIN32
        *out_os_handle = reinterpret_cast<std::uintptr_t>(handle);
#else
        *out_os_handle = static_cast<std::uint64_t>(handle);
#endif
        return ZLHCS_S_OK;
    });
}

}  // extern "C"
