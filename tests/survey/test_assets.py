"""Static files are linked under versioned names and served compressed, to be kept for a year."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
from flask import Flask, url_for

from dashboards.plotly_assets import BUNDLE, plotly_assets
from survey import assets

SURVEY_STATIC = Path(__file__).resolve().parents[2] / "survey" / "static"
STYLESHEET = re.compile(r'href="(/static/trivsel\.[0-9a-f]{12}\.css)"')


def test_a_page_links_its_stylesheet_under_a_name_that_carries_its_content(client) -> None:
    assert STYLESHEET.search(client.get("/login/").text)


def test_a_static_file_is_served_compressed_and_immutable(client) -> None:
    url = STYLESHEET.search(client.get("/login/").text).group(1)
    with client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"}) as answer:
        assert answer.headers["Content-Encoding"] == "br"
        assert answer.headers["Vary"] == "Accept-Encoding"
        assert "immutable" in answer.headers["Cache-Control"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        source = (SURVEY_STATIC / "trivsel.css").read_bytes()
        assert brotli.decompress(answer.data) == source


def test_a_browser_without_brotli_gets_gzip_and_one_without_either_the_file(client) -> None:
    url = STYLESHEET.search(client.get("/login/").text).group(1)
    source = (SURVEY_STATIC / "trivsel.css").read_bytes()
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as answer:
        assert gzip.decompress(answer.data) == source
    with client.get(url) as answer:
        assert "Content-Encoding" not in answer.headers
        assert answer.data == source


def test_plotly_js_travels_as_a_quarter_of_its_size(client) -> None:
    url = f"/dashboards/vendor/plotly-{plotly_assets().version}.min.js"
    with client.get(url, headers={"Accept-Encoding": "br"}) as answer:
        assert answer.status_code == 200
        assert len(answer.data) < BUNDLE.stat().st_size / 3.5
        assert brotli.decompress(answer.data) == BUNDLE.read_bytes()


def test_a_changed_file_gets_a_new_name(tmp_path) -> None:
    def link(content: str) -> str:
        (tmp_path / "static").mkdir(exist_ok=True)
        (tmp_path / "static" / "site.css").write_text(content)
        app = Flask(__name__, static_folder=str(tmp_path / "static"))
        assets.init_app(app)
        with app.test_request_context():
            return url_for("static", filename="site.css")

    first, second = link("p { color: black }"), link("p { color: navy }")
    assert first != second
    assert re.fullmatch(r"/static/site\.[0-9a-f]{12}\.css", first)
