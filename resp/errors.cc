// The error texts that are built from a request's own bytes. Each mirrors how Redis 7.0 formats
// it with printf ("%.128s" stops at a NUL byte and after 128 bytes) and then turns every CR and
// LF into a space, so a client can never smuggle protocol into an error line.
#include "resp/errors.h"

namespace lrukv::resp::err {
namespace {

// Longest argument echoed back in an error, bytes (Redis's "%.128s").
constexpr size_t kMaxEchoBytes = 128;

// Appends s as printf's "%.*s" would: up to the first NUL byte and at most max_bytes bytes.
void AppendCString(std::string* out, std::string_view s, size_t max_bytes) {
  size_t n = s.find('\0');
  if (n == std::string_view::npos) n = s.size();
  out->append(s.data(), n < max_bytes ? n : max_bytes);
}

void SpaceOutNewlines(std::string* s) {
  for (char& c : *s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

}  // namespace

std::string WrongNumArgs(std::string_view command) {
  std::string msg = "ERR wrong number of arguments for '";
  for (char c : command) msg.push_back(AsciiLower(c));
  msg += "' command";
  SpaceOutNewlines(&msg);
  return msg;
}

// Redis echoes the arguments while the echoed part is shorter than 128 bytes; each one gets only
// the bytes left of that budget, so 'aaa...' (200 bytes) prints as 128 a's and ends the list.
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs) {
  std::string msg = "ERR unknown command '";
  AppendCString(&msg, name, kMaxEchoBytes);
  msg += "', with args beginning with: ";
  size_t echoed = 0;
  for (size_t i = 0; i < nargs && echoed < kMaxEchoBytes; ++i) {
    size_t before = msg.size();
    msg.push_back('\'');
    AppendCString(&msg, args[i], kMaxEchoBytes - echoed);
    msg += "' ";
    echoed += msg.size() - before;
  }
  SpaceOutNewlines(&msg);
  return msg;
}

std::string UnknownSubcommand(std::string_view sub, std::string_view command) {
  std::string msg = "ERR unknown subcommand '";
  AppendCString(&msg, sub, kMaxEchoBytes);
  msg += "'. Try ";
  size_t name_start = msg.size();
  AppendCString(&msg, command, command.size());
  for (size_t i = name_start; i < msg.size(); ++i) msg[i] = AsciiUpper(msg[i]);
  msg += " HELP.";
  SpaceOutNewlines(&msg);
  return msg;
}

std::string ProtoExpectedDollar(char got) {
  std::string msg = "ERR Protocol error: expected '$', got '";
  msg.push_back(got);
  msg.push_back('\'');
  SpaceOutNewlines(&msg);
  return msg;
}

}  // namespace lrukv::resp::err
