#!/usr/bin/env python3
"""numpy and numexpr on the workloads of `benches/daisy.rs`, to read beside its figures.

Creates a virtual environment under target/peers-venv (not committed), installs numpy and
numexpr there, and prints medians in milliseconds with the peers' versions:

    python3 benches/peers.py            # then: cargo bench --bench daisy

The workloads: daisy's g and h (examples/daisy.rs) on 1M and 10M elements, i64 and f64;
tanh twenty times over 1M f64 (sorted, and in mixed order); and (a*b + a*c) - (b*c)/2 + sqrt(a*b).
"""

import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = os.path.join(ROOT, "target", "peers-venv")


def python_in_env():
    exe = os.path.join(ENV, "bin", "python")
    if not os.path.exists(exe):
        venv.create(ENV, with_pip=True)
        subprocess.check_call([exe, "-m", "pip", "install", "--quiet", "numpy", "numexpr"])
    return exe


def measure():
    import statistics
    import time

    import numexpr as ne
    import numpy as np

    ne.set_num_threads(2)

    def median_ms(f, runs=15):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            f()
            times.append((time.perf_counter() - start) * 1e3)
        return statistics.median(times)

    print(f"numpy {np.__version__}, numexpr {ne.__version__} (2 threads)")
    print("| workload | n | type | numpy eager | numexpr |")
    print("|---|---:|---|---:|---:|")
    for n in (1_000_000, 10_000_000):
        for dtype in ("int64", "float64"):
            a = np.arange(n, dtype=dtype)
            b = (3 * np.arange(n) + 1).astype(dtype)
            one = np.array(1, dtype=dtype)
            f = lambda a, b: a + b
            g = lambda: f(f(a, b), f(a, b))
            h = lambda: f(a, b) + (a + b + one)
            names = {"a": a, "b": b, "one": one}
            row = lambda name, eager, expr: print(
                f"| {name} | {n:,} | {dtype} | {median_ms(eager):.2f} | "
                f"{median_ms(lambda: ne.evaluate(expr, local_dict=names)):.2f} |"
            )
            row("daisy g", g, "(a + b) + (a + b)")
            row("daisy h", h, "(a + b) + (a + b + one)")
    x = np.linspace(-3, 3, 1_000_000)

    def tanh20():
        y = x
        for _ in range(20):
            y = np.tanh(y)
        return y

    def tanh20_in_place():
        y = x.copy()
        for _ in range(20):
            np.tanh(y, out=y)
        return y

    print(f"| tanh x20 | 1,000,000 | float64 | {median_ms(tanh20):.2f} "
          f"(in place {median_ms(tanh20_in_place):.2f}) | "
          f"{median_ms(lambda: ne.evaluate('tanh(' * 20 + 'x' + ')' * 20, local_dict={'x': x})):.2f} |")
    # The same values in mixed order (element i is linspace's element i * 7919 mod n), as
    # `benches/arrays.rs` builds them: neighbours lie far apart in the range.
    sorted_x = x
    x = sorted_x[(np.arange(1_000_000) * 7919) % 1_000_000]
    print(f"| tanh x20, mixed order | 1,000,000 | float64 | {median_ms(tanh20):.2f} "
          f"(in place {median_ms(tanh20_in_place):.2f}) | "
          f"{median_ms(lambda: ne.evaluate('tanh(' * 20 + 'x' + ')' * 20, local_dict={'x': x})):.2f} |")
    a = np.linspace(0, 1, 1_000_000)
    b, c = a * 2 + 1, a * 3 + 2
    longer = lambda: (a * b + a * c) - (b * c) / 2 + np.sqrt(a * b)
    print(f"| (a*b + a*c) - (b*c)/2 + sqrt(a*b) | 1,000,000 | float64 | "
          f"{median_ms(longer):.2f} | "
          f"{median_ms(lambda: ne.evaluate('(a*b + a*c) - (b*c)/2 + sqrt(a*b)', local_dict={'a': a, 'b': b, 'c': c})):.2f} |")


if __name__ == "__main__":
    if os.environ.get("LAZY_PEERS_INSIDE"):
        measure()
    else:
        env = dict(os.environ, LAZY_PEERS_INSIDE="1")
        sys.exit(subprocess.call([python_in_env(), os.path.abspath(__file__)], env=env))
