"""plotly.js as the app serves it: the bundle from the installed plotly package, and the
stylesheets plotly.js would otherwise inject at run time.

plotly.js adds its CSS by inserting <style> elements, which our Content-Security-Policy
(style-src 'self') blocks. It skips the insertion when an element with the style's id is
already in the page (`plotly.js-style-global` with class `no-inline-styles`, and a hash id for
the map CSS), so the page links these same rules as stylesheets from our origin instead, and
the strict policy stays as it is. The rules are read from the installed bundle, so they always
match the plotly.js that runs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import plotly

BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
GLOBAL_STYLE_ID = "plotly.js-style-global"

_VERSION = re.compile(r"plotly\.js v(\d+\.\d+\.\d+)")
_GLOBAL_RULES = re.compile(r'\{"X,X div":.*?\};for\(', re.DOTALL)
_RULE = re.compile(r'"((?:[^"\\]|\\.)*)":(\'(?:[^\'\\]|\\.)*\'|"(?:[^"\\]|\\.)*")')
_INJECTED = re.compile(
    r'document\.getElementById\("([0-9a-f]{64})"\)\)\{var (\w)=document\.createElement\("style"\);'
    r"\2\.id=\"\1\",\2\.textContent=('(?:[^'\\]|\\.)*')"
)


@dataclass(frozen=True)
class PlotlyAssets:
    version: str
    global_css: str
    #: (element id, css) of each stylesheet the bundle injects by itself.
    injected: tuple[tuple[str, str], ...]


@cache
def plotly_assets(bundle: Path = BUNDLE) -> PlotlyAssets:
    source = bundle.read_text(encoding="utf-8")
    version = _VERSION.search(source[:500])
    rules = _GLOBAL_RULES.search(source)
    if version is None or rules is None:
        raise RuntimeError(f"{bundle} does not look like the plotly.js bundle we know")
    css = []
    for selector, value in _RULE.findall(rules.group(0)):
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        css.append(f"{selector}{{{ast.literal_eval(value)}}}")
    injected = tuple(
        (style_id, ast.literal_eval(text)) for style_id, _, text in _INJECTED.findall(source)
    )
    return PlotlyAssets(version.group(1), "\n".join(css) + "\n", injected)
