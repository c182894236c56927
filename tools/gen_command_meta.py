#!/usr/bin/env python3
"""Generates src/commands/command_meta_data.cc from a running redis-server 7.0.

It asks the server for COMMAND INFO and COMMAND DOCS (over RESP3) for every command of the groups
lrukv covers, and writes them as CommandMeta rows (src/commands/command_meta.h), so lrukv's COMMAND
INFO / COMMAND DOCS replies carry Redis's own key specs, tips and documentation.

Usage: redis-server --port 7180 --save '' --daemonize yes
       tools/gen_command_meta.py 7180 > src/commands/command_meta_data.cc
"""
import socket
import sys

GROUPS = {"string", "bitmap", "generic", "connection", "transactions", "server", "pubsub",
          "cluster"}
EXTRA_COMMANDS = {"function"}  # scripting group, but lrukv answers FUNCTION FLUSH / LIST
# Command flags lrukv's CommandFlag enum cannot express; COMMAND INFO prints them from the row.
EXTRA_FLAGS = ["module", "asking", "only_sentinel", "protected", "no_async_loading",
               "movablekeys"]


class Resp3:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")
        self.call("HELLO", "3")

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()

    def read(self):
        line = self.file.readline()[:-2]
        kind, rest = chr(line[0]), line[1:]
        if kind in "+":
            return rest.decode()
        if kind == "-":
            raise RuntimeError(rest.decode())
        if kind == ":":
            return int(rest)
        if kind in "$=":
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2].decode()
        if kind == "_":
            return None
        if kind in "*~":
            return [self.read() for _ in range(int(rest))]
        if kind == "%":
            return [(self.read(), self.read()) for _ in range(int(rest))]  # ordered pairs
        raise RuntimeError("unexpected reply type " + kind)


def cstr(s):
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += "\\" + ch
        elif ch == "\n":
            out += "\\n"
        elif ord(ch) < 32:
            out += "\\x%02x" % ord(ch)
        else:
            out += ch
    return out + '"'


class Emitter:
    def __init__(self):
        self.decls = []  # static arrays, emitted before the rows that refer to them
        self.counter = 0

    def ident(self, base):
        self.counter += 1
        clean = "".join(c if c.isalnum() else "_" for c in base.title())
        return "k%s%d" % (clean.replace("_", ""), self.counter)

    def args(self, base, args):
        fields_order = ["name", "type", "key_spec_index", "token", "summary", "since", "flags",
                        "deprecated_since", "arguments"]
        items = []
        for pairs in args:
            keys = [k for k, _ in pairs]
            assert keys == [k for k in fields_order if k in keys], keys  # Redis's field order
            a = dict(pairs)
            parts = [".name = %s" % cstr(a["name"]), ".type = %s" % cstr(a["type"])]
            if "key_spec_index" in a:
                parts.append(".key_spec_index = %d" % a["key_spec_index"])
            for f in ("token", "summary", "since"):
                if f in a:
                    parts.append(".%s = %s" % (f, cstr(a[f])))
            if "flags" in a:
                names = {"optional": "kArgOptional", "multiple": "kArgMultiple",
                         "multiple_token": "kArgMultipleToken"}
                parts.append(".flags = " + " | ".join(names[f] for f in a["flags"]))
            if "deprecated_since" in a:
                parts.append(".deprecated_since = %s" % cstr(a["deprecated_since"]))
            if "arguments" in a:
                parts.append(".arguments = " + self.args(base + "_" + a["name"], a["arguments"]))
            items.append("    {" + ", ".join(parts) + "},")
        name = self.ident(base + "_args")
        self.decls.append("constexpr ArgDoc %s[] = {\n%s\n};" % (name, "\n".join(items)))
        return name

    def history(self, base, hist):
        name = self.ident(base + "_history")
        rows = "\n".join("    {%s, %s}," % (cstr(v), cstr(t)) for v, t in hist)
        self.decls.append("constexpr HistoryEntry %s[] = {\n%s\n};" % (name, rows))
        return name

    def key_specs(self, base, specs):
        rows = []
        for pairs in specs:
            s = dict(pairs)
            parts = []
            if "notes" in s:
                parts.append(".notes = %s" % cstr(s["notes"]))
            parts.append(".flags = %s" % cstr(" ".join(s["flags"])))
            begin = dict(s["begin_search"])
            bspec = dict(begin["spec"])
            if begin["type"] == "index":
                parts.append(".begin = BeginSearch::kIndex, .index = %d" % bspec["index"])
            elif begin["type"] == "keyword":
                parts.append(".begin = BeginSearch::kKeyword, .index = %d, .keyword = %s"
                             % (bspec["startfrom"], cstr(bspec["keyword"])))
            else:
                parts.append(".begin = BeginSearch::kUnknown, .index = 0")
            find = dict(s["find_keys"])
            fspec = dict(find["spec"])
            if find["type"] == "range":
                parts.append(".find = FindKeys::kRange, .find0 = %d, .find1 = %d, .find2 = %d"
                             % (fspec["lastkey"], fspec["keystep"], fspec["limit"]))
            elif find["type"] == "keynum":
                parts.append(".find = FindKeys::kKeynum, .find0 = %d, .find1 = %d, .find2 = %d"
                             % (fspec["keynumidx"], fspec["firstkey"], fspec["keystep"]))
            else:
                parts.append(".find = FindKeys::kUnknown, .find1 = 0")
            rows.append("    {" + ", ".join(parts) + "},")
        name = self.ident(base + "_keys")
        self.decls.append("constexpr KeySpec %s[] = {\n%s\n};" % (name, "\n".join(rows)))
        return name


def main():
    port = int(sys.argv[1])
    r = Resp3(port)
    docs = r.call("COMMAND", "DOCS")
    wanted = [name for name, d in docs
              if dict(d)["group"] in GROUPS or name in EXTRA_COMMANDS]
    infos = {}
    for entry in r.call("COMMAND", "INFO", *wanted):
        infos[entry[0]] = entry
        for sub in entry[9]:
            infos[sub[0]] = sub
    em = Emitter()
    rows = []

    def row(name, doc_pairs):
        d = dict(doc_pairs)
        info = infos[name]
        base = name.replace("|", "_").replace("-", "_")
        parts = [".name = %s" % cstr(name)]
        for f in ("summary", "since", "group", "complexity"):
            if f in d:
                parts.append(".%s = %s" % (f, cstr(d[f])))
        if "doc_flags" in d:
            parts.append(".doc_flags = %s" % cstr(" ".join(d["doc_flags"])))
        for f in ("deprecated_since", "replaced_by"):
            if f in d:
                parts.append(".%s = %s" % (f, cstr(d[f])))
        if "history" in d:
            parts.append(".history = " + em.history(base, d["history"]))
        if "arguments" in d:
            parts.append(".arguments = " + em.args(base, d["arguments"]))
        if info[7]:
            parts.append(".tips = %s" % cstr(" ".join(info[7])))
        extra = [f for f in EXTRA_FLAGS if f in info[2]]
        if extra:
            parts.append(".extra_flags = %s" % cstr(" ".join(extra)))
        if info[8]:
            parts.append(".key_specs = " + em.key_specs(base, info[8]))
        rows.append("    {" + ",\n     ".join(parts) + "},")
        for sub_name, sub_doc in d.get("subcommands", []):
            row(sub_name, sub_doc)

    for name, d in docs:
        if name in wanted:
            row(name, d)

    print("// GENERATED by tools/gen_command_meta.py from redis-server %s's COMMAND INFO and"
          % dict(r.call("HELLO", "3"))["version"])
    print("// COMMAND DOCS replies (behaviour data, so lrukv's replies match Redis's). Do not edit;")
    print("// regenerate. The rows' order is redis-server's command order.")
    print('#include "src/commands/command_meta.h"')
    print()
    print("// Rows name only the fields Redis prints; the rest keep their defaults.")
    print('#pragma GCC diagnostic ignored "-Wmissing-field-initializers"')
    print()
    print("namespace lrukv::cmd::meta {")
    print("namespace {")
    print()
    print("\n\n".join(em.decls))
    print()
    print("constexpr CommandMeta kRows[] = {")
    print("\n".join(rows))
    print("};")
    print()
    print("}  // namespace")
    print()
    print("std::span<const CommandMeta> AllMeta() { return kRows; }")
    print()
    print("}  // namespace lrukv::cmd::meta")


if __name__ == "__main__":
    main()
