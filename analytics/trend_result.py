"""The trend model's results: a frozen record with `summary()` and `to_dict()` (JSON)."""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, fields
from dataclasses import field as dataclass_field
from typing import Any

import pandas as pd

from analytics.lmm_fit import MixedFit
from analytics.reporting import format_table, frame_from_records, frame_to_records, json_number
from analytics.trend_design import NO_ARM, TrendData

#: Norwegian names of the variance components, as a reader of the summary meets them.
COMPONENT_LABELS = {
    "school": "skole",
    "school:group": "klasse i skole",
    "school:round": "skole × runde",
    "pupil": "elev (samme elev over tid)",
    "residual": "respondent (rest)",
}
SUPPRESSED_WARNING = (
    "Noen tall er skjult fordi de bygger på for få svar til å vises uten å røpe enkeltpersoner."
)
#: The fallback chain from the full model down, and how a reader meets each rung.
MODELS = ("full", "no_school_round", "single_level", "descriptives")
MODEL_LABELS = {
    "full": "full modell",
    "no_school_round": "modell uten skole × runde",
    "single_level": "enklere modell med bare skole",
    "descriptives": "bare beskrivende tall",
}
_ESTIMATES = ["estimate", "se", "df", "ci_low", "ci_high", "p_value", "suppressed"]
#: How the ordinal sensitivity model relates to this one (OrdinalSensitivity.agreement).
_ORDINAL_AGREEMENT = {
    "agree": "samme konklusjon",
    "direction": "motsatt retning",
    "significance": "ulik konklusjon om en tydelig forskjell",
}
#: Each table's columns, so that an empty one (one round: no changes) reads back with them.
_FRAMES = {
    "marginal_means": ["round", "arm", *_ESTIMATES],
    "changes": ["round", "arm", *_ESTIMATES],
    "contrasts": ["round", *_ESTIMATES],
    "coefficients": ["term", *_ESTIMATES],
    "variance_components": ["component", "variance", "sd", "icc"],
    "counts": ["round", "arm", "responses", "schools", "groups"],
    "panel_changes": ["round", "arm", "pupils", "mean_change", "suppressed"],
}


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class TrendResult:
    """One trend model: estimates per round and arm, their contrasts, and how far to trust them.

    Tables (DataFrames): marginal_means (round, arm), changes from the first round (round,
    arm), contrasts = difference-in-differences per round, coefficients as lme4 names them,
    variance_components with ICCs, and counts of responses, schools and groups per round and
    arm. Estimates resting on fewer than min_group_size responses are NaN and `suppressed`.
    """

    outcome: str
    construct: str | None
    respondent_type: str | None
    engine: str
    formula: str
    rounds: tuple[str, ...]
    arms: tuple[str, ...]
    marginal_means: pd.DataFrame
    changes: pd.DataFrame
    contrasts: pd.DataFrame
    coefficients: pd.DataFrame
    variance_components: pd.DataFrame
    counts: pd.DataFrame
    n: int
    schools_per_arm: dict[str, int]
    groups: int
    loglik: float  #: REML log-likelihood, on lme4's scale
    converged: bool
    boundary: tuple[str, ...]
    attempts: tuple[dict[str, Any], ...]
    mde: float  #: minimum detectable DiD at the last round (change, with no arms)
    mde_planning: dict[str, float]  #: MDE with this many schools per arm, same variances
    alpha: float
    power: float
    min_group_size: int
    warnings: tuple[str, ...]  #: plain Norwegian; shown with every presentation of the result
    notes: tuple[str, ...]
    #: which rung of the fallback chain this is (MODELS); results stored before it were "full"
    model: str = "full"
    reason_nb: str = ""  #: why this model and not the full one, in plain Norwegian
    #: the design-based check of each round's DiD (analytics.design_check.DesignCheck.to_dict)
    design_checks: tuple[dict[str, Any], ...] = ()
    #: pupils followed over two or more rounds in a panel fit (with `(1 | pupil)`); 0 otherwise
    panel_pupils: int = 0
    #: per later round and arm: followed pupils and the mean of their own change since round 1
    panel_changes: pd.DataFrame = dataclass_field(
        default_factory=lambda: pd.DataFrame(columns=_FRAMES["panel_changes"])
    )
    #: the MDE the same answers would give as unlinked cross-sections (panel fits only)
    mde_cross_section: float = math.nan
    #: how the intervals' degrees of freedom were found (analytics.trend.DF_METHODS); results
    #: stored before Kenward-Roger was offered used Satterthwaite
    df_method: str = "satterthwaite"
    #: the ordinal model's DiD beside this one, for single items and short scales
    #: (analytics.ordinal_sensitivity.OrdinalSensitivity.to_dict); empty when not fitted
    ordinal_sensitivity: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def is_panel(self) -> bool:
        """A panel fit: the model follows pupils over rounds, with a pupil variance."""
        return self.panel_pupils > 0

    @property
    def is_model(self) -> bool:
        """False when only descriptive means could be given, without intervals."""
        return self.model != "descriptives"

    def did(self, round_label: str) -> pd.Series:
        """The difference-in-differences row of one round."""
        return self.contrasts.set_index("round").loc[str(round_label)]

    def mean(self, round_label: str, arm: str) -> pd.Series:
        return self.marginal_means.set_index(["round", "arm"]).loc[(str(round_label), arm)]

    def change(self, round_label: str, arm: str) -> pd.Series:
        return self.changes.set_index(["round", "arm"]).loc[(str(round_label), arm)]

    def icc(self, component: str) -> float:
        return float(self.variance_components.set_index("component").loc[component, "icc"])

    def summary(self) -> str:
        title = f"Trendmodell: {self.construct or self.outcome}"
        if self.respondent_type:
            title += f" ({self.respondent_type})"
        arms = ", ".join(f"{arm} {n}" for arm, n in self.schools_per_arm.items())
        header = [("Modelltype", MODEL_LABELS.get(self.model, self.model))]
        if self.is_model:
            header += [
                ("Modell", self.formula),
                ("Metode", f"REML, {self.engine}; KI med t og {self._df_label()}"),
            ]
        header += [
            ("Svar", str(self.n)),
            ("Skoler", arms),
            ("Klasser", str(self.groups)),
            ("Runder", ", ".join(self.rounds)),
        ]
        if self.is_model:
            header += [
                ("Log-likelihood", f"{self.loglik:.4f}"),
                ("Konvergert", "ja" if self.converged else "NEI"),
                ("Grenseestimat", ", ".join(self.boundary) or "nei"),
            ]
        width = max(len(k) for k, _ in header)
        lines = [title, "=" * 78, *(f"{k:<{width}}  {v}" for k, v in header)]
        if self.reason_nb:
            lines.append(f"Hvorfor: {self.reason_nb}")
        level = round(100 * (1 - self.alpha))
        estimate_columns = ["estimate", "se", "df", "ci_low", "ci_high"]
        sections = [
            (f"Marginale gjennomsnitt ({level} % KI)", self.marginal_means, ["round", "arm"]),
            ("Endring fra første runde", self.changes, ["round", "arm"]),
            ("Forskjell i endring, tiltak - sammenligning (DiD)", self.contrasts, ["round"]),
        ]
        for heading, frame, keys in sections:
            if frame.empty:
                continue
            lines += ["-" * 78, heading]
            lines += format_table(frame, [*keys, *estimate_columns, "p_value"])
        if not self.variance_components.empty:
            components = self.variance_components.assign(
                component=[
                    COMPONENT_LABELS.get(c, c) for c in self.variance_components["component"]
                ]
            )
            lines += ["-" * 78, "Varianskomponenter"]
            lines += format_table(components, ["component", "variance", "sd", "icc"])
        if not self.counts.empty:
            lines += ["-" * 78, "Antall svar, skoler og klasser per runde"]
            columns = ["round", "arm", "responses", "schools", "groups"]
            lines += format_table(self.counts, columns)
        lines += ["-" * 78]
        if math.isfinite(self.mde):
            lines.append(
                f"Minste påviselige effekt (siste runde, {round(100 * self.power)} % "
                f"styrke): {self.mde:.3f}"
            )
        planning = ", ".join(
            f"{k} skoler: {v:.3f}" for k, v in self.mde_planning.items() if math.isfinite(v)
        )
        if planning:
            lines.append(f"Med andre antall skoler per gruppe: {planning}")
        if self.is_panel:
            lines.append(
                f"Panel: {self.panel_pupils} elever er fulgt over minst to runder; endringene "
                "er endringer hos de samme elevene."
            )
            if math.isfinite(self.mde_cross_section):
                lines.append(
                    f"Minste påviselige effekt uten panel (samme svar som tverrsnitt): "
                    f"{self.mde_cross_section:.3f}"
                )
        if ordinal := self.ordinal_sensitivity:
            lines.append(
                f"Ordinal modell (følsomhet), runde {ordinal['round']}: forskjell i forskjeller "
                f"{ordinal['estimate']:.3f} (log-odds), p = {ordinal['p_value']:.3f}; "
                f"mot den lineære modellen: {_ORDINAL_AGREEMENT.get(ordinal['agreement'], '')}"
            )
        for warning in self.warnings:
            lines.append(f"Advarsel: {warning}")
        for note in self.notes:
            lines.append(f"Merk: {note}")
        return "\n".join(lines)

    def _df_label(self) -> str:
        if self.df_method == "kenward_roger":
            return "Kenward-Roger-df og -standardfeil"
        return "Satterthwaite-df"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (NaN as null), for the ModelResult cache and `--json`."""
        data: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name in _FRAMES:
                data[field.name] = frame_to_records(value)
            elif isinstance(value, tuple):
                data[field.name] = [_plain(v) for v in value]
            else:
                data[field.name] = _plain(value)
        data["kind"] = "trend"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrendResult:
        values: dict[str, Any] = {}
        for field in fields(cls):
            has_default = field.default is not MISSING or field.default_factory is not MISSING
            if field.name not in data and has_default:
                continue  # stored before the field existed: its default
            value = data[field.name]
            if field.name in _FRAMES:
                frame = frame_from_records(value)
                values[field.name] = frame if value else pd.DataFrame(columns=_FRAMES[field.name])
            elif field.name in ("mde", "loglik", "mde_cross_section"):
                values[field.name] = math.nan if value is None else float(value)
            elif field.name == "mde_planning":
                values[field.name] = {k: math.nan if v is None else v for k, v in value.items()}
            elif isinstance(value, list):
                values[field.name] = tuple(value)
            else:
                values[field.name] = value
        return cls(**values)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return json_number(value)


def trend_warnings(
    prepared: TrendData, fit: MixedFit, min_schools_per_arm: int, suppressed: bool
) -> tuple[str, ...]:
    """What a reader must know before trusting the contrast, in plain Norwegian."""
    warnings: list[str] = []
    schools = prepared.cells.groupby("treated")["school_code"].nunique()
    if prepared.arms == (NO_ARM,):
        warnings.append(
            "Prosjektet har ingen sammenligningsskoler, så en endring kan ikke skilles fra "
            "det som ville ha skjedd uten tiltaket."
        )
    elif len(schools) < 2:
        warnings.append(
            "Bare én av gruppene har svar, så tiltak og sammenligning kan ikke sammenlignes."
        )
    elif schools.min() < min_schools_per_arm:
        treated, control = int(schools.get(1, 0)), int(schools.get(0, 0))
        warnings.append(
            f"Bare {treated} {'skole' if treated == 1 else 'skoler'} med tiltak og {control} "
            f"{'sammenligningsskole' if control == 1 else 'sammenligningsskoler'}. Med så få "
            "skoler er forskjellen mellom gruppene svært usikker: tilfeldige forskjeller mellom "
            "skoler kan ligne en effekt, og en virkelig effekt kan bli borte. Les resultatet "
            f"som en pekepinn, ikke et bevis (vi anbefaler minst {min_schools_per_arm} skoler "
            "i hver gruppe)."
        )
    for term in fit.boundary:
        warnings.append(
            f"Variansen for {COMPONENT_LABELS.get(term, term)} er estimert til null "
            "(grenseestimat). Modellen er tilpasset, men usikkerheten kan være noe undervurdert."
        )
    if not fit.converged:
        warnings.append(
            "Tilpasningen konvergerte ikke sikkert: beste resultat av flere forsøk er vist, "
            "men det er ikke bekreftet at det er det beste mulige. Tolk tallene med forsiktighet."
        )
    if suppressed:
        warnings.append(SUPPRESSED_WARNING)
    return tuple(warnings)
