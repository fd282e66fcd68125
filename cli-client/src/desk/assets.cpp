// The desk's one stylesheet, served from the binary: no CDN, no font from elsewhere, so the
// page works with no network at all. System fonts; readable on a phone's width; focus
// always visible for keyboard use.
#include "desk/desk.hpp"

namespace canvass::cli::desk {

std::string_view stylesheet() {
    return R"css(
:root { color-scheme: light dark; --accent: #1f5fa8; --warn: #a33; --line: #8884; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { background: var(--accent); color: #fff; padding: .5rem 1rem; }
header nav { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
header a { color: #fff; }
header .langs { margin-left: auto; }
header .langs a[aria-current] { font-weight: bold; text-decoration: none; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
a { color: var(--accent); }
@media (prefers-color-scheme: dark) { a { color: #8bb8f0; } }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible { outline: 3px solid #f90; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; color: #000; padding: .25rem .5rem; z-index: 1; }
form.inline { display: inline; }
button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
input, select, textarea { font: inherit; max-width: 100%; }
.counts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
table { border-collapse: collapse; }
caption { text-align: left; font-weight: bold; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
td.when { white-space: nowrap; }
.scroll { overflow-x: auto; }
table.submissions th a { text-decoration: none; white-space: nowrap; }
table.submissions td { max-width: 16rem; }
td.conflict, .answer.conflict { color: var(--warn); font-weight: bold; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .5rem 0; }
.pages { margin: 1rem 0; }
.notice { background: #2a72; padding: .5rem; }
.error, .warning { color: var(--warn); }
.conflict ul { list-style: none; padding-left: 0; }
.conflict li { margin: .25rem 0; }
dl .field { display: grid; grid-template-columns: minmax(8rem, 20rem) 1fr; gap: .5rem; border-bottom: 1px solid var(--line); padding: .25rem 0; }
dl dd { margin: 0; }
dl dt, dl dd { min-width: 0; }
.answers, .conflicts, .review, main > p, h1 { overflow-wrap: anywhere; }
@media (max-width: 40rem) { dl .field { grid-template-columns: 1fr; } main { padding: .5rem; } }
ol.history { font-size: .9em; }
fieldset { border: 1px solid var(--line); }
svg.map { width: 100%; max-height: 75vh; border: 1px solid var(--line); }
svg.map .ground { fill: #dfe9d8; }
svg.map line { stroke: #fff; stroke-width: 1; vector-effect: non-scaling-stroke; }
svg.map text { fill: #567; font-size: 11px; }
svg.map circle { fill: var(--accent); stroke: #fff; stroke-width: 0; }
svg.map circle.conflict { fill: var(--warn); }
svg.map a:focus circle, svg.map a:hover circle { fill: #f90; }
pre.report { white-space: pre-wrap; }
)css";
}

}  // namespace canvass::cli::desk
