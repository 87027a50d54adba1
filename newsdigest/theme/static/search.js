// The Pagefind search box. Result links are made from the site root, found from this page's
// own address, so search works wherever the site is deployed (any sub-path, any host).
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box || typeof PagefindUI === "undefined") return;
  new PagefindUI({
    element: "#search",
    baseUrl: new URL(box.dataset.root, window.location.href).pathname,
    showImages: false,
    showSubResults: false,
    resetStyles: false
  });
  // Pagefind's input has only a title; label it by the visible label above it.
  function label() {
    var input = box.querySelector("input[type=text], input[type=search]");
    if (input) input.setAttribute("aria-labelledby", box.dataset.label);
    return Boolean(input);
  }
  if (!label()) {
    var watcher = new MutationObserver(function () { if (label()) watcher.disconnect(); });
    watcher.observe(box, { childList: true, subtree: true });
  }
});
