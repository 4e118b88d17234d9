// The receipt being prepared (templates/applications/confirmation.html): every 3 s,
// read this same page again (a GET, which writes nothing) and, once its receipt block
// is no longer "pending", put that block in place of this one: the download link
// appears in the live region without a reload. Gives up after about three minutes; the
// "check again" link still works, as it does without JavaScript.
// Loaded with the page's CSP nonce; no inline script.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  var MAX_TRIES = 60;

  function check(block, tries) {
    fetch(window.location.pathname, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.querySelector("[data-receipt]");
        if (fresh && fresh.getAttribute("data-receipt-state") !== "pending") {
          block.setAttribute("data-receipt-state", fresh.getAttribute("data-receipt-state"));
          block.replaceChildren.apply(block, Array.prototype.slice.call(fresh.childNodes));
          return;
        }
        later(block, tries + 1);
      })
      .catch(function () {
        later(block, tries + 1);
      });
  }

  function later(block, tries) {
    if (tries < MAX_TRIES) {
      window.setTimeout(function () { check(block, tries); }, INTERVAL_MS);
    }
  }

  var block = document.querySelector("[data-receipt][data-receipt-state='pending']");
  if (block) {
    later(block, 0);
  }
})();
