/* Conditions in the list filters' syntax (`field__op: value`, docs/definitions.md), as x-show-when,
   rules and reports write them: read into parts for the editor, built back from what is typed. */
import { _ } from "./i18n.js";
import { isObject, numberOrText } from "./util.js";

/* {field, op, value} of a one-condition object (op "" for eq); {several: true} for more than one;
   {field: ""} for none. */
export function parseCondition(cond) {
  const names = isObject(cond) ? Object.keys(cond) : [];
  if (names.length > 1) { return {several: true}; }
  if (!names.length) { return {field: "", op: "", value: ""}; }
  const at = names[0].indexOf("__");
  const field = at < 0 ? names[0] : names[0].slice(0, at);
  const op = at < 0 ? "" : names[0].slice(at + 2);
  return {field, op: op === "eq" ? "" : op, value: cond[names[0]]};
}

export function conditionKey(field, op) { return field + (op && op !== "eq" ? "__" + op : ""); }

/* A condition's value as text in its input: a list joined by commas. */
export function valueText(value) { return Array.isArray(value) ? value.join(",") : String(value); }

/* What is typed as the value the field holds: numbers for numeric kinds, true/false for yes/no,
   a list for in and nin (commas, full-width too), "$field" as written. */
export function conditionValue(catalogue, kind, op, text) {
  function one(t) {
    t = String(t).trim();
    if (t.charAt(0) === "$") { return t; }
    if (catalogue.is(kind, "numeric")) { return numberOrText(t); }
    if (kind === "boolean") { return t === "true" || t === _("是") ? true : (t === "false" || t === _("否") ? false : t); }
    return t;
  }
  if (catalogue.many(op)) { return String(text).split(/[,，]/).map(one).filter((v) => v !== ""); }
  return one(text);
}

/* The one-condition object for these parts, or null when no field is chosen. */
export function buildCondition(catalogue, kind, field, op, text) {
  if (!field) { return null; }
  const c = {};
  c[conditionKey(field, op)] = conditionValue(catalogue, kind, op, text);
  return c;
}

/* `cond` with field `oldKey` renamed: in `field__op` and in a "$field" value. */
export function renamedConditions(cond, oldKey, newKey) {
  if (!isObject(cond)) { return cond; }
  const out = {};
  Object.keys(cond).forEach((name) => {
    const parts = name.split("__"), value = cond[name];
    if (parts[0] === oldKey) { parts[0] = newKey; }
    out[parts.join("__")] = value === "$" + oldKey ? "$" + newKey : value;
  });
  return out;
}
