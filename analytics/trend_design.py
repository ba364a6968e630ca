"""From a tidy frame to the trend model's cells: rounds in order, arms, terms and X.

The model is `outcome ~ C(round) * treated + (1 | school) + (1 | school:group) +
(1 | school:round)`, with treatment coding and the first round as baseline, so its fixed
effects carry the same names and values as lme4's `factor(round) * treated`. In panel mode
(`pupil` given) it adds `(1 | pupil)`, the pupil nested in the school, and a cell is one
pupil in one class and round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.lmm import CellDesign

NO_ARM = "alle"
#: The random terms each model asks for, from the full model down; a term that only repeats
#: another (one round: school:round is the school) is left out with a note.
MODEL_TERMS: dict[str, tuple[str, ...]] = {
    "full": ("school", "school:group", "school:round"),
    "no_school_round": ("school", "school:group"),
    "single_level": ("school",),
}


class InsufficientDataError(ValueError):
    """The data cannot carry the model; the message says why, in Norwegian."""


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class TrendData:
    """The model's cell-level design, and the labels needed to report on it."""

    design: CellDesign
    rounds: tuple[str, ...]  #: round labels in time order; the first is the baseline
    arms: tuple[str, ...]  #: (control, treated), or (NO_ARM,) when there is no arm
    cells: pd.DataFrame  #: one row per cell: school, group, round (position), treated, count
    notes: tuple[str, ...]  #: what was dropped or changed, for the result's notes
    row_cell: np.ndarray  #: the cell of each response used, for engines that need rows
    row_outcome: np.ndarray
    panel_pupils: int = 0  #: pupils (with a code) who answered in two or more rounds


def prepare_trend(
    frame: pd.DataFrame,
    outcome: str,
    round: str,
    school: str,
    group: str | None,
    arm: str | None,
    treated: str = "intervention",
    model: str = "full",
    pupil: str | None = None,
    arm_within_school: bool = False,
) -> TrendData:
    """Validate the columns and reduce the data to cells (class x round, or school x round;
    pupil x class x round in panel mode).

    `model` names the random terms (MODEL_TERMS); "single_level" on one school is ordinary
    least squares, without random terms. `pupil` names the panel id column: a row without one
    is a pupil of its own. `arm_within_school` allows an arm that varies inside a school
    (classes randomised within schools, as in Tennessee STAR).
    """
    if model not in MODEL_TERMS:
        raise ValueError(f"model must be one of {tuple(MODEL_TERMS)}")
    notes: list[str] = []
    wanted_columns = (outcome, round, school, group, arm, pupil)
    missing = [c for c in wanted_columns if c and c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    y = pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(y) & frame[round].notna().to_numpy() & frame[school].notna().to_numpy()
    if group is not None:
        no_group = keep & frame[group].isna().to_numpy()
        if no_group.any():
            notes.append(f"{int(no_group.sum())} svar uten gruppe er utelatt.")
        keep &= ~no_group
    data = frame.loc[keep]
    y = y[keep]
    if len(data) == 0:
        raise InsufficientDataError("Ingen svar med gyldig skår.")
    round_labels, round_position, sorted_as_text = round_order(data[round])
    if sorted_as_text and len(round_labels) > 1:
        notes.append("Rundene er ordnet alfabetisk: " + ", ".join(round_labels) + ".")
    school_code, school_labels = pd.factorize(data[school], sort=True)
    wanted = MODEL_TERMS[model]
    if len(school_labels) < 2:
        if model != "single_level":
            raise InsufficientDataError("Modellen trenger svar fra minst to skoler.")
        wanted = ()
    is_treated, arms = treated_indicator(
        data, school, arm, treated, school_code, within_school=arm_within_school
    )
    rounds = len(round_labels)
    unit = school_code
    pupil_code = None
    if pupil is not None:
        pupil_code = pupil_codes(data[pupil], school_code)
        unit = pupil_code
    if group is not None:
        label_code, labels = pd.factorize(data[group].astype(str), sort=True)
        group_code = pd.factorize(school_code * len(labels) + label_code, sort=True)[0]
        if pupil_code is None:
            unit = group_code
        else:
            unit = pd.factorize(pupil_code * (int(group_code.max()) + 1) + group_code)[0]
    else:
        group_code = None
    cell = unit.astype(np.int64) * rounds + round_position
    if arm_within_school:
        cell = cell * 2 + is_treated
    cell_code = pd.factorize(cell, sort=True)[0]
    count = np.bincount(cell_code).astype(float)
    mean = np.bincount(cell_code, weights=y) / count
    within_ss = np.bincount(cell_code, weights=(y - mean[cell_code]) ** 2)
    first = first_of_each(cell_code)
    cells = pd.DataFrame(
        {
            "school": np.asarray(school_labels)[school_code[first]],
            "school_code": school_code[first],
            "group": data[group].to_numpy()[first] if group is not None else None,
            "round": round_position[first],
            "treated": is_treated[first],
            "count": count.astype(np.int64),
        }
    )
    panel_pupils = 0
    if pupil_code is not None:
        cells["pupil"] = pupil_code[first]
        cells["panel"] = data[pupil].notna().to_numpy()[first]
        panel_pupils = count_panel_pupils(cells)
        wanted = (*wanted, "pupil") if wanted else wanted
    x, x_names, dropped = _fixed_effects(cells, round_labels, arm is not None)
    if dropped:
        notes.append("Ikke estimerbare faste ledd er utelatt: " + ", ".join(dropped) + ".")
    term_names, term_levels = _terms(cells, group_code, first, wanted, notes)
    design = CellDesign(
        x=x,
        count=count,
        mean=mean,
        within_ss=within_ss,
        block=cells["school_code"].to_numpy(),
        term_names=term_names,
        term_levels=term_levels,
        x_names=x_names,
    )
    return TrendData(design, round_labels, arms, cells, tuple(notes), cell_code, y, panel_pupils)


def pupil_codes(values: pd.Series, school_code: np.ndarray) -> np.ndarray:
    """One code per pupil within a school (the pupil is nested in it); a row without an id is
    a pupil of its own, since a pupil who answered once still counts."""
    label_code = pd.factorize(values)[0]
    known = label_code >= 0
    key = np.where(known, school_code.astype(np.int64) * (int(label_code.max()) + 2), -1)
    key = np.where(known, key + label_code, -1 - np.arange(len(values)))
    return pd.factorize(key)[0]


def count_panel_pupils(cells: pd.DataFrame) -> int:
    """Pupils with an id who answered in at least two rounds."""
    known = cells.loc[cells["panel"], ["pupil", "round"]].drop_duplicates()
    return int((known.groupby("pupil").size() >= 2).sum())


def round_order(values: pd.Series) -> tuple[tuple[str, ...], np.ndarray, bool]:
    """Rounds in time order: an ordered category's order, else numeric order for numbers,
    else alphabetical (and the caller says so in the notes)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered:
        present = [c for c in values.cat.categories if c in set(values)]
        position = pd.Index(present).get_indexer(values)
        return tuple(str(c) for c in present), position, False
    numeric = pd.to_numeric(values, errors="coerce")
    is_numeric = bool(numeric.notna().all())
    key = numeric if is_numeric else values.astype(str)
    order = np.sort(key.unique())
    position = pd.Index(order).get_indexer(key)
    labels = tuple(_label(v) for v in order)
    return labels, position, not is_numeric


def _label(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def treated_indicator(
    data: pd.DataFrame,
    school: str,
    arm: str | None,
    treated: str,
    school_code: np.ndarray,
    within_school: bool = False,
) -> tuple[np.ndarray, tuple[str, ...]]:
    """A 0/1 indicator of the treated arm; the arm must be constant within each school, unless
    `within_school` says that classes, not schools, were assigned."""
    if arm is None:
        return np.zeros(len(data), dtype=np.int64), (NO_ARM,)
    values = data[arm].astype(str).to_numpy()
    per_school = pd.DataFrame({"s": school_code, "a": values}).drop_duplicates()
    if not within_school and per_school["s"].duplicated().any():
        raise ValueError("a school must belong to one arm in every round")
    levels = sorted(set(values))
    if len(levels) > 2:
        raise ValueError(f"the arm column has more than two values: {levels}")
    if treated not in levels and set(levels) <= {"0", "1"}:
        treated = "1"
    elif treated not in levels and set(levels) <= {"False", "True"}:
        treated = "True"
    elif treated not in levels and len(levels) == 2:
        raise ValueError(f"the treated arm {treated!r} is not among the arm values {levels}")
    control = next((level for level in levels if level != treated), "comparison")
    return (values == treated).astype(np.int64), (control, treated)


def _fixed_effects(
    cells: pd.DataFrame, rounds: tuple[str, ...], has_arm: bool
) -> tuple[np.ndarray, tuple[str, ...], list[str]]:
    """Treatment-coded C(round) * treated at cell level, dropping aliased columns as lme4 does
    (a column is kept only if it adds to the rank of those before it)."""
    position = cells["round"].to_numpy()
    treated = cells["treated"].to_numpy(dtype=float)
    columns = [np.ones(len(cells))]
    names = ["(Intercept)"]
    for r in range(1, len(rounds)):
        columns.append((position == r).astype(float))
        names.append(f"round{rounds[r]}")
    if has_arm:
        columns.append(treated)
        names.append("treated")
        for r in range(1, len(rounds)):
            columns.append((position == r) * treated)
            names.append(f"round{rounds[r]}:treated")
    # the columns depend on round and arm only, so those rows have the same rank
    key = pd.Series(position * 2 + treated.astype(np.int64))
    distinct = np.column_stack(columns)[key.drop_duplicates().index.to_numpy()]
    kept: list[int] = []
    dropped: list[str] = []
    for index in range(len(columns)):
        trial = distinct[:, [*kept, index]]
        if np.linalg.matrix_rank(trial) == len(kept) + 1:
            kept.append(index)
        else:
            dropped.append(names[index])
    x = np.column_stack([columns[k] for k in kept])
    return x, tuple(names[k] for k in kept), dropped


def _terms(
    cells: pd.DataFrame,
    group_code: np.ndarray | None,
    first: np.ndarray,
    wanted: tuple[str, ...],
    notes: list[str],
) -> tuple[tuple[str, ...], tuple[np.ndarray, ...]]:
    """The wanted random terms; one that only repeats another is left out, with a note."""
    school = cells["school_code"].to_numpy()
    rounds = int(cells["round"].max()) + 1
    candidates = [("school", school)]
    if group_code is not None:
        candidates.append(("school:group", group_code[first]))
    candidates.append(("school:round", school * rounds + cells["round"].to_numpy()))
    if "pupil" in cells:
        candidates.append(("pupil", cells["pupil"].to_numpy()))
    candidates = [(name, level) for name, level in candidates if name in wanted]
    names: list[str] = []
    levels: list[np.ndarray] = []
    for name, level in candidates:
        codes = pd.factorize(level, sort=True)[0]
        if any(_same_partition(codes, other) for other in levels):
            notes.append(f"Leddet {name} faller sammen med et annet ledd og er utelatt.")
            continue
        names.append(name)
        levels.append(codes)
    return tuple(names), tuple(levels)


def _same_partition(first: np.ndarray, second: np.ndarray) -> bool:
    pairs = len(pd.MultiIndex.from_arrays([first, second]).unique())
    return pairs == len(pd.unique(first)) == len(pd.unique(second))


def first_of_each(codes: np.ndarray) -> np.ndarray:
    """The row where each code 0..k-1 first occurs (by hashing, without sorting the rows)."""
    seen = pd.Series(codes).drop_duplicates()
    first = np.empty(len(seen), dtype=np.int64)
    first[seen.to_numpy()] = seen.index.to_numpy()
    return first
