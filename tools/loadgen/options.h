// Options: "--name value" pairs from the command line, read with typed getters that exit with a
// usage message on a malformed value. Every mode reads its own names; unknown names are errors.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace lrukv::loadgen {

class Options {
 public:
  // Parses argv[first..argc) as "--name value" pairs; exits on a dangling name.
  Options(int argc, char** argv, int first);

  std::string String(const std::string& name, const std::string& fallback);
  int64_t Int(const std::string& name, int64_t fallback);
  double Double(const std::string& name, double fallback);
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  // Exits naming any option that no getter asked for (a typo, or one this mode does not take).
  void RejectUnused() const;

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> used_;
};

// "100mb", "2gb", "512k", "1048576" -> bytes (Redis's memory units, 1k = 1000, 1kb = 1024).
// Returns -1 if malformed.
int64_t ParseBytes(const std::string& text);

}  // namespace lrukv::loadgen
