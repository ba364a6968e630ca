"""Server time for the dashboard overview of a project of 50 schools x 8 rounds, from cache.

The project is simulated (25 intervention and 25 comparison schools, four classes each, eight
rounds, pupils, parents and staff), its responses are inserted (the overview counts them for
response rates), and every construct's trend model, descriptive table and goal status is
fitted with analytics and stored in ModelResult as the analysis job stores it. Then the
overview page is requested through the app in-process, as a project lead: the time measured
is the server's (routing, database reads, figures, template), not the browser's. The goal is
under 200 ms. Nothing is asserted.

    .venv/bin/python benchmarks/bench_dashboard.py
    .venv/bin/python benchmarks/bench_dashboard.py --repeat 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHOOLS_PER_ARM = 25
ROUNDS = 8
SECRET = "benchmark-secret-key-that-is-long-enough"  # noqa: S105 - a throwaway database


def simulate():
    from analytics.simulation import simulate_demo
    from analytics.simulation_design import DemoDesign, school_year_rounds
    from instruments import bundled_instrument
    from survey.demo.loader import DEMO_INSTRUMENTS, construct_specs

    design = DemoDesign(schools_per_arm=SCHOOLS_PER_ARM, rounds=school_year_rounds(ROUNDS))
    instruments = {kind: bundled_instrument(key) for kind, key in DEMO_INSTRUMENTS.items()}
    specs = {kind: construct_specs(instrument) for kind, instrument in instruments.items()}
    return simulate_demo(specs, design, seed=7), specs, instruments


def fit_results(data, specs) -> dict:
    """Every construct x respondent type, fitted and summarised as the analysis job does."""
    from analytics.descriptives import describe
    from analytics.goals import GoalSpec, track_goal
    from analytics.scoring import score_constructs
    from analytics.trend import fit_trend

    labels = dict(zip(data.rounds["round"], data.rounds["label"], strict=True))
    group_labels = dict(zip(data.groups["group"], data.groups["label"], strict=True))
    arms = dict(zip(data.schools["school"], data.schools["arm"], strict=True))
    results = {}
    for kind, kind_specs in specs.items():
        responses = data.responses[data.responses["respondent_type"] == kind]
        context = responses[["response", "round", "school", "group"]].assign(
            round=lambda f: f["round"].map(labels),
            group=lambda f: f["group"].map(group_labels),
            arm=lambda f: f["school"].map(arms),
        )
        answers = data.answers.merge(context, on="response")
        scores = score_constructs(answers, kind_specs)
        group = "group" if kind == "pupil" else None
        for construct, part in scores.groupby("construct"):
            key = {"construct": construct, "respondent_type": kind}
            trend = fit_trend(part, group=group, **key)
            results[(construct, kind, "trend")] = trend.to_dict()
            results[(construct, kind, "descriptives")] = describe(
                part, group=group, **key
            ).to_dict()
            if construct in ("konflikt", "arbeidsro", "trivsel") and kind == "pupil":
                goal = GoalSpec(construct, kind, "change", 0.2, labels[ROUNDS - 1], True, None)
                status = track_goal(goal, trend, list(labels.values())).to_dict()
                results[(construct, kind, "goals")] = {"kind": "goals", "goals": [status]}
        print(f"  fitted {kind}: {len(kind_specs)} constructs", flush=True)
    return results


def store(url: str, data, instruments, results) -> tuple[int, int]:
    """The project, schools, classes, rounds, responses and cached results; returns the
    project id and a project lead's id."""
    from sqlalchemy import insert

    from survey.app import create_app
    from survey.db import get_database
    from survey.migrate import upgrade
    from survey.models import Group, ModelResult, Project, Response, Round, School, User
    from survey.rounds.operations import freeze_instrument, set_round_instrument

    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"})
    with app.app_context(), get_database(app).session_scope() as session:
        project = Project(name="Benchmark", delete_after_on=dt.date(2030, 1, 1))
        schools = {
            r.school: School(project=project, name=r.name, code=r.school, arm=r.arm)
            for r in data.schools.itertuples()
        }
        groups = {
            r.group: Group(
                school=schools[r.school], grade=r.grade, label=r.label, enrolled=r.enrolled
            )
            for r in data.groups.itertuples()
        }
        session.add_all([project, *schools.values(), *groups.values()])
        versions = [freeze_instrument(session, i) for i in instruments.values()]
        rounds = {}
        for r in data.rounds.itertuples():
            opens = dt.datetime.combine(r.opens_on, dt.time(8), tzinfo=dt.UTC)
            rounds[r.round] = Round(
                project=project,
                label=r.label,
                opens_at=opens,
                closes_at=opens + dt.timedelta(days=20),
            )
            session.add(rounds[r.round])
            session.flush()
            for version in versions:
                set_round_instrument(session, rounds[r.round], version)
            rounds[r.round].status = "closed"
        session.flush()
        version_ids = {v.respondent_type: v.id for v in versions}
        rows = [
            {
                "client_id": f"bench-{r.response}",
                "round_id": rounds[r.round].id,
                "school_id": schools[r.school].id,
                "group_id": groups[r.group].id if isinstance(r.group, str) else None,
                "respondent_type": r.respondent_type,
                "instrument_version_id": version_ids[r.respondent_type],
                "language": "nb",
                "status": "complete",
                "completed_on": r.completed_on,
            }
            for r in data.responses.itertuples()
        ]
        for start in range(0, len(rows), 20_000):
            session.execute(insert(Response), rows[start : start + 20_000])
        for (construct, kind, what), result in results.items():
            session.add(
                ModelResult(
                    project_id=project.id,
                    construct=construct,
                    respondent_type=kind,
                    kind=what,
                    data_fingerprint="b" * 64,
                    result=result,
                )
            )
        lead = User(email="leder@bench.no", role="project_lead", password_hash="-")  # noqa: S106
        lead.projects.append(project)
        session.add(lead)
        session.flush()
        print(f"  stored {len(rows)} responses and {len(results)} cached results", flush=True)
        return project.id, lead.id


def measure(url: str, project_id: int, lead_id: int, repeat: int) -> None:
    from survey.app import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = lead_id
    print(f"{'page':<44}{'charts':>7}{'KiB':>7}{'median ms':>11}{'p90 ms':>9}{'max ms':>9}")
    for query in ("", "?respondent_type=parent", "?respondent_type=staff", "?construct=konflikt"):
        path = f"/dashboards/project/{project_id}/{query}"
        for _ in range(3):  # warm: templates compiled, plotly assets read
            page = client.get(path)
        assert page.status_code == 200, page.status_code
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get(path)
            times.append(1000 * (time.perf_counter() - start))
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        charts = page.text.count('class="chart-card"')
        print(
            f"{path:<44}{charts:>7}{len(page.data) / 1024:>7.0f}"
            f"{statistics.median(times):>11.1f}{p90:>9.1f}{times[-1]:>9.1f}"
        )
    print("goal: median under 200 ms for the overview (server time, from cache)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        print(f"Simulating {2 * SCHOOLS_PER_ARM} schools x {ROUNDS} rounds ...", flush=True)
        start = time.perf_counter()
        data, specs, instruments = simulate()
        results = fit_results(data, specs)
        project_id, lead_id = store(url, data, instruments, results)
        print(f"  set up in {time.perf_counter() - start:.0f} s", flush=True)
        measure(url, project_id, lead_id, args.repeat)


if __name__ == "__main__":
    main()
