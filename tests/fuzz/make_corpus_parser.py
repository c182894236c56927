#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_parser (tests/fuzz/corpus/fuzz_parser/): real request
streams, multibulk ones encoded by redis-py's own packer (what a client sends) and inline ones
as redis-cli or telnet users type them, each behind fuzz_parser.cc's prefix: a byte whose
low 2 bits + 1 give the number of chunk-size bytes that follow (0x80: auth_required), then
those chunk sizes (1 + byte % 16)."""
import os
import sys

from redis.connection import Connection


def pack(*commands):
    conn = Connection()
    return b"".join(b"".join(conn.pack_command(*c)) for c in commands)


def prefix(chunks, auth=False):
    return bytes([(len(chunks) - 1) | (0x80 if auth else 0)] + [c - 1 for c in chunks])


SEEDS = {
    "pipeline_set_get": (prefix([3, 7]), pack(("SET", "user:1", "alice", "EX", "10"),
                                              ("GET", "user:1"), ("MGET", "user:1", "user:2"),
                                              ("DEL", "user:1"))),
    "binary_bulk": (prefix([1]), pack(("SET", b"k\r\n\x00\xff", bytes(range(256))[:90]),
                                      ("APPEND", "k", ""))),
    "multi_exec": (prefix([5, 16, 2]), pack(("MULTI",), ("INCR", "n"), ("EXPIRE", "n", "5"),
                                            ("EXEC",))),
    "inline_quotes": (prefix([4]), b'SET "a b" \'c d\'\r\nGET "\\x41\\n"\r\nPING\n\r\n'),
    "inline_unbalanced": (prefix([16]), b'SET "a b\r\n'),
    "empty_and_null_multibulk": (prefix([2, 9]), b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"),
    "bad_bulk_length": (prefix([8]), b"*2\r\n$3\r\nGET\r\n$-5\r\nk\r\n"),
    "expected_dollar": (prefix([1, 2]), b"*2\r\n$3\r\nGET\r\n:1\r\n"),
    "bulk_over_limit": (prefix([16, 16, 16]),
                        pack(("SET", "big", "x" * 120))),  # fuzz_parser's max_bulk_len is 100
    "inline_over_limit": (prefix([16]), b"SET k " + b"y" * 70 + b"\r\n"),  # max_inline_len 64
    "unauth_many_args": (prefix([16], auth=True), pack(("DEL",) + tuple("k%d" % i for i in range(12)))),
    "partial_request": (prefix([1, 3, 5, 7]), pack(("SET", "k", "v"))[:-3]),
    "hello_auth": (prefix([6]), pack(("HELLO", "3", "AUTH", "default", "secret"), ("PING",))),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_parser")
    os.makedirs(out, exist_ok=True)
    for name, (head, body) in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(head + body)


if __name__ == "__main__":
    main()
