"""The dashboard's inline stylesheet: the public theme's tokens, light and dark, plus print.

Status colours are checked for WCAG AA (>= 4.5:1 as text on --bg and --surface, in both
schemes); every status also has a text label, so colour is never the only cue.
"""

from __future__ import annotations

CSS = """
:root{color-scheme:light dark;
--bg:#fbfbf9;--surface:#f1f1ec;--text:#1c1e21;--muted:#595d64;--border:#dcdcd5;
--border-strong:#858a93;--accent:#1d5fa6;--bar:#1d5fa6;--track:#dcdcd5;
--done:#1f6b4a;--on:#1d5fa6;--risk:#7a4f00;--off:#9b2c3a;--none:#595d64;
--font-sans:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Noto Sans",Ubuntu,Cantarell,
"Helvetica Neue",Arial,sans-serif;}
@media (prefers-color-scheme:dark){:root{
--bg:#131519;--surface:#1c1f24;--text:#e4e6e9;--muted:#a4aab3;--border:#2d3138;
--border-strong:#6e7580;--accent:#8ab8f0;--bar:#8ab8f0;--track:#2d3138;
--done:#7cc9a2;--on:#8ab8f0;--risk:#d9b44a;--off:#f29aa5;--none:#a4aab3;}}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:400 1rem/1.5 var(--font-sans);background:var(--bg);color:var(--text);
overflow-wrap:break-word}
.wrap{max-width:72rem;margin:0 auto;padding:0 clamp(1rem,4vw,2rem)}
a{color:var(--accent);text-underline-offset:.15em}
a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
h1,h2,h3{line-height:1.2;text-wrap:balance}
h1{font-size:clamp(1.5rem,1.25rem + 1vw,2rem);margin:0}
.title{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;margin:0 0 .25rem}
h2{font-size:1.375rem;margin:0 0 .6rem}
h3{font-size:1.125rem;margin:0}
header.top{border-bottom:1px solid var(--border);padding:.5rem 0 0;background:var(--surface)}
.private{display:inline-block;border:1px solid var(--off);color:var(--off);font-weight:700;
font-size:.875rem;padding:.1rem .6rem;border-radius:999px;margin:0}
.asof{color:var(--muted);margin:0;font-size:.9375rem}
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:0 1rem;padding:0;margin:.25rem 0 0}
nav a{display:inline-block;padding:.15rem 0}
main section{padding:1rem 0;border-bottom:1px solid var(--border)}
#overview{padding:.5rem 0}
#overview h2,#week h2{font-size:1.25rem;margin-bottom:.25rem}
.why{color:var(--muted);font-size:.875rem;display:inline-block;line-height:1.35}
table.goals{font-size:.875rem;line-height:1.3;margin:.25rem 0 0}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
#week{padding-top:.5rem}
table.goals th[scope=row]{font-weight:600}
@media (min-width:40.01rem){table.goals th[scope=row]{width:21%}
table.goals td:nth-of-type(1){width:8%}table.goals td:nth-of-type(2){width:21%}
table.goals td:nth-of-type(3){width:11%}table.goals td:nth-of-type(4){width:12%}
table.people td:last-child{width:40%}table.opps td:last-child{width:32%}}
table.goals td{padding-top:.3rem;padding-bottom:.3rem}
table.goals th{padding-top:.3rem;padding-bottom:.3rem}
table.goals .why{font-size:.875rem}
table.people,table.opps,table.brand{font-size:.875rem;line-height:1.35}
table.goals .meter{width:5rem;margin:.25rem 0 0}
.head{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 1.5rem}
.tally{margin:0;color:var(--muted);font-size:.9375rem}
ol.week{list-style:none;padding:0;margin:0;display:grid;gap:.35rem}
ol.week{gap:0}
ol.week li{display:grid;grid-template-columns:12.5rem minmax(0,1fr) minmax(0,15rem);gap:0 1rem;
padding:.2rem 0;border-bottom:1px solid var(--border);font-size:.9375rem;line-height:1.35}
ol.week .for{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
@media (max-width:60rem){ol.week li{grid-template-columns:minmax(0,1fr)}
ol.week .for{white-space:normal}}
@media (min-width:60.01rem){table.goals td:nth-of-type(3),table.goals td:nth-of-type(4){
white-space:nowrap}}
details{margin:.75rem 0}
summary{cursor:pointer;font-weight:600;padding:.35rem 0}
details.fold > summary{font-weight:400}
details.goal{background:var(--surface);border:1px solid var(--border);border-radius:8px;
padding:.25rem 1rem;margin:0 0 .5rem}
details.goal > summary h3{display:inline;font-size:1.0625rem;margin-right:.5rem}
details.goal[open]{padding-bottom:1rem}
table.compact{font-size:.875rem;margin:.5rem 0;line-height:1.3}
table.compact th,table.compact td{padding-top:.25rem;padding-bottom:.25rem}
table.compact caption{font-weight:600;color:var(--text)}
ul.people{list-style:none;padding:0;margin:0;display:grid;gap:.75rem;
grid-template-columns:repeat(auto-fill,minmax(min(100%,20rem),1fr))}
ul.people > li{background:var(--surface);border:1px solid var(--border);border-radius:8px;
padding:.6rem .9rem;font-size:.9375rem}
ul.people p{margin:.1rem 0}
ul.log{margin:.25rem 0;padding-left:1.1rem}
.warm-warm{color:var(--done);font-weight:600}.warm-cooling{color:var(--risk);font-weight:600}
.warm-cold{color:var(--off);font-weight:600}
.num,time,td,.tab{font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.75rem;
padding:0;margin:0 0 1.5rem;list-style:none}
.cards li{background:var(--surface);border:1px solid var(--border);border-radius:8px;
padding:.75rem 1rem}
.cards b{display:block;font-size:1.75rem;line-height:1.1}
.goal{background:var(--surface);border:1px solid var(--border);border-radius:8px;
padding:1rem 1.25rem;margin:0 0 1.25rem;break-inside:avoid}
.goal-head{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;
justify-content:space-between}
.goal-body{display:grid;gap:1rem 2rem;grid-template-columns:minmax(0,1fr)}
@media (min-width:60rem){.goal-body{grid-template-columns:minmax(0,1fr) minmax(0,1.1fr)}}
.pill{display:inline-block;border:1px solid currentColor;border-radius:999px;
padding:0 .6rem;font-size:.875rem;font-weight:600;white-space:nowrap}
.s-done{color:var(--done)}.s-on-track{color:var(--on)}.s-at-risk{color:var(--risk)}
.s-off-track,.s-missed,.s-stale{color:var(--off)}.s-no-data,.s-paused,.s-dropped{color:var(--none)}
.s-missed,.s-stale{border-style:dashed}
.meter{display:block;height:.6rem;background:var(--track);border-radius:999px;overflow:hidden;
margin:.25rem 0 .75rem;border:1px solid var(--border-strong)}
.meter span{display:block;height:100%;background:var(--bar)}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
ul.smart{list-style:none;padding:0;margin:.75rem 0}
ul.smart li{padding:.1rem 0}
.ok{color:var(--done)}.fail{color:var(--off)}
.flag{color:var(--off);font-weight:600}
.warn{border-left:4px solid var(--risk);padding:.5rem .75rem;background:var(--surface);
margin:0 0 1rem}
figure{margin:0}
figcaption{color:var(--muted);font-size:.875rem}
svg{display:block;width:100%;height:auto;max-width:34rem}
svg text{fill:var(--muted);font:14px var(--font-sans)}
svg .axis{stroke:var(--border-strong);stroke-width:1}
svg .ideal{stroke:var(--border-strong);stroke-width:2;stroke-dasharray:6 4;fill:none}
svg .actual{stroke:var(--bar);stroke-width:2.5;fill:none}
svg .dot{fill:var(--bar)}
svg .trend{stroke:var(--risk);stroke-width:2;stroke-dasharray:2 4;fill:none}
svg .today{stroke:var(--off);stroke-width:1.5}
svg .target{stroke:var(--done);stroke-width:1.5;stroke-dasharray:3 3}
svg .bar{fill:var(--bar)}
svg .goalbar{fill:none;stroke:var(--text);stroke-width:2}
svg .trackbar{fill:var(--track)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.875rem;color:var(--muted);
list-style:none;padding:0;margin:.25rem 0 0}
.key{display:inline-block;width:1.25rem;height:0;border-top:3px solid;vertical-align:middle;
margin-right:.35rem}
.k-actual{border-color:var(--bar)}.k-ideal{border-color:var(--border-strong);border-top-style:dashed}
.k-trend{border-color:var(--risk);border-top-style:dotted}.k-today{border-color:var(--off)}
.k-target{border-color:var(--done);border-top-style:dashed}
caption{text-align:left;font-size:.875rem;padding:0 0 .5rem}
table{border-collapse:collapse;width:100%;margin:0 0 1rem}
th,td{text-align:left;vertical-align:top;padding:.45rem .5rem .45rem 0;
border-bottom:1px solid var(--border)}
thead th{border-bottom:2px solid var(--border-strong);font-size:.875rem;color:var(--muted)}
th .muted{font-weight:400}
@media (max-width:40rem){
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
table.stack,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;
width:100%}
table.stack caption{display:block;width:100%}
table.stack caption.vh{width:1px}
table.stack tr{border-bottom:1px solid var(--border);padding:.6rem 0}
table.stack th,table.stack td{border:0;padding:.1rem 0}
table.stack td::before{content:attr(data-label) ": ";color:var(--muted)}}
ul.next{padding-left:1.25rem;margin:.5rem 0}
h4{font-size:1rem;margin:1rem 0 .25rem}
.grid2{display:grid;gap:1.5rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr))}
.swot{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,16rem),1fr))}
.swot > div{background:var(--surface);border:1px solid var(--border);border-radius:8px;
padding:.75rem 1rem}
.swot h3{margin-bottom:.5rem}
.swot ul{margin:0;padding-left:1.25rem}
ul.skills{list-style:none;padding:0;margin:0;display:grid;gap:0 2rem;
grid-template-columns:repeat(auto-fill,minmax(min(100%,30rem),1fr))}
ul.skills li{padding:.4rem 0;border-bottom:1px solid var(--border);font-size:.9375rem}
ul.skills svg{max-width:16rem;margin:.15rem 0}
.later{font-size:.9375rem}
figure.posts svg{max-width:24rem}
.grid2 figure svg{max-width:26rem}
blockquote{margin:0;padding:.5rem 1rem;border-left:4px solid var(--border-strong);
background:var(--surface)}
footer{padding:1.5rem 0 3rem;color:var(--muted);font-size:.875rem}
@media print{
:root{color-scheme:light;--bg:#fff;--surface:#fff;--text:#000;--muted:#333;--border:#ccc;
--border-strong:#666;--accent:#000;--bar:#1d5fa6;--track:#ddd;--done:#1f6b4a;--on:#1d5fa6;
--risk:#7a4f00;--off:#9b2c3a;--none:#333}
nav{display:none}header.top{background:none}
main section{break-inside:auto;padding:1rem 0}
.goal,.swot > div,ul.skills li,tr,ul.people > li,ol.week li{break-inside:avoid}
h2,h3,h4,summary,caption{break-after:avoid}
details#plan{display:none}
a{color:inherit;text-decoration:none}
.meter,.meter span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
