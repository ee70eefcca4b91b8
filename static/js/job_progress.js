// A job's progress page (<div data-job-status="/jobs/1.json">): polls the job's JSON every
// 1.5 s, moves the bar, and when the job ends reloads the page (or goes to the next step).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-job-status");
  var bar = box.querySelector("[role=progressbar]");
  var fill = box.querySelector(".progress-bar");
  var state = box.querySelector("[data-job-state]");
  var note = box.querySelector("[data-job-note]");
  var live = box.querySelector("[data-job-live]");
  var lastPercent = null;

  function show(data) {
    var percent = Math.max(0, Math.min(100, data.percent || 0));
    var text = data.progress_words;  // in the reader's language, from the server
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", text);
    fill.style.width = percent + "%";  // CSSOM, which the CSP allows (inline style= it does not)
    fill.textContent = percent + "%";
    state.textContent = data.state_words;
    note.textContent = data.note ? "· " + data.note : "";
    if (percent !== lastPercent && percent % 10 === 0) {
      live.textContent = text;  // announced by screen readers, but not every step
    }
    lastPercent = percent;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        if (data.finished) {
          if (data.redirect && data.next_url && !data.failed) {
            window.location.assign(data.next_url);
          } else {
            window.location.reload();
          }
          return;
        }
        show(data);
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });  // a blip: keep trying, more slowly
  }
  setTimeout(poll, 1000);
})();
