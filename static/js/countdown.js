// Keeps "time left" texts current. The server renders the first text; this only
// refreshes it once a minute, using the page language's plural forms.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "sl";
  var plural = new Intl.PluralRules(lang);

  function say(forms, n) {
    var form = forms[plural.select(n)] || forms.other;
    return form.replace("{n}", String(n));
  }

  function update(el) {
    var left = Math.max(0, Date.parse(el.dataset.countdown) - Date.now());
    if (left === 0) {
      el.textContent = el.dataset.passedText;
      return;
    }
    var forms = JSON.parse(el.dataset.forms);
    var minutes = Math.floor(left / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    el.textContent = [
      say(forms.day, days),
      say(forms.hour, hours),
      say(forms.minute, minutes % 60)
    ].join(", ");
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(update);
  }

  tick();
  window.setInterval(tick, 60000);
})();
