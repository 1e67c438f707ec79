"""``runcomfy-codegen`` (also ``python -m runcomfy_codegen``): ``sync | import | generate | check``
of a typed package, ``--into DIR``.

Only the standard library loads before the command is known: without the ``codegen`` extra
the command says which pip line installs it (exit 69) instead of failing on an import.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runcomfy_codegen.target import Target

NEEDS = {"jinja2": "Jinja2", "yaml": "PyYAML", "fastjsonschema": "fastjsonschema", "ruff": "ruff"}
"""What the generator imports or runs beyond the runtime's own dependencies, module ->
distribution: the ``codegen`` extra of ``pyproject.toml`` (a test holds the two together)."""

PIP_LINE = "pip install 'runcomfy[codegen]'"
EX_UNAVAILABLE = 69  # sysexits: a service (here, a dependency) is unavailable

DESCRIPTION = """\
Typed modules for the RunComfy models you use, generated into a package of your project.

  runcomfy-codegen sync --only 'kling/*' --into src/mymodels    # from the live catalog
  runcomfy-codegen import ENTRY.json PAGE.txt --into src/mymodels  # from saved entries, pages
  runcomfy-codegen generate --into src/mymodels                 # the code again, from schemas/
  runcomfy-codegen check --into src/mymodels                    # fail if the code is stale

--into DIR is the package (named after the folder: `import mymodels`), with its own RunComfy
and AsyncRunComfy, its registry, one typed module per model, py.typed, and its source, the
schema files, in DIR/schemas/ (--schemas to keep them elsewhere). It imports only
runcomfy_runtime at run time. The folder is the generator's: never edit it by hand.

Say it once in ./pyproject.toml and every command needs no option (options given win):

  [tool.runcomfy-codegen]
  into = "src/mymodels"      # schemas = "...", too
"""


def missing_dependencies() -> list[str]:
    """The distributions of :data:`NEEDS` this interpreter cannot import."""
    return [dist for module, dist in NEEDS.items() if importlib.util.find_spec(module) is None]


def _target(args: argparse.Namespace) -> Target:
    from runcomfy_codegen.project import defaults
    from runcomfy_codegen.target import TargetError, target

    given = defaults(Path.cwd())
    into = args.into or given.into
    if into is None:
        raise TargetError(
            "no package folder: give --into DIR, or set it once in ./pyproject.toml:\n"
            '    [tool.runcomfy-codegen]\n    into = "src/mymodels"'
        )
    schemas = args.schemas or (given.schemas if args.into is None else None)
    distribution = args.distribution or (given.distribution and args.into is None)
    writing = args.command != "check" and not getattr(args, "dry_run", False)
    writing = writing and not getattr(args, "check", False)
    return target(into, schemas, distribution=distribution, writing=writing)


def _generated(found: Target) -> int:
    from runcomfy_codegen.emit import generate

    diff = generate(found.schemas, found.folder, found.package)
    if not diff:
        print(f"{found.folder} is up to date with {found.schemas}: nothing to write")
        return 0
    counts = f"{len(diff.missing)} new, {len(diff.changed)} changed, {len(diff.extra)} removed"
    print(f"generated {found.folder} (package {found.package.name}): {counts} file(s)")
    return 0


def _generate(args: argparse.Namespace) -> int:
    return _generated(_target(args))


def _check(args: argparse.Namespace) -> int:
    from runcomfy_codegen.emit import build, compare

    found = _target(args)
    diff = compare(build(found.schemas, found.package), found.folder, found.schemas)
    if not diff:
        print(f"{found.folder} is up to date with {found.schemas}")
        return 0
    found_by = (("missing", diff.missing), ("extra", diff.extra), ("changed", diff.changed))
    for label, names in found_by:
        for name in names:
            print(f"{label}: {found.folder / name}")
    print(
        f"generated code is out of date: run `runcomfy-codegen generate --into {args.into}`",
        file=sys.stderr,
    )
    return 1


def _import(args: argparse.Namespace) -> int:
    from runcomfy_codegen.import_command import run_import

    found = _target(args)
    code = run_import(
        args.pages, found.schemas, found.package.name, dry_run=args.dry_run, check=args.check
    )
    if args.dry_run or args.check:
        return code
    return max(code, _generated(found))


def _sync(args: argparse.Namespace) -> int:
    from runcomfy_codegen.sync import run_sync

    found = _target(args)
    code = run_sync(found.schemas, found.package.name, args.base_url, args.only or ())
    return max(code, _generated(found))  # a refused model: the others are generated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runcomfy-codegen",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="the package folder; its name is the package's (src/mymodels: import mymodels); "
        "default: [tool.runcomfy-codegen] into, in ./pyproject.toml",
    )
    where.add_argument(
        "--schemas",
        type=Path,
        metavar="DIR",
        help="where its schema files live (default: DIR/schemas, inside the package folder)",
    )
    where.add_argument(
        "--distribution",
        action="store_true",
        help="the runcomfy distribution's own package (the repository's generated/runcomfy): "
        "adds the modules its entry points name",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    syn = sub.add_parser(
        "sync",
        parents=[where],
        help="models of RunComfy's catalog -> schema files -> the package",
        description="Pull models from the catalog (token and base URL as the client reads "
        "them: $RUNCOMFY_API_TOKEN, $RUNCOMFY_BASE_URL...), write their schema files, then "
        "generate the package.",
    )
    syn.add_argument("--base-url", help="the API (default: $RUNCOMFY_BASE_URL, else RunComfy)")
    syn.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="model ids matching this glob only ('kling/*'); repeat it for more",
    )
    syn.set_defaults(run=_sync)
    imp = sub.add_parser(
        "import",
        parents=[where],
        help="saved catalog entries or documentation pages -> schema files -> the package",
    )
    imp.add_argument("pages", nargs="+", help="ENTRY.json, a listing, PAGE.txt, or - for stdin")
    imp.add_argument("--dry-run", action="store_true", help="print the YAML, write nothing")
    imp.add_argument("--check", action="store_true", help="fail if a schema file differs")
    imp.set_defaults(run=_import)
    sub.add_parser(
        "generate", parents=[where], help="the package from its schema files"
    ).set_defaults(run=_generate)
    sub.add_parser(
        "check", parents=[where], help="fail if the package differs from its schema files"
    ).set_defaults(run=_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args_given = sys.argv[1:] if argv is None else argv
    asks_help = any(a in ("-h", "--help") for a in args_given)
    missing = missing_dependencies()
    if missing and not asks_help:
        print(
            f"runcomfy-codegen needs the generator's dependencies, which a plain install of "
            f"runcomfy leaves out (missing: {', '.join(missing)}). Install them with:\n"
            f"    {PIP_LINE}",
            file=sys.stderr,
        )
        return EX_UNAVAILABLE
    args = _parser().parse_args(args_given)
    from runcomfy_codegen.errors import SchemaFileError, SchemaFilesError
    from runcomfy_codegen.project import ProjectError
    from runcomfy_codegen.target import TargetError
    from runcomfy_runtime.errors import RunComfyError

    try:
        code: int = args.run(args)
    except (SchemaFileError, SchemaFilesError, TargetError, ProjectError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except RunComfyError as e:  # sync: no token, the API unreachable or refusing
        print(f"error: {e}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
