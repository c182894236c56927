// Options and ParseBytes (see options.h).
#include "tools/loadgen/options.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace lrukv::loadgen {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "loadgen: %s\n", message.c_str());
  std::exit(2);
}

}  // namespace

Options::Options(int argc, char** argv, int first) {
  for (int i = first; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) Die("expected --name value, got " + name);
    values_[name.substr(2)] = argv[i + 1];
  }
}

std::string Options::String(const std::string& name, const std::string& fallback) {
  used_.insert(name);
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t Options::Int(const std::string& name, int64_t fallback) {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    Die("--" + name + " wants an integer, got " + text);
  }
  return value;
}

double Options::Double(const std::string& name, double fallback) {
  used_.insert(name);
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  double value = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0') Die("--" + name + " wants a number, got " + it->second);
  return value;
}

void Options::RejectUnused() const {
  for (const auto& [name, value] : values_) {
    if (used_.count(name) == 0) Die("unknown option --" + name + " for this mode");
  }
}

int64_t ParseBytes(const std::string& text) {
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number < 0) return -1;
  std::string unit(end, text.data() + text.size());
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr struct {
    const char* unit;
    int64_t factor;
  } kUnits[] = {{"", 1},       {"b", 1},           {"k", 1000},      {"kb", 1024},
                {"m", 1000000}, {"mb", 1024 * 1024}, {"g", 1000000000}, {"gb", 1024 * 1024 * 1024}};
  for (const auto& u : kUnits) {
    if (unit == u.unit) return number * u.factor;
  }
  return -1;
}

}  // namespace lrukv::loadgen
