// Progress: a one-line, `\r`-rewritten progress report on stderr ("exported 12000 keys (db 3)")
// while stderr is a terminal; silent when it is piped or redirected, so logs stay clean.
#pragma once

#include <cstdint>
#include <string>

namespace lrukv::dumptool {

class Progress {
 public:
  explicit Progress(std::string verb);  // "exported", "imported"
  // Redraws the line at most every kRedrawMs.
  void Update(uint64_t keys, int db);
  // Draws the final count and ends the line (nothing if never drawn).
  void Done();

 private:
  void Draw(uint64_t keys, int db);

  std::string verb_;
  bool enabled_;
  bool drawn_ = false;
  int64_t last_draw_ms_ = 0;
  uint64_t keys_ = 0;
  int db_ = 0;
};

}  // namespace lrukv::dumptool
