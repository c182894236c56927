#!/usr/bin/env python3
"""Differential check of resp::RequestParser against a running redis-server (7.0).

Sends random, randomly corrupted pipelines (multibulk and inline requests naming unknown
commands, arguments drawn from the bytes that matter: quotes, backslashes, CR, LF, \\v, '$', ...)
to redis-server and to tests/fuzz/resp_driver, and compares the replies byte for byte: the
unknown-command errors echo the parsed arguments, and a protocol error ends both streams.
Not part of the test suite (it needs a server). Usage:
  g++ -O1 -std=c++20 -I. tests/fuzz/resp_driver.cc resp/*.cc -o /tmp/resp_driver
  redis-server --port 7100 --save '' --appendonly no --daemonize yes
  tests/fuzz/resp_vs_redis.py --port 7100 --driver /tmp/resp_driver --cases 1000 --seed 1
"""
import argparse
import random
import socket
import subprocess
import sys

ALPHABET = [b'a', b'b', b' ', b'"', b"'", b'\\', b'x', b'4', b'F', b'n', b'1', b'\r', b'\n',
            b'\t', b'\x0b', b'\x0c', b'$', b'*', b'-', b'0', b'\xff']


def random_request(rng):
    # 'zz?' is no Redis command, so Redis answers with an error that echoes the arguments.
    args = [b'zz' + bytes([rng.randrange(97, 123)])]
    for _ in range(rng.randrange(0, 4)):
        args.append(b''.join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 2, 3, 5, 8]))))
    if rng.random() < 0.5:
        return b'*%d\r\n' % len(args) + b''.join(b'$%d\r\n%s\r\n' % (len(a), a) for a in args)
    return b' '.join(args) + rng.choice([b'\r\n', b'\n'])


def corrupt(rng, data):
    data = bytearray(data)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        i = rng.randrange(len(data) + 1)
        op = rng.random()
        byte = b'\x00' if rng.random() < 0.05 else rng.choice(ALPHABET)
        if op < 0.4 and i < len(data):
            data[i] = byte[0]
        elif op < 0.7:
            data[i:i] = byte
        elif i < len(data):
            del data[i]
    return bytes(data)


def ask_redis(port, data):
    s = socket.create_connection(('127.0.0.1', port))
    s.sendall(data)
    s.settimeout(0.08)  # a stream left mid-request gets no more replies: stop waiting
    out = b''
    try:
        while True:
            got = s.recv(65536)
            if not got:
                break
            out += got
    except socket.timeout:
        pass
    s.close()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--port', type=int, default=7100)
    ap.add_argument('--driver', default='/tmp/resp_driver')
    ap.add_argument('--cases', type=int, default=500)
    ap.add_argument('--seed', type=int, default=1)
    opts = ap.parse_args()
    rng = random.Random(opts.seed)
    mismatches = 0
    for _ in range(opts.cases):
        data = corrupt(rng, b''.join(random_request(rng) for _ in range(rng.randrange(1, 6))))
        chunk = str(rng.choice([1, 2, 7, 100000]))
        ours = subprocess.run([opts.driver, chunk], input=data, capture_output=True).stdout
        theirs = ask_redis(opts.port, data)
        if ours != theirs:
            mismatches += 1
            print('MISMATCH', repr(data), '\n  lrukv', repr(ours), '\n  redis', repr(theirs))
    print('cases', opts.cases, 'mismatches', mismatches)
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main())
