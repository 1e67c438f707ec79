"""``python -m codegen generate | check | import PAGE|ENTRY.json... | sync``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codegen.errors import SchemaFileError, SchemaFilesError
from runcomfy_runtime.errors import RunComfyError

ROOT = Path(__file__).resolve().parent.parent


def _generate(args: argparse.Namespace) -> int:
    from codegen.emit import generate

    diff = generate(args.schemas, args.out)
    if not diff:
        print(f"{args.out} is up to date with {args.schemas}: nothing to write")
        return 0
    counts = f"{len(diff.missing)} new, {len(diff.changed)} changed, {len(diff.extra)} removed"
    print(f"generated {args.out}: {counts} file(s)")
    return 0


def _check(args: argparse.Namespace) -> int:
    from codegen.emit import build, compare

    diff = compare(build(args.schemas), args.out)
    if not diff:
        print(f"{args.out} is up to date with {args.schemas}")
        return 0
    for label, names in (
        ("missing", diff.missing),
        ("extra", diff.extra),
        ("changed", diff.changed),
    ):
        for name in names:
            print(f"{label}: {args.out / name}")
    print("generated code is out of date: run `make generate`", file=sys.stderr)
    return 1


def _import(args: argparse.Namespace) -> int:
    from codegen.import_command import run_import

    return run_import(args.pages, args.schemas, dry_run=args.dry_run, check=args.check)


def _sync(args: argparse.Namespace) -> int:
    from codegen.sync import run_sync

    return run_sync(args.schemas, args.base_url, args.only)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen")
    parser.add_argument("--schemas", type=Path, default=ROOT / "schemas")
    parser.add_argument("--out", type=Path, default=ROOT / "generated" / "runcomfy")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="write generated/runcomfy from schemas/").set_defaults(
        run=_generate
    )
    sub.add_parser("check", help="fail if generated/ differs from schemas/").set_defaults(
        run=_check
    )
    imp = sub.add_parser(
        "import", help="documentation pages or saved catalog answers -> schemas/<model id>.yaml"
    )
    imp.add_argument("pages", nargs="+", help="page files, or - for standard input")
    imp.add_argument("--dry-run", action="store_true", help="print the YAML, write nothing")
    imp.add_argument("--check", action="store_true", help="fail if a schema file differs")
    imp.set_defaults(run=_import)
    syn = sub.add_parser(
        "sync", help="every model of RunComfy's catalog -> schemas/ (token from the environment)"
    )
    syn.add_argument("--base-url", help="the API (default: $RUNCOMFY_BASE_URL or RunComfy)")
    syn.add_argument("--only", metavar="PATTERN", help="model ids matching this glob only")
    syn.set_defaults(run=_sync)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except (SchemaFileError, SchemaFilesError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except RunComfyError as e:  # sync: no token, the API unreachable or refusing
        print(f"error: {e}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
