"""Benchmark: code generation at 1,000 endpoints, and what the typed path costs a user's script.

What it measures, in one run (median [runs] of whole processes; it prints figures and
PASS/MISS per goal, asserts nothing):

1. A synthetic schema tree of 1,000 endpoints, made (seeded, deterministic) from the four real
   files in ``schemas/``: the same property kinds (image-URL arrays with ``validations``,
   prompts with ``maxLength``, ``width×height``-style string enums, a ``float`` scale with
   bounds, booleans, integer enums) with varied limits and enum lists, under model ids one to
   three namespaces deep (``vendor3/model-42-7/pro/image-to-video``).
2. ``runcomfy-codegen generate`` of that tree as a whole process (what ``make generate``
   runs), 5 times into empty folders; then one run stage by stage, in process, to show where
   the time goes. Goal: < 2 s.
3. With ``--reference``: datamodel-code-generator making pydantic v2 models from the same
   1,000 input schemas (``"type": "float"`` normalised to ``number`` for it).
4. The typed path of a user's script as a whole process, ``from runcomfy import RunComfy;
   RunComfy(...).<first endpoint>``, at 1,000 and 10,000 endpoints, against ``python -c
   "import httpx"``, interleaved. Goals: <= 1.2x ``import httpx``, and flat in the number of
   endpoints (10,000 within 1.1x of 1,000).

Run: ``.venv/bin/python bench/bench_codegen.py [--reference]``
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from runcomfy_codegen.target import RUNCOMFY

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"

N_ENDPOINTS = 1000
VENDORS = 20
SEED = 20250101
GEN_REPS = 5
REF_REPS = 3
REF_SLOW_SECONDS = 30.0  # a reference run slower than this is not repeated
IMPORT_REPS = 9
GOAL_GEN_SECONDS = 2.0
GOAL_IMPORT_RATIO = 1.2
GOAL_FLAT = 1.1
LARGE_TREE = 10_000

# The real schema files each synthetic endpoint is varied from, by the id's last segment.
TEMPLATES = {
    "edit": ("bytedance/dreamina-4-0/edit", "bytedance/seedream-4-0/edit"),
    "text-to-image": ("bytedance/dreamina-4-0/text-to-image",),
    "image-to-video": ("bytedance/dreamina-3-0/pro/image-to-video",),
}
TIERS = ("pro", "lite", "turbo")

# Extra properties of the kinds the real files use; an endpoint gets none, one or two of them.
EXTRA_PROPERTIES: dict[str, dict[str, Any]] = {
    "negative_prompt": {
        "title": "Negative prompt",
        "description": "What to keep out of the result.",
        "type": "string",
        "maxLength": 500,
        "default": "",
    },
    "num_images": {
        "title": "Number of images",
        "description": "",
        "type": "integer",
        "enum": [1, 2, 3, 4],
        "default": 1,
    },
    "enable_safety_checker": {
        "title": "Safety checker",
        "description": "Filter unsafe content.",
        "type": "boolean",
        "default": True,
    },
    "guidance_scale": {
        "title": "Guidance scale",
        "description": "How closely to follow the prompt.",
        "type": "float",
        "minimum": 1,
        "maximum": 20,
        "default": 7.5,
    },
    "aspect_ratio": {
        "title": "Aspect ratio",
        "description": "",
        "type": "string",
        "enum": ["1:1", "16:9", "9:16", "4:3", "3:4", "21:9"],
        "default": "1:1",
    },
}


# --------------------------------------------------------------------------- synthetic schemas


def load_templates() -> dict[str, dict[str, Any]]:
    return {
        model_id: yaml.safe_load((SCHEMAS / f"{model_id}.yaml").read_text(encoding="utf-8"))
        for ids in TEMPLATES.values()
        for model_id in ids
    }


def model_ids(n: int, rng: random.Random) -> list[str]:
    """``n`` unique ids: 10% one namespace deep, 25% three deep (a tier), the rest two deep."""
    leaves = list(TEMPLATES)
    ids: list[str] = []
    family = 0
    while len(ids) < n:
        # one digit after the family number keeps namespace class names unique (see report)
        base = f"vendor{family % VENDORS}/model-{family}-{rng.randrange(10)}"
        shape = rng.random()
        if shape < 0.10:
            ids.append(base)
        elif shape < 0.35:
            for tier in rng.sample(TIERS, rng.randint(1, 2)):
                ids += [f"{base}/{tier}/{leaf}" for leaf in rng.sample(leaves, rng.randint(1, 2))]
        else:
            ids += [f"{base}/{leaf}" for leaf in rng.sample(leaves, rng.randint(1, 3))]
        family += 1
    return ids[:n]


def _vary_rules(rules: list[dict[str, Any]], rng: random.Random) -> None:
    """New limits, with the documented message kept in step; spellings varied as the docs do."""
    scale = {"file_size_mb": rng.choice([0.5, 1, 1.5, 2]), "pixels": rng.choice([0.5, 1, 2])}
    for rule in rules:
        metric = rule["validation_rule"].rstrip("<>=≤≥ ")
        old = float(rule["validation_value"])
        if metric == "file_size_mb":
            new: float = round(old * scale["file_size_mb"], 1)
        elif metric.endswith("_pixels"):
            new = int(old * scale["pixels"])
        else:  # an aspect ratio: keep it
            new = old
        old_text, new_text = f"{old:g}", f"{new:g}"
        rule["validation_error"] = rule["validation_error"].replace(old_text, new_text)
        rule["validation_value"] = new_text if rng.random() < 0.3 else new
        op = rule["validation_rule"][len(metric) :]
        if rng.random() < 0.5:
            op = op.replace("<=", "≤").replace(">=", "≥")
        rule["validation_rule"] = metric + op


def _vary_property(prop: dict[str, Any], rng: random.Random) -> None:
    kind = prop["type"]
    if kind == "array":
        prop["maxItems"] = rng.randint(max(1, prop.get("minItems", 1)), 10)
        if "default" in prop:
            prop["default"] = prop["default"][: prop["maxItems"]]
        _vary_rules(prop.get("validations", []), rng)
    elif kind == "string" and "enum" in prop:
        keep = [v for v in prop["enum"] if v == prop.get("default") or rng.random() < 0.8]
        if rng.random() < 0.3:
            keep.append(rng.choice(["1536x1536(1:1)", "8192x8192(1:1)", "1280x720 (16:9)"]))
        prop["enum"] = list(dict.fromkeys(keep))
    elif kind == "string" and "maxLength" in prop:
        longest = len(prop.get("default", ""))
        prop["maxLength"] = rng.choice([n for n in (300, 600, 800, 1000, 2000) if n >= longest])
    elif kind == "float":
        prop["maximum"] = prop.get("minimum", 0) + rng.choice([1, 2, 5, 10])
        prop["default"] = round(rng.uniform(prop.get("minimum", 0), prop["maximum"]), 2)
    elif kind == "boolean":
        prop["default"] = rng.random() < 0.5
    elif kind == "integer" and "enum" in prop:
        values = prop["enum"]
        longer = [*values, values[-1] + values[-1] - values[-2]]
        prop["enum"] = rng.choice([values, longer, values[:-1] if len(values) > 2 else values])
        prop["default"] = prop["enum"][0]


def synthetic_doc(
    template: dict[str, Any], model_id: str, index: int, rng: random.Random
) -> dict[str, Any]:
    doc = copy.deepcopy(template)
    doc["summary"] = doc["summary"].replace(doc["id"], model_id)
    doc["id"] = model_id
    doc["endpoint"] = f"/v1/models/{model_id}"
    doc["source"] = f"{index:04d}_synthetic.txt"
    properties = doc["input"]["properties"]
    for prop in properties.values():
        _vary_property(prop, rng)
    for name in rng.sample(sorted(EXTRA_PROPERTIES), rng.randint(0, 2)):
        properties[name] = copy.deepcopy(EXTRA_PROPERTIES[name])
        _vary_property(properties[name], rng)
    for key, value in doc.get("example", {}).items():  # keep the example inside the limits
        if isinstance(value, list) and "maxItems" in properties.get(key, {}):
            doc["example"][key] = value[: properties[key]["maxItems"]]
    return doc


def make_tree(root: Path, n: int = N_ENDPOINTS, seed: int = SEED) -> list[dict[str, Any]]:
    """Write ``n`` schema files under ``root`` (``<id>.yaml``) and return their documents."""
    rng = random.Random(seed)
    templates = load_templates()
    docs = []
    for index, model_id in enumerate(model_ids(n, rng)):
        leaf = model_id.rsplit("/", 1)[1]
        choices = TEMPLATES.get(leaf) or tuple(templates)  # a one-deep id: any template
        doc = synthetic_doc(templates[rng.choice(choices)], model_id, index, rng)
        path = root / f"{model_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
        path.write_text("# Synthetic, for bench/bench_codegen.py.\n" + text, encoding="utf-8")
        docs.append(doc)
    return docs


# --------------------------------------------------------------------------- timing helpers


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], unit: str = "s", factor: float = 1.0) -> str:
    """``median 1.23 s (runs: 1.30, 1.23, 1.20)``: seconds to 2 decimals, ms to 1."""
    digits = 2 if unit == "s" else 1
    shown = ", ".join(f"{v * factor:.{digits}f}" for v in values)
    return f"median {median(values) * factor:.{digits}f} {unit} (runs: {shown})"


# --------------------------------------------------------------------------- our generator


def diagnose(tree: Path) -> list[str]:
    """Every file the generator rejects, with its reason (run only when a build fails)."""
    from runcomfy_codegen.errors import SchemaFileError
    from runcomfy_codegen.load import load_file
    from runcomfy_codegen.model import build_endpoint, build_tree

    problems, endpoints = [], []
    for path in sorted(tree.rglob("*.yaml")):
        try:
            endpoints.append(build_endpoint(load_file(path, tree), RUNCOMFY.name))
        except SchemaFileError as e:
            problems.append(str(e))
    try:
        build_tree(endpoints, RUNCOMFY.name)
    except SchemaFileError as e:
        problems.append(str(e))
    return problems


def time_our_generation(tree: Path, out_root: Path) -> tuple[list[float], Path, bool]:
    """``GEN_REPS`` whole-process runs of ``runcomfy-codegen generate``, each into an empty
    directory: interpreter start, imports, load, check, normalise, model, render, format, write."""
    times, outputs = [], []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for rep in range(GEN_REPS):
        out = out_root / f"rep{rep}" / "runcomfy"
        command = [
            sys.executable,
            "-m",
            "runcomfy_codegen",
            "generate",
            "--schemas",
            str(tree),
            "--into",
            str(out),
            "--distribution",
        ]
        seconds, done = timed(
            functools.partial(
                subprocess.run, command, capture_output=True, text=True, env=env, cwd=ROOT
            )
        )
        if done.returncode != 0:
            print(f"  the generator rejected the synthetic tree:\n{done.stderr}")
            raise SystemExit(1)
        times.append(seconds)
        outputs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.py")})
    identical = all(files == outputs[0] for files in outputs)
    return times, out_root / f"rep{GEN_REPS - 1}" / "runcomfy", identical


def stage_breakdown(tree: Path, out: Path) -> list[tuple[str, float]]:
    """One extra run, stage by stage, to show where the time goes."""
    from runcomfy_codegen.emit import RUFF_FORMAT, _ruff, write
    from runcomfy_codegen.load import load_tree
    from runcomfy_codegen.model import build_endpoint, build_tree
    from runcomfy_codegen.render import render_package

    t_load, loaded = timed(lambda: load_tree(tree))
    t_model, endpoints = timed(lambda: [build_endpoint(f, RUNCOMFY.name) for f in loaded])
    t_tree, root = timed(lambda: build_tree(endpoints, RUNCOMFY.name))
    t_render, texts = timed(lambda: render_package(endpoints, root, RUNCOMFY))

    def format_and_read() -> dict[str, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for rel, text in texts.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_text(text, encoding="utf-8")
            subprocess.run([*_ruff(), *RUFF_FORMAT, "."], cwd=folder, check=True)
            return {rel: (folder / rel).read_bytes() for rel in texts}

    t_format, files = timed(format_and_read)
    t_write, _ = timed(lambda: write(files, out))
    paths = sorted(tree.rglob("*.yaml"))
    t_parse, _ = timed(lambda: [yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths])
    return [
        ("load YAML (libyaml) + meta-schema check", t_load),
        ("  pure-Python yaml.safe_load, for scale", t_parse),
        ("normalise + intermediate model", t_model + t_tree),
        ("render (Jinja2)", t_render),
        ("ruff format (one subprocess) + read back", t_format),
        ("write", t_write),
    ]


def libyaml_parse(tree: Path) -> float:
    """The same files through PyYAML's C loader, for scale: what the load stage could cost."""
    paths = sorted(tree.rglob("*.yaml"))
    seconds, _ = timed(
        lambda: [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in paths]
    )
    return seconds


# --------------------------------------------------------------------------- the reference


def reference_inputs(docs: list[dict[str, Any]], folder: Path) -> None:
    """One JSON Schema file per endpoint: its ``input``, with ``float`` made ``number``."""
    from runcomfy_runtime.schema.names import identifier

    def normalise(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: ("number" if k == "type" and v == "float" else normalise(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [normalise(v) for v in node]
        return node

    folder.mkdir(parents=True)
    for doc in docs:
        text = json.dumps(normalise(doc["input"]), ensure_ascii=False, indent=2)
        (folder / f"{identifier(doc['id'])}.json").write_text(text, encoding="utf-8")


def time_reference(inputs: Path, out_root: Path) -> tuple[list[float], str]:
    """datamodel-code-generator in process, its default formatters (black + isort) named
    explicitly. Its package is imported before the clock; black and isort load in the first run."""
    from datamodel_code_generator import InputFileType, generate
    from datamodel_code_generator.enums import DataModelType
    from datamodel_code_generator.format import Formatter

    times: list[float] = []
    noise = io.StringIO()
    said: set[str] = set()  # its warnings, shown once each after the runs
    while len(times) < REF_REPS:
        out = out_root / f"rep{len(times)}"

        def run(out: Path = out) -> None:
            generate(
                inputs,
                input_file_type=InputFileType.JsonSchema,
                output=out,
                output_model_type=DataModelType.PydanticV2BaseModel,
                formatters=[Formatter.BLACK, Formatter.ISORT],
                disable_timestamp=True,
            )

        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(noise):
            warnings.simplefilter("always")
            seconds, _ = timed(run)
        said.update(str(w.message) for w in caught)
        times.append(seconds)
        if seconds > REF_SLOW_SECONDS:
            break
    modules = sum(1 for p in (out_root / "rep0").rglob("*.py") if p.name != "__init__.py")
    note = f"{modules} model modules written"
    if len(times) < REF_REPS:
        note += f"; 1 run only (it took over {REF_SLOW_SECONDS:.0f} s)"
    for message in sorted(said):
        note += f"\n  its warning: {message}"
    return times, note


# --------------------------------------------------------------------------- imports

PROBE = """
import json, sys, time
{setup}
before = len(sys.modules)
start = time.perf_counter()
{statement}
seconds = time.perf_counter() - start
added = len(sys.modules) - before
httpx_loaded = "httpx" in sys.modules
import runcomfy
facts = {{"file": runcomfy.__file__, "endpoints": len(runcomfy.MODULES)}}
print(json.dumps({{"seconds": seconds, "modules": added, "httpx": httpx_loaded, **facts}}))
"""


def probe(pythonpath: Path, statement: str, setup: str = "") -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = PROBE.format(setup=setup, statement=statement)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=pythonpath,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {statement!r} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_import(pythonpath: Path, statement: str, setup: str = "") -> dict[str, Any]:
    """One untimed warm-up subprocess (writes the .pyc files), then ``IMPORT_REPS`` timed ones."""
    probe(pythonpath, statement, setup)
    runs = [probe(pythonpath, statement, setup) for _ in range(IMPORT_REPS)]
    return {
        "times": [r["seconds"] for r in runs],
        "modules": median([r["modules"] for r in runs]),
        "httpx": runs[0]["httpx"],
        "file": runs[0]["file"],
        "endpoints": runs[0]["endpoints"],
    }


def endpoint_path(model_id: str) -> str:
    from runcomfy_runtime.schema.names import identifier

    return ".".join(identifier(segment) for segment in model_id.split("/"))


# --------------------------------------------------------------------------- the run


@contextlib.contextmanager
def section(title: str) -> Iterator[None]:
    print(f"\n== {title}")
    start = time.perf_counter()
    yield
    print(f"  (section took {time.perf_counter() - start:.1f} s)")


def run_tree(tree: Path) -> list[dict[str, Any]]:
    with section(f"1. synthetic schema tree: {N_ENDPOINTS} endpoints (seed {SEED})"):
        docs = make_tree(tree)
        depths = Counter(doc["id"].count("/") for doc in docs)
        shown = ", ".join(f"{n} with {d} namespace level(s)" for d, n in sorted(depths.items()))
        props = sum(len(d["input"]["properties"]) for d in docs)
        print(f"  {len(docs)} files under {tree}")
        print(f"  {shown}; {props} input properties in all")
    return docs


def run_generation(tree: Path, tmp: Path) -> tuple[list[float], Path]:
    title = "2. our generation: runcomfy-codegen generate as a whole process (`make generate`)"
    with section(f"{title}, {GEN_REPS} runs"):
        times, package, identical = time_our_generation(tree, tmp / "out")
        files = [p for p in package.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        print(f"  {spread(times)}; {len(files)} files, {size / 1e6:.1f} MB")
        print(f"  same bytes on every run: {'yes' if identical else 'NO'}")
        print("  one more run, stage by stage (a separate run: its sum differs from the median):")
        for label, seconds in stage_breakdown(tree, tmp / "out-stages" / "runcomfy"):
            print(f"    {label:<38} {seconds:6.2f} s")
        if yaml.__with_libyaml__:
            c_parse = libyaml_parse(tree)
            print(f"    (for scale, not used by codegen: yaml.CSafeLoader {c_parse:.2f} s)")
    return times, package


def run_reference(docs: list[dict[str, Any]], tmp: Path) -> list[float]:
    with section("3. reference: datamodel-code-generator, pydantic v2 models from the inputs"):
        reference_inputs(docs, tmp / "ref-in")
        print(f"  input: {len(docs)} JSON Schema files, 'type: float' normalised to 'number'")
        times, note = time_reference(tmp / "ref-in", tmp / "ref-out")
        print(f"  {spread(times)}; {note}")
    return times


def whole_process(pythonpath: Path | None, code: str) -> float:
    """Wall seconds of ``python -c code`` as a user's script runs it: interpreter start
    included, the same for every side."""
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=pythonpath or ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def first_endpoint_code(docs: list[dict[str, Any]]) -> str:
    model_id = sorted(d["id"] for d in docs)[0]
    return (
        "from runcomfy import RunComfy\n"
        "client = RunComfy(api_token='sk-bench-0123456789', base_url='http://127.0.0.1:9')\n"
        f"client.{endpoint_path(model_id)}\n"
    )


def run_imports(packages: dict[int, tuple[Path, list[dict[str, Any]]]]) -> dict[str, list[float]]:
    """``import httpx`` against our typed path (client built, first endpoint reached) at each
    size, whole processes, interleaved: one untimed warm-up (writes .pyc) then the reps."""
    cases: dict[str, tuple[Path | None, str]] = {"import httpx": (None, "import httpx")}
    for size, (package, docs) in packages.items():
        cases[f"RunComfy().<first endpoint> at {size:,}"] = (
            package.parent,
            first_endpoint_code(docs),
        )
    title = f"4. the typed path as a whole process: 1 warm-up + {IMPORT_REPS} interleaved runs"
    times: dict[str, list[float]] = {label: [] for label in cases}
    with section(title):
        for path, code in cases.values():
            whole_process(path, code)
        for _ in range(IMPORT_REPS):
            for label, (path, code) in cases.items():
                times[label].append(whole_process(path, code))
        base = median(times["import httpx"])
        for label, values in times.items():
            print(f"  {label:<42} {spread(values, 'ms', 1e3)}  ({median(values) / base:.2f}x)")
    return times


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    header = ("goal", "ours", "reference", "ratio", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def print_summary(
    gen: list[float], ref: list[float] | None, imports: dict[str, list[float]]
) -> None:
    ours_s = median(gen)
    httpx_s = median(imports["import httpx"])
    sizes = [label for label in imports if label != "import httpx"]
    small, large = (median(imports[label]) for label in sizes)
    print("\n== summary (medians; ratio = ours / reference, lower is better)")
    rows = [
        (
            f"generate {N_ENDPOINTS} endpoints (whole process) in < {GOAL_GEN_SECONDS:g} s",
            f"{ours_s:.2f} s",
            f"{GOAL_GEN_SECONDS:.2f} s (goal)",
            f"{ours_s / GOAL_GEN_SECONDS:.2f}x",
            verdict(ours_s < GOAL_GEN_SECONDS),
        )
    ]
    if ref:
        rows.append(
            (
                "generate faster than datamodel-codegen models",
                f"{ours_s:.2f} s",
                f"{median(ref):.2f} s",
                f"{ours_s / median(ref):.2f}x",
                verdict(ours_s < median(ref)),
            )
        )
    for label in sizes:
        ours = median(imports[label])
        rows.append(
            (
                f"{label} <= {GOAL_IMPORT_RATIO}x import httpx",
                f"{ours * 1e3:.1f} ms",
                f"{httpx_s * 1e3:.1f} ms",
                f"{ours / httpx_s:.2f}x",
                verdict(ours <= GOAL_IMPORT_RATIO * httpx_s),
            )
        )
    rows.append(
        (
            f"flat in the endpoint count ({sizes[1]} <= {GOAL_FLAT}x {sizes[0]})",
            f"{large * 1e3:.1f} ms",
            f"{small * 1e3:.1f} ms",
            f"{large / small:.2f}x",
            verdict(large <= GOAL_FLAT * small),
        )
    )
    print_table(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also time datamodel-code-generator (adds about 2 minutes)",
    )
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="bench-codegen-") as tmp_name:
        tmp = Path(tmp_name)
        docs = run_tree(tmp / "schemas")
        gen, package = run_generation(tmp / "schemas", tmp)
        ref = run_reference(docs, tmp) if args.reference else None
        with section(f"the same tree at {LARGE_TREE:,} endpoints (for the import's flatness)"):
            large_docs = make_tree(tmp / "schemas-large", n=LARGE_TREE)
            large = tmp / "large" / "runcomfy"
            from runcomfy_codegen.emit import generate

            seconds, _ = timed(lambda: generate(tmp / "schemas-large", large, RUNCOMFY))
            print(f"  generated in {seconds:.1f} s (in process, once)")
        imports = run_imports({N_ENDPOINTS: (package, docs), LARGE_TREE: (large, large_docs)})
    print_summary(gen, ref, imports)


if __name__ == "__main__":
    main()
