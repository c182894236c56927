#include "tools/lrukv-dump/resp_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace lrukv::dumptool {
namespace {

// No progress for this long (no byte sent or received) fails the operation: a hung server
// must not hang an export forever. Generous, since a server may be busy with a 1 MB value.
constexpr int kIoTimeoutMs = 60'000;
constexpr int kConnectTimeoutMs = 10'000;
// Redis's proto-max-bulk-len default is 512 MiB: no real value is longer.
constexpr int64_t kMaxBulkBytes = 512LL * 1024 * 1024;
// SCAN replies nest two deep; anything deeper than this is not a reply we asked for.
constexpr int kMaxDepth = 8;
constexpr int64_t kMaxArrayLen = 64LL * 1024 * 1024;
// One read() appends at most this much to the read buffer.
constexpr size_t kReadChunkBytes = 64 * 1024;

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

ParseStatus ParseAt(std::string_view buf, size_t* pos, Reply* reply, int depth,
                    std::string* error) {
  const size_t eol = buf.find("\r\n", *pos);
  if (eol == std::string_view::npos) return ParseStatus::kNeedMore;
  if (eol == *pos) {
    *error = "empty reply line";
    return ParseStatus::kError;
  }
  const char type = buf[*pos];
  const std::string_view line = buf.substr(*pos + 1, eol - *pos - 1);
  size_t next = eol + 2;
  int64_t n = 0;
  switch (type) {
    case '+':
    case '-':
      reply->type = type == '+' ? Reply::Type::kStatus : Reply::Type::kError;
      reply->str.assign(line);
      break;
    case ':':
      if (!ParseInt(line, &n)) {
        *error = "bad integer reply " + Printable(line);
        return ParseStatus::kError;
      }
      reply->type = Reply::Type::kInteger;
      reply->integer = n;
      break;
    case '$':
      if (!ParseInt(line, &n) || n < -1 || n > kMaxBulkBytes) {
        *error = "bad bulk length " + Printable(line);
        return ParseStatus::kError;
      }
      if (n == -1) {
        reply->type = Reply::Type::kNil;
        break;
      }
      if (buf.size() - next < static_cast<size_t>(n) + 2) return ParseStatus::kNeedMore;
      if (buf.substr(next + n, 2) != "\r\n") {
        *error = "bulk reply not followed by CRLF";
        return ParseStatus::kError;
      }
      reply->type = Reply::Type::kBulk;
      reply->str.assign(buf.substr(next, n));
      next += n + 2;
      break;
    case '*':
      if (!ParseInt(line, &n) || n < -1 || n > kMaxArrayLen || depth >= kMaxDepth) {
        *error = "bad array header " + Printable(line);
        return ParseStatus::kError;
      }
      if (n == -1) {
        reply->type = Reply::Type::kNil;
        break;
      }
      reply->type = Reply::Type::kArray;
      reply->elements.clear();
      reply->elements.resize(n);
      for (Reply& element : reply->elements) {
        ParseStatus s = ParseAt(buf, &next, &element, depth + 1, error);
        if (s != ParseStatus::kOk) return s;
      }
      break;
    default:
      *error = "unexpected reply type byte " + Printable(std::string_view(&type, 1));
      return ParseStatus::kError;
  }
  *pos = next;
  return ParseStatus::kOk;
}

std::string ErrnoText(int err) { return std::strerror(err); }

// Connects one address without blocking longer than kConnectTimeoutMs. Returns the socket
// (non-blocking) or -1 with *error.
int ConnectOne(const addrinfo* ai, std::string* error) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    *error = ErrnoText(errno);
    return -1;
  }
  int err = 0;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int r;
      do r = poll(&p, 1, kConnectTimeoutMs);
      while (r < 0 && errno == EINTR);
      if (r == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
  }
  if (err != 0) {
    *error = ErrnoText(err);
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

ParseStatus ParseReply(std::string_view buf, size_t* consumed, Reply* reply, std::string* error) {
  size_t pos = 0;
  ParseStatus s = ParseAt(buf, &pos, reply, 0, error);
  if (s == ParseStatus::kOk) *consumed = pos;
  return s;
}

void AppendCommand(std::string* out, std::span<const std::string_view> args) {
  out->append("*").append(std::to_string(args.size())).append("\r\n");
  for (std::string_view arg : args) {
    out->append("$").append(std::to_string(arg.size())).append("\r\n");
    out->append(arg).append("\r\n");
  }
}

std::string Printable(std::string_view bytes, size_t max_bytes) {
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size() && i < max_bytes; ++i) {
    const unsigned char c = bytes[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  out += "\"";
  if (bytes.size() > max_bytes) out += "...";
  return out;
}

bool SplitHostPort(std::string_view address, std::string* host, std::string* port) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view h = address.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  host->assign(h);
  port->assign(address.substr(colon + 1));
  return !host->empty() && !port->empty();
}

std::unique_ptr<RespClient> RespClient::Connect(const std::string& host, const std::string& port,
                                                std::string* error) {
  const std::string address =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    *error = address + ": " + gai_strerror(rc);
    return nullptr;
  }
  std::string last_error = "no address";
  int fd = -1;
  for (const addrinfo* ai = list; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ConnectOne(ai, &last_error);
  }
  freeaddrinfo(list);
  if (fd < 0) {
    *error = address + ": " + last_error;
    return nullptr;
  }
  return std::unique_ptr<RespClient>(new RespClient(fd, address));
}

RespClient::~RespClient() { close(fd_); }

bool RespClient::TakeReplies(size_t want, std::vector<Reply>* replies, std::string* error) {
  while (replies->size() < want) {
    Reply reply;
    size_t consumed = 0;
    std::string parse_error;
    const std::string_view unread = std::string_view(rbuf_).substr(rpos_);
    ParseStatus s = ParseReply(unread, &consumed, &reply, &parse_error);
    if (s == ParseStatus::kNeedMore) break;
    if (s == ParseStatus::kError) {
      *error = address_ + ": protocol error: " + parse_error;
      return false;
    }
    rpos_ += consumed;
    replies->push_back(std::move(reply));
  }
  // Drop consumed bytes once they are most of the buffer, so it does not grow without end.
  if (rpos_ == rbuf_.size()) {
    rbuf_.clear();
    rpos_ = 0;
  } else if (rpos_ > kReadChunkBytes && rpos_ * 2 > rbuf_.size()) {
    rbuf_.erase(0, rpos_);
    rpos_ = 0;
  }
  return true;
}

bool RespClient::Pipeline(std::string_view commands, size_t n_replies, std::vector<Reply>* replies,
                          std::string* error) {
  replies->clear();
  replies->reserve(n_replies);
  size_t sent = 0;
  if (!TakeReplies(n_replies, replies, error)) return false;
  while (sent < commands.size() || replies->size() < n_replies) {
    pollfd p{fd_, POLLIN, 0};
    if (sent < commands.size()) p.events |= POLLOUT;
    const int r = poll(&p, 1, kIoTimeoutMs);
    if (r < 0) {
      if (errno == EINTR) continue;
      *error = address_ + ": poll: " + ErrnoText(errno);
      return false;
    }
    if (r == 0) {
      *error = address_ + ": no reply within " + std::to_string(kIoTimeoutMs / 1000) + " s";
      return false;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const size_t old_size = rbuf_.size();
      rbuf_.resize(old_size + kReadChunkBytes);
      const ssize_t n = recv(fd_, rbuf_.data() + old_size, kReadChunkBytes, 0);
      const int err = errno;
      rbuf_.resize(old_size + (n > 0 ? n : 0));
      if (n == 0) {
        *error = address_ + ": connection closed by the server";
        return false;
      }
      if (n < 0 && err != EAGAIN && err != EWOULDBLOCK && err != EINTR) {
        *error = address_ + ": read: " + ErrnoText(err);
        return false;
      }
      if (!TakeReplies(n_replies, replies, error)) return false;
    }
    if ((p.revents & POLLOUT) && sent < commands.size()) {
      const ssize_t n = send(fd_, commands.data() + sent, commands.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += n;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        *error = address_ + ": write: " + ErrnoText(errno);
        return false;
      }
    }
  }
  return true;
}

bool RespClient::Call(std::span<const std::string_view> args, Reply* reply, std::string* error) {
  std::string command;
  AppendCommand(&command, args);
  std::vector<Reply> replies;
  if (!Pipeline(command, 1, &replies, error)) return false;
  *reply = std::move(replies.front());
  return true;
}

}  // namespace lrukv::dumptool
