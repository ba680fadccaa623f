"""Disclosure control: small-cell suppression with complementary suppression.

A report publishes counts whose cells are tied together by sums (rows add up
to their totals, and so on). Suppressing the small cells (1 … k−1) is not
enough: a suppressed cell alone in its row is the row total minus the rest.
So we also suppress *complementary* cells until every small cell keeps a
wide range of values that fit everything published.

The tables as a network
-----------------------
Every table we publish (a 2-D table with its margins, or the report's two
linked 2-D tables that share the service totals) is a *network*: each cell is
an edge and each "these cells add up to that total" is a node where what
flows in equals what flows out. A change to the suppressed cells that keeps
every published number and every sum is then a *circulation* on the
suppressed edges, and how far the attacker's linear program can move a cell
up (or down) is a maximum flow around it. That makes the protection check
exact and fast (a few augmenting paths on a graph of ~40 nodes), with no LP
solver at run time. Bounds that come from published numbers outside the
network (a service line count cannot exceed the sessions in its language)
are edge capacities.

Choosing complementary cells
----------------------------
For each protected cell, smallest first, we look for the cheapest cycle
through it that alone gives the full protection (Dijkstra, already-suppressed
cells free, others costing "one more cell" first and their value second);
when no single cycle will do, cheapest augmenting paths are added until the
maximum flow is enough. A clean-up pass then tries to publish each secondary
cell again, largest first, keeping it published when every requirement still
holds. Finally a suppressed cell that is pinned to one value anyway is
published, since that tells nobody anything new.

Requirement for a protected cell of value v: the attacker's maximum must be at
least k and the range at least k wide. We ask for room to go down to
max(0, v−k) and up by max(0, k−v): for a small cell, anywhere in 0 … k.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import SchoolIntakeError

DEFAULT_K = 5
MIN_K = 3
MAX_K = 11

#: "No bound" for a flow capacity: far above any count a site can have.
UNBOUNDED = 1 << 40

CellKey = str


class DisclosureError(SchoolIntakeError):
    """The counts could not be protected (a bug or an impossible table)."""


def check_k(k: int) -> int:
    from .errors import InvalidInput
    from .i18n import _

    if not MIN_K <= k <= MAX_K:
        raise InvalidInput(_("The minimum cell size must be between {low} and {high}.").format(low=MIN_K, high=MAX_K))
    return k


@dataclass
class Network:
    """Cells as edges between sum nodes, with how far each may move.

    ``up[i]``/``down[i]`` bound how much cell *i* can rise or fall from its
    value while staying consistent with numbers published outside the
    network (down is normally the value itself: counts are never negative).
    """

    keys: list[CellKey] = field(default_factory=list)
    tails: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    up: list[int] = field(default_factory=list)
    down: list[int] = field(default_factory=list)
    nodes: dict[str, int] = field(default_factory=dict)
    index: dict[CellKey, int] = field(default_factory=dict)

    def node(self, name: str) -> int:
        return self.nodes.setdefault(name, len(self.nodes))

    def add(self, key: CellKey, tail: str, head: str, value: int, *, up: int = UNBOUNDED,
            down: int | None = None) -> int:
        if value < 0:
            raise DisclosureError(f"negative count for {key}")
        if key in self.index:
            raise DisclosureError(f"duplicate cell {key}")
        i = len(self.keys)
        self.keys.append(key)
        self.tails.append(self.node(tail))
        self.heads.append(self.node(head))
        self.values.append(value)
        self.up.append(max(0, up))
        self.down.append(value if down is None else max(0, min(down, value)))
        self.index[key] = i
        return i

    def __len__(self) -> int:
        return len(self.keys)


def table_network(rows: Sequence[Sequence[int]]) -> Network:
    """A 2-D table with its row totals, column totals and grand total.

    Keys: ``"r{i}c{j}"`` for inner cells, ``"r{i}"`` row totals, ``"c{j}"``
    column totals, ``"total"``. (Used by the tests and for plain tables.)
    """
    net = Network()
    width = len(rows[0]) if rows else 0
    for i, row in enumerate(rows):
        if len(row) != width:
            raise DisclosureError("ragged table")
        for j, value in enumerate(row):
            net.add(f"r{i}c{j}", f"row{i}", f"col{j}", value)
    for i, row in enumerate(rows):
        net.add(f"r{i}", "cols", f"row{i}", sum(row))
    for j in range(width):
        net.add(f"c{j}", f"col{j}", "rows", sum(row[j] for row in rows))
    net.add("total", "rows", "cols", sum(map(sum, rows)))
    return net


# -- flows -------------------------------------------------------------------


def _arcs(net: Network, open_edges: Iterable[int], skip: int) -> dict[int, dict[int, int]]:
    """Residual capacities of the open (movable) cells, as adjacency maps."""
    adj: dict[int, dict[int, int]] = {}
    for i in open_edges:
        if i == skip:
            continue
        t, h = net.tails[i], net.heads[i]
        if net.up[i]:
            row = adj.setdefault(t, {})
            row[h] = row.get(h, 0) + net.up[i]
        if net.down[i]:
            row = adj.setdefault(h, {})
            row[t] = row.get(t, 0) + net.down[i]
    return adj


def _max_flow(adj: dict[int, dict[int, int]], source: int, sink: int, limit: int) -> int:
    """Edmonds–Karp, stopping once ``limit`` is reached; ``adj`` becomes the residual."""
    flow = 0
    while flow < limit:
        parent = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, cap in adj.get(u, {}).items():
                if cap > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            break
        bottleneck = limit - flow
        v = sink
        while v != source:
            u = parent[v]
            bottleneck = min(bottleneck, adj[u][v])
            v = u
        v = sink
        while v != source:
            u = parent[v]
            adj[u][v] -= bottleneck
            back = adj.setdefault(v, {})
            back[u] = back.get(u, 0) + bottleneck
            v = u
        flow += bottleneck
    return flow


def movement(net: Network, open_edges: Iterable[int], cell: int, *, limit: int = UNBOUNDED) -> tuple[int, int]:
    """How far ``cell`` can rise and fall (capped at ``limit``) when only the
    ``open_edges`` may move: the exact bounds of the attacker's LP."""
    open_list = list(open_edges)
    t, h = net.tails[cell], net.heads[cell]
    rise = _max_flow(_arcs(net, open_list, cell), h, t, min(limit, net.up[cell]))
    fall = _max_flow(_arcs(net, open_list, cell), t, h, min(limit, net.down[cell]))
    return rise, fall


def requirement(value: int, k: int) -> tuple[int, int]:
    """(rise, fall) a protected cell needs: maximum ≥ k and range ≥ k."""
    fall = min(value, k)
    return k - fall, fall


# -- choosing complementary cells ----------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """What to withhold: every suppressed cell, and which of them must be
    protected with the full k (the small ones, and earlier small ones)."""

    suppressed: frozenset[CellKey]
    protected: frozenset[CellKey]
    k: int

    @property
    def secondary(self) -> frozenset[CellKey]:
        return self.suppressed - self.protected


class _Protector:
    def __init__(self, net: Network, k: int, fixed: frozenset[int]) -> None:
        self.net = net
        self.k = k
        self.fixed = fixed
        big = sum(net.values) + 1
        # Fewest cells first, then the smallest values.
        self.weight = [big + v for v in net.values]

    def satisfied(self, suppressed: set[int], cell: int, need: tuple[int, int]) -> bool:
        movable = suppressed - self.fixed
        rise_needed, fall_needed = need
        net = self.net
        t, h = net.tails[cell], net.heads[cell]
        if rise_needed and _max_flow(_arcs(net, movable, cell), h, t, rise_needed) < rise_needed:
            return False
        if fall_needed and _max_flow(_arcs(net, movable, cell), t, h, fall_needed) < fall_needed:
            return False
        return True

    def pinned(self, suppressed: set[int], cell: int) -> bool:
        movable = suppressed - self.fixed
        t, h = self.net.tails[cell], self.net.heads[cell]
        if self.net.up[cell] and _max_flow(_arcs(self.net, movable, cell), h, t, 1):
            return False
        return not (self.net.down[cell] and _max_flow(_arcs(self.net, movable, cell), t, h, 1))

    def _cheapest_path(self, suppressed: set[int], cell: int, source: int, sink: int,
                       usable: "callable[[int, bool], bool]", residual: dict[int, dict[int, int]] | None
                       ) -> list[int] | None:
        """Cheapest path source→sink; returns the new cells it needs, or None."""
        net = self.net
        # Arcs: (to, cost, cell or -1); residual arcs of suppressed cells are free.
        graph: dict[int, list[tuple[int, int, int]]] = {}
        if residual is not None:
            for u, row in residual.items():
                for v, cap in row.items():
                    if cap > 0:
                        graph.setdefault(u, []).append((v, 0, -1))
        for i in range(len(net)):
            if i == cell or i in self.fixed:
                continue
            free = i in suppressed
            if free and residual is not None:
                continue
            cost = 0 if free else self.weight[i]
            t, h = net.tails[i], net.heads[i]
            if usable(i, True):
                graph.setdefault(t, []).append((h, cost, i))
            if usable(i, False):
                graph.setdefault(h, []).append((t, cost, i))
        best = {source: 0}
        came: dict[int, tuple[int, int]] = {}
        heap = [(0, source)]
        while heap:
            dist, u = heapq.heappop(heap)
            if u == sink:
                break
            if dist > best.get(u, UNBOUNDED):
                continue
            for v, cost, i in graph.get(u, ()):
                nd = dist + cost
                if nd < best.get(v, UNBOUNDED):
                    best[v] = nd
                    came[v] = (u, i)
                    heapq.heappush(heap, (nd, v))
        if sink not in best:
            return None
        new: list[int] = []
        v = sink
        while v != source:
            u, i = came[v]
            if i >= 0 and i not in suppressed:
                new.append(i)
            v = u
        return new

    def protect_cell(self, suppressed: set[int], cell: int, need: tuple[int, int]) -> None:
        if self.satisfied(suppressed, cell, need):
            return
        net = self.net
        rise, fall = need
        t, h = net.tails[cell], net.heads[cell]

        # One cycle that gives both directions at once: along h→…→t an edge
        # used forwards rises with the cell, one used backwards falls.
        def whole(i: int, forwards: bool) -> bool:
            if forwards:
                return net.up[i] >= rise and net.down[i] >= fall
            return net.down[i] >= rise and net.up[i] >= fall

        new = self._cheapest_path(suppressed, cell, h, t, whole, None)
        if new is not None:
            suppressed.update(new)
            if self.satisfied(suppressed, cell, need):
                return
        # Otherwise add augmenting paths, one direction at a time.
        for source, sink, needed in ((h, t, rise), (t, h, fall)):
            while needed:
                residual = _arcs(net, suppressed - self.fixed, cell)
                if _max_flow(residual, source, sink, needed) >= needed:
                    break

                def some(i: int, forwards: bool) -> bool:
                    return (net.up[i] if forwards else net.down[i]) > 0

                new = self._cheapest_path(suppressed, cell, source, sink, some, residual)
                if not new:
                    raise DisclosureError(f"cell {net.keys[cell]} cannot be protected")
                suppressed.update(new)

    def unpin(self, suppressed: set[int], cell: int) -> None:
        if not self.pinned(suppressed, cell):
            return
        net = self.net
        for need in ((1, 0), (0, 1)):
            if (need[0] and net.up[cell]) or (need[1] and net.down[cell]):
                try:
                    self.protect_cell(suppressed, cell, need)
                    return
                except DisclosureError:
                    continue
        raise DisclosureError(f"cell {net.keys[cell]} cannot be kept hidden")


def protect(net: Network, k: int, *, forced: Iterable[CellKey] = (), fixed: Iterable[CellKey] = (),
            also_protect: Iterable[CellKey] = ()) -> Pattern:
    """Primary and complementary suppression for one network.

    ``forced``: cells that must stay suppressed (earlier revisions' pattern);
    they must not end up pinned. ``fixed``: cells the attacker is assumed to
    know although they are not published (unchanged since an earlier
    revision published them): they cannot serve as complements.
    ``also_protect``: cells needing the full k protection although not small
    now (cells that were small in an earlier revision).
    """
    check = _Protector(net, k, frozenset(net.index[key] for key in fixed))
    protected = {i for i, v in enumerate(net.values) if 0 < v < k}
    protected |= {net.index[key] for key in also_protect}
    protected -= check.fixed
    forced_set = {net.index[key] for key in forced} - check.fixed
    suppressed = set(protected) | forced_set
    needs = {i: requirement(net.values[i], k) for i in protected}
    for cell in sorted(protected, key=lambda i: (net.values[i], net.keys[i])):
        check.protect_cell(suppressed, cell, needs[cell])
    for cell in sorted(forced_set - protected, key=lambda i: net.keys[i]):
        check.unpin(suppressed, cell)
    # Clean-up: publish again whatever is not needed, largest values first.
    for cell in sorted(suppressed - protected - forced_set, key=lambda i: (-net.values[i], net.keys[i])):
        suppressed.discard(cell)
        if not all(check.satisfied(suppressed, p, needs[p]) for p in protected) or any(
                check.pinned(suppressed, f) for f in forced_set):
            suppressed.add(cell)
    # A secondary cell pinned to one value discloses nothing by being shown.
    for cell in sorted(suppressed - protected - forced_set):
        if check.pinned(suppressed, cell):
            suppressed.discard(cell)
    return Pattern(frozenset(net.keys[i] for i in suppressed), frozenset(net.keys[i] for i in protected), k)


def audit(net: Network, pattern: Pattern, *, fixed: Iterable[CellKey] = ()) -> list[str]:
    """Problems with a pattern, by the exact network bounds (empty: safe)."""
    fixed_ids = {net.index[key] for key in fixed}
    movable = {net.index[key] for key in pattern.suppressed} - fixed_ids
    problems = []
    for key in sorted(pattern.suppressed):
        i = net.index[key]
        rise, fall = movement(net, movable, i, limit=pattern.k)
        value = net.values[i]
        if key in pattern.protected and (value + rise < pattern.k or rise + fall < pattern.k):
            problems.append(f"{key}: range {value - fall}…{value + rise}")
        elif rise + fall == 0:
            problems.append(f"{key}: pinned at {value}")
    return problems


def published(values: Mapping[CellKey, int], pattern: Pattern) -> dict[CellKey, int | None]:
    return {key: (None if key in pattern.suppressed else value) for key, value in values.items()}


# -- several revisions at once -----------------------------------------------


def joint_audit(revisions: Sequence[tuple[Network, Pattern]]) -> list[str]:
    """Problems when an attacker holds every revision of the same period.

    Each revision is its own network; on top, the attacker is assumed to know
    which cells did not change between revisions (the worst case), so a
    cell with the same value in two revisions is one unknown. Solved as
    linear programs (SciPy/HiGHS): for every withheld cell of every revision,
    its minimum and maximum over everything published in any revision.
    Used for corrections only; a single revision is checked exactly by
    :func:`audit`.
    """
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    offsets, bounds, rows, cols, data = [], [], [], [], []
    n_rows = 0
    for net, pattern in revisions:
        base = len(bounds)
        offsets.append(base)
        for i, key in enumerate(net.keys):
            v = net.values[i]
            if key in pattern.suppressed:
                bounds.append((v - net.down[i], None if net.up[i] >= UNBOUNDED else v + net.up[i]))
            else:
                bounds.append((v, v))
        for node in range(len(net.nodes)):
            for i in range(len(net)):
                if net.heads[i] == node:
                    rows.append(n_rows), cols.append(base + i), data.append(1.0)
                if net.tails[i] == node:
                    rows.append(n_rows), cols.append(base + i), data.append(-1.0)
            n_rows += 1
    first_net = revisions[0][0]
    for key in first_net.keys:
        seen: dict[int, int] = {}
        for (net, _pattern), base in zip(revisions, offsets):
            i = net.index[key]
            v = net.values[i]
            if v in seen:
                rows.extend((n_rows, n_rows)), cols.extend((seen[v], base + i)), data.extend((1.0, -1.0))
                n_rows += 1
            else:
                seen[v] = base + i
    a_eq = coo_matrix((data, (rows, cols)), shape=(n_rows, len(bounds))).tocsr()
    b_eq = np.zeros(n_rows)
    problems = []
    for (net, pattern), base in zip(revisions, offsets):
        for key in sorted(pattern.suppressed):
            i = net.index[key]
            c = np.zeros(len(bounds))
            c[base + i] = 1.0
            low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if low.status != 0:
                raise DisclosureError(f"inconsistent revisions: {low.message}")
            lo = low.fun
            hi = float(UNBOUNDED) if high.status == 3 else -high.fun
            if key in pattern.protected:
                if hi < pattern.k - 1e-6 or hi - lo < pattern.k - 1e-6:
                    problems.append(f"{key}: range {lo:g}…{hi:g}")
            elif hi - lo < 1e-6:
                problems.append(f"{key}: pinned")
    return problems
