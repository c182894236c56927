// CRC16 and hash-tag slots against Redis 7.0.15: each expected slot below is what CLUSTER
// KEYSLOT answered on a real one-node redis-server cluster (tests/integration/
// cluster_mode_test.py also diffs 10k random keys against it).
#include "src/commands/cluster_slots.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

using lrukv::cmd::cluster::Crc16;
using lrukv::cmd::cluster::HashTag;
using lrukv::cmd::cluster::KeySlot;
using namespace std::literals;

namespace {

struct SlotCase {
  std::string_view key;
  int slot;
};

constexpr SlotCase kRedisSlots[] = {
    {"foo"sv, 12182},
    {"bar"sv, 5061},
    {"{user1000}.following"sv, 3443},
    {"{user1000}.followers"sv, 3443},
    {"foo{}{bar}"sv, 8363},     // first tag empty: the whole key is hashed
    {"foo{{bar}}zap"sv, 4015},  // tag is "{bar"
    {"foo{bar}{zap}"sv, 5061},  // first tag wins: "bar"
    {"{}"sv, 15257},
    {"{"sv, 4092},
    {"}"sv, 12090},
    {"a{}b{c}"sv, 7353},  // empty first tag: whole key, not "c"
    {"{a}"sv, 15495},
    {"a"sv, 15495},
    {""sv, 0},
    {"123456789"sv, 12739},
    {"user:1000"sv, 1649},
    {"{}x"sv, 10595},
    {"x{"sv, 3596},
    {"x}y{z}"sv, 8157},            // a '}' before the '{' does not close anything
    {"\xff\x00\x80"sv, 7915},      // binary bytes, NUL included
};

}  // namespace

TEST_CASE("CRC16/XMODEM: the variant's check value and the empty input") {
  CHECK(Crc16("123456789") == 0x31C3);
  CHECK(Crc16("") == 0);
}

TEST_CASE("KeySlot: every key lands in Redis's slot") {
  for (const SlotCase& c : kRedisSlots) {
    INFO("key: ", c.key);
    CHECK(KeySlot(c.key) == c.slot);
  }
}

TEST_CASE("HashTag: the first non-empty {...} is hashed, otherwise the whole key") {
  CHECK(HashTag("{user1000}.following") == "user1000");
  CHECK(HashTag("{}") == "{}");
  CHECK(HashTag("{") == "{");
  CHECK(HashTag("a{}b{c}") == "a{}b{c}");
  CHECK(HashTag("foo{{bar}}zap") == "{bar");
  CHECK(HashTag("x}y{z}") == "z");
  CHECK(HashTag("plain") == "plain");
}

TEST_CASE("KeySlot: keys sharing a hash tag share a slot; every slot is below 16384") {
  CHECK(KeySlot("{tag}a") == KeySlot("{tag}b"));
  CHECK(KeySlot("{tag}a") == KeySlot("tag"));
  for (int i = 0; i < 5000; ++i) {
    const int slot = KeySlot("key:" + std::to_string(i));
    CHECK((slot >= 0 && slot < 16384));
  }
}
