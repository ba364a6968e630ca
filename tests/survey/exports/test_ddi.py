"""The DDI-Codebook 2.5 XML has the structure the schema requires and says what the data mean."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from instruments import bundled_instrument
from tests.survey.exports.conftest import unzip

SUBSET_XSD = Path(__file__).parent / "ddi" / "codebook_2_5_subset.xsd"
NS = {"d": "ddi:codebook:2_5"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def ddi_xml(small_project, export, tmp_path) -> Path:
    return unzip(export(small_project, "zip", tmp_path), tmp_path / "pkg") / "codebook_ddi.xml"


def test_the_ddi_codebook_validates_against_the_ddi_codebook_2_5_structure(ddi_xml) -> None:
    xmlschema.XMLSchema(str(SUBSET_XSD)).validate(str(ddi_xml))


def test_the_ddi_codebook_validates_against_the_official_schema_when_given(ddi_xml) -> None:
    official = os.environ.get("TRIVSEL_DDI_CODEBOOK_XSD")
    if not official:
        pytest.skip("set TRIVSEL_DDI_CODEBOOK_XSD to a local DDI-Codebook 2.5 codebook.xsd")
    xmlschema.XMLSchema(official).validate(str(ddi_xml))


def test_each_question_appears_in_every_language_of_its_instrument(ddi_xml) -> None:
    root = etree.parse(str(ddi_xml)).getroot()
    var = root.find(".//d:var[@name='e_trivsel_liker_skolen']", NS)
    languages = {q.get(XML_LANG) for q in var.findall("d:qstn/d:qstnLit", NS)}
    assert languages == set(bundled_instrument("pupil-5-7").languages)


def test_the_declined_answer_is_a_missing_category_and_an_invalid_value(ddi_xml) -> None:
    root = etree.parse(str(ddi_xml)).getroot()
    var = root.find(".//d:var[@name='e_trivsel_liker_skolen']", NS)
    missing = var.find("d:catgry[@missing='Y']", NS)
    assert missing.findtext("d:catValu", namespaces=NS) == "99"
    assert var.find("d:invalrng/d:item", NS).get("VALUE") == "99"
    assert var.findtext("d:concept", namespaces=NS) == "trivsel"


def test_a_score_names_the_items_it_is_derived_from(ddi_xml) -> None:
    root = etree.parse(str(ddi_xml)).getroot()
    score = root.find(".//d:var[@name='e_score_trivsel']", NS)
    members = score.find("d:derivation", NS).get("var").split()
    names = {root.find(f".//d:var[@ID='{m}']", NS).get("name") for m in members}
    assert "e_trivsel_liker_skolen" in names
    assert "halvparten" in score.findtext("d:derivation/d:drvdesc", namespaces=NS)
