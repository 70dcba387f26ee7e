#!/usr/bin/env python3
"""Times commands interleaved with `wc -w` on the same file, which is what
compares on a shared machine whose speed drifts: each round runs every
command once and `wc -w` after each.

  bench/interleave.py ROUNDS FILE CMD [ARGS...] [-- CMD [ARGS...]]...

`{f}` in a command stands for FILE. Prints the machine (bench/host.sh), the
median and best wall time of each command and its median over the median
of `wc -w`.
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, path = int(sys.argv[1]), sys.argv[2]
    commands, current = [], []
    for arg in sys.argv[3:]:
        if arg == "--":
            commands.append(current)
            current = []
        else:
            current.append(arg.replace("{f}", path))
    commands.append(current)
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
    times = [[] for _ in commands]
    wc = []

    def timed(cmd):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    for _ in range(rounds):
        for i, cmd in enumerate(commands):
            times[i].append(timed(cmd))
            wc.append(timed(["wc", "-w", path]))
    w = statistics.median(wc)
    subprocess.run(["bash", os.path.join(os.path.dirname(os.path.abspath(__file__)), "host.sh")], check=False)
    print("wc -w: median %.3f s" % w)
    for cmd, t in zip(commands, times):
        m = statistics.median(t)
        print("%s: median %.3f s, best %.3f s, %.3f x wc -w" % (" ".join(cmd), m, min(t), m / w))


if __name__ == "__main__":
    main()
