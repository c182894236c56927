#!/usr/bin/env python3
"""Turns a transcript spec into doctest cases whose expectations are redis-server's own bytes.

Usage: tools/gen_transcript_tests.py PORT < tests/commands/transcripts/X.txt > fragment.cc
(start a throwaway `redis-server --port PORT --save '' --appendonly no` first).

Spec format, one command per line, arguments split as a shell does (backslash escapes such as
\\x00 allowed inside quotes):
  == name        starts a TEST_CASE (the db is flushed, proto-max-bulk-len reset, RESP2)
  # text         a comment line in the output
  !max-bulk N    CONFIG SET proto-max-bulk-len N on redis, h.config.proto_max_bulk_len = N here
  !resp3         HELLO 3 on redis, h.client.protocol = 3 here
  {c*N}          as an argument: N copies of the character c
Each command becomes CHECK(h.Run({...}) == "<exact reply bytes>").
"""

import socket, sys, shlex, re
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
def enc(args):
    out = b"*%d\r\n" % len(args)
    for a in args: out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
def read():
    line = f.readline(); t = line[:1]; raw = line
    if t in (b'$', b'='):
        n = int(line[1:-2])
        if n >= 0: raw += f.read(n + 2)
    elif t in (b'*', b'%', b'~', b'>', b'|'):
        n = int(line[1:-2])
        if t in (b'%', b'|'): n *= 2
        for _ in range(max(n, 0)): raw += read()
    return raw
def call(args):
    s.sendall(enc(args)); return read()
def lit(b):
    o = '"'; prev_hex = False
    for c in b:
        ch = chr(c); hexdig = ch in '0123456789abcdefABCDEF'
        if prev_hex and hexdig: o += '" "'
        prev_hex = False
        if ch == '\r': o += '\\r'
        elif ch == '\n': o += '\\n'
        elif ch == '"': o += '\\"'
        elif ch == '\\': o += '\\\\'
        elif 32 <= c < 127: o += ch
        else: o += '\\x%02x' % c; prev_hex = True
    return o + '"'
def arg_cpp(tok):
    m = re.fullmatch(r'\{(.)\*(\d+)\}', tok)
    if m: return (m.group(1) * int(m.group(2))).encode('latin1'), 'std::string(%s, \'%s\')' % (m.group(2), m.group(1))
    b = tok.encode('latin1').decode('unicode_escape').encode('latin1')
    l = lit(b)
    return b, l + ('sv' if b'\x00' in b else '')
out = []; inside = False
def close():
    global inside
    if inside: out.append('}\n\n')
    inside = False
for line in sys.stdin:
    line = line.rstrip('\n')
    if not line.strip(): continue
    if line.startswith('=='):
        close(); name = line[2:].strip()
        call([b'FLUSHALL']); call([b'CONFIG', b'SET', b'proto-max-bulk-len', b'536870912']); call([b'HELLO', b'2'])
        out.append('TEST_CASE(%s) {\n  CommandHarness h;\n' % lit(name.encode())); inside = True; continue
    if line.startswith('#'): out.append('  //' + line[1:] + '\n'); continue
    if line.startswith('!max-bulk '):
        n = line.split()[1]; call([b'CONFIG', b'SET', b'proto-max-bulk-len', n.encode()])
        out.append('  h.config.proto_max_bulk_len = %s;\n' % n); continue
    if line.startswith('!resp3'):
        call([b'HELLO', b'3']); out.append('  h.client.protocol = 3;\n'); continue
    toks = shlex.split(line, posix=True)
    pairs = [arg_cpp(t) for t in toks]
    r = call([p[0] for p in pairs])
    exp = lit(r) + ('sv' if b'\x00' in r else '')
    one = '  CHECK(h.Run({%s}) == %s);\n' % (', '.join(p[1] for p in pairs), exp)
    if len(one) <= 101: out.append(one)
    else: out.append('  CHECK(h.Run({%s}) ==\n        %s);\n' % (', '.join(p[1] for p in pairs), exp))
close()
sys.stdout.write(''.join(out))
