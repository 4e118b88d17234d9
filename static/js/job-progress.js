// Background job progress (templates/jobs/_progress.html): every 2 s, while the job has
// not finished, read its JSON status and update the bar, the text and the failure box.
// Loaded with the page's CSP nonce; no inline script.
(function () {
  "use strict";
  var INTERVAL_MS = 2000;

  function update(section, data) {
    var bar = section.querySelector("[data-job-bar]");
    if (data.percent === null) {
      bar.removeAttribute("value");
    } else {
      bar.value = data.percent;
    }
    section.querySelector("[data-job-status]").textContent = data.status_display;
    var text = section.querySelector("[data-job-text]");
    if (text.textContent !== data.text) {
      text.textContent = data.text;
    }
    var failed = section.querySelector("[data-job-failed]");
    if (data.status === "failed") {
      section.querySelector("[data-job-error]").textContent = data.error;
      failed.hidden = false;
    } else {
      failed.hidden = true;
    }
  }

  function poll(section) {
    var url = section.getAttribute("data-status-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        update(section, data);
        if (!data.finished) {
          window.setTimeout(function () { poll(section); }, INTERVAL_MS);
        }
      })
      .catch(function () {
        // A dropped connection or a restart: try again, a little later.
        window.setTimeout(function () { poll(section); }, INTERVAL_MS * 2);
      });
  }

  document.querySelectorAll("[data-job-progress]").forEach(function (section) {
    if (section.getAttribute("data-finished") !== "true") {
      window.setTimeout(function () { poll(section); }, INTERVAL_MS);
    }
  });
})();
