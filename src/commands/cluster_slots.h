// Redis Cluster's key-to-slot mapping: CRC16 (the XMODEM variant: polynomial 0x1021, initial
// value 0, no reflection) of the key, or of its {hash tag}, modulo 16384. Pure functions, no
// state: the cluster commands (CLUSTER KEYSLOT, COUNTKEYSINSLOT) and the CROSSSLOT check use it.
#pragma once

#include <cstdint>
#include <string_view>

namespace lrukv::cmd::cluster {

inline constexpr int kSlotCount = 16384;  // Redis Cluster's hash slots, 0..16383

// CRC16/XMODEM of `data`: Crc16("123456789") == 0x31C3, the variant's check value.
uint16_t Crc16(std::string_view data);

// The part of `key` that is hashed: the bytes between the first '{' and the first '}' after
// it when there are any ("user{42}.name" -> "42"); otherwise the whole key ("{}x", "{x" and
// "x}" hash whole, "a{}b{c}" too because its first tag is empty).
std::string_view HashTag(std::string_view key);

// The slot of `key`, 0..16383: Crc16(HashTag(key)) & 16383.
int KeySlot(std::string_view key);

}  // namespace lrukv::cmd::cluster
