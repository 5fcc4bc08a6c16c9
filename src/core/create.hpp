// One create path for compute systems and processes (zlhcs_system_create*, zlhcs_process_create*).
//
// HCS hands out the new object's handle from the call that starts the create operation, which
// may complete before that call returns, fail later, or outlast a synchronous caller's timeout.
// The protocol is the same for both kinds: start the operation; if HCS refused, close whatever
// handle it returned; let the kind take the handle (adopt, which may refuse it); then hand out
// the zlhcs handle -- at once for the async forms (the operation says how the create ends), or
// once the create completed. A create that timed out hands out the handle too: it may still
// complete, and the caller needs the handle to wait for it or end it (an id taken by an object
// nobody holds would help no one). A create that failed hands out nothing: the object's last
// reference goes, and with it the HCS handle.
#pragma once

#include "calls.hpp"

#include <memory>
#include <utility>

namespace zlhcs::core {

/// `Object` provides set_handle(handle) and subject(); `table` lists it. `start(HCS_OPERATION)`
/// starts the HCS create; `discard()` closes the HCS handle if HCS refused to start;
/// `adopt(std::shared_ptr<Object>& out)` makes the object around the HCS handle (a failure,
/// recorded, refuses it: the create then fails and its operation is closed).
template <typename Object, typename Table, typename Start, typename Discard, typename Adopt>
zlhcs_hresult create_object(const backend::table& backend, operation_spec spec, const completion_mode& mode,
                            Table& table, Start&& start, Discard&& discard, Adopt&& adopt,
                            zlhcs_handle* out_handle) {
    spec.publish = mode.async;
    spec.callback = mode.callback;
    spec.context = mode.context;
    spec.release = mode.release;
    started_operation started;
    if (const zlhcs_hresult hr = start_operation(backend, std::move(spec), std::forward<Start>(start), started);
        hr < 0) {
        discard();
        return hr;
    }
    std::shared_ptr<Object> object;
    if (const zlhcs_hresult hr = adopt(object); hr < 0) {
        if (mode.async) operations().remove(started.handle);
        (void)started.object->close();
        return hr;
    }
    const auto publish = [&] {
        const zlhcs_handle handle = table.insert(object);
        object->set_handle(handle);
        started.object->set_subject(object->subject());
        return handle;
    };
    if (mode.async) {
        *out_handle = publish();
        *mode.out_operation = started.handle;
        started.succeed();  // every out-parameter is written: the callback may run
        return ZLHCS_S_OK;
    }
    bool still_running = false;
    const zlhcs_hresult result = finish_sync(*started.object, mode.timeout_ms, mode.out_document, &still_running);
    if (result < 0 && !still_running) return result;
    *out_handle = publish();
    return result;
}

}  // namespace zlhcs::core
