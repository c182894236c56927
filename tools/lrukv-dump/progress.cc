#include "tools/lrukv-dump/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace lrukv::dumptool {
namespace {

// Redraw period, milliseconds: often enough to look alive, rarely enough to cost nothing.
constexpr int64_t kRedrawMs = 100;

int64_t MonotonicMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Progress::Progress(std::string verb) : verb_(std::move(verb)), enabled_(isatty(STDERR_FILENO)) {}

void Progress::Update(uint64_t keys, int db) {
  keys_ = keys;
  db_ = db;
  if (!enabled_) return;
  const int64_t now_ms = MonotonicMs();
  if (drawn_ && now_ms - last_draw_ms_ < kRedrawMs) return;
  last_draw_ms_ = now_ms;
  Draw(keys, db);
}

void Progress::Done() {
  if (!enabled_ || !drawn_) return;
  Draw(keys_, db_);
  std::fputc('\n', stderr);
}

void Progress::Draw(uint64_t keys, int db) {
  std::fprintf(stderr, "\r%s %llu keys (db %d)", verb_.c_str(),
               static_cast<unsigned long long>(keys), db);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace lrukv::dumptool
