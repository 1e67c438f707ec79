"""The ``runcomfy`` command: one model from a shell, or a resumable batch of many.

Modules, one job each: ``main`` (from argv to an exit code; errors reported once), ``parser``
(the grammar and its help), ``options`` (argparse options built from an endpoint's schema),
``inputs`` (``--input``/``--input-file``/batch lines: bounded, parsed, keys in wire form),
``config`` (token, base URL, clients, the fail-fast first request), ``messages`` (the
client's errors worded for a person), ``failures`` and ``exitcodes`` (the command's own
failures and the sysexits table), ``suggest`` ("did you mean"), ``describe`` (``models`` and
``schema``), ``lifecycle`` (run, status, result, wait, cancel, download), ``batch``,
``journal``, ``summary`` and ``lock`` (the resumable batch runner, its SQLite record, its end
and its folder lock), ``progress`` (status line and progress bar), ``completion`` (shell
scripts).

Nothing here is imported by ``import runcomfy``; the CLI imports the client lazily, so
``runcomfy --help`` stays fast.
"""
