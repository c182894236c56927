// Conn: one TCP connection to a Redis-protocol server, with a hand-written RESP reply reader.
// Made for a load generator: commands are appended as raw RESP bytes, replies are parsed in place
// from a read buffer and handed out as views that stay valid until the next read.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace lrukv::loadgen {

struct Reply {
  enum class Type { kStatus, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  std::string_view text;  // status, error or bulk payload; valid until the next read
  int64_t integer = 0;    // kInteger value, or the element count of kArray
};

// Parses one complete reply at the front of `buf` (nested arrays included; their elements are
// checked for completeness but not returned). Returns the bytes it spans, 0 if `buf` holds only a
// prefix of a reply, or -1 on bytes that are not RESP.
ptrdiff_t ParseReply(std::string_view buf, Reply* reply);

// Appends the RESP array for one command, e.g. AppendCommand(&out, {"SET", key, value}).
void AppendCommand(std::string* out, std::initializer_list<std::string_view> args);

class Conn {
 public:
  // Connects (TCP_NODELAY set); exits the process with a message on failure.
  Conn(const std::string& host, int port);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  int fd() const { return fd_; }
  void SetNonBlocking();

  // Blocking: writes all of `bytes`. Returns false if the peer closed or a signal interrupted.
  bool WriteAll(std::string_view bytes);
  // Non-blocking socket: writes what the kernel takes now and erases it from the front of *out.
  // Returns false if the peer closed.
  bool WriteSome(std::string* out);

  // Blocking: the next reply. Returns false on EOF, a signal (EINTR) or a protocol error.
  bool ReadReply(Reply* reply);
  // Non-blocking socket: reads what is available into the buffer. Returns false on EOF.
  bool ReadAvailable();
  // The next complete reply already buffered, without reading. Returns false if there is none.
  bool NextBuffered(Reply* reply);

  // Round trip of one command: sends it and reads its reply (blocking socket only).
  bool Call(std::initializer_list<std::string_view> args, Reply* reply);

 private:
  ssize_t ReadMore();  // one read() into the buffer; read()'s result

  int fd_ = -1;
  std::string rbuf_;
  size_t rpos_ = 0;  // first unparsed byte of rbuf_
  bool protocol_error_ = false;
};

// Integer field `name` of an INFO reply ("used_memory:123\r\n"), or -1 if absent.
int64_t InfoField(std::string_view info, std::string_view name);

}  // namespace lrukv::loadgen
