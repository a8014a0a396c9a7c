"""`appraisal replay --all --scheduler tcp://HOST:PORT`: the per-month map on a Dask
distributed cluster (the optional extra ``dask``; docs/scale.md).

The auditor's side of the pipeline, beyond one machine. The ledger is read here, by the
command; each current record goes to a worker as stored (its large texts deflated, as the
ledger keeps them), and the worker runs the same map as a local replay
(`appraisal.scale.recompute.replay_stored`): it checks the record against its hash,
rebuilds the policy from the stored texts and recomputes the month. Workers need the same
release of appraisal, and no ledger file and no shared disk. Only `MonthReplay` values
come back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from appraisal.domain.errors import AppraisalError
from appraisal.domain.version import __version__
from appraisal.i18n import _, language, set_language
from appraisal.scale.recompute import MonthReplay, Runner, replay_stored
from appraisal.scale.stored import Stored

__all__ = [
    "CONNECT_SECONDS",
    "ClusterError",
    "on_cluster",
    "replay_in_language",
    "worker_release",
]

#: How long to wait for the scheduler to answer before saying there is none.
CONNECT_SECONDS = 10


class ClusterError(AppraisalError):
    """The Dask cluster cannot be used: Dask not installed, no scheduler at the address,
    or workers running another release of appraisal."""


def replay_in_language(stored: Mapping[str, Any], lang: str) -> MonthReplay:
    """`replay_stored` with the differences worded in ``lang``, the command's language,
    whatever the worker's own."""
    set_language(lang)
    return replay_stored(stored)


def worker_release() -> str:
    """The release of appraisal a worker runs."""
    return __version__


def on_cluster(address: str) -> Runner:
    """The map on the Dask cluster whose scheduler is at ``address``."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ClusterError(
            _(
                "--scheduler needs Dask: install appraisal with the extra dask"
                " (pip install 'appraisal[dask]') ({error})"
            ).format(error=exc)
        ) from exc

    def run(records: list[Stored]) -> Iterator[MonthReplay]:
        try:
            client = Client(address, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                _("no Dask scheduler answers at {address}: {error}").format(
                    address=address, error=exc
                )
            ) from exc
        with client:
            others = {
                str(worker): str(release)
                for worker, release in client.run(worker_release).items()
                if release != __version__
            }
            if others:
                listed = ", ".join(f"{w} ({r})" for w, r in sorted(others.items()))
                raise ClusterError(
                    _(
                        "Dask workers run another release of appraisal than {release}: {workers};"
                        " install the same release on every worker"
                    ).format(release=__version__, workers=listed)
                )
            lang = language()
            sent = client.scatter(records)  # type: ignore[no-untyped-call]
            futures = client.map(replay_in_language, sent, lang=lang, pure=False)
            for future in futures:  # in the order given: calendar order
                yield future.result()

    return run
