// RequestBlock: a malloc'd block laid out as the server's read buffer is after a whole
// `SET key value` request arrived, for offering to Engine::Set as a ValueDonor; ValueBytes:
// the binary value such blocks carry (every byte value, "\r\n" and NUL included).
#pragma once

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

namespace lrukv::testing {

inline std::string ValueBytes(size_t len, char seed = 0) {
  std::string v(len, '\0');
  for (size_t i = 0; i < len; ++i) v[i] = static_cast<char>(i * 131 + static_cast<size_t>(seed) * 7);
  return v;
}

class RequestBlock {
 public:
  // `*3\r\n$3\r\nSET\r\n$<k>\r\n<key>\r\n$<n>\r\n<value>\r\n` followed by `tail_bytes` spare
  // bytes, preceded by `extra_prefix_bytes` of other bytes (as of requests already run from
  // the buffer). What malloc rounded the block up by goes in front too when it is a heap
  // block's few bytes, so that the tail ends the block exactly; a page's worth (a block malloc
  // mmapped) goes after the tail.
  RequestBlock(std::string_view key, size_t value_len, size_t tail_bytes = 0,
               size_t extra_prefix_bytes = 0, char seed = 0) {
    std::string head = "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n";
    const size_t key_at = head.size();
    head.append(key);
    head += "\r\n$" + std::to_string(value_len) + "\r\n";
    const size_t bytes = extra_prefix_bytes + head.size() + value_len + 2 + tail_bytes;
    block_ = static_cast<char*>(std::malloc(bytes));
    if (block_ == nullptr) throw std::bad_alloc();
    usable_ = malloc_usable_size(block_);
    const size_t rounding = usable_ - bytes;
    const size_t front = extra_prefix_bytes + (rounding <= kFewBytes ? rounding : 0);
    std::memset(block_, '#', front);
    std::memcpy(block_ + front, head.data(), head.size());
    key_ = {block_ + front + key_at, key.size()};
    char* value = block_ + front + head.size();
    const std::string bytes_of_value = ValueBytes(value_len, seed);
    std::memcpy(value, bytes_of_value.data(), value_len);
    std::memcpy(value + value_len, "\r\n", 2);
    std::memset(value + value_len + 2, '~', tail_bytes);
    value_ = {value, value_len};
  }
  ~RequestBlock() { std::free(block_); }
  RequestBlock(const RequestBlock&) = delete;
  RequestBlock& operator=(const RequestBlock&) = delete;

  char* block() const { return block_; }
  std::string_view key() const { return key_; }  // inside the block, as the parser's
  std::string_view value() const { return value_; }
  size_t usable_bytes() const { return usable_; }
  // The engine took the block: it is no longer ours to free.
  void Release() { block_ = nullptr; }

 private:
  static constexpr size_t kFewBytes = 64;
  char* block_ = nullptr;
  size_t usable_ = 0;
  std::string_view key_;
  std::string_view value_;
};

}  // namespace lrukv::testing
