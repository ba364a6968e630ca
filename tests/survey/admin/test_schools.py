"""Schools and classes: made one by one or imported from a spreadsheet, checked at the door."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Group, School

CSV = (
    "skolekode;skole;arm;trinn;klasse;elever\n"
    "NB1;Nordby skole;tiltak;5;5A;21\n"
    "SB2;Sørby skole;sammenligning;6;6B;18\n"
    "SB2;Sørby skole;sammenligning;7;7B;19\n"
)


def _upload(post_form, project, text: str, encoding: str = "utf-8-sig"):
    from io import BytesIO

    data = {"file": (BytesIO(text.encode(encoding)), "klasser.csv")}
    return post_form(
        f"/admin/projects/{project.id}/import", data, content_type="multipart/form-data"
    )


def test_a_lead_adds_a_school_with_its_arm(session, as_lead, post_form, project) -> None:
    post_form(
        f"/admin/projects/{project.id}/schools/new",
        {"name": "Vestby", "code": "VB", "arm": "comparison"},
    )
    school = session.scalar(select(School).filter_by(project_id=project.id, code="VB"))
    assert school.arm == "comparison"


def test_a_taken_school_code_is_explained_in_place(as_lead, post_form, project, school) -> None:
    data = {"name": "Annen skole", "code": school.code, "arm": "intervention"}
    page = post_form(f"/admin/projects/{project.id}/schools/new", data)
    assert page.status_code == 422
    assert 'id="code-error"' in page.text


def test_an_unknown_arm_is_refused(as_lead, post_form, project) -> None:
    data = {"name": "Vestby", "code": "VB", "arm": "placebo"}
    page = post_form(f"/admin/projects/{project.id}/schools/new", data)
    assert page.status_code == 422
    assert 'id="arm-error"' in page.text


def test_a_class_gets_grade_label_and_head_count(session, as_lead, post_form, school) -> None:
    post_form(
        f"/admin/schools/{school.id}/groups/new", {"label": "5C", "grade": "5", "enrolled": "23"}
    )
    group = session.scalar(select(Group).filter_by(school_id=school.id, label="5C"))
    assert (group.grade, group.enrolled) == (5, 23)


def test_a_grade_outside_the_school_is_refused(as_lead, post_form, school) -> None:
    page = post_form(
        f"/admin/schools/{school.id}/groups/new", {"label": "5C", "grade": "14", "enrolled": "2"}
    )
    assert page.status_code == 422
    assert "Velg et tall fra 1 til 13" in page.text


def test_a_class_without_answers_can_be_deleted(session, as_lead, post_form, group) -> None:
    post_form(f"/admin/groups/{group.id}/delete")
    assert session.scalar(select(Group.id).filter_by(id=group.id)) is None


def test_the_csv_import_makes_schools_and_classes(session, as_lead, post_form, project) -> None:
    page = _upload(post_form, project, CSV)
    assert page.status_code == 302
    schools = session.scalars(select(School).filter_by(project_id=project.id)).all()
    assert sorted(s.code for s in schools) == ["NB1", "SB2"]
    assert len(schools[1].groups) == 2


def test_the_csv_import_adds_classes_to_a_known_school_by_its_code(
    session, as_lead, post_form, project, school
):
    _upload(post_form, project, "skolekode,trinn,klasse,elever\nNB1,7,7A,25\n")
    session.refresh(school)
    assert [g.label for g in school.groups] == ["7A"]


def test_the_csv_import_reads_windows_spreadsheets(session, as_lead, post_form, project) -> None:
    text = "Skolekode;Skole;Arm;Trinn;Klasse;Elever\nAS;Åsen skole;tiltak;5;5Ø;20\n"
    _upload(post_form, project, text, "cp1252")
    school = session.scalar(select(School).filter_by(project_id=project.id, code="AS"))
    assert (school.name, school.groups[0].label) == ("Åsen skole", "5Ø")


def test_a_csv_with_a_bad_row_imports_nothing_and_names_the_line(
    session, as_lead, post_form, project
):
    page = _upload(post_form, project, CSV + "SB2;Sørby skole;sammenligning;6;6C;mange\n")
    assert page.status_code == 422
    assert "Linje 5 (elever)" in page.text
    assert session.scalar(select(School).filter_by(project_id=project.id)) is None


def test_a_csv_missing_columns_says_which(as_lead, post_form, project) -> None:
    page = _upload(post_form, project, "skole;klasse\nNordby;5A\n")
    assert page.status_code == 422
    assert "Filen mangler kolonnene: elever, skolekode, trinn." in page.text


def test_a_school_keeps_its_written_language_for_its_report(
    session, as_lead, post_form, project
) -> None:
    data = {"name": "Vestby", "code": "VB", "arm": "comparison", "language": "nn"}
    post_form(f"/admin/projects/{project.id}/schools/new", data)
    refused = post_form(
        f"/admin/projects/{project.id}/schools/new", {**data, "code": "V2", "language": "sv"}
    )
    school = session.scalar(select(School).filter_by(project_id=project.id, code="VB"))
    assert school.language == "nn"
    assert refused.status_code == 422 and 'id="language-error"' in refused.text
