"""bench/run.py's report: results of both date modes side by side, and the files they are kept in."""
from __future__ import annotations

import importlib.util
import sys

from conftest import REPO


def _load(name: str, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module   # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


run = _load("bench_run", REPO / "bench" / "run.py")   # it puts bench/ on sys.path and imports its corpus.py


def phase(median: float) -> dict:
    return {"runs": 1, "median": median, "min": median, "max": median, "cpu_median": median, "maxrss_mb": 100.0,
            "tree_pss_mb": 120.0, "load_min": 1.0, "load_max": 1.0, "samples": [{"note": ""}]}


def result(size: int, dates: str | None, cold: dict[str, float], run_id: str = "r1") -> dict:
    r = {"size": size, "run_id": run_id, "runs": 1, "command": f"bench/run.py --sizes {size}", "started": "s",
         "finished": "f", "uptime_start": "u", "uptime_end": "u",
         "machine": {"nproc": 2, "cpu": "cpu", "memory_gib": 8, "kernel": "k"},
         "versions": {"python": "3", "newsdigest": "abc", "pelican": "4", "markdown": "3", "hugo": "0"},
         "systems": {key: {"label": key, "phases": {"cold": phase(t), "add-one": phase(t / 10)}, "output": None}
                     for key, t in cold.items()}, "watch": {}}
    if dates:    # results from before the steady mode have no "dates"
        r["dates"] = run.dates_info(size, dates)
    return r


def scaling_rows(report: str) -> dict[str, str]:
    section = report.split("### 100,000 / 10,000")[1].split("###")[0]
    return {line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| nd-")}


def test_the_report_gives_the_ratio_for_both_date_modes():
    results = [result(10000, None, {"nd-fm": 10.0, "hugo": 8.0}),
               result(100000, None, {"nd-fm": 104.0}),
               result(100000, "steady", {"nd-fm": 90.0}, run_id="r2")]
    rows = scaling_rows(run.render_report(sorted(results, key=lambda r: (run.mode(r), r["size"]))))
    fixed, steady = rows["nd-fm"].split("|")[2:4]
    assert fixed.strip().startswith("10.4×") and "another run" not in fixed
    # the steady 100,000 against the one 10,000 corpus both modes share, from another run, which it says
    assert steady.strip().startswith("9.0×") and "another run" in steady


def test_without_a_steady_run_the_steady_ratio_is_not_measured():
    results = [result(10000, "fixed", {"nd-fm": 10.0}), result(100000, "fixed", {"nd-fm": 120.0})]
    row = scaling_rows(run.render_report(results))["nd-fm"]
    assert row.split("|")[2].strip().startswith("12.0×") and row.split("|")[3].strip() == "n/m"


def test_each_date_mode_has_its_own_results_file_and_fixed_keeps_the_old_name():
    assert run.results_path(10000, "fixed").name == "10000.json"
    assert run.results_path(10000, "steady").name == "10000-steady.json"
    assert run.mode({"size": 1}) == "fixed"
    assert run.dates_info(100000, "steady")["span_days"] == 10 * run.dates_info(100000, "fixed")["span_days"]



def test_a_run_without_the_add_one_phase_still_gives_a_report():
    ten = result(10000, "fixed", {"nd-fm": 10.0, "hugo": 8.0})
    for system in ten["systems"].values():
        del system["phases"]["add-one"]
    assert "Not evaluated: no 10,000-article run with Hugo and the add-one phase" in run.render_report([ten])
