/* Fields shown only when other fields hold given values (x-show-when in the ledger definition).
   The conditions come from the server as data-show-when on the field's wrapper, in the list
   filters' syntax already read per field kind (core/definition/rules.py). Without this script every field
   shows; a hidden field keeps what was typed in it, and a field with an error message is never
   hidden. No inline scripts (CSP). */
(function () {
  "use strict";

  function inputs(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  /* The current value of a top-level field as the rules read it; null when empty. */
  function read(form, name, family) {
    var els = inputs(form, name);
    if (!els.length) { return null; }
    var first = els[0];
    if (family === "boolean" && first.type === "checkbox") { return first.checked; }
    var values;
    if (first.type === "checkbox") {
      values = els.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
      return values.length ? values : null;
    }
    if (first.type === "radio") {
      var chosen = els.filter(function (el) { return el.checked; })[0];
      return chosen ? typed(chosen.value, family) : null;
    }
    if (first.multiple) {
      values = Array.prototype.filter.call(first.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
      return values.length ? values : null;
    }
    return typed(first.value, family);
  }

  function typed(value, family) {
    if (value === null || value === undefined) { return null; }
    if (typeof value === "boolean") { return value; }
    var text = String(value).trim();
    if (text === "") { return null; }
    if (family === "number") {
      var n = Number(text.replace(/[,，¥￥元\s]/g, ""));
      return isNaN(n) ? undefined : n;
    }
    if (family === "datetime") {
      var t = Date.parse(text);
      return isNaN(t) ? undefined : t;
    }
    return text;
  }

  function compare(op, mine, theirs) {
    switch (op) {
      case "eq": return mine === theirs;
      case "ne": return mine !== theirs;
      case "lt": return mine < theirs;
      case "lte": return mine <= theirs;
      case "gt": return mine > theirs;
      case "gte": return mine >= theirs;
      default: return false;
    }
  }

  /* Does one condition hold? Unknown (an empty side of a field-to-field comparison, a value
     that does not read) counts as "no", as on the server. */
  function holds(form, c) {
    var mine = read(form, c.field, c.family);
    if (mine === undefined) { return false; }
    if (c.other !== undefined) {
      var theirs = read(form, c.other, c.family);
      return mine !== null && theirs !== null && theirs !== undefined && compare(c.op, mine, theirs);
    }
    if (mine === null) { return c.op === "ne" || c.op === "nin"; }
    if (c.op === "contains") {
      if (Array.isArray(mine)) { return mine.indexOf(c.value) >= 0; }
      return String(mine).toLowerCase().indexOf(String(c.value).toLowerCase()) >= 0;
    }
    if (c.op === "in" || c.op === "nin") {
      var found = c.value.some(function (v) { return typed(v, c.family) === mine; });
      return c.op === "in" ? found : !found;
    }
    return compare(c.op, mine, typed(c.value, c.family));
  }

  function apply(form, wrappers) {
    wrappers.forEach(function (w) {
      var show = w.conditions.every(function (c) { return holds(form, c); });
      w.element.hidden = !show && !w.element.querySelector(".field-error");
    });
  }

  function setup(form) {
    var wrappers = [];
    form.querySelectorAll("[data-show-when]").forEach(function (element) {
      try {
        wrappers.push({element: element, conditions: JSON.parse(element.getAttribute("data-show-when"))});
      } catch (e) { /* unreadable: leave the field visible */ }
    });
    if (!wrappers.length) { return; }
    var update = function () { apply(form, wrappers); };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  /* For forms rendered after the page loaded (the designer's preview). */
  window.ledgerForms = window.ledgerForms || {};
  window.ledgerForms.showWhen = setup;

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.entry-form").forEach(setup);
  });
}());
