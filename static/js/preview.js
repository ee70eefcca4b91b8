// Live preview for Markdown fields: <textarea data-preview="#target">. Uses the server's sanitiser.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  function attach(area) {
    var target = document.querySelector(area.getAttribute("data-preview"));
    if (!target) { return; }
    var timer = null;
    function refresh() {
      var body = new URLSearchParams();
      body.set("text", area.value);
      fetch("/preview/markdown", {
        method: "POST",
        headers: {"X-CSRFToken": token ? token.content : ""},
        body: body,
        credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (data) {
        // The HTML comes from the server's nh3-sanitised renderer, the same one pages use.
        target.innerHTML = data.html || "";
        if (data.error) { target.textContent = data.error; }
      }).catch(function () {
        // The words come from the page, in the reader's language.
        target.textContent = target.getAttribute("data-unavailable") || "";
      });
    }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
    refresh();
  }
  document.querySelectorAll("textarea[data-preview]").forEach(attach);
})();
