// zlhcs C++ facade - reads HCS JSON documents into the generated schema types with
// RapidJSON's SAX reader: no DOM, one pass, fields this schema does not know (and known fields
// sent as null) kept in each object's unknown_fields, enum values it does not know kept in the
// open_enum, numbers as their text (json_number.hpp), one member per name (member_names.hpp),
// no lone surrogate anywhere (utf8.hpp). Used through zlhcs::schema::from_json
// (<zlhcs/schema.hpp>).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <zlhcs/schema/json_number.hpp>
#include <zlhcs/schema/member_names.hpp>
#include <zlhcs/schema/rapidjson.hpp>
#include <zlhcs/schema/utf8.hpp>
#include <zlhcs/schema/value_types.hpp>

namespace zlhcs::schema::detail {

class reader;

/// Appends `token` to a JSON pointer, escaped as RFC 6901 says ("~" -> "~0", "/" -> "~1").
inline void append_pointer_token(std::string& out, std::string_view token) {
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
}

/// What a value slot does with each SAX event. `expected` names the schema type for messages.
struct value_ops {
    bool (*on_null)(reader&, void*);
    bool (*on_bool)(reader&, void*, bool);
    bool (*on_number)(reader&, void*, std::string_view);  // the number's JSON text
    bool (*on_string)(reader&, void*, const char*, std::size_t);
    bool (*on_start_object)(reader&, void*);
    bool (*on_start_array)(reader&, void*);
    const char* expected;
};

enum class frame_kind : std::uint8_t { structure, array, map };

struct frame;

/// What an open object or array does with keys and elements.
struct container_ops {
    frame_kind kind;
    bool (*on_key)(reader&, frame&, const char*, std::size_t);  // structure, map
    void (*next_element)(reader&, frame&);                      // array
    std::string_view (*field_name)(std::size_t index);          // structure
    unknown_fields* (*unknown)(void* object);                   // structure
    void (*finish)(void* object);                               // structure: at its end
};

/// frame::index of a structure or map before its first member, and of a structure while an
/// unknown field (named in frame::key) is read.
inline constexpr std::size_t no_field = static_cast<std::size_t>(-1);
inline constexpr std::size_t unknown_field_index = static_cast<std::size_t>(-2);

struct frame {
    void* object = nullptr;
    const container_ops* ops = nullptr;
    std::size_t index = 0;  // structure: the field being read; array: elements begun; map: 0 once a key is read
    std::string key;        // map: the key being read; structure: the unknown field being read
};

/// An open object or array inside a value kept as JSON text (an Any value, an unknown field):
/// only for the path of an error found inside it.
struct capture_frame {
    bool object = false;
    std::size_t elements = 0;  // array: elements begun
    std::string key;           // object: the member being read
};

template <class T, class = void>
struct codec;

template <class T>
inline constexpr value_ops value_ops_for = {
    [](reader& r, void* p) { return codec<T>::on_null(r, *static_cast<T*>(p)); },
    [](reader& r, void* p, bool v) { return codec<T>::on_bool(r, *static_cast<T*>(p), v); },
    [](reader& r, void* p, std::string_view v) { return codec<T>::on_number(r, *static_cast<T*>(p), v); },
    [](reader& r, void* p, const char* s, std::size_t n) { return codec<T>::on_string(r, *static_cast<T*>(p), s, n); },
    [](reader& r, void* p) { return codec<T>::on_start_object(r, *static_cast<T*>(p)); },
    [](reader& r, void* p) { return codec<T>::on_start_array(r, *static_cast<T*>(p)); },
    codec<T>::expected,
};

/// The SAX handler. One per parse; not thread-safe.
class reader {
public:
    template <class T>
    explicit reader(T& root) : pending_target_(&root), pending_ops_(&value_ops_for<T>) {}
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    // RapidJSON's handler concept. Numbers come as text (kParseNumbersAsStringsFlag): Int ...
    // Double are never called under parse_flags, and pass the value on as text if they are.
    bool Null() {
        if (capturing_) return capture_scalar([](auto& w) { return w.Null(); });
        return take() && current_->on_null(*this, target_);
    }
    bool Bool(bool v) {
        if (capturing_) return capture_scalar([v](auto& w) { return w.Bool(v); });
        return take() && current_->on_bool(*this, target_, v);
    }
    bool Int(int v) { return Int64(v); }
    bool Uint(unsigned v) { return Uint64(v); }
    bool Int64(std::int64_t v) { return integer_as_text(v); }
    bool Uint64(std::uint64_t v) { return integer_as_text(v); }
    bool Double(double) { return fail("a number was not read as text (the reader needs kParseNumbersAsStringsFlag)"); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
        const std::string_view text(s, n);
        if (capturing_) {
            begin_captured_value();
            if (!json_number_fits_double(text)) return fail_number_range(text);
            return capture_scalar([text](auto& w) { return w.RawValue(text.data(), text.size(), rapidjson::kNumberType); });
        }
        return take() && current_->on_number(*this, target_, text);
    }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        if (capturing_) {
            begin_captured_value();
            if (const unsigned surrogate = decoded_surrogate(s, n)) return fail(describe_surrogate(surrogate));
            return capture_scalar([s, n](auto& w) { return w.String(s, n); });
        }
        if (!take()) return false;
        if (const unsigned surrogate = decoded_surrogate(s, n)) return fail(describe_surrogate(surrogate));
        return current_->on_string(*this, target_, s, n);
    }
    bool StartObject() {
        if (capturing_) return capture_open(true, [](auto& w) { return w.StartObject(); });
        return take() && current_->on_start_object(*this, target_);
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        if (const unsigned surrogate = decoded_surrogate(s, n)) {
            // The path is the object's: make its member token the last one, then drop it.
            if (capturing_) {
                capture_frames_.back().key.clear();
            } else {
                frame& current = top();
                current.index = current.ops->kind == frame_kind::structure ? unknown_field_index : 0;
                current.key.clear();
            }
            return fail_at(path(1), "a member name: " + describe_surrogate(surrogate));
        }
        if (capturing_) {
            capture_frames_.back().key.assign(s, n);
            return writer_.Key(s, n);
        }
        frame& current = top();
        return current.ops->on_key(*this, current, s, n);
    }
    bool EndObject(rapidjson::SizeType) {
        if (capturing_) return capture_close([](auto& w) { return w.EndObject(); });
        const frame& current = top();
        if (current.ops->finish != nullptr) current.ops->finish(current.object);
        pop();
        return true;
    }
    bool StartArray() {
        if (capturing_) return capture_open(false, [](auto& w) { return w.StartArray(); });
        return take() && current_->on_start_array(*this, target_);
    }
    bool EndArray(rapidjson::SizeType) {
        if (capturing_) return capture_close([](auto& w) { return w.EndArray(); });
        pop();
        return true;
    }

    // For the codecs.
    template <class T>
    void expect(T& target) {
        pending_target_ = &target;
        pending_ops_ = &value_ops_for<T>;
    }
    void push(void* object, const container_ops* ops) {
        frame& f = depth_ < inline_depth ? inline_frames_[depth_] : deep_frames_.emplace_back();
        ++depth_;
        f.object = object;
        f.ops = ops;
        f.index = ops->kind == frame_kind::array ? 0 : no_field;
    }
    /// The next value is kept as JSON text in *target (an Any value or an unknown field).
    void expect_any(any& target);
    /// A known field sent as null: kept as an unknown field of that name, so it is written back.
    bool keep_null() {
        if (depth_ == 0 || top().ops->kind != frame_kind::structure) return mismatch("null");
        const frame& current = top();
        unknown_fields* extra = current.ops->unknown(current.object);
        unknown_field& field = extra->emplace_back();
        field.name = std::string(current.ops->field_name(current.index));
        return true;  // any's default is null
    }
    bool mismatch(const char* found) {
        return fail(std::string("expected ") + current_expected_ + ", found " + found);
    }
    bool fail(std::string message) { return fail_at(path(), std::move(message)); }
    bool fail_at(std::string where, std::string message) {
        if (error_.empty()) error_ = (where.empty() ? std::string("(root)") : std::move(where)) + ": " + message;
        return false;
    }
    bool fail_number_range(std::string_view text) {
        return fail("the number " + std::string(text.substr(0, 40)) + (text.size() > 40 ? "..." : "") +
                    " is beyond the range of a double");
    }
    /// Capturing an Any: the value's events go to a JSON writer until it is complete.
    bool begin_capture(any& target) {
        capture_target_ = &target;
        buffer_.Clear();
        writer_.Reset(buffer_);
        return true;
    }
    template <class Write>
    bool capture_scalar_into(any& target, Write&& write) {
        begin_capture(target);
        write(writer_);
        finish_capture();
        return true;
    }
    template <class Write>
    bool capture_open_into(any& target, bool object, Write&& write) {
        begin_capture(target);
        capturing_ = true;
        capture_frames_.emplace_back().object = object;
        return write(writer_);
    }

    [[nodiscard]] const std::string& error() const noexcept { return error_; }

    /// Where the reader is, as a JSON pointer, without the last `drop` tokens. A path deeper
    /// than max_path_levels shows its first and last levels and how many it leaves out.
    [[nodiscard]] std::string path(std::size_t drop = 0) const {
        std::size_t levels = 0;
        for_each_token([&levels](std::size_t, const auto&) { ++levels; });
        levels = levels > drop ? levels - drop : 0;
        std::string out;
        for_each_token([&](std::size_t level, const auto& append) {
            if (level >= levels) return;
            if (levels > max_path_levels && level >= max_path_levels / 2 && level < levels - max_path_levels / 2) {
                if (level == max_path_levels / 2) {
                    out += "/...(" + std::to_string(levels - max_path_levels) + " levels)...";
                }
                return;
            }
            out += '/';
            append(out);
        });
        return out;
    }

private:
    // Schema documents nest a few levels: frames live in the reader up to inline_depth.
    static constexpr std::size_t inline_depth = 12;
    static constexpr std::size_t max_path_levels = 64;

    const frame& frame_at(std::size_t level) const {
        return level < inline_depth ? inline_frames_[level] : deep_frames_[level - inline_depth];
    }
    /// Calls f(level, append) for each token of the path; append(out) adds the token, escaped.
    template <class F>
    void for_each_token(F&& f) const {
        std::size_t level = 0;
        for (std::size_t i = 0; i < depth_; ++i) {
            const frame& fr = frame_at(i);
            switch (fr.ops->kind) {
            case frame_kind::structure:
                if (fr.index == no_field) break;
                f(level++, [&fr](std::string& out) {
                    append_pointer_token(out, fr.index == unknown_field_index ? std::string_view(fr.key)
                                                                              : fr.ops->field_name(fr.index));
                });
                break;
            case frame_kind::array:
                if (fr.index == 0) break;
                f(level++, [&fr](std::string& out) { out += std::to_string(fr.index - 1); });
                break;
            case frame_kind::map:
                if (fr.index == no_field) break;
                f(level++, [&fr](std::string& out) { append_pointer_token(out, fr.key); });
                break;
            }
        }
        if (!capturing_) return;
        for (const capture_frame& c : capture_frames_) {
            if (c.object) {
                f(level++, [&c](std::string& out) { append_pointer_token(out, c.key); });
            } else if (c.elements > 0) {
                f(level++, [&c](std::string& out) { out += std::to_string(c.elements - 1); });
            }
        }
    }

    frame& top() { return depth_ <= inline_depth ? inline_frames_[depth_ - 1] : deep_frames_.back(); }
    const frame& top() const { return depth_ <= inline_depth ? inline_frames_[depth_ - 1] : deep_frames_.back(); }
    void pop() {
        if (depth_ > inline_depth) deep_frames_.pop_back();
        --depth_;
    }

    bool take() {
        if (pending_ops_ == nullptr) {
            // Only an array frame asks for values without a key.
            frame& current = top();
            current.ops->next_element(*this, current);
        }
        target_ = pending_target_;
        current_ = pending_ops_;
        current_expected_ = current_->expected;
        pending_ops_ = nullptr;
        return true;
    }
    template <class Integer>
    bool integer_as_text(Integer v) {
        char text[24];
        const auto end = std::to_chars(text, text + sizeof text, v).ptr;
        return RawNumber(text, static_cast<rapidjson::SizeType>(end - text), true);
    }
    /// A value begins inside a captured object or array: counts array elements (for the path).
    void begin_captured_value() {
        capture_frame& current = capture_frames_.back();
        if (!current.object) ++current.elements;
    }
    template <class Write>
    bool capture_scalar(Write&& write) {
        if (!write(writer_)) return false;
        if (capture_frames_.empty()) finish_capture();
        return true;
    }
    template <class Write>
    bool capture_open(bool object, Write&& write) {
        begin_captured_value();
        capture_frames_.emplace_back().object = object;
        return write(writer_);
    }
    template <class Write>
    bool capture_close(Write&& write) {
        if (!write(writer_)) return false;
        capture_frames_.pop_back();
        if (capture_frames_.empty()) finish_capture();
        return true;
    }
    void finish_capture() {
        *capture_target_ = any::from_compact_json(std::string(buffer_.GetString(), buffer_.GetSize()));
        capturing_ = false;
        capture_target_ = nullptr;
    }

    frame inline_frames_[inline_depth];
    std::vector<frame> deep_frames_;
    std::size_t depth_ = 0;
    void* pending_target_ = nullptr;
    const value_ops* pending_ops_ = nullptr;
    void* target_ = nullptr;
    const value_ops* current_ = nullptr;
    const char* current_expected_ = "";
    bool capturing_ = false;
    std::vector<capture_frame> capture_frames_;
    any* capture_target_ = nullptr;
    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_{buffer_};
    std::string error_;
};

// ---- codecs --------------------------------------------------------------------------------

/// Every event a type does not take is a type mismatch.
template <class T>
struct codec_defaults {
    static bool on_null(reader& r, T&) { return r.mismatch("null"); }
    static bool on_bool(reader& r, T&, bool) { return r.mismatch("a boolean"); }
    static bool on_number(reader& r, T&, std::string_view) { return r.mismatch("a number"); }
    static bool on_string(reader& r, T&, const char*, std::size_t) { return r.mismatch("a string"); }
    static bool on_start_object(reader& r, T&) { return r.mismatch("an object"); }
    static bool on_start_array(reader& r, T&) { return r.mismatch("an array"); }
};

template <>
struct codec<bool> : codec_defaults<bool> {
    static constexpr const char* expected = "bool";
    static bool on_bool(reader&, bool& out, bool v) {
        out = v;
        return true;
    }
};

template <class T>
constexpr const char* integer_name() {
    if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
    if constexpr (std::is_same_v<T, std::int64_t>) return "int64";
    if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
    if constexpr (std::is_same_v<T, std::uint16_t>) return "uint16";
    if constexpr (std::is_same_v<T, std::uint32_t>) return "uint32";
    return "uint64";
}

template <class T>
struct codec<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> : codec_defaults<T> {
    static constexpr const char* expected = integer_name<T>();
    /// Exact for any number of digits; -0 is 0. A fraction or an exponent is not an integer.
    static bool on_number(reader& r, T& out, std::string_view text) {
        if (has_fraction_or_exponent(text)) return r.mismatch("a non-integer number");
        if (parse_json_integer(text, out)) return true;
        return r.fail(std::string(expected) + " out of range: " + std::string(text.substr(0, 40)) +
                      (text.size() > 40 ? "..." : ""));
    }
};

template <>
struct codec<std::string> : codec_defaults<std::string> {
    static constexpr const char* expected = "string";
    static bool on_string(reader&, std::string& out, const char* s, std::size_t n) {
        out.assign(s, n);
        return true;
    }
};

template <>
struct codec<any> {
    static constexpr const char* expected = "any JSON value";
    static bool on_null(reader& r, any& out) {
        return r.capture_scalar_into(out, [](auto& w) { return w.Null(); });
    }
    static bool on_bool(reader& r, any& out, bool v) {
        return r.capture_scalar_into(out, [v](auto& w) { return w.Bool(v); });
    }
    /// The number's text as sent: no double round trip.
    static bool on_number(reader& r, any& out, std::string_view text) {
        if (!json_number_fits_double(text)) return r.fail_number_range(text);
        return r.capture_scalar_into(
            out, [text](auto& w) { return w.RawValue(text.data(), text.size(), rapidjson::kNumberType); });
    }
    static bool on_string(reader& r, any& out, const char* s, std::size_t n) {
        return r.capture_scalar_into(
            out, [s, n](auto& w) { return w.String(s, static_cast<rapidjson::SizeType>(n)); });
    }
    static bool on_start_object(reader& r, any& out) {
        return r.capture_open_into(out, true, [](auto& w) { return w.StartObject(); });
    }
    static bool on_start_array(reader& r, any& out) {
        return r.capture_open_into(out, false, [](auto& w) { return w.StartArray(); });
    }
};

inline void reader::expect_any(any& target) { expect(target); }

template <class E>
struct codec<open_enum<E>> : codec_defaults<open_enum<E>> {
    static constexpr const char* expected = enum_traits<E>::type_name.data();
    static bool on_string(reader&, open_enum<E>& out, const char* s, std::size_t n) {
        out = open_enum<E>::from_string(std::string_view(s, n));
        return true;
    }
};

template <class T>
struct codec<std::optional<T>> {
    static constexpr const char* expected = codec<T>::expected;
    static bool on_null(reader& r, std::optional<T>& out) {
        out.reset();
        return r.keep_null();
    }
    static bool on_bool(reader& r, std::optional<T>& out, bool v) { return codec<T>::on_bool(r, out.emplace(), v); }
    static bool on_number(reader& r, std::optional<T>& out, std::string_view v) {
        return codec<T>::on_number(r, out.emplace(), v);
    }
    static bool on_string(reader& r, std::optional<T>& out, const char* s, std::size_t n) {
        if constexpr (std::is_same_v<T, std::string>) {
            out.emplace(s, n);  // one allocation, no empty string first
            return true;
        } else {
            return codec<T>::on_string(r, out.emplace(), s, n);
        }
    }
    static bool on_start_object(reader& r, std::optional<T>& out) {
        return codec<T>::on_start_object(r, out.emplace());
    }
    static bool on_start_array(reader& r, std::optional<T>& out) {
        return codec<T>::on_start_array(r, out.emplace());
    }
};

template <class T>
struct codec<std::vector<T>> : codec_defaults<std::vector<T>> {
    static constexpr const char* expected = "array";
    static constexpr container_ops ops = {
        frame_kind::array,
        nullptr,
        [](reader& r, frame& f) {
            auto& items = *static_cast<std::vector<T>*>(f.object);
            ++f.index;
            // HCS's arrays are short (layers, mapped directories, adapters): room for four at
            // the first element spares the reallocations of growing 1, 2, 4.
            if (items.capacity() == 0) items.reserve(4);
            r.expect(items.emplace_back());
        },
        nullptr,
        nullptr,
        nullptr,
    };
    static bool on_start_array(reader& r, std::vector<T>& out) {
        out.clear();
        r.push(&out, &ops);
        return true;
    }
};

/// Map keys: strings as they are; integers only in canonical decimal (so they write back the same).
template <class K>
bool parse_key(const char* s, std::size_t n, K& out) {
    if constexpr (std::is_same_v<K, std::string>) {
        out.assign(s, n);
        return true;
    } else {
        if (n == 0 || n > 20 || (n > 1 && s[0] == '0')) return false;
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            const auto digit = static_cast<std::uint64_t>(s[i] - '0');
            if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
            value = value * 10 + digit;
        }
        if (value > static_cast<std::uint64_t>(std::numeric_limits<K>::max())) return false;
        out = static_cast<K>(value);
        return true;
    }
}

template <class K, class V>
struct codec<std::map<K, V>> : codec_defaults<std::map<K, V>> {
    static constexpr const char* expected = "object";
    static constexpr container_ops ops = {
        frame_kind::map,
        [](reader& r, frame& f, const char* s, std::size_t n) {
            f.key.assign(s, n);
            f.index = 0;
            K key{};
            if (!parse_key(s, n, key)) {
                return r.fail(std::string("map key is not a ") + (std::is_same_v<K, std::string> ? "string" : integer_name<K>()));
            }
            auto& entries = *static_cast<std::map<K, V>*>(f.object);
            auto [entry, inserted] = entries.try_emplace(std::move(key));
            // A repeated key: the last one wins whole (a struct value would otherwise merge).
            if (!inserted) entry->second = V{};
            r.expect(entry->second);
            return true;
        },
        nullptr,
        nullptr,
        nullptr,
        nullptr,
    };
    static bool on_start_object(reader& r, std::map<K, V>& out) {
        out.clear();
        r.push(&out, &ops);
        return true;
    }
};

template <class T>
inline constexpr bool is_vector = false;
template <class T>
inline constexpr bool is_vector<std::vector<T>> = true;
template <class T>
inline constexpr bool is_map = false;
template <class K, class V>
inline constexpr bool is_map<std::map<K, V>> = true;

template <class T>
inline constexpr bool is_schema_struct = is_struct_v<T>;

template <class T>
struct codec<T, std::enable_if_t<is_schema_struct<T>>> : codec_defaults<T> {
    static constexpr const char* expected = struct_info<T>::type_name.data();
    static constexpr container_ops ops = {
        frame_kind::structure,
        [](reader& r, frame& f, const char* s, std::size_t n) {
            T& object = *static_cast<T*>(f.object);
            const int index = struct_info<T>::find(s, n);
            if (index < 0) {
                unknown_field& extra = object.unknown_fields.emplace_back();
                extra.name.assign(s, n);
                f.index = unknown_field_index;
                f.key.assign(s, n);
                r.expect_any(extra.value);
                return true;
            }
            f.index = static_cast<std::size_t>(index);
            struct_info<T>::visit(object, f.index, [&r](auto& member) { r.expect(member); });
            return true;
        },
        nullptr,
        [](std::size_t index) {
            return index < struct_info<T>::fields.size() ? struct_info<T>::fields[index].name : std::string_view{};
        },
        [](void* object) { return &static_cast<T*>(object)->unknown_fields; },
        [](void* object) {
            T& done = *static_cast<T*>(object);
            if (!done.unknown_fields.empty()) keep_last_of_each_name(done);
        },
    };
    static bool on_start_object(reader& r, T& out) {
        r.push(&out, &ops);
        return true;
    }
};

}  // namespace zlhcs::schema::detail
