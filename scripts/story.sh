#!/usr/bin/env bash
# canvass's main job on one machine, with the binaries of the build directory given as $1:
# a local sync server, two field devices and a coordinator; interviews saved offline; sync;
# the merged records; a correction by each side merging; the coordinator's export, with the
# photos taken in the interviews.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(cd "${1:-build}" && pwd)
canvass="$bin/cli-client/canvass"
server="$bin/sync-server/canvass-server"
work="$bin/story"
form=street_vendors
answers="schemas/forms/$form.answers.jsonl"

rm -rf "$work"
mkdir -p "$work"
# One passphrase for every store of the demonstration; in the field each person types theirs.
export CANVASS_PASSPHRASE="story passphrase, not for real data"
export NO_COLOR=1
step() { printf '\n== %s\n' "$*"; }
as() { local who=$1; shift; CANVASS_HOME="$work/$who" "$canvass" "$@"; }

step "The example forms (each also as an XLSForm spreadsheet, as survey designers write them)"
"$canvass" form check schemas/forms/*.json schemas/forms/*.xlsx

step "The coordinator creates the project key (only coordinators can read answers)"
as coordinator init
as coordinator keys create --out "$work/coordinator.key"
step "The coordinator signs who may read the project's answers (devices check it, not the server)"
as coordinator keys recipients --key "$work/coordinator.key" --project vendors --out "$work/recipients.txt"

step "The sync server: project, form, listening on 127.0.0.1"
"$server" --data "$work/server" init
"$server" --data "$work/server" project create vendors --recipients "$work/recipients.txt"
fingerprint=$("$server" --data "$work/server" project recipients vendors 2>&1 >/dev/null | awk '/^fingerprint/ {print $2}')
"$server" --data "$work/server" form publish --project vendors "schemas/forms/$form.xlsx"
"$server" --data "$work/server" run --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$work/server.out" && break; sleep 0.1; done
address=$(awk '/listening on/ {print $NF}' "$work/server.out")
echo "server at $address"

step "Two field researchers and the coordinator enroll with one-time tokens"
for who in amina bongani coordinator; do
  role=collector
  [ $who = coordinator ] && role=coordinator
  [ $who = coordinator ] || as $who init
  token=$("$server" --data "$work/server" token create --project vendors --role $role \
           --address "$address" --json | sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
  as $who enroll "$token" --fingerprint "$fingerprint"
done

step "Interviews offline: Amina and Bongani each record their share"
total=$(grep -c . "$answers")
head -n $((total / 2)) "$answers" >"$work/amina.jsonl"
tail -n +$((total / 2 + 1)) "$answers" >"$work/bongani.jsonl"
# Some answers name a photo of the stall; it is copied into the store, encrypted, when saved.
cp schemas/forms/stall.png "$work/"
as amina fill $form --answers "$work/amina.jsonl" --finalize
as bongani fill $form --answers "$work/bongani.jsonl" --finalize
as amina status

step "Back in range: they sync"
as amina sync
as bongani sync

step "The coordinator syncs and sees one merged dataset"
as coordinator sync
as coordinator records | head -5
echo "..."
"$server" --data "$work/server" stats
echo "coordinator $(as coordinator status --json | sed -n 's/.*"digest": *"\([^"]*\)".*/digest \1/p')"

step "Cleaning: after a call-back Amina corrects one answer, the coordinator another; both merge"
record=$(as amina records --json | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -1)
echo '{"dependants": 3}' >"$work/callback.json"
as amina edit "$record" --answers "$work/callback.json"
echo '{"years_vending": 1}' >"$work/cleaning.json"
as coordinator edit "$record" --key "$work/coordinator.key" --answers "$work/cleaning.json"
as amina sync
as coordinator sync
as coordinator show "$record" --key "$work/coordinator.key" | grep -E '"(dependants|years_vending)"'

step "The coordinator exports for the statisticians"
as coordinator export --key "$work/coordinator.key" --form $form --format csv --out "$work/export"
as coordinator export --key "$work/coordinator.key" --form $form --format dta --out "$work/export"
as coordinator export --key "$work/coordinator.key" --form $form --format sav --out "$work/export"
echo
echo "The merged dataset is in $work/export:"
ls -1 "$work/export"
echo "with the photos of the stalls, decrypted, in $work/export/media:"
ls -1 "$work/export/media" | head -3
cmp "$work/export/media/$(ls "$work/export/media" | head -1)" schemas/forms/stall.png && echo "(the same bytes as the photo taken)"
