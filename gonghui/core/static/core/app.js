/* Behaviour the pages declare in data attributes, so no page needs an inline script (the
   Content-Security-Policy allows scripts from our own files only):
   - data-confirm="…" on a form (asked on submit) or a button (asked on click);
   - data-print on a button prints the page;
   - data-category-select on the claim forms' 类别 select: marks the documents that
     category needs ([data-needed-by]) and shows 出院日期 only for 住院. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm],[data-print]") : null;
    if (!target || target.tagName === "FORM") return;
    if (target.hasAttribute("data-print")) {
      event.preventDefault();
      window.print();
      return;
    }
    if (!window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  function categoryForms() {
    var select = document.querySelector("[data-category-select]");
    if (!select) return;
    var discharge = document.querySelector("[data-field=discharge_date]");
    function update() {
      var category = select.value;
      document.querySelectorAll("[data-needed-by]").forEach(function (el) {
        var needed = category !== "" && el.dataset.neededBy.split(" ").indexOf(category) >= 0;
        el.querySelector("[data-needed]").hidden = !needed;
      });
      if (discharge) discharge.hidden = category !== "" && category !== "inpatient";
    }
    select.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", categoryForms);
  } else {
    categoryForms();
  }
})();
