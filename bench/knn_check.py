#!/usr/bin/env python3
"""knn_check.py - do our nearest places equal PostGIS' ones?

  knn_check.py OURS GEOG GEOM

OURS: "i rank id km" lines (knn_bench --dump); GEOG and GEOM: "i id km"
lines from PostGIS, ordered by geography <-> (distance on the sphere, the
geodesic equivalent of our haversine) and by geometry <-> (planar distance
in degrees). For each query point the 10 ids are compared:
  identical      same ids in the same order
  equal to ties  same distances (within 1 mm) and the ids differ only among
                 places at the same distance
  different      anything else (a wrong answer)
Prints one summary line per comparison and the largest distance gap, and
exits 1 when ours and geography differ. Standard library only."""
import collections
import sys

TOL_KM = 1e-6  # 1 mm


def load(path, ours):
    res = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            p = line.replace(",", " ").split()
            if len(p) < 3:
                continue
            if ours:
                i, _rank, pid, km = p[:4]
            else:
                i, pid, km = p[:3]
            res[int(i)].append((float(km), int(pid)))
    for v in res.values():
        v.sort()
    return res


def compare(a, b):
    """-> (identical, ties, different, max distance gap km)"""
    same = ties = diff = 0
    gap = 0.0
    for i in sorted(set(a) | set(b)):
        x, y = a.get(i, []), b.get(i, [])
        if [p for _, p in x] == [p for _, p in y]:
            same += 1
            gap = max([gap] + [abs(u - v) for (u, _), (v, _) in zip(x, y)])
            continue
        if len(x) == len(y) and all(abs(u - v) <= TOL_KM for (u, _), (v, _) in zip(x, y)):
            # same distances: ids may differ only where distances tie
            bound = x[-1][0] if x else 0
            inner_x = {p for d, p in x if d < bound - TOL_KM}
            inner_y = {p for d, p in y if d < bound - TOL_KM}
            if inner_x == inner_y:
                ties += 1
                continue
        diff += 1
    return same, ties, diff, gap


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ours = load(sys.argv[1], True)
    geog = load(sys.argv[2], False)
    geom = load(sys.argv[3], False)
    n = len(set(ours) | set(geog))
    s, t, d, gap = compare(ours, geog)
    print(f"ours vs PostGIS geography <->: {n} points, {s} identical, {t} equal up to ties, "
          f"{d} different; largest distance gap {gap * 1e6:.3f} mm")
    # Planar degrees: compare the sets of 10, not the order.
    setdiff = sum(1 for i in geog if {p for _, p in geom.get(i, [])} != {p for _, p in geog[i]})
    print(f"PostGIS geometry <-> (degrees) vs geography <->: {setdiff} of {n} points "
          f"with a different set of 10 places")
    sys.exit(1 if d else 0)


if __name__ == "__main__":
    main()
