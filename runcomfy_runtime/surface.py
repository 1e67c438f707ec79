"""The public operations of the clients and the job handles, each documented once.

``Client`` and ``AsyncClient`` (``Job`` and ``AsyncJob``) inherit these: their methods carry
the signatures (one returns values, the other awaitables) and no docstring of their own, so
``help()``, ``inspect.getdoc`` and an IDE show the same text on both twins, and it cannot
drift between them. The bodies here are never run.
"""

from __future__ import annotations

from typing import Any


class ClientSurface:
    """What a client offers besides the generated namespaces."""

    def validate(self, *args: Any, **kwargs: Any) -> Any:
        """Run the stages ``level`` asks for ("full" probes the media files); raise with every
        problem found, or return the payload as it would be sent.

        A model the package was not generated for is validated against its schema from the
        catalog (fetched once); ``level="off"`` fetches nothing and sends the payload as it is.
        A local file too large to inline, with an uploader, is checked here and returned as a
        ``PendingUpload``: ``submit`` uploads it (nothing is uploaded by validating).
        ``extra_body`` adds inputs the schema does not list (a LoRA on a base model: see
        ``submit``).
        """
        raise NotImplementedError

    def spec(self, *args: Any, **kwargs: Any) -> Any:
        """The spec ``model_id`` is validated with: the generated one, else the catalog's
        schema (fetched once per client); ``UnknownModelError`` when neither knows it."""
        raise NotImplementedError

    def model(self, *args: Any, **kwargs: Any) -> Any:
        """The catalog's entry for ``model_id``: name, categories, kind, price, input schema."""
        raise NotImplementedError

    def models(self, *args: Any, **kwargs: Any) -> Any:
        """Every catalog entry matching ``search`` (id or name), ``category`` and ``kind``,
        paging through the listing."""
        raise NotImplementedError

    def categories(self, *args: Any, **kwargs: Any) -> Any:
        """The catalog's categories."""
        raise NotImplementedError

    def submit(self, *args: Any, **kwargs: Any) -> Any:
        """Validate, then queue a job; returns its handle as soon as the server has the job.

        ``on_sent`` is called when the request's body is about to be sent (its headers are
        out), before the body's first byte: from then on a job may exist, and until then none
        can, so a journal that records it knows which submits never left.

        ``extra_body`` (openai-python's name) adds inputs the catalog does not describe, merged
        into the body after the documented fields are validated: a LoRA trained or imported in
        RunComfy Trainer runs on its base model's id with
        ``extra_body={"lora": {"path": "my-style.safetensors"}}``. A key of ``extra_body`` the
        schema does list is validated as usual; a key given both ways is an input problem.
        """
        raise NotImplementedError

    def map(self, *args: Any, **kwargs: Any) -> Any:
        """Run one job per payload, ``concurrency`` at a time; iterate the run for an
        ``Outcome`` per payload as each job ends (``outcome.index`` says which payload).

        Options (``MapOptions``): ``concurrency`` (8), ``out`` (a folder: None), ``max_cost``
        (USD: None), ``validate`` ("full"), ``timeout`` (per job), ``resubmit_ambiguous``,
        ``retry_failed``. Every payload is checked offline first: nothing is sent for one that
        fails. One payload's failure is its outcome, with the typed error, never an exception
        out of the loop. With ``out``, the batch is journaled there exactly as ``runcomfy batch
        --out`` journals a file (a rerun after any crash waits on what was submitted and sends
        only what never left) and outputs are saved beside it; without it, nothing touches the
        disk. ``max_cost`` is a cap the confirmed costs plus the estimates of jobs in flight
        never pass. ``run.totals`` says what was charged and estimated, and whether rate
        limits lowered the concurrency.
        """
        raise NotImplementedError

    def estimate(self, *args: Any, **kwargs: Any) -> Any:
        """What a job of ``payload`` would cost, from the catalog's price (``Estimate.usd``;
        None, with the reason in ``basis``, when it cannot be priced): ``second`` times the
        payload's duration or its default, ``output``/``image``/``request`` times the outputs
        it asks for. The payload is checked offline first (``InputValidationError``); nothing
        is submitted."""
        raise NotImplementedError

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Validate, queue a job and wait for its result: ``submit`` then ``wait`` (see
        ``Job.wait`` for ``expected``, ``submit`` for ``extra_body``)."""
        raise NotImplementedError

    def job(self, *args: Any, **kwargs: Any) -> Any:
        """The handle of an existing job, from its id alone (checked against RunComfy's form:
        ``InvalidRequestIdError`` otherwise, before anything is sent)."""
        raise NotImplementedError

    def download(self, *args: Any, **kwargs: Any) -> Any:
        """Save every output of ``result`` into ``directory``; returns the paths, in order.

        Each file is streamed to a temporary name and renamed when complete, never past
        ``max_bytes``; with ``skip_existing``, an output already saved there is not fetched
        again. A failing file host is tried again (resuming where the host allows it). Output
        hosts never receive the token, nor any credential of the ``http_client`` given; a file
        is named by what its bytes are, from a table of media kinds.
        """
        raise NotImplementedError


class JobSurface:
    """What a job handle offers."""

    def status(self, *args: Any, **kwargs: Any) -> Any:
        """The job's status now: ``in_queue`` (with its position), ``in_progress``,
        ``completed``, ``cancelled``, or a variant word (see ``statuses.py``)."""
        raise NotImplementedError

    def result(self, *args: Any, **kwargs: Any) -> Any:
        """The result now: ``status`` tells whether it is final (see :class:`Result`); one
        asked for too early reads as still running."""
        raise NotImplementedError

    def cancel(self, *args: Any, **kwargs: Any) -> Any:
        """Cancel a queued job; ``CancelRefused`` once it runs or has finished."""
        raise NotImplementedError

    def wait(self, *args: Any, **kwargs: Any) -> Any:
        """Poll until the job ends: the succeeded result, or ``JobFailed``/``JobCancelled``/
        ``NoOutputError``/``WaitTimeout`` (after cancelling the job, when asked and still
        possible: ``WaitTimeout.cancelled`` says whether it was).

        The deadline holds whatever the server does: transient failures (5xx, 429, a lost
        connection) are retried until it, and a request in flight at the deadline is
        abandoned. ``expected`` (seconds, or a (low, high) range) tells how long the job
        should take, so polling concentrates around its end; without it, the lengths of this
        client's finished jobs of the same model are used (``polling.py``).
        """
        raise NotImplementedError

    def download(self, *args: Any, **kwargs: Any) -> Any:
        """Save every output into ``directory`` (waiting for the job first unless ``result``
        is given); returns the paths, in output order. See ``Client.download``."""
        raise NotImplementedError
