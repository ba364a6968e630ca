"""Many tablets saving at once on the embedded SQLite database: every save succeeds."""

from __future__ import annotations

import re
import threading
import uuid

from survey.app import create_app
from survey.db import get_database
from survey.migrate import upgrade
from tests.conftest import TEST_SECRET_KEY
from tests.survey.pupil.conftest import PUPIL, open_class

TABLETS = 12


def _tablet(app, code: str, ready: threading.Barrier, statuses: list[int]) -> None:
    client = app.test_client()
    page = client.get(f"/?kode={code}", follow_redirects=True).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    body = {"class_token": re.search(r'"classToken":\s*"([^"]+)"', page).group(1), "language": "nb"}
    url = f"/api/v1/pupil/responses/{uuid.uuid4()}"
    ready.wait()
    for item in PUPIL.items[:8]:
        answer = client.put(f"{url}/answers/{item.id}", json={**body, "value": 3},
                            headers={"X-CSRF-Token": csrf})  # fmt: skip
        statuses.append(answer.status_code)
    statuses.append(
        client.post(f"{url}/submit", json=body, headers={"X-CSRF-Token": csrf}).status_code
    )


def test_tablets_saving_at_the_same_moment_on_sqlite_all_succeed(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade(url)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY}, instance_path=str(tmp_path)
    )
    code, _round_id = open_class(get_database(app).session_scope)
    ready, statuses = threading.Barrier(TABLETS), []
    tablets = [
        threading.Thread(target=_tablet, args=(app, code, ready, statuses)) for _ in range(TABLETS)
    ]
    for tablet in tablets:
        tablet.start()
    for tablet in tablets:
        tablet.join()
    assert statuses == [200] * (TABLETS * 9)
    get_database(app).engine.dispose()
