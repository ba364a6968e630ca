"""The codebook as DDI-Codebook 2.5 XML, the format Norwegian data archives take in.

Elements appear in the order the DDI-Codebook 2.5 schema's sequences require (codeBook:
docDscr, stdyDscr, fileDscr, dataDscr; var: labl, qstn, valrng, invalrng, txt, catgry,
concept, derivation, varFormat, notes).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

DDI_NS = "ddi:codebook:2_5"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = (
    f"{DDI_NS} http://www.ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd"
)
DATA_FILE_ID = "F1"


def _el(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, f"{{{DDI_NS}}}{tag}")
    for name, value in attributes.items():
        element.set(XML_LANG if name == "lang" else name, value)
    if text is not None:
        element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """XML 1.0 has no place for most control characters; drop them."""
    return "".join(c for c in str(text) if c in "\t\n\r" or ord(c) >= 0x20)


def codebook_ddi(data: dict, data_file: str, cases: int) -> bytes:
    root = etree.Element(f"{{{DDI_NS}}}codeBook", nsmap={None: DDI_NS, "xsi": XSI_NS})
    root.set("version", "2.5")
    root.set("ID", f"trivsel-project-{data['project']['id']}")
    root.set(XML_LANG, "nb")
    root.set(f"{{{XSI_NS}}}schemaLocation", SCHEMA_LOCATION)
    _doc_dscr(root, data)
    _stdy_dscr(root, data)
    _file_dscr(root, data, data_file, cases)
    _data_dscr(root, data)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _doc_dscr(root: Any, data: dict) -> None:
    citation = _el(_el(root, "docDscr"), "citation")
    _el(_el(citation, "titlStmt"), "titl", f"Kodebok: {data['project']['name']}")
    production = _el(citation, "prodStmt")
    _el(production, "prodDate", data["created_at"][:10], date=data["created_at"][:10])
    _el(production, "software", "Trivsel")


def _stdy_dscr(root: Any, data: dict) -> None:
    study = _el(root, "stdyDscr")
    _el(_el(_el(study, "citation"), "titlStmt"), "titl", data["project"]["name"])
    info = _el(study, "stdyInfo")
    if data["project"]["description"]:
        _el(info, "abstract", data["project"]["description"])
    summary = _el(info, "sumDscr")
    for round_ in data["rounds"]:
        _el(summary, "collDate", round_["opens_on"], event="start", date=round_["opens_on"],
            cycle=round_["label"])  # fmt: skip
        _el(summary, "collDate", round_["closes_on"], event="end", date=round_["closes_on"],
            cycle=round_["label"])  # fmt: skip
    _el(summary, "nation", "Norge", abbr="NO")
    _el(summary, "anlyUnit", "Individ: elever (5.-7. trinn), foresatte og ansatte i skolen.")
    _el(summary, "universe", "Elever, foresatte og ansatte ved prosjektets skoler.")
    _el(summary, "dataKind", "Spørreundersøkelse (survey data)")
    method = _el(study, "method")
    collection = _el(method, "dataColl")
    _el(
        collection,
        "collMode",
        "Nettskjema: elever på skolens nettbrett, foresatte og ansatte via lenke.",
    )
    _el(
        method,
        "notes",
        "Aggregerte tabeller viser ingen celle med færre enn "
        f"{data['project']['min_group_size']} respondenter (sekundær prikking der en skjult "
        "verdi kunne regnes ut fra totalen). " + data["score_rule"],
    )


def _file_dscr(root: Any, data: dict, data_file: str, cases: int) -> None:
    text = _el(_el(root, "fileDscr", ID=DATA_FILE_ID), "fileTxt")
    _el(text, "fileName", data_file)
    dimensions = _el(text, "dimensns")
    _el(dimensions, "caseQnty", str(cases))
    _el(dimensions, "varQnty", str(len(data["variables"])))
    _el(text, "fileType", "Rektangulær fil, én rad per besvarelse")


def _data_dscr(root: Any, data: dict) -> None:
    description = _el(root, "dataDscr")
    ids = {v["name"]: f"V{i}" for i, v in enumerate(data["variables"], start=1)}
    groups: dict[tuple[str, str], list[str]] = {}
    for variable in data["variables"]:
        item = variable.get("item") or variable.get("score")
        if item and item.get("construct"):
            key = (item["respondent_type"], item["construct"])
            groups.setdefault(key, []).append(ids[variable["name"]])
    for number, ((respondent_type, construct), members) in enumerate(groups.items(), start=1):
        group = _el(description, "varGrp", ID=f"VG{number}", type="subject", var=" ".join(members))
        _el(group, "labl", f"{construct} ({respondent_type})")
        _el(group, "concept", construct)
    for variable in data["variables"]:
        _var(description, variable, ids)


def _var(parent: Any, variable: dict, ids: dict[str, str]) -> None:
    item, score = variable.get("item"), variable.get("score")
    continuous = variable["measure"] == "scale" and not variable["value_labels"]
    var = _el(
        parent,
        "var",
        ID=ids[variable["name"]],
        name=variable["name"],
        files=DATA_FILE_ID,
        intrvl="contin" if continuous else "discrete",
        nature={"nominal": "nominal", "ordinal": "ordinal"}.get(variable["measure"], "interval"),
    )
    _el(var, "labl", variable["label"], lang="nb")
    if item:
        question = _el(var, "qstn")
        for language, text in item["question"].items():
            _el(question, "qstnLit", text, lang=language)
        low, high = item["scale"][0]["value"], item["scale"][-1]["value"]
        _el(_el(var, "valrng"), "range", min=str(low), max=str(high))
        if variable["missing_values"]:
            invalid = _el(var, "invalrng")
            for value in variable["missing_values"]:
                _el(invalid, "item", VALUE=str(value))
        _el(var, "txt", _item_note(item))
    if score:
        _el(var, "txt", score["computation"])
    for entry in variable["value_labels"]:
        is_missing = entry["value"] in variable["missing_values"]
        category = _el(var, "catgry", **({"missing": "Y"} if is_missing else {}))
        _el(category, "catValu", str(entry["value"]))
        labels = _category_labels(item, entry)
        for language, text in labels.items():
            _el(category, "labl", text, lang=language)
    concept = (item or score or {}).get("construct")
    if concept:
        _el(var, "concept", concept, vocab="trivsel-constructs")
    if score:
        members = " ".join(ids[i["variable"]] for i in score["items"] if i["variable"] in ids)
        derivation = _el(var, "derivation", **({"var": members} if members else {}))
        _el(derivation, "drvdesc", score["computation"])
    _el(var, "varFormat", type="numeric", schema="other")


def _item_note(item: dict) -> str:
    return (
        f"Konstrukt: {item['construct']}; retning: {item['direction']}; "
        f"reversert: {'ja' if item['reverse_keyed'] else 'nei'}; "
        f"versjoner: {', '.join(item['instrument_versions'])}; "
        f"runder: {', '.join(item['rounds'])}."
    )


def _category_labels(item: dict | None, entry: dict) -> dict[str, str]:
    """Every language's label for a scale point, or the one label the variable has."""
    if item:
        for point in item["scale"]:
            if point["value"] == entry["value"]:
                return point["label"]
        if item.get("declined_label") and entry["value"] not in [p["value"] for p in item["scale"]]:
            return item["declined_label"]
    return {"nb": entry["label"]}
