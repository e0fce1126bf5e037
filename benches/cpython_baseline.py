#!/usr/bin/env python3
"""CPython's side of the pyslots benchmarks: the same operations, timed.

    python3 benches/cpython_baseline.py              # speed and memory
    python3 benches/cpython_baseline.py --speed      # speed only
    python3 benches/cpython_baseline.py --memory 1000 1000000

Prints one fact per line:

    python 3.11.7
    ns getattr/slot_f64 24.1              # ns per operation
    memory 1000 SlottedPoint 96.0         # bytes per instance

Speed: each statement runs under `timeit` (garbage collector off, as
timeit does) in batches of about 20 ms, 3 rounds over all statements of 3
batches each; the same batch of `pass` (the loop alone) is timed beside
each and subtracted; the figure is the median. The keys match the Rust operations of `pyslots_bench` (see
`src/bin/report.rs` for the pairing).

Memory: `tracemalloc` counts the bytes allocated while building n instances
(the tutorial's loops, `Person(f"Person{i}", i)` and
`Point(float(i), float(i * 2))`), less the list that holds them, divided by
n. The figures include the str, int and float objects each instance refers
to.
"""

import copy
import statistics
import sys
import time
import timeit
import tracemalloc

NAMES8 = ("x", "y", "z", "count", "name", "flag", "ratio", "total")


class Slotted8:
    __slots__ = NAMES8

    def __init__(self, x, y, z, count, name, flag, ratio, total):
        self.x = x
        self.y = y
        self.z = z
        self.count = count
        self.name = name
        self.flag = flag
        self.ratio = ratio
        self.total = total


class Slotted8M:
    __slots__ = NAMES8

    def __init__(self, x, y, z, count, name, flag, ratio, total):
        self.x = x
        self.y = y
        self.z = z
        self.count = count
        self.name = name
        self.flag = flag
        self.ratio = ratio
        self.total = total

    @property
    def prop(self):
        return self.x

    def m(self, v):
        return self.x + v


class Regular8:
    def __init__(self, x, y, z, count, name, flag, ratio, total):
        self.x = x
        self.y = y
        self.z = z
        self.count = count
        self.name = name
        self.flag = flag
        self.ratio = ratio
        self.total = total


class SlottedPoint:
    __slots__ = ["x", "y"]

    def __init__(self, x, y):
        self.x = x
        self.y = y


class RegularPoint:
    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedPerson:
    __slots__ = ["name", "age"]

    def __init__(self, name, age):
        self.name = name
        self.age = age


class RegularPerson:
    def __init__(self, name, age):
        self.name = name
        self.age = age


ARGS8 = "1.0, 2.0, 3.0, 7, 'Alice', True, 0.5, 8.0"


class GraphNode:
    __slots__ = ("id", "label", "next", "peers", "__dict__")

    def __init__(self, id, label):
        self.id = id
        self.label = label


# copy.deepcopy recurses along `next`, several frames per node: the ring of
# 1,000 nodes goes deeper than the default limit of 1,000.
sys.setrecursionlimit(100_000)


def graph(n=1000):
    """pyslots_bench::graph: a ring through 1,000 nodes, 100 peer lists each
    shared by 10 nodes, a weight in each node's dict."""
    nodes = [GraphNode(i, f"node{i}") for i in range(n)]
    groups = [[] for _ in range(100)]
    for i, node in enumerate(nodes):
        node.next = nodes[(i + 1) % n]
        node.peers = groups[i % 100]
        groups[i % 100].append(nodes[(i * 7) % n])
        node.weight = i * 0.5
    return nodes

# (key, statement). `s` is a Slotted8, `r` a Regular8, `bob` a str;
# `getattr(o, 'x')` is the by-name access pyslots' getattr corresponds to,
# `o.x` the attribute syntax. A failed lookup is the exception, raised
# and caught, as pyslots' getattr returns an Err.
MISSING_GET = "try:\n    getattr({o}, 'missing')\nexcept AttributeError:\n    pass"
MISSING_SET = "try:\n    setattr({o}, 'missing', 1)\nexcept AttributeError:\n    pass"
STATEMENTS = [
    ("getattr/slot_f64", "getattr(s, 'x')"),
    ("getattr/slot_i64", "getattr(s, 'count')"),
    ("getattr/slot_str", "getattr(s, 'name')"),
    ("getattr/slot_last", "getattr(s, 'total')"),
    ("getattr/slot_missing", MISSING_GET.format(o="s")),
    ("hasattr/slot_missing", "hasattr(s, 'missing')"),
    ("attr/slot_f64", "s.x"),
    ("setattr/slot_f64", "setattr(s, 'x', 2.5)"),
    ("setattr/slot_i64", "setattr(s, 'count', 9)"),
    ("setattr/slot_str", "setattr(s, 'name', bob)"),
    ("setattr/slot_last", "setattr(s, 'total', 2.5)"),
    ("setattr/slot_missing", MISSING_SET.format(o="s")),
    ("setattr_attr/slot_f64", "s.x = 2.5"),
    ("getattr/dict_f64", "getattr(r, 'x')"),
    ("getattr/dict_str", "getattr(r, 'name')"),
    ("getattr/dict_last", "getattr(r, 'total')"),
    ("getattr/dict_missing", MISSING_GET.format(o="r")),
    ("attr/dict_f64", "r.x"),
    ("setattr/dict_f64", "setattr(r, 'x', 2.5)"),
    ("setattr/dict_last", "setattr(r, 'total', 2.5)"),
    ("dir/slotted", "dir(s)"),
    ("dir/dict", "dir(r)"),
    ("new/slotted_point", "SlottedPoint(1.0, 2.0)"),
    ("new/regular_point", "RegularPoint(1.0, 2.0)"),
    ("new/slotted8", f"Slotted8({ARGS8})"),
    ("new/regular8", f"Regular8({ARGS8})"),
    ("deepcopy/graph1000", "deepcopy(graph)"),
    ("getattr/prop", "getattr(sm, 'prop')"),
    ("call/method", "getattr(sm, 'm')(1.0)"),
    ("getattr/methods_slot_f64", "getattr(sm, 'x')"),
]


def namespace():
    return {
        "s": Slotted8(1.0, 2.0, 3.0, 7, "Alice", True, 0.5, 8.0),
        "r": Regular8(1.0, 2.0, 3.0, 7, "Alice", True, 0.5, 8.0),
        "sm": Slotted8M(1.0, 2.0, 3.0, 7, "Alice", True, 0.5, 8.0),
        "bob": "Bob",
        "Slotted8": Slotted8,
        "Regular8": Regular8,
        "SlottedPoint": SlottedPoint,
        "RegularPoint": RegularPoint,
        "deepcopy": copy.deepcopy,
        "graph": graph(),
    }


def calibrate(timer, target_s):
    """The number of executions that takes about target_s seconds."""
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= target_s / 10:
            return max(1, int(number * target_s / t))
        number *= 10


def speed(rounds=3, per_round=3, target_s=0.02):
    """Median ns per execution of each statement, the empty loop subtracted.

    Several rounds over all statements, as the Rust report does, so that a
    burst of load elsewhere on the machine spreads over many statements.
    """
    # Fresh objects for each statement: `dir(r)` turns r's inline values
    # into a real dict, which would slow every later `r.x`.
    timers = {key: timeit.Timer(stmt, globals=namespace()) for key, stmt in STATEMENTS}
    empty = timeit.Timer("pass", globals=namespace())
    numbers = {key: calibrate(t, target_s) for key, t in timers.items()}
    ops = {key: [] for key in timers}
    loops = {key: [] for key in timers}
    for _ in range(rounds):
        for key, timer in timers.items():
            n = numbers[key]
            for _ in range(per_round):
                ops[key].append(timer.timeit(n) / n)
                loops[key].append(empty.timeit(n) / n)
    return {
        key: round(max(statistics.median(ops[key]) - statistics.median(loops[key]), 0.0) * 1e9, 3)
        for key in timers
    }


GC_OBJECTS = 1_000_000


def gc_speed(rounds=7):
    """ns of one `gc.collect()` over GC_OBJECTS tracked instances (slotted
    Points held in a list), none garbage: the median of `rounds`."""
    import gc

    objs = [SlottedPoint(1.0, 2.0) for _ in range(GC_OBJECTS)]
    gc.collect()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        gc.collect()
        times.append(time.perf_counter() - start)
    del objs
    return round(statistics.median(times) * 1e9, 3)


def gc_linked_speed(rounds=7):
    """ns of one `gc.collect()` over GC_OBJECTS instances of a class made
    by type() with slots x and next, each holding the one made before (as
    pyslots_bench's `gc/collect_1m_linked`), none garbage: the median of
    `rounds`."""
    import gc

    node = type("Node", (), {"__slots__": ("x", "next")})
    head = None
    for i in range(GC_OBJECTS):
        o = node()
        o.x = float(i)
        o.next = head
        head = o
    del o
    gc.collect()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        gc.collect()
        times.append(time.perf_counter() - start)
    # Dropped by hand: the chain is a million deep.
    while head is not None:
        head = head.next
    return round(statistics.median(times) * 1e9, 3)


WORKLOAD_NODES = 100_000
WORKLOAD_WALKS = 10
# Runs timed, each side (report.rs's WORKLOAD_ROUNDS): the fastest of them
# is what the report compares (see workload_speed).
WORKLOAD_ROUNDS = 9


def workload(n=WORKLOAD_NODES, walks=WORKLOAD_WALKS, phases=None):
    """Issue 24's workload, as pyslots_bench::workload runs it: n instances
    of a class made by type() with slots x, y, next, linked, then walked
    `walks` times reading and writing the floats by name. With a list as
    `phases`, appends the seconds of the build, the walks and the teardown
    (the last reference to the head dropped), as workload_phases does."""
    node = type("Node", (), {"__slots__": ("x", "y", "next")})
    start = time.perf_counter()
    head = None
    for i in range(n):
        o = node()
        setattr(o, "x", float(i))
        setattr(o, "y", 0.0)
        setattr(o, "next", head)
        head = o
    del o
    built = time.perf_counter()
    total = 0.0
    for _ in range(walks):
        cur = head
        while cur is not None:
            x = getattr(cur, "x")
            y = getattr(cur, "y")
            setattr(cur, "y", y + x)
            total += y
            cur = getattr(cur, "next")
    walked = time.perf_counter()
    del head
    if phases is not None:
        phases += [built - start, walked - built, time.perf_counter() - walked]
    return total


def workload_speed(rounds=WORKLOAD_ROUNDS):
    """ns of one `workload()` (its teardown included), the median and the
    fastest of `rounds`, with the garbage collector on as in a program;
    and the median of each phase."""
    times = []
    phases = []
    for _ in range(rounds):
        start = time.perf_counter()
        p = []
        workload(phases=p)
        times.append(time.perf_counter() - start)
        phases.append(p)
    ns = lambda seconds: round(seconds * 1e9, 3)
    medians = [ns(statistics.median(p[k] for p in phases)) for k in range(3)]
    return ns(statistics.median(times)), ns(min(times)), medians


def per_instance(make, n):
    # Bytes allocated while building the objects, less the list holding them.
    # CPython keeps up to 100 freed floats for reuse; a float taken from that
    # cache is not a new allocation, and would shave a few bytes in a million
    # off the figure (95.9998 instead of 96 for a slotted Point). Empty the
    # cache first, so every float the loop makes is counted.
    drain = [float(i) for i in range(1000)]
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    objs = [make(i) for i in range(n)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del drain
    return (after - before - sys.getsizeof(objs)) / n


# `type('RuntimePoint', (), {'__slots__': ('x', 'y')})`: what pyslots'
# `Type::new` makes; its instances are set as pyslots' are, by setattr.
RuntimePoint = type("RuntimePoint", (), {"__slots__": ("x", "y")})


def make_runtime_point(x, y):
    p = RuntimePoint()
    p.x = x
    p.y = y
    return p


# `type('RuntimeRegularPoint', (), {})`: instances with a `__dict__`, set by
# setattr as pyslots' are.
RuntimeRegularPoint = type("RuntimeRegularPoint", (), {})


def make_runtime_regular_point(x, y):
    p = RuntimeRegularPoint()
    p.x = x
    p.y = y
    return p


def memory(counts):
    out = {}
    for n in counts:
        out[str(n)] = {
            "RegularPerson": per_instance(lambda i: RegularPerson(f"Person{i}", i), n),
            "SlottedPerson": per_instance(lambda i: SlottedPerson(f"Person{i}", i), n),
            "RegularPoint": per_instance(lambda i: RegularPoint(float(i), float(i * 2)), n),
            "SlottedPoint": per_instance(lambda i: SlottedPoint(float(i), float(i * 2)), n),
            "RuntimePoint": per_instance(lambda i: make_runtime_point(float(i), float(i * 2)), n),
            "RuntimeRegularPoint": per_instance(lambda i: make_runtime_regular_point(float(i), float(i * 2)), n),
        }
    return out


def main(argv):
    do_speed = "--speed" in argv or "--memory" not in argv
    counts = [int(a) for a in argv if a.isdigit()] or [1_000, 1_000_000]
    do_memory = "--memory" in argv or "--speed" not in argv
    result = {"python": "%d.%d.%d" % sys.version_info[:3]}
    if do_speed:
        # The workload first, on a fresh heap (report.rs runs pyslots' so).
        total, best, (build, walk, teardown) = workload_speed()
        result["ns"] = speed()
        result["ns"]["gc/collect_1m"] = gc_speed()
        result["ns"]["gc/collect_1m_linked"] = gc_linked_speed()
        result["ns"]["workload/linked_100k"] = total
        result["ns"]["workload/linked_100k_best"] = best
        result["ns"]["workload/build"] = build
        result["ns"]["workload/walk"] = walk
        result["ns"]["workload/teardown"] = teardown
        result["ns"]["workload/total"] = workload()
    if do_memory:
        result["memory"] = memory(counts)
    # One fact per line, read by report.rs: no data format to parse.
    print("python", result["python"])
    for key, ns in sorted(result.get("ns", {}).items()):
        print("ns", key, ns)
    for count, classes in sorted(result.get("memory", {}).items()):
        for cls, nbytes in sorted(classes.items()):
            print("memory", count, cls, nbytes)


if __name__ == "__main__":
    main(sys.argv[1:])
