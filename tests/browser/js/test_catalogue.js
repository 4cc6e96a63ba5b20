/* static/js/designer/catalogue.js over the catalogue the server embeds (web/catalogue.py, from core). */
import { eq, ok, test } from "./harness.js";
import { makeCatalogue, pageCatalogue } from "/static/js/designer/catalogue.js";

const cat = pageCatalogue(document);

test("the page's catalogue names every kind with its label", () => {
  const names = cat.names();
  ["text", "textarea", "email", "uri", "choice", "date", "datetime", "integer", "money", "number", "boolean",
   "multichoice", "table", "group"].forEach((k) => { ok(names.indexOf(k) >= 0, k); });
  eq(cat.label("table"), "子表");
  eq(cat.label("money"), "金额");
  eq(cat.label("nothing"), null);
});

test("kind properties: numeric, scalar, searchable, business key, calendar day", () => {
  ok(cat.is("money", "numeric") && cat.is("integer", "numeric") && !cat.is("text", "numeric"));
  ok(cat.is("choice", "scalar") && !cat.is("multichoice", "scalar") && !cat.is("table", "scalar"));
  ok(cat.is("multichoice", "multiple"));
  ok(cat.is("text", "business_key") && cat.is("integer", "business_key") && !cat.is("choice", "business_key"));
  ok(cat.is("date", "is_day") && !cat.is("datetime", "is_day"));
  ok(!cat.is(null, "scalar") && !cat.is("nothing", "scalar"), "no kind has no property");
});

test("kinds to choose: no tables or groups from the third level on", () => {
  const top = cat.choices(1).map((c) => c[0]), deep = cat.choices(3).map((c) => c[0]);
  eq(top, cat.names());
  ok(top.indexOf("table") >= 0 && top.indexOf("group") >= 0);
  ok(deep.indexOf("table") < 0 && deep.indexOf("group") < 0 && deep.indexOf("text") >= 0);
  eq(cat.choices(1)[0], [cat.names()[0], cat.label(cat.names()[0])]);
});

test("operators: core's list with Chinese labels, nin among them", () => {
  eq(cat.opNames(), ["eq", "ne", "lt", "lte", "gt", "gte", "contains", "in", "nin"]);
  eq(cat.opLabel("nin"), "不属于（逗号分隔）");
  eq(cat.opLabel(""), "等于");
  eq(cat.opLabel("gte"), "不小于");
});

test("an empty catalogue answers without failing", () => {
  const none = makeCatalogue(null);
  eq(none.names(), []);
  eq(none.opChoices("text"), []);
  ok(!none.is("text", "scalar"));
});
