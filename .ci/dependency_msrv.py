"""The MSRV of the dependencies: reads `cargo metadata` on stdin.

Clippy's incompatible_msrv checks our code against the MSRV, not our
dependencies. Here each publishable workspace package must declare a
rust-version, and no normal or build dependency it pulls in (as locked) may
declare a newer one. Dev-dependencies only concern running the tests.
"""

import json
import sys


def version(v):
    return tuple(int(x) for x in (v.split(".") + ["0", "0"])[:3])


meta = json.load(sys.stdin)
pkgs = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
bad = []
for member in meta["workspace_members"]:
    root = pkgs[member]
    name = root["name"]
    if root.get("publish") == []:
        continue
    msrv = root.get("rust_version")
    if not msrv:
        bad.append("%s: no rust-version (write rust-version.workspace = true)" % name)
        continue
    seen, todo = set(), [member]
    while todo:
        for dep in nodes[todo.pop()]["deps"]:
            if dep["pkg"] not in seen and any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    newer = 0
    for d in sorted(seen):
        rv = pkgs[d].get("rust_version")
        if rv and version(rv) > version(msrv):
            newer += 1
            bad.append(
                "%s (rust-version %s) depends on %s %s, which needs Rust %s"
                % (name, msrv, pkgs[d]["name"], pkgs[d]["version"], rv)
            )
    print("%s: rust-version %s; %d dependencies, %d of them newer" % (name, msrv, len(seen), newer))
if bad:
    sys.exit("\n".join(bad))
