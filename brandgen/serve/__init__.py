"""`brandgen serve`: build into memory, serve on 127.0.0.1, rebuild and live-reload on change.

  watch.py    classify_change() (pure) and a thin watchfiles thread
  state.py    Snapshot / SiteState (last good build, epoch, errors) and the Builder
  overlay.py  the error overlay with source excerpts
  routes.py   (path, snapshot) -> Response, without sockets; script injection
  server.py   the loopback HTTP server, the SSE live-reload stream, run_server()
"""

from __future__ import annotations

from brandgen.serve.server import DevServer, run_server
from brandgen.serve.watch import classify_change

__all__ = ["DevServer", "classify_change", "run_server"]
