"""A download of more letters than LETTERS_MAX_PER_BATCH comes as several PDFs in a zip."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from survey.config import ConfigError, build_config
from tests.survey.admin.letter_download import download_letters

TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def _tokens(post_form, round_, target: str, count: str) -> list[str]:
    data = {"target": target, "count": count, "language": "nb"}
    page = post_form(f"/admin/rounds/{round_.id}/links", data, follow_redirects=True)
    return TOKEN_FIELD.findall(page.text)


def _letters(post_form, round_, target: str, tokens: list[str], **extra: str):
    data = {"target": target, "language": "nb", "tokens": tokens, **extra}
    return post_form(f"/admin/rounds/{round_.id}/letters.pdf", data)


def _file(client, post_form, round_, target: str, tokens: list[str], **extra: str):
    data = {"target": target, "language": "nb", "tokens": tokens, **extra}
    return download_letters(client, post_form, round_.id, data)


def test_more_links_than_the_cap_come_as_several_pdfs_each_with_its_own_links(
    app, as_lead, post_form, open_round, school
) -> None:
    app.config["LETTERS_MAX_PER_BATCH"] = 2
    target = f"staff:school:{school.id}"
    tokens = _tokens(post_form, open_round, target, "5")
    download = _file(as_lead, post_form, open_round, target, tokens)
    assert download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    assert [name.rsplit("-", 3)[1:] for name in names] == [
        ["1", "av", "3.pdf"],
        ["2", "av", "3.pdf"],
        ["3", "av", "3.pdf"],
    ]
    pages = [
        page.extract_text()
        for name in names
        for page in PdfReader(io.BytesIO(archive.read(name))).pages
    ]
    assert [len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in names] == [2, 2, 1]
    for token, text in zip(tokens, pages, strict=True):
        assert f"/s/{token}" in text
        assert school.name in text


def test_letters_per_file_can_be_asked_for_up_to_the_cap(
    app, as_lead, post_form, open_round, school
) -> None:
    target = f"staff:school:{school.id}"
    tokens = _tokens(post_form, open_round, target, "3")
    download = _file(as_lead, post_form, open_round, target, tokens, per_file="1")
    assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 3
    single = _file(as_lead, post_form, open_round, target, tokens)
    assert single.mimetype == "application/pdf"


@pytest.mark.parametrize("per_file", ["0", "abc", "2001", "-3", "3"])
def test_a_bad_number_of_letters_per_file_is_refused_with_422(
    app, as_lead, post_form, open_round, school, per_file
) -> None:
    app.config["LETTERS_MAX_PER_BATCH"] = 2
    target = f"staff:school:{school.id}"
    tokens = _tokens(post_form, open_round, target, "2")
    assert _letters(post_form, open_round, target, tokens, per_file=per_file).status_code == 422


@pytest.mark.parametrize("value", ["0", "2001", "many"])
def test_a_cap_outside_1_to_2000_stops_the_app_with_a_clear_message(tmp_path, value) -> None:
    with pytest.raises(ConfigError, match="LETTERS_MAX_PER_BATCH"):
        build_config(None, str(tmp_path), {"TRIVSEL_LETTERS_MAX_PER_BATCH": value})


def test_the_cap_defaults_to_500(tmp_path) -> None:
    assert build_config(None, str(tmp_path), {})["LETTERS_MAX_PER_BATCH"] == 500
