// Polls the job while it runs (GET /api/v1/imports/<id>) and reloads the page when it is done.
(function () {
  "use strict";
  var state = document.getElementById("job-state");
  if (!state || state.dataset.running !== "true") return;
  var url = "/api/v1/imports/" + state.dataset.job;
  var bar = document.getElementById("job-progress");
  function set(id, value) {
    var el = document.getElementById(id);
    if (el) el.textContent = String(value);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        if (bar) bar.value = job.progress;
        set("count-total", job.counts.total);
        set("count-valid", job.counts.valid);
        set("count-invalid", job.counts.invalid);
        set("count-imported", job.counts.imported);
        set("count-paid", job.counts.paid);
        if (job.finished || job.interrupted) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
