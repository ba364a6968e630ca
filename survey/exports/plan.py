"""What an export holds: the filter an evaluator chose, and the variables that follow from it.

The plan is built from the small tables (rounds, schools, instrument versions) before any
answer is read, so every writer knows all its columns and labels up front and can stream.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument
from survey.exports import queries
from survey.exports.variables import (
    DECLINED_CODE,
    DECLINED_LABEL,
    OTHER_LANGUAGE,
    TYPE_CODES,
    CodebookItem,
    ScoreInfo,
    Variable,
    design_variables,
    item_variable_name,
    score_variable_name,
    unique_names,
)
from survey.models import RESPONDENT_TYPES, Group, InstrumentVersion, Project, Round, School
from survey.responses.operations import instrument_of


@dataclass(frozen=True)
class ExportRequest:
    """The evaluator's choices. Empty tuples mean everything."""

    project_id: int
    round_ids: tuple[int, ...] = ()
    respondent_types: tuple[str, ...] = ()
    school_codes_only: bool = False
    include_free_text: bool = False
    #: The language of the design variables' value labels: "nb" (default) or "en".
    label_language: str = "nb"

    def describe(self) -> dict[str, object]:
        """For the audit log: what was exported, never any respondent data."""
        return {
            "rounds": list(self.round_ids) or "all",
            "respondent_types": list(self.respondent_types) or "all",
            "school_codes_only": self.school_codes_only,
            "free_text": self.include_free_text,
            "labels": self.label_language,
        }


@dataclass(frozen=True)
class ExportPlan:
    request: ExportRequest
    project: Project
    rounds: tuple[Round, ...]  #: the chosen rounds, in time order
    round_codes: Mapping[int, int]  #: round id -> position among all the project's rounds
    school_codes: Mapping[int, int]
    schools: Mapping[int, School]
    group_codes: Mapping[int, int]
    groups: Mapping[int, Group]
    language_codes: Mapping[str, int]
    #: (round id, school id, respondent type, language) answered by fewer than the project's
    #: min_group_size: written as OTHER_LANGUAGE, so a rare language does not single anyone out.
    rare_languages: frozenset[tuple[int, int, str, str]]
    version_codes: Mapping[int, int]
    instruments: Mapping[int, Instrument]  #: instrument version id -> instrument
    variables: tuple[Variable, ...]
    free_text_items: tuple[tuple[str, str], ...]  #: (respondent type, item id)
    #: (respondent type, item id) -> variable name, unique within the export
    item_names: Mapping[tuple[str, str], str]

    @property
    def respondent_types(self) -> tuple[str, ...]:
        return self.request.respondent_types or RESPONDENT_TYPES

    def variable(self, name: str) -> Variable:
        return next(v for v in self.variables if v.name == name)

    def items(self) -> list[Variable]:
        return [v for v in self.variables if v.kind == "item"]

    def scores(self) -> list[Variable]:
        return [v for v in self.variables if v.kind == "score"]


def version_label(version: InstrumentVersion) -> str:
    return f"{version.instrument_key} v{version.version}"


def group_label(group: Group, school_codes_only: bool) -> str:
    """A class's label qualified by its school ("Nordli 5A"), so that `as_factor` in R or a
    value label in SPSS never merges three schools' 5A into one."""
    school = group.school.code if school_codes_only else group.school.name
    return f"{school} {group.label}"


def build_plan(session: Session, request: ExportRequest) -> ExportPlan:
    project = session.get(Project, request.project_id)
    if project is None:
        raise LookupError(f"There is no project with id {request.project_id}.")
    all_rounds = list(
        session.scalars(select(Round).filter_by(project_id=project.id).order_by(Round.opens_at))
    )
    round_codes = {r.id: position for position, r in enumerate(all_rounds, start=1)}
    rounds = tuple(r for r in all_rounds if not request.round_ids or r.id in request.round_ids)
    schools = sorted(project.schools, key=lambda school: school.code)
    school_codes = {school.id: code for code, school in enumerate(schools, start=1)}
    groups = [g for school in schools for g in school.groups]
    group_codes = {group.id: code for code, group in enumerate(groups, start=1)}
    versions = sorted(
        session.scalars(
            select(InstrumentVersion).where(
                InstrumentVersion.id.in_(queries.instrument_versions_used(session, request))
            )
        ),
        key=lambda v: (TYPE_CODES[v.respondent_type], v.instrument_key, v.version),
    )
    version_codes = {v.id: code for code, v in enumerate(versions, start=1)}
    instruments = {v.id: instrument_of(v) for v in versions}
    asked_in = queries.rounds_per_version(session, project.id)
    languages, rare_languages = _languages(session, request, project.min_group_size)
    language_codes = {code: position for position, code in enumerate(languages, start=1)}
    variables = design_variables(
        rounds={round_codes[r.id]: r.label for r in all_rounds},
        schools={
            school_codes[s.id]: s.code if request.school_codes_only else s.name for s in schools
        },
        groups={group_codes[g.id]: group_label(g, request.school_codes_only) for g in groups},
        languages={position: code for code, position in language_codes.items()},
        versions={version_codes[v.id]: version_label(v) for v in versions},
        panel=project.is_panel,
        label_language=request.label_language,
    )
    items, free_text, item_names = _item_variables(versions, instruments, asked_in)
    return ExportPlan(
        request=request,
        project=project,
        rounds=rounds,
        round_codes=round_codes,
        school_codes=school_codes,
        schools={s.id: s for s in schools},
        group_codes=group_codes,
        groups={g.id: g for g in groups},
        language_codes=language_codes,
        rare_languages=rare_languages,
        version_codes=version_codes,
        instruments=instruments,
        variables=tuple(
            variables + items + _score_variables(versions, instruments, asked_in, item_names)
        ),
        free_text_items=tuple(free_text),
        item_names=item_names,
    )


def _languages(
    session: Session, request: ExportRequest, min_group_size: int
) -> tuple[list[str], frozenset[tuple[int, int, str, str]]]:
    """The languages the export names, and the cells whose language it writes as "other".

    A language that fewer than `min_group_size` respondents of a round, school and respondent
    type answered in would point at them (the school office knows who asked for an Urdu
    letter); the evaluator gets OTHER_LANGUAGE instead. Scores and answers are unchanged.
    """
    counts = queries.language_counts(session, request)
    rare = frozenset((r, s, t, lang) for r, s, t, lang, n in counts if n < min_group_size)
    named = sorted({lang for r, s, t, lang, n in counts if n >= min_group_size})
    return named + ([OTHER_LANGUAGE] if rare else []), rare


def _item_variables(
    versions: Sequence[InstrumentVersion],
    instruments: Mapping[int, Instrument],
    asked_in: Mapping[int, list[str]],
) -> tuple[list[Variable], list[tuple[str, str]], dict[tuple[str, str], str]]:
    """One variable per choice item; the latest version that has an item describes it."""
    seen: dict[tuple[str, str], list[InstrumentVersion]] = defaultdict(list)
    for version in versions:
        for item in instruments[version.id].items:
            seen[(version.respondent_type, item.id)].append(version)
    names = dict(
        zip(
            seen,
            unique_names(
                [
                    item_variable_name(
                        rt, item_id, instruments[having[-1].id].item(item_id).construct
                    )
                    for (rt, item_id), having in seen.items()
                ]
            ),
            strict=True,
        )
    )
    variables, free_text = [], []
    for (respondent_type, item_id), having in seen.items():
        latest = having[-1]
        instrument = instruments[latest.id]
        item = instrument.item(item_id)
        if not item.is_choice:
            free_text.append((respondent_type, item_id))
            continue
        scale = instrument.scale_of(item)
        construct = instrument.constructs.get(item.construct) if item.construct else None
        info = CodebookItem(
            respondent_type=respondent_type,
            item_id=item_id,
            construct=item.construct,
            construct_label=dict(construct.label) if construct else {},
            direction=construct.direction if construct else None,
            reverse=item.reverse,
            texts=dict(item.text),
            points=scale.points,
            decline_label=dict(scale.decline_label) if scale.decline_label else None,
            versions=tuple(version_label(v) for v in having),
            rounds=tuple(label for v in having for label in asked_in.get(v.id, [])),
        )
        labels = {p.value: p.label[instrument.default_language] for p in scale.points}
        if info.decline_label:
            labels[DECLINED_CODE] = info.decline_label.get(
                instrument.default_language, DECLINED_LABEL
            )
        variables.append(
            Variable(
                name=names[(respondent_type, item_id)],
                label=item.text[instrument.default_language],
                kind="item",
                measure="ordinal",
                value_labels=labels,
                item=info,
            )
        )
    return variables, free_text, names


def _score_variables(
    versions: Sequence[InstrumentVersion],
    instruments: Mapping[int, Instrument],
    asked_in: Mapping[int, list[str]],
    item_names: Mapping[tuple[str, str], str],
) -> list[Variable]:
    having: dict[tuple[str, str], list[InstrumentVersion]] = defaultdict(list)
    for version in versions:
        for construct_id in instruments[version.id].constructs:
            having[(version.respondent_type, construct_id)].append(version)
    variables = []
    for (respondent_type, construct_id), in_versions in having.items():
        instrument = instruments[in_versions[-1].id]
        construct = instrument.constructs[construct_id]
        items = [i for i in instrument.items_in(construct_id) if i.is_choice]
        if not items:
            continue
        scale = instrument.scale_of(items[0])
        label = construct.label[instrument.default_language]
        info = ScoreInfo(
            respondent_type=respondent_type,
            construct=construct_id,
            construct_label=dict(construct.label),
            direction=construct.direction,
            items=tuple((item_names[(respondent_type, i.id)], i.reverse) for i in items),
            scale_min=scale.min_value,
            scale_max=scale.max_value,
            versions=tuple(version_label(v) for v in in_versions),
            rounds=tuple(label for v in in_versions for label in asked_in.get(v.id, [])),
        )
        variables.append(
            Variable(
                name=score_variable_name(respondent_type, construct_id),
                label=f"Skår: {label} ({respondent_type})",
                kind="score",
                measure="scale",
                score=info,
            )
        )
    return variables
