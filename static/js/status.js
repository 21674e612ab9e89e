// Re-reads the steps part of the status page every 5 seconds while the page is open, so a step
// turning "done" shows without a reload. Works without it too: the page is complete as served.
(function () {
  var box = document.getElementById("trang-thai");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh-url");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && html !== box.innerHTML) { box.innerHTML = html; } })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }
  window.setInterval(refresh, 5000);
})();
