// Whether this thread is inside a zlhcs callback (an operation's completion callback or a
// subscription's event callback), at any nesting depth.
//
// Closes consult it: outside callbacks a close waits for a callback in progress to return,
// inside one it never waits, because two callbacks closing each other's objects (or one
// closing its own) would otherwise wait for each other forever.
#pragma once

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

}  // namespace zlhcs::core
