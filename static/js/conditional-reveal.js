// Conditional reveal (GOV.UK pattern), as progressive enhancement: without JavaScript
// every question shows. A region with data-reveal-name="<input name>" and
// data-reveal-values="<space-separated values>" shows while one of those values is
// chosen (radios or a select; "" is the empty choice); one with
// data-reveal-checked="<CSS selector>" shows while any matching checkbox is checked.
// A region holding an error always shows.
(function () {
  "use strict";
  function chosen(form, name) {
    var field = form.elements.namedItem(name);
    if (!field) {
      return null;
    }
    if (field instanceof RadioNodeList) {
      return field.value;
    }
    return field.value;
  }
  function update(region) {
    var form = region.closest("form");
    var show;
    if (region.hasAttribute("data-reveal-name")) {
      var values = region.getAttribute("data-reveal-values").split(" ");
      show = values.indexOf(chosen(form, region.getAttribute("data-reveal-name"))) !== -1;
    } else {
      var boxes = form.querySelectorAll(region.getAttribute("data-reveal-checked"));
      show = Array.prototype.some.call(boxes, function (box) { return box.checked; });
    }
    if (region.querySelector(".is-invalid")) {
      show = true;
    }
    region.hidden = !show;
  }
  var regions = document.querySelectorAll("[data-reveal-name], [data-reveal-checked]");
  regions.forEach(function (region) {
    update(region);
    region.closest("form").addEventListener("change", function () { update(region); });
  });
})();
