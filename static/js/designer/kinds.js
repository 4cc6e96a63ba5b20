/* How each kind is spelt in JSON Schema, for the editor: which kind a property declares (the
   engine's recognition, core/definition/kinds, which tests/browser keep equal), its choices and
   sub-fields, and the schema a field gets when its kind is changed. */
import { _ } from "./i18n.js";
import { isObject } from "./util.js";

const FORMATS = {"date": "date", "date-time": "datetime", "email": "email", "uri": "uri"};

/* The kind name of a property schema, or null where the engine has none (edited as JSON). */
export function kindOf(s) {
  if (!isObject(s)) { return null; }
  const items = s.items;
  if (s.type === "number") { return s["x-widget"] === "money" || s.multipleOf === 0.01 ? "money" : "number"; }
  if (s.type === "integer") { return "integer"; }
  if (s.type === "boolean") { return "boolean"; }
  if (s.type === "array" && s["x-file"] !== undefined) { return "file"; }  /* attachments (kinds/files.py) */
  if (s.type === "array" && isObject(items) && items.type === "object" && isObject(items.properties)) { return "table"; }
  if (s.type === "array" && isObject(items) && items.type === "string" && Array.isArray(items.enum)) { return "multichoice"; }
  if (s.type === "object" && isObject(s.properties)) { return "group"; }
  if (s.type !== "string") { return null; }
  if (Array.isArray(s.enum)) { return "choice"; }
  if (s.format) { return FORMATS[s.format] || null; }
  return s["x-widget"] === "textarea" ? "textarea" : "text";
}

export function choicesOf(s) {
  const k = kindOf(s);
  if (k === "choice") { return s.enum; }
  if (k === "multichoice") { return s.items.enum; }
  return null;
}

/* The object schema holding a table's columns or a group's fields. */
export function children(s) {
  const k = kindOf(s);
  if (k === "table") { return s.items; }
  if (k === "group") { return s; }
  return null;
}

/* The kinds whose text length is limited (minLength, maxLength) and whose values are numbers. */
export const TEXT_KINDS = ["text", "textarea", "email", "uri"];
export const NUMBER_KINDS = ["integer", "number", "money"];

/* The schema of a field changed to `kind`: its title, help, condition and rename are kept, and
   its choices or sub-fields where the new kind has them too. */
export function template(kind, old) {
  const choices = (old && choicesOf(old)) || [_("选项一"), _("选项二")];
  const item = () => ({item: {type: "string", title: _("项目"), maxLength: 200}});
  const t = {
    text: {type: "string", maxLength: 200},
    textarea: {type: "string", maxLength: 2000, "x-widget": "textarea"},
    date: {type: "string", format: "date"},
    datetime: {type: "string", format: "date-time"},
    email: {type: "string", format: "email", maxLength: 200},
    uri: {type: "string", format: "uri", maxLength: 500},
    integer: {type: "integer"},
    number: {type: "number"},
    money: {type: "number", minimum: 0, multipleOf: 0.01, "x-widget": "money"},
    boolean: {type: "boolean"},
    choice: {type: "string", "enum": choices.slice()},
    multichoice: {type: "array", items: {type: "string", "enum": choices.slice()}, uniqueItems: true},
    table: {type: "array", items: {type: "object", properties: item(), additionalProperties: false}},
    group: {type: "object", properties: item(), additionalProperties: false},
    file: {type: "array", items: {type: "string"},
           "x-file": {types: ["application/pdf", "image/*"], max_bytes: 10485760, max_files: 5}}
  }[kind];
  if (!t) { return null; }
  const out = {};
  ["title", "description", "x-show-when", "x-renamed-from"].forEach((name) => {
    if (old && old[name] !== undefined) { out[name] = old[name]; }
  });
  if (kind === "table" || kind === "group") {
    const inner = old ? children(old) : null;
    if (inner) { (kind === "table" ? t.items : t).properties = inner.properties; }
  }
  return Object.assign(out, t);
}
