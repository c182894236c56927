// The names and version of lrukv's JSON dump format (docs/dump-format.md). One object:
// {"format":"lrukv-dump","version":1,"created_ms":N,"entries":[{...},...]}, entries least
// recently used first across all databases.
#pragma once

namespace lrukv::persist {

inline constexpr char kFormatName[] = "lrukv-dump";
inline constexpr int kFormatVersion = 1;

// Top-level fields.
inline constexpr char kFieldFormat[] = "format";
inline constexpr char kFieldVersion[] = "version";
inline constexpr char kFieldCreatedMs[] = "created_ms";
// Optional, before "entries": keys per database (index = db, trailing zeros left out), a hint
// that lets the loader size each hash table once instead of doubling it while it loads.
inline constexpr char kFieldDbKeys[] = "db_keys";
inline constexpr char kFieldEntries[] = "entries";
// Entry fields.
inline constexpr char kFieldDb[] = "db";                    // omitted when 0
inline constexpr char kFieldKey[] = "key";                  // valid UTF-8 without NUL
inline constexpr char kFieldKeyB64[] = "key_b64";           // any other bytes, base64
inline constexpr char kFieldValue[] = "value";
inline constexpr char kFieldValueB64[] = "value_b64";
inline constexpr char kFieldExpireAtMs[] = "expire_at_ms";  // omitted when no TTL

}  // namespace lrukv::persist
