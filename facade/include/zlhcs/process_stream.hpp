// zlhcs C++ facade - C++ streams over the stdio pipes of a process.
//
//     zlhcs::process child = zlhcs::process::create(system, parameters_with_pipes);
//     child.stdin_stream() << "input\n" << std::flush;
//     std::string line;
//     std::getline(child.stdout_stream(), line);
//
// process_streambuf is a std::streambuf over one pipe; process_istream (stdout, stderr) and
// process_ostream (stdin) own one. process's accessors stdin_stream(), stdout_stream() and
// stderr_stream() (declared in process.hpp, defined here) make them on first use.
//   - Reads block until data arrives or the stream ends (the process closed it: everything it
//     wrote has been read), or until the interrupt flag is set: process::interrupt_stdio() for
//     the streams of a process, or interrupt() on the stream. A blocked read then fails at
//     once (zlhcs_process_stdio_interrupt wakes it) with errc::cancelled (badbit, or the
//     zlhcs::error if the stream's exceptions() ask for badbit); the flag is sticky until cleared
//     (process::clear_stdio_interrupt() or clear_interrupt(), then the stream's clear()).
//     istream::readsome() never blocks.
//   - Writes to stdin block until the pipe has taken the bytes (the process must read them).
//     process_ostream buffers: flush() (std::flush, std::endl) or close() writes everything;
//     close() - and process::close_stdin() - then ends the process's stdin. Bytes still
//     buffered when the stream or the process is destroyed are discarded (destructors never
//     block on a process that does not read).
//   - A failed stream operation sets badbit (a failed close() sets failbit); call
//     exceptions(std::ios::badbit) on the stream to receive the zlhcs::error instead.
// Threads: one thread at a time per stream; interrupt()/clear_interrupt() from any thread.
// Ownership: a stream refers to the process's handle, which it does not own: once that is
// closed its calls fail with errc::invalid_handle.
#pragma once

#define ZLHCS_PROCESS_STREAM_INCLUDED 1

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/process.hpp>
#include <zlhcs/timeout.hpp>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstddef>
#include <cstring>
#include <ios>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <streambuf>
#include <utility>
#include <vector>

namespace zlhcs {

/// A std::streambuf over one stdio pipe of a process: stdin is written (put area; nothing
/// can be read), stdout or stderr is read (get area; nothing can be written). It refers to
/// the process's handle, which it does not own: once that is closed its calls fail with
/// errc::invalid_handle. Blocking, buffering and interrupting: see the top of this file. Its
/// virtual functions throw zlhcs::error on failure (a std::istream/ostream over it turns that
/// into badbit, or rethrows it if its exceptions() ask for badbit). One thread at a time,
/// except interrupt()/clear_interrupt().
class process_streambuf : public std::streambuf {
public:
    static constexpr std::size_t default_buffer_size = 64 * 1024;

    /// buffer_size: the bytes buffered before a write reaches the pipe, or read at most at once.
    /// The buffer has an interrupt flag of its own (see interrupt()).
    process_streambuf(zlhcs_process process, stdio_stream stream, std::size_t buffer_size = default_buffer_size)
        : process_streambuf(process, stream, buffer_size, nullptr) {}
    process_streambuf(const process_streambuf&) = delete;
    process_streambuf& operator=(const process_streambuf&) = delete;
    ~process_streambuf() override = default;  // discards unwritten bytes (never blocks)

    [[nodiscard]] zlhcs_process native_handle() const noexcept { return process_; }
    [[nodiscard]] stdio_stream stream() const noexcept { return stream_; }

    /// stdin: writes the buffered bytes, then closes the process's stdin (it reads end of
    /// stream). true if this call closed it, false if it was closed already. Throws
    /// zlhcs::error (errc::invalid_state for a stream other than stdin).
    bool close() {
        if (!writes())
            throw error(ZLHCS_E_INVALID_STATE, "zlhcs_process_stdio_close",
                        "only the stdin stream buffer can be closed", "", "");
        write_buffer();
        return detail::close_stdin(process_);
    }

    /// Makes reads that block, now or later, fail with errc::cancelled. The flag is the
    /// process's for the streams of a process (so this equals process::interrupt_stdio()). Any
    /// thread; never blocks.
    void interrupt() const noexcept { interrupt_->set(process_, true); }
    /// Lets reads block again.
    void clear_interrupt() const noexcept { interrupt_->set(process_, false); }

protected:
    // ---- reading (stdout, stderr) ----------------------------------------------------------

    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (writes()) return traits_type::eof();
        const std::size_t got = read_blocking(buffer_.data(), buffer_.size());
        if (got == 0) return traits_type::eof();
        setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
        return traits_type::to_int_type(*gptr());
    }

    // Large reads go to the caller's memory directly; like any sgetn, it returns fewer than
    // `count` bytes only at end of stream.
    std::streamsize xsgetn(char* destination, std::streamsize count) override {
        if (writes() || count <= 0) return 0;
        std::streamsize done = 0;
        while (done < count) {
            const std::streamsize buffered = egptr() - gptr();
            if (buffered > 0) {
                const std::streamsize n = std::min(buffered, count - done);
                std::memcpy(destination + done, gptr(), static_cast<std::size_t>(n));
                gbump(static_cast<int>(n));
                done += n;
                continue;
            }
            const auto wanted = static_cast<std::size_t>(count - done);
            if (wanted >= buffer_.size()) {
                const std::size_t got = read_blocking(destination + done, wanted);
                if (got == 0) break;
                done += static_cast<std::streamsize>(got);
            } else if (traits_type::eq_int_type(underflow(), traits_type::eof())) {
                break;
            }
        }
        return done;
    }

    // What can be read without blocking (what istream::readsome() and in_avail() report):
    // polls the pipe when nothing is buffered; -1 at end of stream.
    std::streamsize showmanyc() override {
        if (writes()) return -1;
        const std::optional<std::size_t> got = detail::read_some(process_, stream_, buffer_.data(), buffer_.size(), 0);
        if (!got) return 0;
        if (*got == 0) return -1;
        setg(buffer_.data(), buffer_.data(), buffer_.data() + *got);
        return static_cast<std::streamsize>(*got);
    }

    // ---- writing (stdin) -------------------------------------------------------------------

    int_type overflow(int_type ch) override {
        if (!writes()) return traits_type::eof();
        write_buffer();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

    std::streamsize xsputn(const char* data, std::streamsize count) override {
        if (!writes() || count <= 0) return 0;
        if (count > epptr() - pptr()) {
            write_buffer();
            if (static_cast<std::size_t>(count) >= buffer_.size()) {  // too big to buffer
                detail::write_stdin(process_, data, static_cast<std::size_t>(count));
                return count;
            }
        }
        std::memcpy(pptr(), data, static_cast<std::size_t>(count));
        pbump(static_cast<int>(count));
        return count;
    }

    int sync() override {
        if (writes()) write_buffer();
        return 0;
    }

private:
    friend class process_istream;

    process_streambuf(zlhcs_process process, stdio_stream stream, std::size_t buffer_size,
                      std::shared_ptr<detail::stdio_interrupt> interrupt)
        : process_(process),
          stream_(stream),
          buffer_(std::clamp<std::size_t>(buffer_size, 1, static_cast<std::size_t>(INT_MAX))),
          interrupt_(interrupt ? std::move(interrupt) : std::make_shared<detail::stdio_interrupt>()) {
        char* begin = buffer_.data();
        if (writes())
            setp(begin, begin + buffer_.size());
        else
            setg(begin, begin, begin);
    }

    [[nodiscard]] bool writes() const noexcept { return stream_ == stdio_stream::in; }

    // A read without time limit (on purpose: timeout.hpp), released by the interrupt flag.
    std::size_t read_blocking(void* destination, std::size_t capacity) {
        return *detail::read_blocking(process_, stream_, destination, capacity, default_read_timeout, interrupt_.get());
    }

    // Writes the put area. The bytes leave the buffer first: after a failure they are gone.
    void write_buffer() {
        const auto pending = static_cast<std::size_t>(pptr() - pbase());
        setp(buffer_.data(), buffer_.data() + buffer_.size());
        if (pending > 0) detail::write_stdin(process_, buffer_.data(), pending);
    }

    zlhcs_process process_;
    stdio_stream stream_;
    std::vector<char> buffer_;
    std::shared_ptr<detail::stdio_interrupt> interrupt_;
};

/// A std::istream over the stdout or stderr of a process; owns its process_streambuf and
/// refers to the process's handle (see process_streambuf). Reads block until data arrives, the
/// stream ends or the interrupt flag is set (see the top of this file). Not copyable or
/// movable; one thread at a time, except interrupt()/clear_interrupt().
class process_istream : public std::istream {
public:
    /// Over a raw handle: the stream has an interrupt flag of its own.
    explicit process_istream(zlhcs_process process, stdio_stream stream = stdio_stream::out,
                             std::size_t buffer_size = process_streambuf::default_buffer_size)
        : process_istream(process, stream, buffer_size, nullptr) {}
    /// Over a stream of `owner` (which must outlive this object, or the reads fail); shares
    /// owner's interrupt flag (process::interrupt_stdio() releases its reads).
    explicit process_istream(const process& owner, stdio_stream stream = stdio_stream::out,
                             std::size_t buffer_size = process_streambuf::default_buffer_size)
        : process_istream(owner.native_handle(), stream, buffer_size, owner.interrupt_) {}
    process_istream(const process_istream&) = delete;
    process_istream& operator=(const process_istream&) = delete;

    [[nodiscard]] process_streambuf* rdbuf() const noexcept { return const_cast<process_streambuf*>(&buffer_); }

    /// Releases a blocked read (see process_streambuf::interrupt()).
    void interrupt() const noexcept { buffer_.interrupt(); }
    /// Lets reads block again; also call clear() to reset the stream's state.
    void clear_interrupt() const noexcept { buffer_.clear_interrupt(); }

private:
    process_istream(zlhcs_process process, stdio_stream stream, std::size_t buffer_size,
                    std::shared_ptr<detail::stdio_interrupt> interrupt)
        : std::istream(nullptr), buffer_(process, stream, buffer_size, std::move(interrupt)) {
        std::istream::rdbuf(&buffer_);
    }

    process_streambuf buffer_;
};

/// A std::ostream over the stdin of a process; owns its process_streambuf and refers to the
/// process's handle (see process_streambuf). flush() writes what is buffered, close() also
/// ends the process's stdin; destruction discards unflushed bytes. Writes cannot be
/// interrupted. Not copyable or movable; one thread at a time.
class process_ostream : public std::ostream {
public:
    explicit process_ostream(zlhcs_process process, std::size_t buffer_size = process_streambuf::default_buffer_size)
        : std::ostream(nullptr), buffer_(process, stdio_stream::in, buffer_size) {
        std::ostream::rdbuf(&buffer_);
    }
    /// Over the stdin of `owner` (which must outlive this object, or the writes fail).
    explicit process_ostream(const process& owner, std::size_t buffer_size = process_streambuf::default_buffer_size)
        : process_ostream(owner.native_handle(), buffer_size) {}
    process_ostream(const process_ostream&) = delete;
    process_ostream& operator=(const process_ostream&) = delete;

    /// Writes what is buffered and closes the process's stdin (it reads end of stream). Sets
    /// failbit if that fails, as std::ofstream::close() does (rdbuf()->close() throws the
    /// zlhcs::error instead). Closing a closed stdin is no failure.
    void close() {
        try {
            (void)buffer_.close();
        } catch (...) {
            setstate(std::ios_base::failbit);
        }
    }

    [[nodiscard]] process_streambuf* rdbuf() const noexcept { return const_cast<process_streambuf*>(&buffer_); }

private:
    process_streambuf buffer_;
};

namespace detail {

/// The streams a process's accessors made (process.hpp holds them through function pointers).
struct process_streams {
    std::unique_ptr<process_ostream> in;
    std::unique_ptr<process_istream> out;
    std::unique_ptr<process_istream> err;

    using owner = std::unique_ptr<process_streams, process_streams_deleter>;

    static void destroy(process_streams* streams) noexcept { std::default_delete<process_streams>()(streams); }
    // Writes what stdin_stream() buffers; throws zlhcs::error if that fails.
    static void flush_stdin(process_streams& streams) {
        if (streams.in) (void)streams.in->rdbuf()->pubsync();
    }

    /// The streams in `slot`, made on first use (with the deleter that destroys them).
    static process_streams& of(owner& slot);
};

inline constexpr process_streams_ops process_streams_operations{&process_streams::destroy,
                                                                &process_streams::flush_stdin};

inline process_streams& process_streams::of(owner& slot) {
    if (!slot) slot = owner(std::make_unique<process_streams>().release(), process_streams_deleter{&process_streams_operations});
    return *slot;
}

}  // namespace detail

inline process_ostream& process::stdin_stream() {
    detail::process_streams& streams = detail::process_streams::of(streams_);
    if (!streams.in) streams.in = std::make_unique<process_ostream>(*this);
    return *streams.in;
}

inline process_istream& process::stdout_stream() {
    detail::process_streams& streams = detail::process_streams::of(streams_);
    if (!streams.out) streams.out = std::make_unique<process_istream>(*this, stdio_stream::out);
    return *streams.out;
}

inline process_istream& process::stderr_stream() {
    detail::process_streams& streams = detail::process_streams::of(streams_);
    if (!streams.err) streams.err = std::make_unique<process_istream>(*this, stdio_stream::err);
    return *streams.err;
}

}  // namespace zlhcs
