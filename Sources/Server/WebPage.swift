import Hummingbird

/// The search page served at `/`: plain HTML, CSS and JavaScript, no build step. A search box
/// with deep links (`/?q=a%20cat`), drag-and-drop or upload of an image, a grid of thumbnails with
/// scores, click (or Enter) for similar images, the adaptive relevance cutoff (results below the
/// largest score gap are hidden until "show all"), sorting by date (Exif capture date, else the
/// file's modification time; shown as each result's tooltip), arrow-key navigation, and a layout
/// that fits a phone. `WebPageBrowserTests` drives it in headless Chromium.
enum WebPage {
    static func add(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/html; charset=utf-8",
                               .contentSecurityPolicy: "default-src 'self'; img-src 'self' blob: data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
    }

    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CLIPKit search</title>
<style>
  :root { --accent: #2458d6; --muted: #666; font-family: system-ui, sans-serif; }
  body { margin: 0; padding: 1rem; max-width: 1200px; margin-inline: auto; }
  form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
  #query { flex: 1 1 16rem; font-size: 1.1rem; padding: .5rem; }
  button, label.button { font-size: 1rem; padding: .5rem .8rem; cursor: pointer; }
  #drop { border: 2px dashed #aaa; border-radius: 8px; padding: .8rem; margin: .8rem 0; text-align: center; color: var(--muted); }
  #drop.over { border-color: var(--accent); color: var(--accent); }
  #status { color: var(--muted); min-height: 1.4em; }
  #results { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .6rem; list-style: none; padding: 0; }
  #results li { border: 1px solid #ddd; border-radius: 6px; overflow: hidden; cursor: pointer; }
  #results li:focus { outline: 3px solid var(--accent); }
  #results li.weak { display: none; }
  #results.all li.weak { display: block; opacity: .55; }
  #results img { width: 100%; aspect-ratio: 1; object-fit: cover; display: block; background: #eee; }
  .caption { font-size: .8rem; padding: .3rem .4rem; display: flex; justify-content: space-between; gap: .3rem; }
  .caption span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  @media (max-width: 480px) { #results { grid-template-columns: repeat(2, 1fr); } body { padding: .5rem; } }
</style>
</head>
<body>
<h1>CLIPKit search</h1>
<form id="search">
  <input id="query" name="q" type="search" placeholder="Describe a photo… (press / to focus)" autocomplete="off" aria-label="Search">
  <button type="submit">Search</button>
  <label class="button">Image… <input id="file" type="file" accept="image/*" hidden></label>
  <label><input id="bydate" type="checkbox"> newest first</label>
  <label><input id="showall" type="checkbox"> show all</label>
</form>
<div id="drop">Drop an image here to find similar ones</div>
<div id="status" role="status"></div>
<ul id="results" aria-label="Results"></ul>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const state = { request: null };

function setStatus(text) { $("status").textContent = text; }

function query() {
  const params = new URLSearchParams();
  if ($("bydate").checked) params.set("sort", "date");
  params.set("k", "60");
  return params;
}

async function show(response, label) {
  const body = await response.json();
  if (!response.ok) { setStatus(body.error ? body.error.message : "search failed"); return; }
  const list = $("results");
  list.replaceChildren();
  for (const hit of body.results) {
    const item = document.createElement("li");
    item.tabIndex = 0;
    item.dataset.id = hit.id;
    item.dataset.key = hit.key;
    if (!hit.relevant) item.classList.add("weak");
    if (hit.date) item.title = (hit.captured ? "taken " : "modified ") + new Date(hit.date * 1000).toISOString().slice(0, 16).replace("T", " ");
    const image = document.createElement("img");
    image.loading = "lazy";
    image.alt = hit.key;
    if (hit.thumbnail) image.src = hit.thumbnail;
    const caption = document.createElement("div");
    caption.className = "caption";
    const name = document.createElement("span");
    name.textContent = hit.key;
    const score = document.createElement("span");
    score.textContent = hit.score.toFixed(3);
    score.className = "score";
    caption.append(name, score);
    item.append(image, caption);
    item.addEventListener("click", () => similar(hit.id, hit.key));
    item.addEventListener("keydown", (event) => { if (event.key === "Enter") similar(hit.id, hit.key); });
    list.append(item);
  }
  const hidden = body.results.length - body.kept;
  setStatus(`${label}: ${body.kept} result${body.kept === 1 ? "" : "s"}` + (hidden > 0 ? ` (${hidden} weaker hidden)` : ""));
}

async function searchText(text, push) {
  if (!text.trim()) return;
  const params = query();
  params.set("q", text);
  if (push) history.pushState({ q: text }, "", "?q=" + encodeURIComponent(text));
  setStatus("searching…");
  await show(await fetch("/search?" + params), `“${text}”`);
}

async function similar(id, key) {
  const params = query();
  params.set("like", id);
  setStatus("searching…");
  await show(await fetch("/search?" + params), `like ${key}`);
}

async function searchImage(file) {
  if (!file) return;
  setStatus("searching…");
  const form = new FormData();
  form.append("image", file, file.name || "upload");
  await show(await fetch("/search?" + query(), { method: "POST", body: form }), `like ${file.name || "the image"}`);
}

$("search").addEventListener("submit", (event) => { event.preventDefault(); searchText($("query").value, true); });
$("file").addEventListener("change", (event) => searchImage(event.target.files[0]));
$("showall").addEventListener("change", (event) => $("results").classList.toggle("all", event.target.checked));
$("bydate").addEventListener("change", () => { if ($("query").value) searchText($("query").value, false); });
const drop = $("drop");
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => { event.preventDefault(); drop.classList.remove("over"); searchImage(event.dataTransfer.files[0]); });

document.addEventListener("keydown", (event) => {
  if (event.key === "/" && document.activeElement !== $("query")) { event.preventDefault(); $("query").focus(); return; }
  const items = [...$("results").querySelectorAll("li")].filter((item) => getComputedStyle(item).display !== "none");
  const position = items.indexOf(document.activeElement);
  if (position < 0 || !["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(event.key)) return;
  const columns = Math.max(1, Math.round($("results").clientWidth / items[0].clientWidth));
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[event.key];
  const next = items[Math.min(items.length - 1, Math.max(0, position + step))];
  event.preventDefault();
  next.focus();
});

window.addEventListener("popstate", () => { const text = new URLSearchParams(location.search).get("q") || ""; $("query").value = text; searchText(text, false); });
const initial = new URLSearchParams(location.search).get("q");
if (initial) { $("query").value = initial; searchText(initial, false); }
</script>
</body>
</html>
"""#
}
