// Asks every 1.5 seconds, while the page is open and in view, whether the bundle changed: the
// question carries the version the page shows (If-None-Match) and is answered 304 while nothing
// moved, so a step turning "done" shows within two seconds and an idle page costs almost nothing.
// Works without it too: the page is complete as served.
(function () {
  var box = document.getElementById("trang-thai");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh-url");
  var version = '"' + box.getAttribute("data-version") + '"';
  var busy = false;
  function refresh() {
    if (document.hidden || busy) { return; }
    busy = true;
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "X-Requested-With": "fetch", "If-None-Match": version }
    })
      .then(function (response) {
        if (response.status !== 200) { return null; }
        version = response.headers.get("ETag") || version;
        return response.text();
      })
      .then(function (html) { if (html !== null && html !== box.innerHTML) { box.innerHTML = html; } })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () { busy = false; });
  }
  window.setInterval(refresh, 1500);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
