"""`brandgen serve`: build into memory, serve on 127.0.0.1, rebuild and live-reload on change.

  watch.py        classify_change() (pure) and a thin watchfiles thread over the root
  incremental.py  IncrementalSite: the build's stages with the previous state kept
  built.py        Built (what a rebuild returns), lazily made files and their checks
  deps.py         which pages a change reaches (template reads, Output equality), links
  cards.py        social cards only for outputs that changed
  state.py        Snapshot / SiteState (last good build, epoch, changed URLs) and Builder
  client.py       the live-reload client (selective reload, CSS swap, overlay in place)
  overlay.py      the error overlay with source excerpts
  routes.py       (path, snapshot) -> Response, without sockets; script injection
  server.py       the loopback HTTP server, the SSE live-reload stream, run_server()
"""

from __future__ import annotations

from brandgen.serve.server import DevServer, run_server
from brandgen.serve.watch import classify_change

__all__ = ["DevServer", "classify_change", "run_server"]
