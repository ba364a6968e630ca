"""The reference of what this machine can do: a minimal Flask endpoint, one INSERT per request.

Served by `survey.server.serve`, the function behind `trivsel serve`, so gunicorn runs with the
same settings (workers, 4 threads, no access log), on the same engine settings (`make_engine`)
and the same database (TRIVSEL_DATABASE_URL). Started by `benchmarks/bench_load.py`.

    python benchmarks/load/reference.py --port 5001 --workers 4
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask import Flask, jsonify, request
from sqlalchemy import text

from survey import db
from survey.server import serve

TABLE = "load_reference"
CREATE = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    id BIGSERIAL PRIMARY KEY, client_id VARCHAR(64) NOT NULL, item_id VARCHAR(80) NOT NULL,
    value INTEGER)"""
INSERT = text(f"INSERT INTO {TABLE} (client_id, item_id, value) VALUES (:client, :item, :value)")  # noqa: S608 - a constant


def create_reference_app(database_url: str) -> Flask:
    app = Flask(__name__)
    app.config.update(DATABASE_URL=database_url, DATABASE_ECHO=False)
    db.init_app(app)

    @app.get("/ref/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.route("/ref/<client_id>/<item_id>", methods=["PUT", "POST"])
    def insert_one(client_id: str, item_id: str):
        value = (request.get_json(silent=True) or {}).get("value")
        with db.get_database().engine.begin() as connection:
            connection.execute(INSERT, {"client": client_id, "item": item_id, "value": value})
        return jsonify(saved=True)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    app = create_reference_app(os.environ["TRIVSEL_DATABASE_URL"])
    with db.get_database(app).engine.begin() as connection:
        connection.execute(text(CREATE))
    db.get_database(app).engine.dispose()
    serve(app, host="127.0.0.1", port=args.port, workers=args.workers, run_jobs=False)


if __name__ == "__main__":
    main()
