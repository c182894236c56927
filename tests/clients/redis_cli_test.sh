#!/usr/bin/env bash
# redis-cli against lrukv: one command per reply type (as redis-cli prints it), --pipe mass
# insertion of 100k keys, --scan --pattern, and --stat for a few seconds.
set -euo pipefail
port=$1
cli() { redis-cli -h 127.0.0.1 -p "$port" "$@"; }
expect() {  # expect "<wanted output>" redis-cli args...
  local want=$1; shift
  local got
  got=$(cli "$@" 2>&1)
  if [ "$got" != "$want" ]; then
    printf 'redis-cli %s\n  want: %q\n  got:  %q\n' "$*" "$want" "$got" >&2
    exit 1
  fi
}

expect "PONG" PING                                 # simple string
expect "OK" SET cli:s hello                        # +OK
expect "hello" GET cli:s                           # bulk
expect "" GET cli:missing                          # nil (raw mode prints nothing)
expect '"hello"' --no-raw GET cli:s
expect "(nil)" --no-raw GET cli:missing
expect "(integer) 2" --no-raw APPEND cli:n 42      # integer
expect $'1) "hello"\n2) (nil)' --no-raw MGET cli:s cli:missing   # array
expect "(error) ERR value is not an integer or out of range" --no-raw INCRBY cli:s x   # error
expect "(empty array)" --no-raw KEYS "cli:none*"   # empty array
expect "1" -3 EXISTS cli:s                         # RESP3 connection
expect "OK" FLUSHDB

# --pipe: 100k SETs in the redis protocol, as the Redis mass-insertion guide generates them.
python3 - <<'PY' > "$TMPDIR_CLI/mass.resp"
import sys
out = sys.stdout.buffer
for i in range(100000):
    k, v = f"mass:{i}".encode(), f"value-{i}".encode()
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
PY
summary=$(cli --pipe < "$TMPDIR_CLI/mass.resp" 2>&1 | tail -1)
[ "$summary" = "errors: 0, replies: 100000" ] || { echo "--pipe: $summary" >&2; exit 1; }
expect "100000" DBSIZE
expect "value-99999" GET mass:99999

# --scan --pattern must list every matching key exactly once overall (duplicates are allowed by
# SCAN, so compare the sorted unique set).
cli SET other:1 x >/dev/null
count=$(cli --scan --pattern 'mass:1234*' | sort -u | wc -l)
[ "$count" = "11" ] || { echo "--scan --pattern mass:1234*: $count keys, want 11" >&2; exit 1; }
all=$(cli --scan | sort -u | wc -l)
[ "$all" = "100001" ] || { echo "--scan: $all keys, want 100001" >&2; exit 1; }

# --stat prints a header and one line per interval with the key count. It only flushes its lines
# to a terminal, so it runs under script(1) for a pty.
stat=$(timeout 3 script -qec "redis-cli -h 127.0.0.1 -p $port --stat -i 1" /dev/null 2>&1 | tr -d '\r' || true)
echo "$stat" | grep -q -- "------- data ------" || { echo "--stat printed no header: $stat" >&2; exit 1; }
echo "$stat" | grep -qE '^100001 ' || { echo "--stat did not show 100001 keys: $stat" >&2; exit 1; }
cli FLUSHALL >/dev/null
echo "redis-cli: ok"
