"""The GitHub workflows cannot run here; lint them so a typo fails locally."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def run(*args):
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True)


def test_workflows_match_the_github_schema_and_set_timeouts():
    for schema in ("vendor.github-workflows", "custom.github-workflows-require-timeout"):
        result = run("check-jsonschema", "--builtin-schema", schema, *map(str, WORKFLOWS))
        assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_issue_forms_and_citation_are_valid():
    for schema, path in (("vendor.dependabot", ".github/dependabot.yml"),
                         ("vendor.github-issue-forms", ".github/ISSUE_TEMPLATE/new-study.yml"),
                         ("vendor.citation-file-format", "CITATION.cff")):
        result = run("check-jsonschema", "--builtin-schema", schema, path)
        assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor_security_audit():
    result = run("zizmor", "--offline", "--no-progress", ".github/workflows")
    assert result.returncode == 0, result.stdout + result.stderr


def test_least_privilege_permissions():
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text())
        assert workflow["permissions"] == {"contents": "read"}, path.name
    deploy = yaml.safe_load((ROOT / ".github/workflows/book.yml").read_text())["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["if"].startswith("github.event_name == 'push'")


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test   #" in readme
    script = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert script[-1] == "make test"
