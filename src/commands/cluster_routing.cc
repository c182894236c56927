// KeysInOneSlot / QueuedKeysInOneSlot: hash each key of a request (Redis's key specs, else the
// row's first_key/last_key/key_step) and compare slots. Single-key commands skip all of it.
#include "src/commands/cluster_routing.h"

#include <string>
#include <vector>

#include "src/commands/cluster_slots.h"
#include "src/commands/command_keys.h"

namespace lrukv::cmd::cluster {

namespace {

constexpr int kNoSlot = -1;

// A spec naming exactly one key at a fixed index (GET, SET, INCR...): it cannot cross slots.
bool IsSingleKey(const CommandSpec& spec) {
  if (spec.key_specs.empty()) return spec.first_key > 0 && spec.last_key == spec.first_key;
  if (spec.key_specs.size() != 1) return false;
  const meta::KeySpec& ks = spec.key_specs[0];
  return ks.begin == meta::BeginSearch::kIndex && ks.find == meta::FindKeys::kRange &&
         ks.find0 == 0;
}

// Folds the slots of `spec`'s keys in `args` into *slot (kNoSlot until a first key); false
// as soon as a key lands in another slot.
bool FoldSlots(const CommandSpec& spec, std::span<const std::string_view> args, int* slot) {
  auto fold = [slot](std::string_view key) {
    const int s = KeySlot(key);
    if (*slot == kNoSlot) *slot = s;
    return *slot == s;
  };
  if (!spec.key_specs.empty()) {
    // Reused across calls: the check allocates nothing once warm. One reactor thread.
    static std::vector<FoundKey> keys;
    keys.clear();
    if (!KeysFromSpecs(spec.key_specs, args, &keys, /*include_not_keys=*/true)) return true;
    for (const FoundKey& k : keys) {
      if (!fold(args[k.index])) return false;
    }
    return true;
  }
  if (spec.first_key <= 0) return true;
  const int argc = static_cast<int>(args.size());
  const int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  const int step = spec.key_step > 0 ? spec.key_step : 1;
  for (int i = spec.first_key; i <= last && i < argc; i += step) {
    if (!fold(args[i])) return false;
  }
  return true;
}

}  // namespace

bool KeysInOneSlot(const CommandSpec& spec, std::span<const std::string_view> args) {
  if (IsSingleKey(spec)) return true;
  int slot = kNoSlot;
  return FoldSlots(spec, args, &slot);
}

bool QueuedKeysInOneSlot(const ClientState& client) {
  int slot = kNoSlot;
  std::vector<std::string_view> views;
  for (const QueuedCommand& q : client.queued) {
    views.assign(q.args.begin(), q.args.end());
    if (!FoldSlots(*q.spec, views, &slot)) return false;
  }
  return true;
}

}  // namespace lrukv::cmd::cluster
