#!/usr/bin/env python3
"""Checks that the modules' includes follow their CMake targets.

Each folder under config/, storage/, sync/, web/ and node/ with a
CMakeLists.txt that adds a library is a module. A source file may include
headers of its own module and of the modules its library links, directly
or through them; the links must form no cycle. So a header included
against the arrows (sync/log including sync/content, say) fails here even
though every header is reachable from the repository's root include path.

  tests/layering_test.py SOURCE_DIR          check; exit 1 on a violation
  tests/layering_test.py SOURCE_DIR --graph  print each module's direct links
"""
import os
import re
import sys

MODULE_ROOTS = ("config", "storage", "sync", "web", "node")
ADD = re.compile(r"add_(?:library|executable)\(\s*(\w+)")
LINK = re.compile(r"target_link_libraries\(\s*(\w+)([^)]*)\)", re.S)
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def scan_modules(src):
    """Returns ({folder: [targets]}, {target: set(linked mrc targets)})."""
    folders, links = {}, {}
    for root in MODULE_ROOTS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(src, root)):
            dirnames[:] = [d for d in dirnames if d not in ("node_modules", "assets", "i18n")]
            if "CMakeLists.txt" not in filenames:
                continue
            text = re.sub(r"#.*", "", read(os.path.join(dirpath, "CMakeLists.txt")))
            targets = ADD.findall(text)
            if not targets:
                continue
            folders[os.path.relpath(dirpath, src)] = targets
            for t in targets:
                links.setdefault(t, set())
            for target, args in LINK.findall(text):
                links.setdefault(target, set()).update(
                    a for a in args.split() if a.startswith("mrc") and a != target)
    return folders, links


def find_cycle(links):
    state, stack = {}, []

    def visit(t):
        state[t] = 1
        stack.append(t)
        for d in sorted(links.get(t, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        stack.pop()
        state[t] = 2
        return None

    for t in sorted(links):
        if t not in state:
            found = visit(t)
            if found:
                return found
    return None


def closure(target, links):
    seen, todo = set(), [target]
    while todo:
        for d in links.get(todo.pop(), ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


def owner(path, folders):
    """The module folder holding `path` (the deepest one), or None."""
    parts = path.split("/")
    for n in range(len(parts) - 1, 0, -1):
        folder = "/".join(parts[:n])
        if folder in folders:
            return folder
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    src = sys.argv[1]
    folders, links = scan_modules(src)
    if "--graph" in sys.argv:
        for folder in sorted(folders):
            for t in folders[folder]:
                print(f"{folder:22} {t:16} -> {' '.join(sorted(links[t])) or '(nothing)'}")
        return 0
    problems = []
    cycle = find_cycle(links)
    if cycle:
        problems.append("the libraries link in a cycle: " + " -> ".join(cycle))
    allowed = {}
    for folder, targets in folders.items():
        reach = set(targets)
        for t in targets:
            reach |= closure(t, links)
        allowed[folder] = {f for f, ts in folders.items() if reach & set(ts)}
    for folder in sorted(folders):
        base = os.path.join(src, folder)
        for name in sorted(os.listdir(base)):
            if not name.endswith((".h", ".cc")):
                continue
            rel = f"{folder}/{name}"
            for inc in INCLUDE.findall(read(os.path.join(base, name))):
                to = owner(inc, folders)
                if to is None or to in allowed[folder]:
                    continue
                problems.append(f"{rel} includes {inc}, but {folder}'s library does not link "
                                f"{to}'s ({' '.join(folders[to])})")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(folders)} modules, includes follow the links, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
