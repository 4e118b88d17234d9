// Forms marked data-submit-once send once: a second click (or Enter) while the first
// submission is on its way is ignored and the button is disabled. The server is
// idempotent anyway (a double submission gives one code); this only spares the wait.
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "true") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      form.querySelectorAll("button[type='submit']").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        // After this event: the browser has already collected the form's data.
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
  // Coming back with the Back button shows the page from the cache: enable it again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.dataset.submitting = "";
      form.querySelectorAll("button[type='submit']").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  });
})();
