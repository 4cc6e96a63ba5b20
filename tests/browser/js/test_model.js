/* static/js/designer/model.js: operations on the definition being edited keep the order of fields,
   `required` and every reference to a field. */
import { eq, ok, test } from "./harness.js";
import { DefinitionModel } from "/static/js/designer/model.js";

function doc() {
  return {
    title: "维修", type: "object", required: ["plate", "sent_on"],
    properties: {
      plate: {type: "string", title: "车牌号", maxLength: 20},
      sent_on: {type: "string", format: "date", title: "送修日期"},
      back_on: {type: "string", format: "date", title: "取车日期", "x-show-when": {"plate__contains": "苏"}},
      items: {type: "array", items: {type: "object", properties: {cost: {type: "number"}, item: {type: "string"}}}}
    },
    "x-ledger": {
      key: "repairs", business_key: "plate",
      list: {columns: ["plate", "sent_on"], filters: ["plate"], search: ["plate"], sort: "-plate"},
      overdue: {date: "sent_on", status: "plate"},
      rules: [{when: {"plate__nin": ["苏A", "苏B"]}, check: {"back_on__gte": "$sent_on"}, message: "m"},
              {check: {"sent_on__lte": "$plate"}, message: "n"}],
      reports: [{key: "r", group_by: ["plate", "sent_on:month"], filter: {"plate__ne": "x"},
                 measures: [{fn: "sum", field: "plate", where: {"plate": "$plate"}}]}]
    }
  };
}

function model(published) { return new DefinitionModel(doc(), "repairs", published === undefined ? null : published); }

test("addField appends a text field with the next free key, the others in their order", () => {
  const m = model();
  const key = m.addField(m.doc);
  eq(key, "field_5");
  eq(Object.keys(m.doc.properties), ["plate", "sent_on", "back_on", "items", "field_5"]);
  eq(m.doc.properties.field_5.type, "string");
  eq(m.doc.properties.field_5.title, "新字段5");
});

test("addField skips a key already taken", () => {
  const m = model();
  m.doc.properties.field_5 = {type: "string"};
  eq(m.addField(m.doc), "field_6");
});

test("addField into a child table and into a container without properties", () => {
  const m = model();
  eq(m.addField(m.doc.properties.items.items), "field_3");
  eq(Object.keys(m.doc.properties.items.items.properties), ["cost", "item", "field_3"]);
  const bare = {type: "object"};
  eq(m.addField(bare), "field_1");
  eq(Object.keys(bare.properties), ["field_1"]);
});

test("moveField swaps with the neighbour and refuses to leave either end", () => {
  const m = model();
  ok(m.moveField(m.doc, "back_on", -1));
  eq(Object.keys(m.doc.properties), ["plate", "back_on", "sent_on", "items"]);
  ok(m.moveField(m.doc, "plate", 1));
  eq(Object.keys(m.doc.properties), ["back_on", "plate", "sent_on", "items"]);
  ok(!m.moveField(m.doc, "back_on", -1), "first field up");
  ok(!m.moveField(m.doc, "items", 1), "last field down");
  ok(!m.moveField(m.doc, "nothing", 1), "unknown field");
  eq(Object.keys(m.doc.properties), ["back_on", "plate", "sent_on", "items"]);
  eq(m.doc.properties.plate.maxLength, 20, "values kept");
});

test("dropField puts the field where it is dropped: before when moving up, after when moving down", () => {
  const m = model();
  ok(m.dropField(m.doc, "back_on", "plate"));
  eq(Object.keys(m.doc.properties), ["back_on", "plate", "sent_on", "items"]);
  ok(m.dropField(m.doc, "back_on", "sent_on"));
  eq(Object.keys(m.doc.properties), ["plate", "sent_on", "back_on", "items"]);
  ok(!m.dropField(m.doc, "plate", "plate"), "onto itself");
  ok(!m.dropField(m.doc, "plate", "nothing"), "onto an unknown field");
});

test("renameField keeps the place, required and every x-ledger reference", () => {
  const m = model();
  m.renameField(m.doc, "plate", "plate_no", null);
  const d = m.doc, o = d["x-ledger"];
  eq(Object.keys(d.properties), ["plate_no", "sent_on", "back_on", "items"]);
  eq(d.required, ["plate_no", "sent_on"]);
  eq(o.list, {columns: ["plate_no", "sent_on"], filters: ["plate_no"], search: ["plate_no"], sort: "-plate_no"});
  eq(o.business_key, "plate_no");
  eq(o.overdue, {date: "sent_on", status: "plate_no"});
  eq(o.rules[0].when, {"plate_no__nin": ["苏A", "苏B"]});
  eq(o.rules[1].check, {"sent_on__lte": "$plate_no"});
  eq(o.reports[0].group_by, ["plate_no", "sent_on:month"]);
  eq(o.reports[0].filter, {"plate_no__ne": "x"});
  eq(o.reports[0].measures[0], {fn: "sum", field: "plate_no", where: {"plate_no": "$plate_no"}});
  eq(d.properties.back_on["x-show-when"], {"plate_no__contains": "苏"});
  ok(!("x-renamed-from" in d.properties.plate_no), "no rename declared for an unpublished field");
});

test("renameField of a published field declares x-renamed-from, dropped when the old key is back", () => {
  const m = model(doc());
  m.renameField(m.doc, "plate", "plate_no", m.published);
  eq(m.doc.properties.plate_no["x-renamed-from"], "plate");
  m.renameField(m.doc, "plate_no", "car", m.published);
  eq(m.doc.properties.car["x-renamed-from"], "plate", "renamed twice: still from the published key");
  m.renameField(m.doc, "car", "plate", m.published);
  ok(!("x-renamed-from" in m.doc.properties.plate), "back to its published key");
});

test("renameField inside a child table leaves the ledger's references alone", () => {
  const m = model();
  const rows = m.doc.properties.items.items;
  m.renameField(rows, "cost", "price", null);
  eq(Object.keys(rows.properties), ["price", "item"]);
  eq(m.doc["x-ledger"].list.columns, ["plate", "sent_on"]);
});

test("removeField drops the field from required and from the list, and empty lists with it", () => {
  const m = model();
  m.removeField(m.doc, "plate");
  eq(Object.keys(m.doc.properties), ["sent_on", "back_on", "items"]);
  eq(m.doc.required, ["sent_on"]);
  eq(m.doc["x-ledger"].list, {columns: ["sent_on"], sort: "-plate"});
});

test("changeKind keeps the place, the title and the field's identity for renames", () => {
  const m = model(doc());
  ok(m.changeKind(m.doc, "sent_on", "datetime"));
  eq(Object.keys(m.doc.properties), ["plate", "sent_on", "back_on", "items"]);
  eq(m.doc.properties.sent_on, {title: "送修日期", type: "string", format: "date-time"});
  m.renameField(m.doc, "sent_on", "sent_at", m.published);
  eq(m.doc.properties.sent_at["x-renamed-from"], "sent_on");
  ok(!m.changeKind(m.doc, "plate", "no-such-kind"), "an unknown kind changes nothing");
  eq(m.doc.properties.plate.type, "string");
});

test("keyProblem refuses a malformed or taken key", () => {
  const m = model();
  eq(m.keyProblem(m.doc, "new_key"), null);
  ok(/小写字母/.test(m.keyProblem(m.doc, "Bad")), "capital");
  ok(/小写字母/.test(m.keyProblem(m.doc, "1abc")), "digit first");
  ok(/已被使用/.test(m.keyProblem(m.doc, "sent_on")), "taken");
});

test("setRequired adds at the end, removes, and drops an empty list", () => {
  const m = model();
  m.setRequired(m.doc, "back_on", true);
  eq(m.doc.required, ["plate", "sent_on", "back_on"]);
  m.setRequired(m.doc, "plate", false);
  m.setRequired(m.doc, "sent_on", false);
  m.setRequired(m.doc, "back_on", false);
  ok(!("required" in m.doc), "empty required dropped");
  ok(!m.isRequired(m.doc, "plate"));
});

test("options() makes x-ledger with the ledger's key when there is none", () => {
  const m = new DefinitionModel({type: "object", properties: {}}, "k", null);
  eq(m.options(), {key: "k"});
  m.listOptions();
  m.tidyList();
  eq(m.doc["x-ledger"], {key: "k"});
});

test("replace() takes a new document; renames count from its keys", () => {
  const m = model(doc());
  const next = doc();
  m.replace(next);
  m.renameField(next, "sent_on", "sent", m.published);
  eq(next.properties.sent["x-renamed-from"], "sent_on");
});

test("fieldChoices and describe name fields by title", () => {
  const m = model();
  eq(m.fieldChoices((f) => f.format === "date"), [["sent_on", "送修日期（sent_on）"], ["back_on", "取车日期（back_on）"]]);
  eq(m.describe("/properties/items/items/properties/cost/type"), "字段“items” › “cost”");
  eq(m.describe("/x-ledger/list"), "/x-ledger/list");
});
