"""Worker processes: fork_imap's results, and workers renewed after a number of tasks."""
import os

from newsdigest.workers import collector_paused, fork_imap


def _task(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_renewed_workers_give_every_result_once_from_fresh_processes():
    with collector_paused():
        found = list(fork_imap(_task, list(range(30)), 2, ordered=False, renew=3))
    assert sorted(square for square, _ in found) == [n * n for n in range(30)]
    pids = {pid for _, pid in found}
    # 30 tasks, 2 workers, fresh ones every 3 tasks each: five pairs of processes (at least one
    # of each pair takes tasks), none of them this one; without renewal, two at most.
    assert 5 <= len(pids) <= 10 and os.getpid() not in pids


def test_ordered_results_keep_the_task_order_across_renewals():
    with collector_paused():
        found = list(fork_imap(_task, list(range(25)), 2, ordered=True, renew=2))
    assert [square for square, _ in found] == [n * n for n in range(25)]
