#!/usr/bin/env python3
"""Finds import cycles between the source files of a Rust crate; exits 1 naming each one.

Usage: scripts/check_cycles.py [CRATE_DIR ...]   (default: every crate of the workspace)
       scripts/check_cycles.py --edges CRATE_DIR  (also prints every edge, to see why)
       scripts/check_cycles.py --self-test        (the rules below, on small made-up crates)
       scripts/check_cycles.py --allow a.rs,b.rs CRATE_DIR ...
           (a known cycle between exactly these files, paths from the repository root, is
           reported but does not fail; when it is gone, or has changed, that fails: the
           exception must be removed or restated, so it cannot outlive the cycle)

What counts as an edge from file A to file B (A != B): code in A names, by a path, an item
that is defined in B. The paths read are `use` declarations (any visibility, inside functions
too) and paths written in code that start with `crate::`, `super::`, `self::` or the name of a
child module of the current module. Comments, string and char literals are ignored, and so
are doc links. A path is resolved the way rustc resolves it, as far as a text reading can:

- segment by segment through the module tree (`mod x;` files and inline `mod x { ... }`);
- when a segment names an item that the module imports (`use`, `pub use`, renamed with `as`)
  rather than defines, through that import to the module that defines it. So a child that
  uses an item its parent only re-exports depends on the file that defines the item, not on
  the parent: that is the usual false cycle, and it is not one;
- a path to a module (`use super::table;`) is an edge to that module's file;
- a path that leaves the crate (`std::`, `rust_decimal::`) is no edge; a segment that names
  nothing the reading finds (an enum variant, a method, a macro-made item) ends the path at
  the file of the module reached so far;
- a glob import (`use super::*;`, `pub use x::*;`) is an edge to the file of the module it
  reads: a glob does not say which items it takes. Inside a file (`mod tests { use super::*;
  }`) that is no edge at all.

What is not an edge: a method call (`x.run()`, `self.check()`): finding its file needs the
type of `x`, which a text reading does not have. So one type's `impl` blocks spread over
several files (load's `Builder`, the checker's `Checker`) make no cycle; the files still name
the type's own file. Nor is the `mod x;` declaration itself (a parent declares its children; that
alone makes no cycle), nor an item a file defines and uses itself. A parent that defines an
item a child uses, and uses something of that child, does make a cycle: move the item into
its own file (or into the child) to end it.

A cycle is a strongly connected set of two or more files. Each is printed with every edge
inside it (file:line and the path that made it), then exit status 1.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = ["core", "dsl", "bindings/rust", "bindings/cli", "bindings/python", "bindings/wasm"]

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_code(text):
    """The text with comments, string and char literals blanked (newlines kept, so line
    numbers and positions stay)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', text[i:]) and not re.match(r"\w", text[i - 1 : i] or " "):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a without a closing quote).
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:])
            if m:
                out.append(" " * len(m.group(0)))
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Module:
    def __init__(self, path, file, parent):
        self.path = path  # tuple of names from the crate root
        self.file = file
        self.parent = parent
        self.children = {}  # name -> Module
        self.items = set()  # names defined here
        self.imports = {}  # name -> (segments, line) it imports
        self.globs = []  # (segments, line) of `use x::*`


class Crate:
    def __init__(self, src_dir, root_file):
        self.src_dir = src_dir
        self.files = {}  # file -> stripped text
        self.refs = []  # (file, module, line, segments, is_glob)
        self.root = Module((), root_file, None)
        self.load(self.root, root_file, is_root=True)

    def child_file(self, module, file, name, is_root):
        base = os.path.dirname(file)
        stem = os.path.splitext(os.path.basename(file))[0]
        folder = base if is_root or stem == "mod" else os.path.join(base, stem)
        for cand in (os.path.join(folder, name + ".rs"), os.path.join(folder, name, "mod.rs")):
            if os.path.exists(cand):
                return cand
        return None

    def load(self, module, file, is_root=False):
        with open(file, encoding="utf-8") as f:
            text = strip_code(f.read())
        self.files[file] = text
        self.scan(module, file, text, 0, len(text), is_root)

    def scan(self, module, file, text, start, end, is_root):
        """Reads the module body text[start:end]: inline modules recursively, file modules by
        loading their file, then items, imports and code paths of this body alone."""
        inner = []  # (start, end) of inline module bodies, skipped below
        pos = start
        mod_re = re.compile(r"\bmod\s+(" + IDENT + r")\s*([;{])")
        while True:
            m = mod_re.search(text, pos, end)
            if not m:
                break
            name = m.group(1)
            child = Module(module.path + (name,), file, module)
            module.children[name] = child
            if m.group(2) == ";":
                cf = self.child_file(module, file, name, is_root)
                if cf:
                    child.file = cf
                    self.load(child, cf, is_root=False)
                pos = m.end()
            else:
                body_start = m.end()
                depth, j = 1, body_start
                while j < end and depth:
                    if text[j] == "{":
                        depth += 1
                    elif text[j] == "}":
                        depth -= 1
                    j += 1
                self.scan(child, file, text, body_start, j - 1, is_root)
                inner.append((m.start(), j))
                pos = j
        # This body without its inline modules (blanked, positions kept).
        own = list(text[start:end])
        for a, b in inner:
            for k in range(a - start, b - start):
                if own[k] != "\n":
                    own[k] = " "
        body = "".join(own)

        def line_of(offset):
            return text.count("\n", 0, start + offset) + 1

        for m in re.finditer(
            r"\b(?:fn|struct|enum|trait|type|const|static|union)\s+(" + IDENT + r")", body
        ):
            module.items.add(m.group(1))
        for m in re.finditer(r"\bmacro_rules!\s*(" + IDENT + r")", body):
            module.items.add(m.group(1))
        use_spans = []
        for m in re.finditer(r"\buse\s+([^;]+);", body):
            use_spans.append((m.start(), m.end()))
            line = line_of(m.start())
            for segs, alias, glob in expand_use(m.group(1)):
                if glob:
                    module.globs.append((segs, line))
                    self.refs.append((file, module, line, segs, True))
                    continue
                name = alias if alias else segs[-1]
                if segs[-1] == "self":
                    segs = segs[:-1]
                    name = alias if alias else (segs[-1] if segs else None)
                if name and name != "_":
                    module.imports[name] = (segs, line)
                self.refs.append((file, module, line, segs, False))
        # Paths written in code (outside `use`).
        path_re = re.compile(r"(?<![\w:])(" + IDENT + r"(?:\s*::\s*" + IDENT + r")+)")
        for m in path_re.finditer(body):
            if any(a <= m.start() < b for a, b in use_spans):
                continue
            segs = [s.strip() for s in m.group(1).split("::")]
            if segs[0] in ("crate", "super", "self") or segs[0] in module.children:
                self.refs.append((file, module, line_of(m.start()), segs, False))

    # ---- resolution ------------------------------------------------------------------------

    def start_module(self, module, segs):
        """The module a path starts from and the segments left; None when it leaves the crate."""
        i = 0
        cur = module
        if segs and segs[0] == "crate":
            cur, i = self.root, 1
        elif segs and segs[0] == "self":
            i = 1
        while i < len(segs) and segs[i] == "super":
            cur = cur.parent if cur.parent else cur
            i += 1
        if i == 0 and segs and segs[0] not in module.children and segs[0] not in module.imports:
            return None, segs
        return cur, segs[i:]

    def resolve(self, module, segs, seen=None):
        """The file that defines what `segs` names from `module`; None when outside the crate."""
        seen = seen or set()
        key = (module.path, tuple(segs))
        if key in seen:
            return module.file
        seen.add(key)
        cur, rest = self.start_module(module, segs)
        if cur is None:
            return None
        for k, name in enumerate(rest):
            if name in cur.children:
                cur = cur.children[name]
                continue
            if name in cur.items:
                return cur.file
            if name in cur.imports:
                target, _ = cur.imports[name]
                if target and tuple(target) != tuple(segs):
                    found = self.resolve_import(cur, target, rest[k + 1 :], seen)
                    return found if found is not None else None
                return cur.file
            for glob, _ in cur.globs:
                found = self.resolve_import(cur, glob + [name], rest[k + 1 :], seen, quiet=True)
                if found:
                    return found
            return cur.file
        return cur.file

    def resolve_import(self, module, target, tail, seen, quiet=False):
        """Resolves an import's target (as written in `module`) followed by `tail`."""
        cur, rest = self.start_module(module, target)
        if cur is None:
            return None
        full = rest + list(tail)
        # Walk as a path from `cur`, marking it absolute so start_module keeps `cur`.
        probe = Module(cur.path, cur.file, cur.parent)
        probe.children, probe.items, probe.imports, probe.globs = (
            cur.children,
            cur.items,
            cur.imports,
            cur.globs,
        )
        if not full:
            return cur.file
        first = full[0]
        if quiet and not (
            first in cur.children or first in cur.items or first in cur.imports or cur.globs
        ):
            return None
        return self.resolve(probe, ["self"] + full, seen)


def expand_use(tree):
    """`a::{b, c::{d as e, *}}` → [(segments, alias, is_glob)]."""
    tree = re.sub(r"\s+", " ", tree).strip()
    tree = re.sub(r"^::", "", tree)
    out = []

    def split_top(s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        parts.append(cur)
        return [p.strip() for p in parts if p.strip()]

    def walk(prefix, s):
        s = s.strip()
        brace = s.find("{")
        if brace >= 0 and s.endswith("}"):
            head = [x.strip() for x in s[:brace].split("::") if x.strip()]
            for part in split_top(s[brace + 1 : -1]):
                walk(prefix + head, part)
            return
        alias = None
        m = re.match(r"(.*)\s+as\s+(" + IDENT + r")$", s)
        if m:
            s, alias = m.group(1).strip(), m.group(2)
        segs = prefix + [x.strip() for x in s.split("::") if x.strip()]
        if segs and segs[-1] == "*":
            out.append((segs[:-1], None, True))
        elif segs:
            out.append((segs, alias, False))

    walk([], tree)
    return out


def crate_roots(crate_dir):
    src = os.path.join(crate_dir, "src")
    return [os.path.join(src, f) for f in ("lib.rs", "main.rs") if os.path.exists(os.path.join(src, f))]


def edges_of(crate_dir):
    """{(from, to): [(line, path text)]} over every root of the crate (lib and main), and the
    number of source files read."""
    edges, files = {}, set()
    for root in crate_roots(crate_dir):
        crate = Crate(os.path.join(crate_dir, "src"), root)
        files.update(crate.files)
        for file, module, line, segs, glob in crate.refs:
            target = crate.resolve(module, segs)
            if glob and target is not None:
                cur, rest = crate.start_module(module, segs)
                target = None
                if cur is not None:
                    for name in rest:
                        cur = cur.children.get(name)
                        if cur is None:
                            break
                    target = cur.file if cur is not None else crate.resolve(module, segs)
            if target is None or target == file:
                continue
            text = "::".join(segs) + ("::*" if glob else "")
            edges.setdefault((file, target), []).append((line, text))
    return edges, len(files)


def cycles(edges):
    """Strongly connected sets of two or more files (Tarjan), each sorted."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def self_test():
    """Each rule of the module docs on a made-up crate: the cycles found, exactly."""
    import tempfile

    cases = [
        # A child using what its parent only re-exports depends on the defining file: no cycle.
        (
            {
                "lib.rs": "mod a;\npub use a::b::Thing;\nfn f() { a::run(); }\n",
                "a/mod.rs": "pub mod b;\npub use b::Thing;\npub fn run() {}\n",
                "a/b.rs": "use super::Thing as _T;\npub struct Thing;\nfn g() { crate::Thing; }\n",
            },
            [],
        ),
        # A parent defining an item its child uses, and using the child: a cycle.
        (
            {
                "lib.rs": "mod a;\n",
                "a/mod.rs": "mod b;\npub struct Options;\nfn f() { b::run(); }\n",
                "a/b.rs": "use super::Options;\npub fn run() {}\n",
            },
            [["a/b.rs", "a/mod.rs"]],
        ),
        # Paths in comments and strings are no edges; a glob inside one file is none either;
        # a path to an enum variant ends at the enum's file.
        (
            {
                "lib.rs": "mod x;\nmod y;\npub enum E { V }\n",
                "x.rs": "// crate::y::f\nfn f() { let _ = \"crate::y::f\"; }\nmod tests { use super::*; }\n",
                "y.rs": "fn f() { crate::x::g(); let _ = crate::E::V; }\n",
            },
            [],
        ),
    ]
    failed = 0
    for files, want in cases:
        with tempfile.TemporaryDirectory() as d:
            for name, text in files.items():
                path = os.path.join(d, "src", name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            edges, _ = edges_of(d)
            src = os.path.join(d, "src")
            got = [[os.path.relpath(f, src) for f in comp] for comp in cycles(edges)]
            if got != want:
                failed += 1
                print(f"self-test: {sorted(files)}: cycles {got}, expected {want}")
    print("self-test: " + ("failed" if failed else f"{len(cases)} cases pass"))
    return 1 if failed else 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    show_edges = "--edges" in argv
    allowed, dirs, args = [], [], iter(argv)
    for a in args:
        if a == "--allow":
            allowed.append(frozenset(next(args, "").split(",")))
        elif a != "--edges":
            dirs.append(a)
    dirs = dirs or CRATES
    seen_allowed = set()
    found = 0
    for d in dirs:
        crate_dir = d if os.path.isabs(d) else os.path.join(ROOT, d)
        if not crate_roots(crate_dir):
            print(f"{d}: no src/lib.rs or src/main.rs", file=sys.stderr)
            return 2
        edges, file_count = edges_of(crate_dir)
        rel = lambda p: os.path.relpath(p, ROOT)
        if show_edges:
            for (a, b), why in sorted(edges.items()):
                print(f"{rel(a)} -> {rel(b)}: " + ", ".join(f"{l}:{t}" for l, t in why[:3]))
        comps = cycles(edges)
        if not comps:
            print(f"{d}: no import cycle between its {file_count} files")
        for comp in comps:
            names = frozenset(rel(f) for f in comp)
            if names in allowed:
                seen_allowed.add(names)
                print(f"{d}: known import cycle (--allow) between {', '.join(sorted(names))}")
            else:
                found += 1
                print(f"{d}: import cycle between {', '.join(rel(f) for f in comp)}")
            for (a, b), why in sorted(edges.items()):
                if a in comp and b in comp:
                    shown = ", ".join(f"line {l} `{t}`" for l, t in why[:3])
                    more = f" (+{len(why) - 3} more)" if len(why) > 3 else ""
                    print(f"    {rel(a)} -> {rel(b)}: {shown}{more}")
    for names in allowed:
        if names not in seen_allowed:
            found += 1
            print(f"--allow {','.join(sorted(names))}: no such cycle any more; remove or restate it")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
