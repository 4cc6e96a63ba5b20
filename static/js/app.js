/* Child-table rows (add, remove, renumber) and focus on the error summary. No inline scripts. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function announce(text) {
    var live = document.querySelector("[data-live]");
    if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = text; }, 50); }
  }

  function renumber(table) {
    table.querySelectorAll("[data-rows] > tr").forEach(function (tr, i) {
      tr.querySelectorAll(".row-no").forEach(function (span) { span.textContent = String(i + 1); });
    });
  }

  function wire(row, table) {
    var button = row.querySelector("[data-remove-row]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumber(table);
      announce(table.dataset.msgRemoved || "");
      var focusTarget = next ? next.querySelector("input, select, textarea") : table.querySelector("[data-add-row]");
      if (focusTarget) { focusTarget.focus(); }
    });
  }

  /* The row template's placeholders (in names, ids, labels and the row number) filled in on a
     copy of its nodes: no HTML is parsed again, so nothing in a title can become markup. */
  function numbered(row, index, count) {
    function swap(text) { return text.split("__index__").join(String(index)).split("__n__").join(String(count)); }
    var walker = document.createTreeWalker(row, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    var node = row;
    while (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        node.nodeValue = swap(node.nodeValue);
      } else {
        Array.prototype.forEach.call(node.attributes, function (a) { a.value = swap(a.value); });
      }
      node = walker.nextNode();
    }
    return row;
  }

  function setup(table) {
    var template = table.querySelector("template[data-row-template]");
    var body = table.querySelector("[data-rows]");
    var add = table.querySelector("[data-add-row]");
    if (!template || !body || !add) { return; }
    body.querySelectorAll(":scope > tr").forEach(function (row) { wire(row, table); });
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(table.dataset.next || "0", 10);
      table.dataset.next = String(index + 1);
      var count = body.querySelectorAll(":scope > tr").length + 1;
      var row = numbered(template.content.querySelector("tr").cloneNode(true), index, count);
      body.appendChild(row);
      wire(row, table);
      renumber(table);
      announce(table.dataset.msgAdded || "");
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  }

  /* 打印 / 存为 PDF: the browser's own print dialog (its "save as PDF" destination). */
  function wirePrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  /* The list's filters fold away on a phone and stay open on a wide screen. */
  function foldFilters(details) {
    var narrow = window.matchMedia("(max-width: 600px)");
    function apply() { details.open = !narrow.matches; }
    apply();
    if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  }

  /* For forms rendered after the page loaded (the designer's preview). */
  window.ledgerForms = window.ledgerForms || {};
  window.ledgerForms.wire = function (root) { root.querySelectorAll("[data-table]").forEach(setup); };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-table]").forEach(setup);
    document.querySelectorAll("[data-print]").forEach(wirePrint);
    document.querySelectorAll("details[data-fold]").forEach(foldFilters);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
}());
