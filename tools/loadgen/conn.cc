// Conn: socket I/O and the RESP reply reader (see conn.h).
#include "tools/loadgen/conn.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace lrukv::loadgen {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

// Position just past the CRLF that ends the line starting at `from`, or npos.
size_t LineEnd(std::string_view buf, size_t from) {
  size_t cr = buf.find("\r\n", from);
  return cr == std::string_view::npos ? cr : cr + 2;
}

bool ParseInt(std::string_view digits, int64_t* value) {
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *value);
  return ec == std::errc() && end == digits.data() + digits.size();
}

// Parses the reply starting at `pos`; on success sets *end past it. Returns 1 done, 0 need more,
// -1 malformed.
int ParseAt(std::string_view buf, size_t pos, Reply* reply, size_t* end) {
  if (pos >= buf.size()) return 0;
  size_t line_end = LineEnd(buf, pos);
  if (line_end == std::string_view::npos) return 0;
  std::string_view line = buf.substr(pos + 1, line_end - pos - 3);
  switch (buf[pos]) {
    case '+':
    case '-':
      reply->type = buf[pos] == '+' ? Reply::Type::kStatus : Reply::Type::kError;
      reply->text = line;
      *end = line_end;
      return 1;
    case ':':
      reply->type = Reply::Type::kInteger;
      if (!ParseInt(line, &reply->integer)) return -1;
      *end = line_end;
      return 1;
    case '$': {
      int64_t len = 0;
      if (!ParseInt(line, &len) || len < -1) return -1;
      if (len == -1) {
        reply->type = Reply::Type::kNil;
        *end = line_end;
        return 1;
      }
      if (buf.size() < line_end + len + 2) return 0;
      reply->type = Reply::Type::kBulk;
      reply->text = buf.substr(line_end, len);
      *end = line_end + len + 2;
      return 1;
    }
    case '*': {
      int64_t count = 0;
      if (!ParseInt(line, &count) || count < -1) return -1;
      if (count == -1) {
        reply->type = Reply::Type::kNil;
        *end = line_end;
        return 1;
      }
      size_t next = line_end;
      Reply element;
      for (int64_t i = 0; i < count; ++i) {
        int r = ParseAt(buf, next, &element, &next);
        if (r != 1) return r;
      }
      reply->type = Reply::Type::kArray;
      reply->integer = count;
      *end = next;
      return 1;
    }
    default:
      return -1;
  }
}

}  // namespace

ptrdiff_t ParseReply(std::string_view buf, Reply* reply) {
  size_t end = 0;
  int r = ParseAt(buf, 0, reply, &end);
  return r == 1 ? static_cast<ptrdiff_t>(end) : r;
}

void AppendCommand(std::string* out, std::initializer_list<std::string_view> args) {
  char num[24];
  auto append_len = [&](char mark, size_t n) {
    out->push_back(mark);
    auto [end, ec] = std::to_chars(num, num + sizeof num, n);
    out->append(num, end);
    out->append("\r\n");
  };
  append_len('*', args.size());
  for (std::string_view arg : args) {
    append_len('$', arg.size());
    out->append(arg);
    out->append("\r\n");
  }
}

Conn::Conn(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    std::fprintf(stderr, "loadgen: %s: %s\n", host.c_str(), gai_strerror(rc));
    std::exit(2);
  }
  for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    fd_ = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd_ >= 0 && connect(fd_, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  freeaddrinfo(found);
  if (fd_ < 0) {
    std::fprintf(stderr, "loadgen: cannot connect to %s:%d: %s\n", host.c_str(), port,
                 std::strerror(errno));
    std::exit(2);
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  rbuf_.reserve(kReadChunk * 2);
}

Conn::~Conn() {
  if (fd_ >= 0) close(fd_);
}

void Conn::SetNonBlocking() { fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK); }

bool Conn::WriteAll(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n <= 0) return false;  // includes EINTR: the caller checks its stop flag
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool Conn::WriteSome(std::string* out) {
  size_t done = 0;
  while (done < out->size()) {
    ssize_t n = write(fd_, out->data() + done, out->size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return false;
    }
  }
  out->erase(0, done);
  return true;
}

ssize_t Conn::ReadMore() {
  if (rpos_ > 0 && rpos_ * 2 >= rbuf_.size()) {  // drop parsed bytes before growing
    rbuf_.erase(0, rpos_);
    rpos_ = 0;
  }
  size_t old = rbuf_.size();
  rbuf_.resize(old + kReadChunk);
  ssize_t n = read(fd_, rbuf_.data() + old, kReadChunk);
  rbuf_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
  return n;
}

bool Conn::NextBuffered(Reply* reply) {
  if (protocol_error_) return false;
  ptrdiff_t n = ParseReply(std::string_view(rbuf_).substr(rpos_), reply);
  if (n < 0) protocol_error_ = true;
  if (n <= 0) return false;
  rpos_ += static_cast<size_t>(n);
  return true;
}

bool Conn::ReadReply(Reply* reply) {
  while (!NextBuffered(reply)) {
    if (protocol_error_ || ReadMore() <= 0) return false;
  }
  return true;
}

bool Conn::ReadAvailable() {
  for (int i = 0; i < 16; ++i) {  // bounded, so a fast server cannot starve the sender
    ssize_t n = ReadMore();
    if (n > 0) continue;
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
  return true;
}

bool Conn::Call(std::initializer_list<std::string_view> args, Reply* reply) {
  std::string out;
  AppendCommand(&out, args);
  return WriteAll(out) && ReadReply(reply);
}

int64_t InfoField(std::string_view info, std::string_view name) {
  size_t at = 0;
  while ((at = info.find(name, at)) != std::string_view::npos) {
    bool line_start = at == 0 || info[at - 1] == '\n';
    size_t colon = at + name.size();
    if (line_start && colon < info.size() && info[colon] == ':') {
      size_t end = info.find("\r\n", colon);
      int64_t value = 0;
      if (ParseInt(info.substr(colon + 1, end - colon - 1), &value)) return value;
      return -1;
    }
    at = colon;
  }
  return -1;
}

}  // namespace lrukv::loadgen
