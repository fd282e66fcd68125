#!/usr/bin/env python3
"""Checks the form format and the example questionnaires.

- schemas/form.schema.json is a valid JSON Schema 2020-12 document;
- every schemas/forms/*.json validates against it, and documents with typical
  mistakes are rejected by it;
- every example form is written in exactly English, French and Spanish, and
  together the forms use every question type, column and feature of docs/forms.md;
- every form has at least 20 example answer sets beside it (NAME.answers.jsonl)
  whose keys, shapes and choices fit the form;
- when the canvass binary has `form`, `canvass form check` accepts every form and
  `canvass form validate FORM --answers FORM.answers.jsonl --final` accepts every
  answer set.

Run by ctest as: python3 test_form_schema.py --source SRC --canvass BIN --server BIN
"""
import argparse
import copy
import glob
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover - depends on the machine
    print("test_form_schema: python3-jsonschema (>= 4.0, for Draft 2020-12) is required: "
          "apt-get install python3-jsonschema", file=sys.stderr)
    sys.exit(1)

LANGUAGES = ["en", "fr", "es"]
TYPES = ["text", "integer", "decimal", "select_one", "select_multiple", "date", "time", "datetime",
         "geopoint", "note", "calculate", "acknowledge", "group", "repeat"]
COLUMNS = ["label", "hint", "required", "relevant", "constraint", "constraint_message", "calculation",
           "default", "choice_filter", "appearance", "read_only", "required_message", "repeat_count"]
FORMS = ["waste_pickers", "street_vendors", "home_based_workers", "domestic_workers"]
MIN_ANSWERS = 20

problems = []


def problem(msg):
    problems.append(msg)


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problem(f"{path}: cannot read JSON: {e}")
        return None


def walk(rows, repeats=()):
    """Yield (row, enclosing repeat names) for every row, depth first."""
    for row in rows:
        yield row, repeats
        if row.get("type") in ("group", "repeat"):
            inner = repeats + (row["name"],) if row["type"] == "repeat" else repeats
            yield from walk(row.get("children", []), inner)


def base_type(row):
    return row.get("type", "").split(" ")[0]


def where(error):
    return "/".join(str(p) for p in error.absolute_path) or "(root)"


# ------------------------------------------------------------------ the schema
def check_schema(schema_path):
    schema = load_json(schema_path)
    if schema is None:
        return None
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        problem(f"{schema_path}: not a valid JSON Schema 2020-12 document: {e.message}")
        return None
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        problem(f"{schema_path}: $schema must be https://json-schema.org/draft/2020-12/schema")
    for key in ("$id", "title", "description"):
        if not schema.get(key):
            problem(f"{schema_path}: missing {key}")
    return Draft202012Validator(schema)


MINIMAL = {
    "settings": {"form_id": "mini", "version": "1", "title": {"en": "Mini", "fr": "Mini", "es": "Mini"},
                 "default_language": "en", "languages": ["en", "fr", "es"]},
    "survey": [
        {"type": "select_one yes_no", "name": "ok", "label": {"en": "OK?", "fr": "OK ?", "es": "¿OK?"},
         "required": True},
        {"type": "group", "name": "g", "label": {"en": "G", "fr": "G", "es": "G"}, "children": [
            {"type": "repeat", "name": "r", "label": {"en": "R", "fr": "R", "es": "R"}, "children": [
                {"type": "integer", "name": "n", "label": {"en": "N", "fr": "N", "es": "N"},
                 "constraint": ". > 0",
                 "constraint_message": {"en": "> 0", "fr": "> 0", "es": "> 0"}}]}]},
        {"type": "calculate", "name": "total", "calculation": "sum(${n})"},
    ],
    "choices": {"yes_no": [{"name": "yes", "label": {"en": "Yes", "fr": "Oui", "es": "Sí"}},
                           {"name": "no", "label": {"en": "No", "fr": "Non", "es": "No"}}]},
}


def broken_documents():
    """(what is wrong, document) pairs that the schema must reject."""
    out = []

    def variant(what, change):
        doc = copy.deepcopy(MINIMAL)
        change(doc)
        out.append((what, doc))

    inner = lambda d: d["survey"][1]["children"][0]["children"][0]
    variant("a misspelled column (constriant) deep inside a repeat",
            lambda d: inner(d).__setitem__("constriant", inner(d).pop("constraint")))
    variant("a misspelled column (lable) on a question",
            lambda d: d["survey"][0].__setitem__("lable", d["survey"][0].pop("label")))
    variant("a label that is a string, not an object", lambda d: d["survey"][0].__setitem__("label", "OK?"))
    variant("a label whose value is not a string", lambda d: d["survey"][0]["label"].__setitem__("fr", 3))
    variant("a select_one without a list", lambda d: d["survey"][0].__setitem__("type", "select_one"))
    variant("a select_multiple without a list", lambda d: d["survey"][0].__setitem__("type", "select_multiple "))
    variant("an unknown type", lambda d: d["survey"][0].__setitem__("type", "photo"))
    variant("a name with a space", lambda d: d["survey"][0].__setitem__("name", "is ok"))
    variant("a question without a label", lambda d: d["survey"][0].pop("label"))
    variant("a calculate without a calculation", lambda d: d["survey"][2].pop("calculation"))
    variant("a group without children", lambda d: d["survey"][1].pop("children"))
    variant("a group with no rows", lambda d: d["survey"][1].__setitem__("children", []))
    variant("the reserved name _id", lambda d: d["survey"][0].__setitem__("name", "_id"))
    variant("constraint on a note", lambda d: d["survey"].append(
        {"type": "note", "name": "hello", "label": {"en": "Hi", "fr": "Salut", "es": "Hola"}, "constraint": ". > 1"}))
    variant("children on a question", lambda d: d["survey"][0].__setitem__("children", []))
    variant("repeat_count on a group", lambda d: d["survey"][1].__setitem__("repeat_count", "2"))
    variant("required that is a number", lambda d: d["survey"][0].__setitem__("required", 1))
    variant("read_only that is a string", lambda d: d["survey"][0].__setitem__("read_only", "yes"))
    variant("an integer default that is a boolean", lambda d: inner(d).__setitem__("default", True))
    variant("a choice without a label", lambda d: d["choices"]["yes_no"][0].pop("label"))
    variant("a choice name starting with a space", lambda d: d["choices"]["yes_no"][0].__setitem__("name", " yes"))
    variant("a choice name with a tab", lambda d: d["choices"]["yes_no"][0].__setitem__("name", "y\tes"))
    variant("a trigger that is not a field reference", lambda d: inner(d).__setitem__("trigger", "n"))
    variant("an empty choice list", lambda d: d["choices"].__setitem__("empty", []))
    variant("a choice column that is not a string", lambda d: d["choices"]["yes_no"][0].__setitem__("country", 1))
    variant("settings without form_id", lambda d: d["settings"].pop("form_id"))
    variant("a misspelled settings key", lambda d: d["settings"].__setitem__("defaultLanguage", "en"))
    variant("a form_id starting with a digit", lambda d: d["settings"].__setitem__("form_id", "1form"))
    variant("languages that is a string", lambda d: d["settings"].__setitem__("languages", "en"))
    variant("an unknown top-level key", lambda d: d.__setitem__("sheets", {}))
    variant("no survey", lambda d: d.pop("survey"))
    return out


def check_schema_rejects(validator):
    errors = list(validator.iter_errors(MINIMAL))
    if errors:
        problem("the minimal valid form of this test is rejected by the schema: "
                + "; ".join(f"{where(e)}: {e.message}" for e in errors))
    for what, doc in broken_documents():
        if validator.is_valid(doc):
            problem(f"the schema accepts a form with {what}")


# ------------------------------------------------------------------ the forms
def check_form_document(path, form, validator):
    errors = sorted(validator.iter_errors(form), key=lambda e: list(map(str, e.absolute_path)))
    for e in errors:
        problem(f"{path}: {where(e)}: {e.message}")
    if errors:
        return False
    settings = form["settings"]
    if settings.get("languages") != LANGUAGES:
        problem(f"{path}: settings.languages is {settings.get('languages')}, want exactly {LANGUAGES}")
    name = os.path.basename(path)[:-len(".json")]
    if settings.get("form_id") != name:
        problem(f"{path}: form_id {settings.get('form_id')!r} differs from the file name")

    def label(value, at):
        if set(value) != set(LANGUAGES) or not all(value[lang].strip() for lang in LANGUAGES):
            problem(f"{path}: {at}: a label needs non-empty en, fr and es, has {sorted(value)}")

    label(settings["title"], "settings.title")
    seen = set()
    for row, _ in walk(form["survey"]):
        if row["name"] in seen:
            problem(f"{path}: field name {row['name']!r} is used twice")
        seen.add(row["name"])
        for col in ("label", "hint", "constraint_message", "required_message"):
            if col in row:
                label(row[col], f"{row['name']}.{col}")
        if " " in row["type"] and row["type"].split(" ")[1] not in form.get("choices", {}):
            problem(f"{path}: {row['name']}: unknown choice list in {row['type']!r}")
    for list_name, choices in form.get("choices", {}).items():
        names = [c["name"] for c in choices]
        if len(names) != len(set(names)):
            problem(f"{path}: choices.{list_name}: duplicate choice names")
        for c in choices:
            label(c["label"], f"choices.{list_name}.{c['name']}")
    return True


def check_coverage(forms):
    """Together the example forms use every type, column and feature of docs/forms.md."""
    types, columns, features = set(), set(), set()
    for form in forms.values():
        for row, repeats in walk(form["survey"]):
            t = base_type(row)
            types.add(t)
            columns.update(k for k in row if k not in ("type", "name", "children"))
            exprs = " ".join(str(row[c]) for c in ("relevant", "constraint", "calculation", "choice_filter",
                                                   "required", "repeat_count") if c in row)
            if t == "repeat" and repeats:
                features.add("a repeat inside a repeat")
            if t in ("group", "repeat") and "relevant" in row:
                features.add(f"relevant on a {t}")
            if t not in ("group", "repeat", "note", "calculate") and "relevant" in row:
                features.add("relevant on a question")
            if repeats and "relevant" in row:
                features.add("relevant inside a repeat")
            if repeats and "position(..)" in exprs:
                features.add("position(..) inside a repeat")
            if isinstance(row.get("required"), str):
                features.add("required as an expression")
            if "choice_filter" in row:
                features.add("choice_filter")
            if "constraint" in row and "constraint_message" in row:
                features.add("constraint with a message")
            for fn in ("count", "sum", "concat", "selected", "count-selected"):
                if re.search(r"(?<![\w-])" + re.escape(fn) + r"\(", exprs):
                    features.add(fn + "()")
    wanted_features = ["a repeat inside a repeat", "relevant on a group", "relevant on a repeat",
                       "relevant on a question", "relevant inside a repeat", "position(..) inside a repeat",
                       "required as an expression", "choice_filter", "constraint with a message",
                       "count()", "sum()", "concat()", "selected()", "count-selected()"]
    for t in TYPES:
        if t not in types:
            problem(f"no example form uses the type {t}")
    for c in COLUMNS:
        if c not in columns:
            problem(f"no example form uses the column {c}")
    for f in wanted_features:
        if f not in features:
            problem(f"no example form uses {f}")


# ------------------------------------------------------------------ the answers
def check_answers_shape(path, form, answers, folder):
    """Keys and JSON shapes only; relevance, constraints and calculations are `canvass form validate`'s job."""
    choices = {k: {c["name"] for c in v} for k, v in form.get("choices", {}).items()}

    def scope_fields(rows):
        out = {}
        for row in rows:
            out[row["name"]] = row
            if row["type"] == "group":
                out.update(scope_fields(row["children"]))
        return out

    def check(obj, rows, at):
        fields = scope_fields(rows)
        for key, value in obj.items():
            row = fields.get(key)
            if row is None:
                problem(f"{at}{key}: no such field here")
                continue
            t = base_type(row)
            if t in ("calculate", "note", "group") or row.get("read_only") is True:
                problem(f"{at}{key}: a {t if not row.get('read_only') else 'read-only'} field is never answered")
            elif t == "repeat":
                if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
                    problem(f"{at}{key}: a repeat is an array of objects")
                else:
                    for n, inst in enumerate(value):
                        check(inst, row["children"], f"{at}{key}[{n}].")
            else:
                ok = {
                    "text": lambda v: isinstance(v, str),
                    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                    "decimal": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                    "date": lambda v: isinstance(v, str) and len(v) == 10,
                    "time": lambda v: isinstance(v, str) and len(v) in (5, 8),
                    "datetime": lambda v: isinstance(v, str) and "T" in v,
                    "geopoint": lambda v: isinstance(v, dict) and {"lat", "lon"} <= set(v) <= {"lat", "lon", "alt", "acc"},
                    "acknowledge": lambda v: v == "OK",
                    # A media answer names a file beside the answers file, as `canvass fill` reads it.
                    **{m: (lambda v: isinstance(v, str) and os.path.isfile(os.path.join(folder, v)))
                       for m in ("image", "audio", "video", "file")},
                    "select_one": lambda v: v in choices.get(row["type"].split(" ")[1], ()),
                    "select_multiple": lambda v: isinstance(v, list) and len(v) == len(set(v)) and all(
                        x in choices.get(row["type"].split(" ")[1], ()) for x in v),
                }[t]
                if not ok(value):
                    problem(f"{at}{key}: {json.dumps(value, ensure_ascii=False)} is not a valid {row['type']} answer")

    check(answers, form["survey"], f"{path}: ")


def check_answers_file(path, form):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f.read().split("\n") if line.strip()]
    except OSError as e:
        problem(f"{path}: missing: {e}")
        return
    if len(lines) < MIN_ANSWERS:
        problem(f"{path}: {len(lines)} answer sets, want at least {MIN_ANSWERS}")
    for n, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError as e:
            problem(f"{path}:{n}: not JSON: {e}")
            continue
        if not isinstance(record, dict):
            problem(f"{path}:{n}: an answer set is a JSON object")
            continue
        if form is not None:
            check_answers_shape(f"{os.path.basename(path)}:{n}", form, record, os.path.dirname(path))


# ------------------------------------------------------------------ canvass itself
def run(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
        return p.returncode, p.stdout + p.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, str(e)


def check_with_canvass(canvass, form_paths):
    if not canvass or not os.path.isfile(canvass) or not os.access(canvass, os.X_OK):
        print(f"note: no canvass binary at {canvass!r}; skipping `canvass form check` and `form validate`")
        return
    # An argument parser may print the top-level help (exit 0) for a subcommand it does not know,
    # so `form` counts as available only if its own help lists `check` and `validate`.
    code, out = run([canvass, "form", "--help"])
    if code != 0 or "check" not in out or "validate" not in out:
        print("note: this canvass has no `form` command yet; skipping `canvass form check` and `form validate`")
        return
    code, out = run([canvass, "form", "check"] + form_paths)
    if code != 0:
        problem(f"canvass form check {' '.join(os.path.basename(p) for p in form_paths)} exited {code}:\n{out}")
    for path in form_paths:
        answers = path[:-len(".json")] + ".answers.jsonl"
        code, out = run([canvass, "form", "validate", path, "--answers", answers, "--final"])
        if code != 0:
            problem(f"canvass form validate {os.path.basename(path)} --answers {os.path.basename(answers)} "
                    f"--final exited {code}:\n{out}")
        else:
            print(f"ok: canvass form validate {os.path.basename(path)} --final")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                        help="the source tree")
    parser.add_argument("--canvass", default="", help="the canvass binary (optional)")
    args, _unknown = parser.parse_known_args()
    source = os.path.abspath(args.source)
    schema_path = os.path.join(source, "schemas", "form.schema.json")
    forms_dir = os.path.join(source, "schemas", "forms")

    validator = check_schema(schema_path)
    if validator is not None:
        check_schema_rejects(validator)

    form_paths = sorted(glob.glob(os.path.join(forms_dir, "*.json")))
    names = [os.path.basename(p)[:-len(".json")] for p in form_paths]
    for wanted in FORMS:
        if wanted not in names:
            problem(f"{forms_dir}: missing the example form {wanted}.json")
    forms = {}
    for path in form_paths:
        form = load_json(path)
        if form is None or validator is None:
            continue
        if check_form_document(path, form, validator):
            forms[path] = form
        check_answers_file(path[:-len(".json")] + ".answers.jsonl", forms.get(path))
    for path in glob.glob(os.path.join(forms_dir, "*.answers.jsonl")):
        if path[:-len(".answers.jsonl")] + ".json" not in form_paths:
            problem(f"{path}: no form beside it")
    if forms:
        check_coverage(forms)

    if not problems:
        check_with_canvass(args.canvass, form_paths)

    if problems:
        print(f"test_form_schema: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"ok: schema and {len(forms)} example forms with their answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
