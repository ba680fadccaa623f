"""The adversary: the linear programs an attacker would solve against what we publish.

Written apart from the code under test, from the published payloads alone
(plus the true values, to check what the bounds reveal). The attacker knows
every published cell, every sum (rows, columns, grand totals, the shared
service totals) and that counts are ≥ 0; this attacker also knows that a
language group's lines for one service cannot exceed its sessions and that
its lines in all cannot be fewer than its sessions — stronger than plain
row/column sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix


@dataclass
class Model:
    """Variables by name, equalities, inequalities (≤ 0) and fixed values."""

    names: list[str]
    equalities: list[dict[str, int]]
    inequalities: list[dict[str, int]]
    fixed: dict[str, float]

    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}


def report_model(document: Mapping[str, Any], prefix: str = "") -> Model:
    """The attacker's model of one published report (line and session tables)."""
    dims = document["dimensions"]
    services, groups, outcomes = dims["services"], dims["languages"], dims["outcomes"]
    lines = document["lines"]
    p = prefix
    names: list[str] = []
    fixed: dict[str, float] = {}

    def var(name: str, value: int | None) -> str:
        names.append(p + name)
        if value is not None:
            fixed[p + name] = value
        return p + name

    sl = {(s, g): var(f"sl:{s}:{g}", lines["by_service_language"][i][j])
          for i, s in enumerate(services) for j, g in enumerate(groups)}
    so = {(s, o): var(f"so:{s}:{o}", lines["by_service_outcome"][i][j])
          for i, s in enumerate(services) for j, o in enumerate(outcomes)}
    st = {s: var(f"s:{s}", lines["service_totals"][i]) for i, s in enumerate(services)}
    lt = {g: var(f"l:{g}", lines["language_totals"][j]) for j, g in enumerate(groups)}
    ot = {o: var(f"o:{o}", lines["outcome_totals"][j]) for j, o in enumerate(outcomes)}
    total = var("lines", lines["total"])
    sess = {g: var(f"sessions:{g}", document["sessions"]["by_language"][j]) for j, g in enumerate(groups)}
    sess_total = var("sessions", document["sessions"]["total"])

    eq: list[dict[str, int]] = []
    for s in services:
        eq.append({**{sl[s, g]: 1 for g in groups}, st[s]: -1})
        eq.append({**{so[s, o]: 1 for o in outcomes}, st[s]: -1})
    for g in groups:
        eq.append({**{sl[s, g]: 1 for s in services}, lt[g]: -1})
    for o in outcomes:
        eq.append({**{so[s, o]: 1 for s in services}, ot[o]: -1})
    eq.append({**{st[s]: 1 for s in services}, total: -1})
    eq.append({**{lt[g]: 1 for g in groups}, total: -1})
    eq.append({**{ot[o]: 1 for o in outcomes}, total: -1})
    eq.append({**{sess[g]: 1 for g in groups}, sess_total: -1})
    ineq: list[dict[str, int]] = []
    for g in groups:
        for s in services:
            ineq.append({sl[s, g]: 1, sess[g]: -1})  # lines of one service ≤ sessions
        ineq.append({sess[g]: 1, lt[g]: -1})  # sessions ≤ lines
    return Model(names, eq, ineq, fixed)


def table_model(rows: Sequence[Sequence[int | None]], row_totals: Sequence[int | None],
                col_totals: Sequence[int | None], total: int | None) -> Model:
    """A plain 2-D table with margins (keys as in disclosure.table_network)."""
    names: list[str] = []
    fixed: dict[str, float] = {}

    def var(name: str, value: int | None) -> str:
        names.append(name)
        if value is not None:
            fixed[name] = value
        return name

    n_rows, n_cols = len(row_totals), len(col_totals)
    cell = {(i, j): var(f"r{i}c{j}", rows[i][j]) for i in range(n_rows) for j in range(n_cols)}
    rt = [var(f"r{i}", row_totals[i]) for i in range(n_rows)]
    ct = [var(f"c{j}", col_totals[j]) for j in range(n_cols)]
    t = var("total", total)
    eq = [{**{cell[i, j]: 1 for j in range(n_cols)}, rt[i]: -1} for i in range(n_rows)]
    eq += [{**{cell[i, j]: 1 for i in range(n_rows)}, ct[j]: -1} for j in range(n_cols)]
    eq.append({**{r: 1 for r in rt}, t: -1})
    eq.append({**{c: 1 for c in ct}, t: -1})
    return Model(names, eq, [], fixed)


def combine(models: Sequence[Model], links: Sequence[tuple[str, str]] = ()) -> Model:
    """Several models solved together; each link says two variables are equal."""
    names = [n for m in models for n in m.names]
    eq = [e for m in models for e in m.equalities] + [{a: 1, b: -1} for a, b in links]
    return Model(names, eq, [e for m in models for e in m.inequalities],
                 {k: v for m in models for k, v in m.fixed.items()})


def bounds(model: Model, targets: Sequence[str]) -> dict[str, tuple[float, float]]:
    """The attacker's minimum and maximum of each target variable."""
    index = model.index()
    n = len(model.names)

    def matrix(rows: list[dict[str, int]]) -> Any:
        if not rows:
            return None
        m = lil_matrix((len(rows), n))
        for r, row in enumerate(rows):
            for name, coefficient in row.items():
                m[r, index[name]] = coefficient
        return m.tocsr()

    a_eq, a_ub = matrix(model.equalities), matrix(model.inequalities)
    b_eq = np.zeros(len(model.equalities)) if model.equalities else None
    b_ub = np.zeros(len(model.inequalities)) if model.inequalities else None
    var_bounds = [(model.fixed[name], model.fixed[name]) if name in model.fixed else (0, None)
                  for name in model.names]
    out = {}
    for target in targets:
        c = np.zeros(n)
        c[index[target]] = 1.0
        low = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
        high = linprog(-c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=var_bounds, method="highs")
        assert low.status == 0, f"the published tables are inconsistent: {low.message}"
        out[target] = (low.fun, float("inf") if high.status == 3 else -high.fun)
    return out


def leaks(model: Model, true_values: Mapping[str, int], protected: Sequence[str], k: int) -> list[str]:
    """Every withheld cell the attacker can narrow too far.

    ``protected`` cells (the small ones) need a maximum ≥ k and a range ≥ k;
    every other withheld cell must not be pinned to one value.
    """
    withheld = [name for name in model.names if name not in model.fixed]
    found = []
    for name, (low, high) in bounds(model, withheld).items():
        if name in protected:
            if high < k - 1e-6 or high - low < k - 1e-6:
                found.append(f"{name}={true_values.get(name)} lies in [{low:g}, {high:g}]")
        elif high - low < 1e-6:
            found.append(f"{name}={true_values.get(name)} is pinned")
    return found
