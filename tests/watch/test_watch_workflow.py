"""The weekly surveillance workflow: scheduled, quiet in forks, least privilege, one pull request."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "watch.yml"


def load():
    return yaml.safe_load(WORKFLOW.read_text())


def test_runs_make_watch_weekly_and_only_in_the_books_repository():
    workflow = load()
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert re.fullmatch(r"\S+ \S+ \* \* [0-6]", on["schedule"][0]["cron"]), "once a week"
    job = workflow["jobs"]["watch"]
    assert job["if"].startswith("github.repository == ")
    runs = [step.get("run", "") for step in job["steps"]]
    assert any(run.startswith("make watch") for run in runs) and "make check" in runs


def test_least_privilege_and_every_action_pinned_by_commit():
    workflow = load()
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["watch"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    for step in job["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_one_pull_request_with_the_data_changes_only():
    steps = load()["jobs"]["watch"]["steps"]
    pr = next(s for s in steps if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert pr["with"]["branch"] and "branch-suffix" not in pr["with"], "one fixed branch: one pull request"
    assert pr["with"]["add-paths"].startswith("data/")
