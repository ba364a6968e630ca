"""The codebook: every variable with its question in every language, labels and meaning.

One structure feeds three documents: JSON (for programs), HTML (for people) and DDI-Codebook
2.5 XML (for data archives, see `ddi`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, has_request_context

from survey.exports.plan import ExportPlan
from survey.exports.variables import DECLINED_CODE, STATA_DECLINED, Variable

SCORE_RULE = (
    "Gjennomsnittet av konstruktets besvarte spørsmål, der reverserte spørsmål først snus "
    "(verdi -> skala_min + skala_maks - verdi). Skåren beregnes bare når minst halvparten av "
    "konstruktets spørsmål er besvart; «Vil ikke svare» regnes som ikke besvart."
)
TYPE_WORDS = {"pupil": "elever", "parent": "foresatte", "staff": "ansatte"}


def selection_text(plan: ExportPlan) -> str:
    """The export's filter in Norwegian words, for the README ("alle runder; elever")."""
    request = plan.request
    rounds = (
        "rundene " + ", ".join(r.label for r in plan.rounds) if request.round_ids else "alle runder"
    )
    types = (
        ", ".join(TYPE_WORDS[t] for t in request.respondent_types)
        if request.respondent_types
        else "alle respondenttyper (elever, foresatte og ansatte)"
    )
    return f"{rounds}; {types}"


def codebook_data(plan: ExportPlan, files: dict[str, str], created_at: dt.datetime) -> dict:
    project = plan.project
    return {
        "project": {
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "min_group_size": project.min_group_size,
            "is_panel": project.is_panel,
        },
        "created_at": created_at.isoformat(timespec="seconds"),
        "filter": plan.request.describe(),
        "selection": selection_text(plan),
        "rounds": [
            {
                "code": plan.round_codes[r.id],
                "label": r.label,
                "opens_on": r.opens_at.date().isoformat(),
                "closes_on": r.closes_at.date().isoformat(),
            }
            for r in plan.rounds
        ],
        "missing_values": {
            "declined": {
                "meaning": "Vil ikke svare",
                "spss": DECLINED_CODE,
                "stata": f".{STATA_DECLINED}",
                "csv_xlsx_wide": "tom celle",
                "csv_long": "is_declined = 1, value tom",
            },
            "not_asked_or_skipped": "systemmanglende (SPSS), . (Stata), tom celle (CSV, XLSX)",
        },
        "score_rule": SCORE_RULE,
        "files": files,
        "variables": [_variable(v) for v in plan.variables],
        "free_text_items": [
            {"respondent_type": rt, "item_id": item_id} for rt, item_id in plan.free_text_items
        ]
        if plan.request.include_free_text
        else [],
    }


def _variable(variable: Variable) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": variable.name,
        "label": variable.label,
        "kind": variable.kind,
        "measure": variable.measure,
        "value_labels": [
            {"value": value, "label": label} for value, label in variable.value_labels.items()
        ],
        "missing_values": [DECLINED_CODE] if variable.has_declined_code else [],
    }
    if variable.is_date:
        data["format"] = "dato (ISO 8601 i CSV; SPSS SDATE10; Stata %td)"
    if variable.item is not None:
        item = variable.item
        data["item"] = {
            "id": item.item_id,
            "respondent_type": item.respondent_type,
            "question": dict(item.texts),
            "construct": item.construct,
            "construct_label": dict(item.construct_label),
            "direction": item.direction,
            "reverse_keyed": item.reverse,
            "scale": [{"value": p.value, "label": dict(p.label)} for p in item.points],
            "declined_label": dict(item.decline_label) if item.decline_label else None,
            "instrument_versions": list(item.versions),
            "rounds": list(item.rounds),
        }
    if variable.score is not None:
        score = variable.score
        data["score"] = {
            "respondent_type": score.respondent_type,
            "construct": score.construct,
            "construct_label": dict(score.construct_label),
            "direction": score.direction,
            "items": [{"variable": name, "reverse_keyed": rev} for name, rev in score.items],
            "scale_min": score.scale_min,
            "scale_max": score.scale_max,
            "computation": SCORE_RULE,
            "instrument_versions": list(score.versions),
            "rounds": list(score.rounds),
        }
    return data


def render_document(name: str, **context: Any) -> str:
    """A template rendered the same from a page and from the CLI (in the default language)."""
    template = current_app.jinja_env.get_template(name)
    if has_request_context():
        return template.render(**context)
    with current_app.test_request_context():
        return template.render(**context)


def codebook_html(data: dict) -> str:
    return render_document("exports/codebook.html", codebook=data)
