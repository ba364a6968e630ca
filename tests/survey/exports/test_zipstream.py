"""The long file's zip member, deflated in a thread: what goes in comes out, and a failure on
either side is raised, never left hanging."""

from __future__ import annotations

import threading
import zipfile

import pytest

from survey.exports import zipstream
from survey.exports.writers import CsvWriter


def test_a_member_written_in_pieces_reads_back_whole(tmp_path) -> None:
    pieces = [f"{n},{'å' * (n % 7)}\r\n".encode() * 1000 for n in range(50)]
    with zipfile.ZipFile(tmp_path / "p.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        member = zipstream.BackgroundMember(zf, "long.csv")
        for piece in pieces:
            member.write(piece)
        member.close()
        zf.writestr("after.txt", "written after the member closed")
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert zf.read("long.csv") == b"".join(pieces)
        assert zf.getinfo("long.csv").compress_type == zipfile.ZIP_DEFLATED
        assert zf.testzip() is None


def test_a_csv_writer_on_a_member_writes_what_it_writes_to_a_file(tmp_path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2], "b": ["ø, å", "=1+1"]})
    on_disk = CsvWriter(tmp_path / "f.csv", ["a", "b"])
    on_disk.write(frame)
    on_disk.close()
    with zipfile.ZipFile(tmp_path / "p.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        in_zip = CsvWriter(zipstream.BackgroundMember(zf, "f.csv"), ["a", "b"])
        in_zip.write(frame)
        in_zip.write_rows("3,x\r\n", 1)
        in_zip.close()
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert zf.read("f.csv") == (tmp_path / "f.csv").read_bytes() + b"3,x\r\n"


class _Failing:
    """Stands in for the zip file: its member fails on the second piece."""

    def open(self, name, mode, force_zip64):
        outer = self

        class Member:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def write(self, piece):
                outer.written = getattr(outer, "written", 0) + 1
                if outer.written == 2:
                    raise OSError(28, "No space left on device")

        return Member()


def test_a_failure_while_deflating_is_raised_in_the_writer_and_nothing_hangs() -> None:
    member = zipstream.BackgroundMember(_Failing(), "long.csv")  # type: ignore[arg-type]
    with pytest.raises(OSError, match="No space"):
        for _ in range(100):
            member.write(b"x" * 1000)
    member.close()
    assert not member.thread.is_alive()


def test_a_failure_of_the_writer_ends_the_thread(tmp_path) -> None:
    before = threading.active_count()
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as zf:
        with pytest.raises(RuntimeError), zipstream.BackgroundMember(zf, "long.csv") as member:
            member.write(b"some rows\r\n")
            raise RuntimeError("the export failed half way")
        assert not member.thread.is_alive()
    assert threading.active_count() == before
