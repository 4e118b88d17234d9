// The error summary (templates/_partials/error_summary.html): focus it when the page
// loads, so it is read first; a link to a field focuses the field and shows its label
// (GOV.UK Design System behaviour: the label or legend is what explains the input).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    var label = document.querySelector("label[for='" + input.id + "']") || legend || input;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + input.id);
    }
  });
})();
