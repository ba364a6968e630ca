"""SPSS (.sav) and Stata (.dta) files, written by pyreadstat and streamed.

pyreadstat writes a whole DataFrame at once, which would hold the whole data set in memory. So
pyreadstat writes a one-row template that carries the dictionary (names, variable labels, value
labels, declared missing values, formats); its one data row is cut out, the cases are appended
a chunk at a time in the same layout, and the case count is patched in. Every variable is a
double, so a case is 8 bytes per variable in both formats (checked against the template).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyreadstat

from survey.exports.variables import DECLINED_CODE, STATA_DECLINED, Variable

SPSS_SYSMIS = -np.finfo(np.float64).max
SPSS_DAYS_FROM_1582 = 141428  #: 1582-10-14 to 1970-01-01
STATA_DAYS_FROM_1960 = 3653  #: 1960-01-01 to 1970-01-01
STATA_MISSING = np.frombuffer(struct.pack("<Q", 0x7FE0000000000000), "<f8")[0]
STATA_MISSING_A = np.frombuffer(struct.pack("<Q", 0x7FE0010000000000), "<f8")[0]
SPSS_LABEL_LIMIT = 255
STATA_LABEL_LIMIT = 80
DTA_MAP_ENTRIES = 14


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _formats(variable: Variable, kind: str) -> str:
    if variable.is_date:
        return "SDATE10" if kind == "sav" else "%td"
    if variable.kind == "score":
        return "F8.3" if kind == "sav" else "%9.3f"
    if variable.kind == "item":
        return "F2.0" if kind == "sav" else "%9.0g"
    return "F8.0" if kind == "sav" else "%9.0g"


class StatFileWriter:
    """Writes the wide frame to `path` as .sav or .dta; call `write` per chunk, then `close`."""

    def __init__(
        self, path: Path, variables: Sequence[Variable], kind: str, file_label: str
    ) -> None:
        if kind not in ("sav", "dta"):
            raise ValueError(f"unknown statistics file kind {kind!r}")
        self.path, self.kind, self.variables = Path(path), kind, list(variables)
        self.rows = 0
        template = self.path.with_suffix(f".template.{kind}")
        self._write_template(template, file_label)
        self.prefix, self.suffix, self.header = self._split_template(template)
        template.unlink()
        self.file: BinaryIO = self.path.open("wb")
        self.file.write(self.prefix)
        self.declined = np.array([v.has_declined_code for v in self.variables])
        self.dates = np.array([v.is_date for v in self.variables])

    def _write_template(self, template: Path, file_label: str) -> None:
        limit = SPSS_LABEL_LIMIT if self.kind == "sav" else STATA_LABEL_LIMIT
        labels = {v.name: _clip(v.label, limit) for v in self.variables}
        value_labels: dict[str, dict[object, str]] = {
            v.name: {float(code): _clip(text, limit) for code, text in v.value_labels.items()}
            for v in self.variables
            if v.value_labels
        }
        row = {v.name: [1.0] for v in self.variables}
        formats = {v.name: _formats(v, self.kind) for v in self.variables}
        declined = [v.name for v in self.variables if v.has_declined_code]
        clean_label = _clip(file_label.replace("<", "").replace(">", ""), 64)
        if self.kind == "sav":
            pyreadstat.write_sav(
                pd.DataFrame(row),
                template,
                file_label=clean_label,
                column_labels=labels,
                variable_value_labels=value_labels,
                missing_ranges={name: [float(DECLINED_CODE)] for name in declined},
                variable_measure={v.name: v.measure for v in self.variables},
                variable_format=formats,
            )
            return
        for name in declined:
            value_labels[name].pop(float(DECLINED_CODE), None)
            value_labels[name][STATA_DECLINED] = "Vil ikke svare"
            row[name] = pd.Series([STATA_DECLINED], dtype=object)  # type: ignore[assignment]
        pyreadstat.write_dta(
            pd.DataFrame(row),
            template,
            file_label=clean_label,
            column_labels=labels,
            variable_value_labels=value_labels,
            missing_user_values={name: [STATA_DECLINED] for name in declined},
            variable_format=formats,
        )

    def _split_template(self, template: Path) -> tuple[bytes, bytes, dict[str, int]]:
        data = template.read_bytes()
        width = 8 * len(self.variables)
        if self.kind == "sav":
            case_size, compression = struct.unpack_from("<ii", data, 68)
            if compression != 0 or case_size * 8 != width:
                raise RuntimeError("unexpected SPSS template layout")
            return data[:-width], b"", {}
        map_at = data.index(b"<map>") + len(b"<map>")
        offsets = list(struct.unpack_from(f"<{DTA_MAP_ENTRIES}Q", data, map_at))
        data_at, strls_at = offsets[9], offsets[10]
        if strls_at - data_at - len(b"<data></data>") != width:
            raise RuntimeError("unexpected Stata template layout")
        header = {"map": map_at, "n": data.index(b"<N>") + len(b"<N>")}
        header.update({f"offset{i}": value for i, value in enumerate(offsets)})
        return data[: data_at + len(b"<data>")], data[strls_at - len(b"</data>") :], header

    def write(self, wide: pd.DataFrame) -> None:
        values = wide[[v.name for v in self.variables]].to_numpy(dtype="<f8", copy=True)
        missing = np.isnan(values)
        declined = (values == DECLINED_CODE) & self.declined
        if self.kind == "sav":
            values[:, self.dates] += SPSS_DAYS_FROM_1582
            values[:, self.dates] *= 86400.0
            values[missing] = SPSS_SYSMIS
        else:
            values[:, self.dates] += STATA_DAYS_FROM_1960
            values[missing] = STATA_MISSING
            values[declined] = STATA_MISSING_A
        self.file.write(values.tobytes())
        self.rows += len(values)

    def close(self) -> None:
        self.file.write(self.suffix)
        if self.kind == "sav":
            self.file.seek(80)
            self.file.write(struct.pack("<i", self.rows))
        else:
            self._patch_dta()
        self.file.close()

    def _patch_dta(self) -> None:
        header = self.header
        self.file.seek(header["n"])
        self.file.write(struct.pack("<Q", self.rows))
        growth = (self.rows - 1) * 8 * len(self.variables)
        for index in range(10, DTA_MAP_ENTRIES):
            self.file.seek(header["map"] + 8 * index)
            self.file.write(struct.pack("<Q", header[f"offset{index}"] + growth))
