// zlhcs C++ facade - schema structs that contain themselves (ObjectDirectory.objdir,
// RegistryMakeKey.mkkey: a field that is an array of the struct itself). A document can nest
// them to any depth, and the compiler-generated destructor, copy and == of such a struct recurse
// once per level: a million levels overflow any stack. For these structs the generator
// declares the special members and a tree_traits specialization, and the functions here do
// the work with an explicit list on the heap instead of the call stack. The writer
// (json_writer.hpp) walks them the same way; the reader never recursed.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace zlhcs::schema {

/// A list of types (the generated self_referencing_structs).
template <class... T>
struct type_list {};

/// Generated for every schema struct T that contains itself, through exactly one field that is
/// an array of T (scripts/generate_schema.py refuses any other kind of cycle):
///   children_index            the index of that field in struct_info<T>::fields
///   children(T&)              that field (std::optional<std::vector<T>>&), also const
///   copy_shallow(to, from)    copies every other field and the unknown fields
///   swap(a, b)                swaps every field and the unknown fields (noexcept)
///   equal_shallow(a, b)       compares every other field and the unknown fields
template <class T>
struct tree_traits;

/// True for the schema structs that contain themselves.
template <class T, class = void>
inline constexpr bool is_tree_v = false;
template <class T>
inline constexpr bool is_tree_v<T, std::void_t<decltype(tree_traits<T>::children_index)>> = true;

namespace detail {

/// Destroys the nodes of `list` without recursion and without allocating: finds a leaf by
/// walking down the last elements and removes it, until none is left. Quadratic in the depth:
/// only the fallback of destroy_tree when memory is exhausted.
template <class T>
void destroy_without_allocating(std::vector<T>& list) noexcept {
    while (!list.empty()) {
        std::vector<T>* at = &list;
        for (;;) {
            auto& below = tree_traits<T>::children(at->back());
            if (!below || below->empty()) break;
            at = &*below;
        }
        at->pop_back();  // a leaf: its destructor has nothing to walk
    }
}

/// Moves every node of `from` to the end of `to`; false (nothing moved) if `to` cannot grow.
template <class T>
bool append_nodes(std::vector<T>& to, std::vector<T>& from) noexcept {
    const std::size_t needed = to.size() + from.size();
    if (needed > to.capacity()) {
        try {
            to.reserve(std::max(needed, 2 * to.capacity()));
        } catch (...) {
            return false;
        }
    }
    for (T& node : from) to.push_back(std::move(node));  // no reallocation, a noexcept move
    from.clear();                                          // moved-from nodes have no children
    return true;
}

/// The destructor of a tree struct: empties node's children, every level below destroyed
/// from a work list (a node's children are detached before the node is destroyed, so each
/// destructor call returns at once).
template <class T>
void destroy_tree(T& node) noexcept {
    auto& children = tree_traits<T>::children(node);
    if (!children || children->empty()) return;
    std::vector<T> pending = std::move(*children);  // a moved-from vector is empty
    while (!pending.empty()) {
        auto& below = tree_traits<T>::children(pending.back());
        if (!below || below->empty()) {
            pending.pop_back();
            continue;
        }
        std::vector<T> next = std::move(*below);
        pending.pop_back();
        if (pending.empty()) {
            pending = std::move(next);  // a chain: no allocation at all
            continue;
        }
        if (next.size() > pending.size()) pending.swap(next);
        if (!append_nodes(pending, next)) destroy_without_allocating(next);
    }
}

/// The copy constructor of a tree struct: `to` is default-constructed; every node is copied
/// from a work list.
template <class T>
void copy_tree(T& to, const T& from) {
    std::vector<std::pair<T*, const T*>> work{{&to, &from}};
    while (!work.empty()) {
        const auto [target, source] = work.back();
        work.pop_back();
        tree_traits<T>::copy_shallow(*target, *source);
        const auto& source_children = tree_traits<T>::children(*source);
        auto& target_children = tree_traits<T>::children(*target);
        if (!source_children) {
            target_children.reset();
            continue;
        }
        target_children.emplace(source_children->size());  // default-constructed: no recursion
        for (std::size_t i = 0; i < source_children->size(); ++i) {
            work.emplace_back(&(*target_children)[i], &(*source_children)[i]);
        }
    }
}

/// operator== of a tree struct: every pair of nodes compared from a work list.
template <class T>
bool equal_tree(const T& a, const T& b) {
    std::vector<std::pair<const T*, const T*>> work{{&a, &b}};
    while (!work.empty()) {
        const auto [left, right] = work.back();
        work.pop_back();
        if (left == right) continue;
        if (!tree_traits<T>::equal_shallow(*left, *right)) return false;
        const auto& left_children = tree_traits<T>::children(*left);
        const auto& right_children = tree_traits<T>::children(*right);
        if (left_children.has_value() != right_children.has_value()) return false;
        if (!left_children) continue;
        if (left_children->size() != right_children->size()) return false;
        for (std::size_t i = 0; i < left_children->size(); ++i) {
            work.emplace_back(&(*left_children)[i], &(*right_children)[i]);
        }
    }
    return true;
}

}  // namespace detail
}  // namespace zlhcs::schema
