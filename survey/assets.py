"""Static files as browsers get them: versioned names, compressed, and kept for a year.

Every file of the app's static folders, and plotly.js with its stylesheets, is served by
WhiteNoise with a brotli and a gzip copy beside it, chosen by the request's Accept-Encoding
(plotly.js: 4.8 MB as it ships, 1.2 MB with brotli). A static file's URL carries a digest of
its content (`url_for("static", filename="trivsel.css")` gives `/static/trivsel.<digest>.css`),
and plotly's URLs carry plotly's version, so each answer is cached as immutable: a browser asks
again only for a file that changed.

The copies are written once per content into the instance folder's `static/`, under a folder
named by the content's digest, atomically, so processes sharing the folder may write them at
the same time. They are made at the first request, or by `prepare` before gunicorn forks.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import brotli
from flask import Flask
from whitenoise import WhiteNoise

from survey.security import CONTENT_SECURITY_POLICY

log = logging.getLogger(__name__)

EXTENSION_KEY = "trivsel.assets"
#: Brotli's quality 9 makes plotly.js 5 % larger than 11, in a tenth of the time.
BROTLI_QUALITY = 9
DIGEST_LENGTH = 12


@dataclass(frozen=True)
class Asset:
    url: str  #: the path the browser asks for
    name: str  #: the file name on disk
    content: Callable[[], bytes]
    digest: str


class CompressedAssets:
    """WSGI middleware: the assets from WhiteNoise, everything else from the app."""

    def __init__(self, app: Flask, static: list[Asset]) -> None:
        self.app = app
        self.static = static
        self.whitenoise = WhiteNoise(
            app.wsgi_app,
            allow_all_origins=False,
            add_headers_function=_security_headers,
            immutable_file_test=lambda _path, _url: True,  # every URL here is versioned
        )
        self._lock = threading.Lock()
        self._is_ready = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self._is_ready:
            self.prepare()
        return self.whitenoise(environ, start_response)

    def prepare(self) -> None:
        """Write what is missing of the compressed copies, and serve them."""
        with self._lock:
            if self._is_ready:
                return
            folder = _writable_folder(Path(self.app.instance_path) / "static")
            for asset in [*self.static, *_plotly_assets(self.app)]:
                path = _write_once(folder / asset.digest, asset.name, asset.content)
                self.whitenoise.add_file_to_dictionary(asset.url, str(path))
            self._is_ready = True


def init_app(app: Flask) -> None:
    """Serve the assets compressed, and make `url_for` give static files' versioned names."""
    static = _static_assets(app)
    versioned = {(endpoint, filename): name for endpoint, filename, name, _ in static}
    middleware = CompressedAssets(app, [asset for *_, asset in static])
    app.extensions[EXTENSION_KEY] = middleware
    app.wsgi_app = middleware  # type: ignore[method-assign]

    @app.url_defaults
    def versioned_static_name(endpoint: str, values: dict[str, Any]) -> None:
        name = versioned.get((endpoint, values.get("filename")))
        if name is not None:
            values["filename"] = name


def prepare(app: Flask) -> None:
    """Make the compressed copies now (before gunicorn forks), not at the first request."""
    app.extensions[EXTENSION_KEY].prepare()


def _static_assets(app: Flask) -> list[tuple[str, str, str, Asset]]:
    """(endpoint, filename, versioned filename, asset) of each file in a static folder."""
    folders = [("static", app.static_folder)]
    folders += [(f"{bp.name}.static", bp.static_folder) for bp in app.blueprints.values()]
    urls = app.url_map.bind("localhost")
    found = []
    for endpoint, folder in folders:
        if folder is None or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                filename = path.relative_to(folder).as_posix()
                digest = _digest(path.read_bytes())
                stem, dot, suffix = filename.rpartition(".")
                versioned = f"{stem}.{digest}.{suffix}" if dot else f"{filename}.{digest}"
                url = urls.build(endpoint, {"filename": versioned})
                asset = Asset(url, path.name, path.read_bytes, digest)
                found.append((endpoint, filename, versioned, asset))
    return found


def _plotly_assets(app: Flask) -> list[Asset]:
    """plotly.js and its stylesheets, at the URLs of the dashboards' plotly routes."""
    from dashboards.plotly_assets import BUNDLE, plotly_assets

    assets = plotly_assets()
    urls = app.url_map.bind("localhost")
    version = {"version": assets.version}
    bundle = Asset(
        urls.build("dashboards.plotly_js", version),
        "plotly.min.js",
        BUNDLE.read_bytes,
        _bundle_digest(BUNDLE),
    )
    styles = [(urls.build("dashboards.plotly_css", version), assets.global_css)]
    styles += [
        (urls.build("dashboards.plotly_injected_css", {**version, "style_id": style_id}), css)
        for style_id, css in assets.injected
    ]
    return [bundle] + [
        Asset(url, "plotly.css", css.encode, _digest(css.encode())) for url, css in styles
    ]


@cache
def _bundle_digest(bundle: Path) -> str:
    return _digest(bundle.read_bytes())


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]


def _write_once(folder: Path, name: str, content: Callable[[], bytes]) -> Path:
    """The file and its compressed copies, written unless already there; its path."""
    path = folder / name
    if path.with_name(f"{name}.done").exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    data = content()
    _write_atomically(path, data)
    for suffix, compress in (
        (".br", lambda: brotli.compress(data, quality=BROTLI_QUALITY)),
        (".gz", lambda: gzip.compress(data, compresslevel=9, mtime=0)),
    ):
        packed = compress()
        if len(packed) < len(data):  # else the browser is better off with the file itself
            _write_atomically(path.with_name(name + suffix), packed)
    _write_atomically(path.with_name(f"{name}.done"), b"")
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=path.suffix)
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _writable_folder(wanted: Path) -> Path:
    """The instance folder's, or a temporary one where the instance folder is read-only."""
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=wanted)  # noqa: SIM115
        probe.close()
        return wanted
    except OSError as error:
        fallback = Path(tempfile.mkdtemp(prefix="trivsel-static-"))  # this process's own
        log.warning("cannot write to %s (%s); static copies go to %s", wanted, error, fallback)
        return fallback


def _security_headers(headers: Any, _path: str, _url: str) -> None:
    """What the app's own answers carry (survey.security), for the files it does not answer."""
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
