#!/usr/bin/env python3
"""The Stata and SPSS files as statisticians read them: R's haven and pandas.

A collector fills the market form of tests/data/export and syncs; a coordinator syncs and
exports .dta and .sav. R's haven (read_dta, read_sav with user_na) and pandas
(read_stata) read them back; every value, value label, variable label, type and missing
code is compared with tests/data/export/expected.json, worked out by hand from the form.

Run by ctest as: python3 test_export_stats.py --source SRC --canvass BIN --server BIN
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_export import Failure, World, check, enroll, start_server  # noqa: E402

FORM = "market_stats"
DATES = ("visit_date", "visit_start", "open_time")

# Prints, one per line and tab-separated, what haven reads: each variable's classes,
# label, value labels (tagged missing values as .a/.b) and user-missing values, then every
# value (dates as ISO text, Stata's tagged missing values as .a/.b) with is.na().
R_DUMP = r'''
library(haven)
args <- commandArgs(trailingOnly = TRUE)
d <- if (grepl("[.]dta$", args[1])) read_dta(args[1]) else read_sav(args[1], user_na = TRUE)
num <- function(v) {
  if (is.double(v)) { t <- na_tag(v); if (!is.na(t)) return(paste0(".", t)) }
  if (is.na(v)) return("NA")
  format(unclass(v), scientific = FALSE, digits = 15)
}
out <- function(...) cat(paste(..., sep = "\t"), "\n", sep = "")
for (v in names(d)) {
  x <- d[[v]]
  out("class", v, paste(class(x), collapse = "/"))
  if (!is.null(attr(x, "label"))) out("label", v, attr(x, "label"))
  labs <- attr(x, "labels")
  if (!is.null(labs)) for (i in seq_along(labs)) out("vlabel", v, num(labs[[i]]), names(labs)[i])
  if (!is.null(attr(x, "na_values"))) for (m in attr(x, "na_values")) out("na_value", v, num(m))
  for (r in seq_along(x)) {
    s <- if (inherits(x, "Date")) format(x[r]) else
         if (inherits(x, "POSIXct")) format(x[r], "%Y-%m-%dT%H:%M:%SZ", tz = "UTC") else
         if (inherits(x, "hms")) format(x[r]) else
         if (is.character(x)) x[r] else num(unclass(x)[r])
    out("value", v, r, ifelse(is.na(s), "NA", s), is.na(x[r]))
  }
}
'''


def haven(path, work):
    script = os.path.join(work, "dump.R")
    with open(script, "w") as f:
        f.write(R_DUMP)
    p = subprocess.run(["Rscript", script, path], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "haven could not read %s:\n%s" % (path, p.stderr))
    got = {"class": {}, "label": {}, "vlabel": {}, "na_value": {}, "value": {}}
    for line in p.stdout.splitlines():
        kind, var, *rest = line.split("\t")
        if kind == "class" or kind == "label":
            got[kind][var] = rest[0]
        elif kind == "vlabel":
            got["vlabel"].setdefault(var, {})[rest[0]] = rest[1]
        elif kind == "na_value":
            got["na_value"].setdefault(var, set()).add(rest[0])
        else:
            got["value"].setdefault(var, []).append((rest[1], rest[2] == "TRUE"))
    return got


def same_number(text, want):
    return not text.startswith(".") and text != "NA" and math.isclose(float(text), want, abs_tol=1e-9)


def check_haven(path, expected, ext, work):
    got = haven(path, work)
    traders = [v for v, _ in got["value"]["trader"]]
    stata = ext == "dta"
    for trader, row in expected["rows"].items():
        check(trader in traders, "%s: no row for %s" % (path, trader))
        i = traders.index(trader)
        for var, want in row.items():
            text, na = got["value"][var][i]
            where = "%s %s %s: haven read %r" % (ext, trader, var, text)
            if want in ("a", "b"):
                check(na, where + ", which should be missing")
                if var in DATES:
                    check(text == "NA", where)  # a date column holds no reason
                elif stata:
                    check(text == "." + want, where + ", want ." + want)
                else:
                    code = -999999997 if want == "a" else -999999998
                    check(same_number(text, code), where + ", want the user-missing code %d" % code)
            elif var in DATES:
                # haven gives Stata's %tc time of day as a date-time on 1960-01-01.
                shown = "1960-01-01T%sZ" % want if (stata and var == "open_time") else want
                check(text == shown and not na, where + ", want " + shown)
            elif isinstance(want, str):
                check(text == want and not na, where + ", want " + want)
            else:
                check(same_number(text, want) and not na, where + ", want %s" % want)
    # Types: dates are dates; codes and numbers are labelled numbers.
    classes = got["class"]
    check("Date" in classes["visit_date"], "%s visit_date is %s" % (ext, classes["visit_date"]))
    check("POSIXct" in classes["visit_start"], "%s visit_start is %s" % (ext, classes["visit_start"]))
    want_time = "POSIXct" if stata else "hms"
    check(want_time in classes["open_time"], "%s open_time is %s" % (ext, classes["open_time"]))
    check("haven_labelled" in classes["sells"], "%s sells is %s" % (ext, classes["sells"]))
    check(classes["goods_other"] == "character", "%s goods_other is %s" % (ext, classes["goods_other"]))
    for var, labels in expected["value_labels"].items():
        have = got["vlabel"].get(var, {})
        for code, label in labels.items():
            check(have.get(code) == label, "%s %s: label of %s is %r" % (ext, var, code, have.get(code)))
    missing = {".a": "not relevant", ".b": "not answered"} if stata else \
              {"-999999997": "not relevant", "-999999998": "not answered"}
    for var in ("sells", "stall_count", "goods_food", "income"):
        have = got["vlabel"].get(var, {})
        for code, label in missing.items():
            check(have.get(code) == label, "%s %s: missing value %s labelled %r" % (ext, var, code, have.get(code)))
        if not stata:
            check(got["na_value"].get(var) == set(missing), "%s %s user-missing: %s" % (ext, var, got["na_value"].get(var)))
    for var, label in expected["variable_labels"].items():
        check(got["label"].get(var) == label, "%s %s: variable label %r" % (ext, var, got["label"].get(var)))


def check_pandas(path, expected):
    import pandas  # Debian's python3-pandas
    # pandas 1.5 cannot convert dates and keep missing values' tags in one read.
    frame = pandas.read_stata(path, convert_missing=True, convert_categoricals=False, convert_dates=False)
    dates = pandas.read_stata(path, convert_categoricals=False)
    reader = pandas.io.stata.StataReader(path)
    labels = reader.variable_labels()
    value_labels = reader.value_labels()
    reader.close()
    by_trader = {r["trader"]: r for _, r in frame.iterrows()}
    dates_by_trader = {r["trader"]: r for _, r in dates.iterrows()}
    for trader, row in expected["rows"].items():
        got = by_trader[trader]
        for var, want in row.items():
            value = dates_by_trader[trader][var] if (var in DATES and want not in ("a", "b")) else got[var]
            where = "pandas %s %s: %r" % (trader, var, value)
            if want in ("a", "b"):
                check(isinstance(value, pandas.io.stata.StataMissingValue) and value.string == "." + want,
                      where + ", want ." + want)
            elif var in DATES:
                shown = "1960-01-01T%sZ" % want if var == "open_time" else want
                stamp = pandas.Timestamp(shown.rstrip("Z"))
                check(pandas.Timestamp(value) == stamp, where + ", want " + shown)
            elif isinstance(want, str):
                check(value == want, where)
            else:
                check(math.isclose(float(value), want, abs_tol=1e-9), where)
    for var in DATES:
        check("datetime" in str(dates[var].dtype), "pandas %s dtype %s" % (var, dates[var].dtype))
    for var, label in expected["variable_labels"].items():
        check(labels.get(var) == label, "pandas %s: label %r" % (var, labels.get(var)))
    sells = value_labels[[k for k in value_labels if k.startswith("yn")][0]]
    for code, label in expected["value_labels"]["sells"].items():
        check(sells.get(int(code)) == label, "pandas sells %s: %r" % (code, sells.get(int(code))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--canvass", required=True)
    ap.add_argument("--server", default="")
    args = ap.parse_args()
    if not args.server or not os.path.exists(args.server):
        print("skipped: canvass-server is not built")
        return 0
    if not shutil.which("Rscript"):
        print("FAIL: R is missing (scripts/setup.sh installs r-cran-haven)")
        return 1
    data = os.path.join(args.source, "tests/data/export")
    form_file = os.path.join(data, FORM + ".json")
    answers_file = os.path.join(data, FORM + ".answers.jsonl")
    with open(os.path.join(data, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)

    with tempfile.TemporaryDirectory(prefix="canvass-export-stats-") as work:
        world = World(args, work)
        server = None
        try:
            world.canvass("coordinator", "init")
            world.canvass("coordinator", "keys", "create", "--out", world.key)
            world.server("init")
            statement = os.path.join(work, "recipients.txt")
            world.canvass("coordinator", "keys", "recipients", "--key", world.key, "--project", "survey",
                          "--out", statement)
            world.server("project", "create", "survey", "--recipients", statement)
            world.server("form", "publish", "--project", "survey", form_file)
            server, address = start_server(world)
            enroll(world, address, "collector", "collector")
            enroll(world, address, "coordinator", "coordinator")
            world.canvass("collector", "fill", FORM, "--answers", answers_file, "--finalize")
            world.canvass("collector", "sync")
            world.canvass("coordinator", "sync")
            out = os.path.join(work, "export")
            world.canvass("coordinator", "export", "--key", world.key, "--form", FORM, "--format", "dta,sav",
                          "--out", out)
            for ext in ("dta", "sav"):
                check_haven(os.path.join(out, FORM + "." + ext), expected, ext, work)
            check_pandas(os.path.join(out, FORM + ".dta"), expected)
        except Failure as e:
            print("FAIL:", e)
            return 1
        finally:
            if server:
                server.terminate()
                server.wait(timeout=60)
    print("ok: Stata and SPSS files read back with haven and pandas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
