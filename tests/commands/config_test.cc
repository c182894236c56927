// Config: directive parsing, CONFIG GET/SET texts, config files and --flags, CONFIG REWRITE.
// Expected strings were taken from redis-server 7.0.15.
#include "src/commands/config.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using lrukv::cmd::Config;

namespace {

std::string SetError(Config& c, std::vector<std::pair<std::string, std::string>> pairs) {
  std::string error;
  if (c.SetMany(pairs, &error)) return "OK";
  return error;
}

// A temporary file holding `text`, removed when the test ends.
struct TempFile {
  explicit TempFile(const std::string& text) {
    char tmpl[] = "/tmp/lrukv-config-test-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    path = tmpl;
    std::ofstream(path) << text;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string Read() const {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  std::string path;
};

}  // namespace

TEST_CASE("config: defaults print as CONFIG GET prints them") {
  Config c;
  CHECK(c.Get("maxmemory") == "0");
  CHECK(c.Get("maxmemory-policy") == "allkeys-lru");
  CHECK(c.Get("save") == "3600 1 300 100 60 10000");
  CHECK(c.Get("appendonly") == "no");
  CHECK(c.Get("port") == "6379");
  CHECK(c.Get("bind") == "127.0.0.1");
  CHECK(c.Get("notify-keyspace-events") == "");
  CHECK(c.Get("client-output-buffer-limit") ==
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  CHECK(c.Get("proto-max-bulk-len") == "536870912");
  CHECK(c.Get("lazyfree-lazy-user-del") == "no");
  CHECK(c.Get("slowlog-log-slower-than") == "10000");
  CHECK(c.Get("MAXMEMORY") == "0");
  CHECK_FALSE(c.Get("nonexistent").has_value());
}

TEST_CASE("config: memory values take Redis's units and print as bytes") {
  Config c;
  CHECK(SetError(c, {{"maxmemory", "100mb"}}) == "OK");
  CHECK(c.maxmemory_bytes == 100ull * 1024 * 1024);
  CHECK(SetError(c, {{"maxmemory", "1GB"}}) == "OK");
  CHECK(c.Get("maxmemory") == "1073741824");
  CHECK(SetError(c, {{"maxmemory", "5k"}}) == "OK");
  CHECK(c.Get("maxmemory") == "5000");
  CHECK(SetError(c, {{"maxmemory", "5kb"}}) == "OK");
  CHECK(c.Get("maxmemory") == "5120");
  CHECK(SetError(c, {{"maxmemory", "99999999999999999999"}}) == "OK");
  CHECK(c.Get("maxmemory") == "18446744073709551615");
  CHECK(SetError(c, {{"maxmemory", "abc"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(SetError(c, {{"maxmemory", "-1"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(SetError(c, {{"maxmemory", "1.5gb"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(SetError(c, {{"proto-max-bulk-len", "100"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument "
        "must be between 1048576 and 9223372036854775807 inclusive");
}

TEST_CASE("config: CONFIG SET errors use Redis 7.0's words") {
  Config c;
  CHECK(SetError(c, {{"foo", "bar"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(SetError(c, {{"daemonize", "no"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable "
        "config");
  CHECK(SetError(c, {{"dir", "/tmp"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  CHECK(SetError(c, {{"hz", "abc"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
        "into an integer");
  CHECK(SetError(c, {{"timeout", "+5"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be "
        "parsed into an integer");
  CHECK(SetError(c, {{"hz", "-1"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 "
        "and 2147483647 inclusive");
  CHECK(SetError(c, {{"maxclients", "0"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
        "between 1 and 4294967295 inclusive");
  CHECK(SetError(c, {{"appendonly", "maybe"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be "
        "'yes' or 'no'");
  CHECK(SetError(c, {{"loglevel", "foo"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be "
        "one of the following: debug, verbose, notice, warning");
  CHECK(SetError(c, {{"maxmemory-policy", "bogus"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) "
        "must be one of the following: volatile-lru, volatile-lfu, volatile-random, "
        "volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction");
  CHECK(SetError(c, {{"maxmemory-policy", "ALLKEYS-LFU"}}) == "OK");
  CHECK(c.Get("maxmemory-policy") == "allkeys-lfu");
  CHECK(c.EnginePolicyName() == "allkeys-lru");
  CHECK(SetError(c, {{"save", "3600 1 300"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
  CHECK(SetError(c, {{"notify-keyspace-events", "Z"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid "
        "event class character. Use 'Ag$lshzxeKEtmdn'.");
  CHECK(SetError(c, {{"client-output-buffer-limit", "foo 1 2 3"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "
        "Invalid client class specified in buffer limit configuration.");
  CHECK(SetError(c, {{"FOO", "bar"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'FOO'");
  CHECK(SetError(c, {{"DAEMONIZE", "no"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable "
        "config");
  CHECK(SetError(c, {{"MAXMEMORY", "abc"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
        "memory value");
  CHECK(SetError(c, {{"hz", "5"}, {"HZ", "6"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
}

TEST_CASE("config: cluster-announce-hostname takes Redis's hostname characters, up to a NUL") {
  Config c;
  CHECK(SetError(c, {{"cluster-announce-hostname", "node-1.example"}}) == "OK");
  CHECK(c.Get("cluster-announce-hostname") == "node-1.example");
  const std::string refused =
      "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - "
      "Hostnames may only contain alphanumeric characters, hyphens or dots";
  CHECK(SetError(c, {{"cluster-announce-hostname", "1 2 3"}}) == refused);
  CHECK(SetError(c, {{"cluster-announce-hostname", "a_b"}}) == refused);
  CHECK(SetError(c, {{"cluster-announce-hostname", "\xff\x01zz"}}) == refused);
  CHECK(c.Get("cluster-announce-hostname") == "node-1.example");
  // Redis reads it as a C string: what follows a NUL is not looked at, nor kept.
  CHECK(SetError(c, {{"cluster-announce-hostname", std::string("ab\0!!", 5)}}) == "OK");
  CHECK(c.Get("cluster-announce-hostname") == "ab");
  CHECK(SetError(c, {{"cluster-announce-hostname", ""}}) == "OK");
}

TEST_CASE("config: CONFIG SET of several pairs is all or nothing") {
  Config c;
  CHECK(SetError(c, {{"maxmemory", "100mb"}, {"hz", "abc"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
        "into an integer");
  CHECK(c.maxmemory_bytes == 0);
  CHECK(SetError(c, {{"maxmemory", "abc"}, {"foo", "1"}}) ==
        "ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
  CHECK(SetError(c, {{"maxmemory", "100mb"}, {"hz", "20"}}) == "OK");
  CHECK(c.maxmemory_bytes == 100ull * 1024 * 1024);
  CHECK(c.hz == 20);
}

TEST_CASE("config: on_apply failure restores every value and on_change sees each name") {
  Config c;
  std::vector<std::string> changed;
  c.on_change = [&](std::string_view name) { changed.emplace_back(name); };
  c.on_apply = [&](std::string_view name, std::string* error) {
    if (name == "port" && c.port == 1) {
      *error = "Unable to listen on this port";
      return false;
    }
    return true;
  };
  CHECK(SetError(c, {{"timeout", "5"}, {"port", "1"}}) ==
        "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this "
        "port");
  CHECK(c.timeout_s == 0);
  CHECK(c.port == 6379);
  CHECK(changed.empty());
  CHECK(SetError(c, {{"timeout", "5"}, {"maxmemory-policy", "VOLATILE-TTL"}}) == "OK");
  CHECK(changed == std::vector<std::string>{"timeout", "maxmemory-policy"});
  CHECK(c.maxmemory_policy == "volatile-ttl");
}

TEST_CASE("config: values are normalized as Redis prints them") {
  Config c;
  CHECK(SetError(c, {{"hz", "1000"}}) == "OK");
  CHECK(c.Get("hz") == "500");
  CHECK(SetError(c, {{"hz", "0"}}) == "OK");
  CHECK(c.Get("hz") == "1");
  CHECK(SetError(c, {{"notify-keyspace-events", "KEA"}}) == "OK");
  CHECK(c.Get("notify-keyspace-events") == "AKE");
  CHECK(SetError(c, {{"notify-keyspace-events", "lsmn"}}) == "OK");
  CHECK(c.Get("notify-keyspace-events") == "lsnm");
  CHECK(SetError(c, {{"notify-keyspace-events", "E$"}}) == "OK");
  CHECK(c.Get("notify-keyspace-events") == "$E");
  CHECK(SetError(c, {{"client-output-buffer-limit", "pubsub 1mb 2mb 3"}}) == "OK");
  CHECK(c.Get("client-output-buffer-limit") ==
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2097152 3");
  CHECK(SetError(c, {{"activerehashing", "YES"}}) == "OK");
  CHECK(c.Get("activerehashing") == "yes");
  CHECK(SetError(c, {{"save", ""}}) == "OK");
  CHECK(c.Get("save") == "");
}

TEST_CASE("config: GetMatching globs names case-insensitively and echoes exact names") {
  Config c;
  auto all = c.GetMatching("*");
  CHECK(all.size() == Config::DirectiveNames().size());
  auto maxm = c.GetMatching("MAXMEM*");
  REQUIRE(maxm.size() == 4);
  CHECK(maxm[0].first == "maxmemory");
  auto exact = c.GetMatching("MAXMEMORY");
  REQUIRE(exact.size() == 1);
  CHECK(exact[0] == std::pair<std::string, std::string>{"MAXMEMORY", "0"});
  CHECK(c.GetMatching("nonexistent").empty());
}

TEST_CASE("config file: directives, quotes, comments and repeated save lines") {
  TempFile f(
      "# a comment\n"
      "port 7777\n"
      "  maxmemory 10mb  \n"
      "requirepass \"p w\\n\"\n"
      "save 900 1\n"
      "save 300 10\n"
      "bind 127.0.0.1 ::1\n");
  Config c;
  std::string error;
  REQUIRE(c.LoadFile(f.path, &error));
  CHECK(c.port == 7777);
  CHECK(c.maxmemory_bytes == 10u * 1024 * 1024);
  CHECK(c.requirepass == "p w\n");
  CHECK(c.save == "900 1 300 10");
  CHECK(c.bind == "127.0.0.1 ::1");
  CHECK_FALSE(c.config_file().empty());
}

TEST_CASE("config file: a bad line names its number as Redis does") {
  TempFile f("port 7121\nfoo bar\n");
  Config c;
  std::string error;
  CHECK_FALSE(c.LoadFile(f.path, &error));
  CHECK(error ==
        "*** FATAL CONFIG FILE ERROR (lrukv 0.1.0) ***\nReading the configuration file, at line "
        "2\n>>> 'foo bar'\nBad directive or wrong number of arguments");
  TempFile g("port 7121\nmaxmemory abc\n");
  CHECK_FALSE(c.LoadFile(g.path, &error));
  CHECK(error.find("at line 2\n>>> 'maxmemory abc'\nargument must be a memory value") !=
        std::string::npos);
  TempFile h("hz\n");
  CHECK_FALSE(c.LoadFile(h.path, &error));
  CHECK(error.find(">>> 'hz'\nwrong number of arguments") != std::string::npos);
  TempFile q("\"unbalanced\n");
  CHECK_FALSE(c.LoadFile(q.path, &error));
  CHECK(error.find("Unbalanced quotes in configuration line") != std::string::npos);
}

TEST_CASE("config args: --name values like redis-server, errors quote the values") {
  Config c;
  std::string error;
  CHECK(c.ApplyArgs({"--port", "6380", "--save", "", "--maxmemory", "100mb", "--bind",
                     "127.0.0.1", "-::1"},
                    &error));
  CHECK(c.port == 6380);
  CHECK(c.save == "");
  CHECK(c.maxmemory_bytes == 100ull * 1024 * 1024);
  CHECK(c.bind == "127.0.0.1 -::1");
  // Immutable directives may be set at start.
  CHECK(c.ApplyArgs({"--databases", "4", "--save"}, &error));
  CHECK(c.databases == 4);
  Config d;
  CHECK_FALSE(d.ApplyArgs({"--port", "7121", "--foo", "bar"}, &error));
  CHECK(error ==
        "*** FATAL CONFIG FILE ERROR (lrukv 0.1.0) ***\nReading the configuration file, at line "
        "3\n>>> 'foo \"bar\"'\nBad directive or wrong number of arguments");
  CHECK_FALSE(d.ApplyArgs({"--maxmemory", "abc"}, &error));
  CHECK(error.find(">>> 'maxmemory \"abc\"'\nargument must be a memory value") !=
        std::string::npos);
}

TEST_CASE("config rewrite: keeps comments, updates lines, appends changed defaults") {
  Config c;
  std::string error;
  CHECK_FALSE(c.Rewrite(&error));
  CHECK(error == "ERR The server is running without a config file");

  TempFile f("# my cache\nport 7777\nhz 10\nhz 11\n");
  REQUIRE(c.LoadFile(f.path, &error));
  REQUIRE(SetError(c, {{"hz", "20"}, {"maxmemory", "1mb"}}) == "OK");
  REQUIRE(c.Rewrite(&error));
  CHECK(f.Read() ==
        "# my cache\nport 7777\nhz 20\n# Generated by CONFIG REWRITE\nmaxmemory 1048576\n");
  Config again;
  REQUIRE(again.LoadFile(f.path, &error));
  CHECK(again.hz == 20);
  CHECK(again.maxmemory_bytes == 1048576);
}

TEST_CASE("lrukv.conf: documents every directive with its default value") {
  std::string path = std::string(__FILE__);
  path = path.substr(0, path.rfind("tests/commands/")) + "lrukv.conf";
  Config loaded, defaults;
  std::string error;
  REQUIRE_MESSAGE(loaded.LoadFile(path, &error), error);
  for (std::string_view name : Config::DirectiveNames()) {
    CAPTURE(name);
    CHECK(loaded.Get(name) == defaults.Get(name));
  }
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  for (std::string_view name : Config::DirectiveNames()) {
    CAPTURE(name);
    CHECK(text.find("\n" + std::string(name) + " ") != std::string::npos);
  }
}
