"""The live-reload client injected into served HTML (never into built files).

The page knows its own URL and the epoch it was served at. Each message of the event
stream says which URLs changed since the epoch the stream started from (`null`: unknown,
reload), and carries the overlay. The page then
  - reloads when its own file, or a script, image or icon it uses, changed; the scroll
    position is kept across the reload (sessionStorage, restored after load); a link that
    only names another document (the feed, rel=alternate or canonical) is not something
    the page shows, so a new feed.xml after every post edit reloads nothing;
  - swaps a changed stylesheet in place (a cache-busted href), with no navigation, so the
    page's state (scroll, form input, JavaScript variables) survives;
  - shows, replaces or removes the error overlay in place.
"""

from __future__ import annotations

import json

CLIENT_JS = """(()=>{const me=%(me)s,inst=%(instance)s,key='brandgen-scroll:'+location.pathname;
let epoch=%(epoch)d;const y=sessionStorage.getItem(key);
if(y!==null){sessionStorage.removeItem(key);const go=()=>scrollTo(0,+y);
if(document.readyState==='complete')go();else addEventListener('load',go);}
const s=new EventSource(%(events)s+'?epoch='+epoch+'&instance='+inst);
const reload=()=>{sessionStorage.setItem(key,String(scrollY));s.close();location.reload();};
const path=(u)=>{try{return new URL(u,location.href).pathname;}catch(e){return '';}};
s.onmessage=(e)=>{const m=JSON.parse(e.data);
if(m.instance!==inst){reload();return;}if(m.epoch<=epoch)return;epoch=m.epoch;
const ch=m.changed===null?null:new Set(m.changed);
if(ch===null||ch.has(me)){reload();return;}
for(const el of document.querySelectorAll('script[src],img[src],source[srcset],img[srcset],'
+'link[href][rel~=icon],link[href][rel~=preload],link[href][rel~=modulepreload]')){
const urls=[el.getAttribute('src')||el.getAttribute('href')||''];
for(const part of (el.getAttribute('srcset')||'').split(','))urls.push(part.trim().split(' ')[0]);
if(urls.some((u)=>u&&ch.has(path(u)))){reload();return;}}
for(const l of document.querySelectorAll('link[rel~=stylesheet][href]')){
const u=new URL(l.href);if(ch.has(u.pathname)){u.searchParams.set('brandgen',String(epoch));
l.href=u.href;}}
for(const id of ['brandgen-overlay','brandgen-overlay-style']){
const old=document.getElementById(id);if(old)old.remove();}
if(m.overlay)document.body.insertAdjacentHTML('beforeend',m.overlay);};
addEventListener('pagehide',()=>s.close());})();"""


def js_string(value: str) -> str:
    """A JavaScript string literal that cannot close the <script> it is in."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("&", "\\u0026")


def client_script(me: str, instance: str, epoch: int, events: str) -> bytes:
    """The <script> for a page served from URL path `me` at build `epoch`."""
    code = CLIENT_JS % {"me": js_string(me), "instance": js_string(instance), "epoch": epoch,
                        "events": js_string(events)}
    return f'<script id="brandgen-live-reload">{code}</script>'.encode()


def event_message(instance: str, epoch: int, changed: frozenset[str] | None,
                  overlay: str) -> bytes:
    """One server-sent event: `data: {...}` and the blank line that ends it."""
    data = json.dumps({"instance": instance, "epoch": epoch,
                       "changed": None if changed is None else sorted(changed),
                       "overlay": overlay}, separators=(",", ":"))
    return f"data: {data}\n\n".encode()
