/* static/js/designer/conditions.js with the page's catalogue: conditions read and built in the
   engine's `field__op` syntax, nin included. */
import { eq, ok, test } from "./harness.js";
import { pageCatalogue } from "/static/js/designer/catalogue.js";
import { buildCondition, conditionKey, conditionValue, parseCondition, renamedConditions, valueText } from "/static/js/designer/conditions.js";

const cat = pageCatalogue(document);

test("parseCondition splits field and operator; eq is written bare or as __eq", () => {
  eq(parseCondition({"status__nin": ["已办结", "已撤销"]}), {field: "status", op: "nin", value: ["已办结", "已撤销"]});
  eq(parseCondition({"status": "已办结"}), {field: "status", op: "", value: "已办结"});
  eq(parseCondition({"status__eq": "已办结"}), {field: "status", op: "", value: "已办结"});
  eq(parseCondition({"due__gte": "$sent_on"}), {field: "due", op: "gte", value: "$sent_on"});
});

test("parseCondition: none, a non-object, and several conditions", () => {
  eq(parseCondition(undefined), {field: "", op: "", value: ""});
  eq(parseCondition("text"), {field: "", op: "", value: ""});
  eq(parseCondition({}), {field: "", op: "", value: ""});
  eq(parseCondition({"a": 1, "b__ne": 2}), {several: true});
});

test("conditionKey writes eq without a suffix", () => {
  eq(conditionKey("status", ""), "status");
  eq(conditionKey("status", "eq"), "status");
  eq(conditionKey("status", "nin"), "status__nin");
});

test("nin takes a list, split on ASCII and full-width commas, blanks dropped", () => {
  eq(buildCondition(cat, "choice", "status", "nin", "已办结, 已撤销，"), {"status__nin": ["已办结", "已撤销"]});
  eq(buildCondition(cat, "integer", "count", "nin", "1，2, 3"), {"count__nin": [1, 2, 3]});
  eq(buildCondition(cat, "text", "name", "in", "甲,乙"), {"name__in": ["甲", "乙"]});
});

test("values take the field's kind: numbers, yes/no, $field as written", () => {
  eq(conditionValue(cat, "money", "", " 12.5 "), 12.5);
  eq(conditionValue(cat, "integer", "gte", "abc"), "abc", "not a number: kept for the server to name");
  eq(conditionValue(cat, "boolean", "", "是"), true);
  eq(conditionValue(cat, "boolean", "ne", "false"), false);
  eq(conditionValue(cat, "boolean", "", "也许"), "也许");
  eq(conditionValue(cat, "date", "gte", " $sent_on "), "$sent_on");
  eq(conditionValue(cat, "text", "contains", " 苏 "), "苏");
  eq(conditionValue(cat, "text", "", "12"), "12", "text stays text");
});

test("buildCondition without a field is no condition", () => {
  eq(buildCondition(cat, null, "", "nin", "a"), null);
});

test("a built condition reads back as its parts", () => {
  const c = buildCondition(cat, "integer", "count", "nin", "4,5");
  const p = parseCondition(c);
  eq(p, {field: "count", op: "nin", value: [4, 5]});
  eq(valueText(p.value), "4,5");
  eq(valueText(7), "7");
});

test("renamedConditions renames the field and $field values only", () => {
  eq(renamedConditions({"a__nin": ["$a"], "b": "$a", "ab": "a"}, "a", "z"), {"z__nin": ["$a"], "b": "$z", "ab": "a"});
  eq(renamedConditions(null, "a", "z"), null);
});

test("the operators offered are those the field's kind accepts in a condition", () => {
  const ops = (kind) => cat.opChoices(kind).map((o) => o[0]);
  eq(ops("text"), ["", "ne", "contains", "in", "nin"]);
  eq(ops("choice"), ["", "ne", "in", "nin"]);
  eq(ops("date"), ["", "ne", "lt", "lte", "gt", "gte", "in", "nin"]);
  eq(ops("boolean"), ["", "ne"]);
  eq(ops("multichoice"), ["contains"]);
  eq(ops(null), ["", "ne", "lt", "lte", "gt", "gte", "contains", "in", "nin"], "no field chosen: all");
  eq(cat.opChoices("boolean", "gte").map((o) => o[0]), ["", "ne", "gte"], "the current operator stays offered");
  ok(cat.many("nin") && cat.many("in") && !cat.many("ne"), "list operators");
});
