// Whether this thread is inside a zlhcs callback (an operation's completion callback or a
// subscription's event callback), at any nesting depth.
//
// Closes consult it: outside callbacks a close waits for a callback in progress to return,
// inside one it never waits, because two callbacks closing each other's objects (or one
// closing its own) would otherwise wait for each other forever.
#pragma once

#include <zlhcs/zlhcs.h>

namespace zlhcs::core {

/// Marks the current thread as running a zlhcs callback for the scope's lifetime.
class callback_scope {
public:
    callback_scope() noexcept;
    ~callback_scope();
    callback_scope(const callback_scope&) = delete;
    callback_scope& operator=(const callback_scope&) = delete;
};

/// True while this thread runs a zlhcs callback (at any nesting depth).
[[nodiscard]] bool in_zlhcs_callback() noexcept;

/// A held callback context's end (zlhcs.h "Callback contexts and release notifiers"): calls
/// the caller's release notifier, if any, as a zlhcs callback (a close inside it never waits),
/// and stops counting the context (zlhcs_debug_counts). The holder has decided, under its
/// lock, that this is the one release.
void release_callback_context(zlhcs_release_callback release, void* context) noexcept;

}  // namespace zlhcs::core
