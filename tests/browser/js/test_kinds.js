/* static/js/designer/kinds.js: a field changed to a kind is recognised as that kind and keeps what
   the kinds share (core's recognition of the same schemas is checked from pytest). */
import { eq, ok, test } from "./harness.js";
import { pageCatalogue } from "/static/js/designer/catalogue.js";
import { children, choicesOf, kindOf, template } from "/static/js/designer/kinds.js";

const cat = pageCatalogue(document);

test("every kind of the catalogue has a template recognised as that kind", () => {
  cat.names().forEach((k) => { eq(kindOf(template(k)), k, k); });
});

test("a kind change keeps title, help, condition and rename", () => {
  const old = {type: "string", title: "T", description: "D", "x-show-when": {a: 1}, "x-renamed-from": "o", maxLength: 5};
  eq(template("integer", old), {title: "T", description: "D", "x-show-when": {a: 1}, "x-renamed-from": "o", type: "integer"});
});

test("choices survive choice <-> multichoice, sub-fields table <-> group", () => {
  const choice = {type: "string", "enum": ["甲", "乙"]};
  eq(choicesOf(template("multichoice", choice)), ["甲", "乙"]);
  eq(choicesOf(template("choice", template("multichoice", choice))), ["甲", "乙"]);
  const table = {type: "array", items: {type: "object", properties: {a: {type: "integer"}}}};
  eq(children(template("group", table)).properties, {a: {type: "integer"}});
  eq(choicesOf(template("choice")).length, 2, "a new choice field gets two choices");
});

test("schemas no kind declares are null (edited as JSON)", () => {
  [{type: "string", format: "ipv4"}, {type: "null"}, {type: "array"}, {type: "object"}, null, [], "text"]
    .forEach((s) => { eq(kindOf(s), null, JSON.stringify(s)); });
  eq(template("no-such-kind"), null);
});
