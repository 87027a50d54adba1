// The Pagefind search box over every shard of the index. The shards (one Pagefind bundle each,
// see newsdigest/search.py) are listed in pagefind/shards.json, newest first: the newest is the
// primary index and the others are merged into it (Pagefind's multisite mode), so one query
// searches them all and the filters count across all of them. Result links are made from the site
// root, found from this page's own address, so search works wherever the site is deployed.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  var root = new URL(box.dataset.root, window.location.href);
  // Revalidated on every visit: a new month renames shards, and a stale list would miss them.
  fetch(new URL("pagefind/shards.json", root), { cache: "no-cache" }).then(function (response) {
    if (!response.ok) throw new Error("pagefind/shards.json: " + response.status);
    return response.json();
  }).then(function (shards) {
    if (!shards.length) return;
    var bundle = function (path) { return new URL(path, root).pathname; };
    new PagefindUI({
      element: "#search",
      bundlePath: bundle(shards[0]),
      mergeIndex: shards.slice(1).map(function (path) {
        return { bundlePath: bundle(path), baseUrl: root.pathname };
      }),
      baseUrl: root.pathname,
      showImages: false,
      showSubResults: false,
      resetStyles: false
    });
    labelInput();
  });
  // Pagefind's input has only a title; label it by the visible label above it.
  function labelInput() {
    function label() {
      var input = box.querySelector("input[type=text], input[type=search]");
      if (input) input.setAttribute("aria-labelledby", box.dataset.label);
      return Boolean(input);
    }
    if (!label()) {
      var watcher = new MutationObserver(function () { if (label()) watcher.disconnect(); });
      watcher.observe(box, { childList: true, subtree: true });
    }
  }
});
