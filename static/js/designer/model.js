/* The definition being edited. The document itself is the model (the visual editor and the JSON tab
   edit the same object); these operations keep it whole: the order of fields, `required`, and every
   x-ledger reference to a renamed or removed field. */
import { _ } from "./i18n.js";
import { children, template } from "./kinds.js";
import { renamedConditions } from "./conditions.js";
import { escapePointer, has, isObject, setOrDelete, swap } from "./util.js";

export const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;

export class DefinitionModel {
  /* `doc` the definition, `key` the ledger's, `published` the current version (renames are
     declared against it) or null. */
  constructor(doc, key, published) {
    this.key = key;
    this.published = published || null;
    this.origins = new WeakMap();  // field schema -> its key when loaded (to declare renames)
    this.replace(doc);
  }

  /* A new document (the JSON tab, an import): its fields' keys are where renames count from. */
  replace(doc) {
    this.doc = doc;
    this.rememberOrigins(doc);
  }

  rememberOrigins(container) {
    if (!isObject(container) || !isObject(container.properties)) { return; }
    Object.keys(container.properties).forEach((k) => {
      const fs = container.properties[k];
      if (!isObject(fs)) { return; }
      this.origins.set(fs, typeof fs["x-renamed-from"] === "string" ? fs["x-renamed-from"] : k);
      this.rememberOrigins(children(fs));
    });
  }

  options() {
    if (!isObject(this.doc["x-ledger"])) { this.doc["x-ledger"] = {key: this.key}; }
    return this.doc["x-ledger"];
  }

  listOptions() {
    const o = this.options();
    if (!isObject(o.list)) { o.list = {}; }
    return o.list;
  }

  /* x-ledger.list without its empty parts: an empty list object is dropped. */
  tidyList() {
    if (isObject(this.doc["x-ledger"]) && isObject(this.doc["x-ledger"].list) && !Object.keys(this.doc["x-ledger"].list).length) {
      delete this.doc["x-ledger"].list;
    }
  }

  topFields() { return isObject(this.doc.properties) ? this.doc.properties : {}; }

  titleOf(key) {
    const f = this.topFields()[key];
    return f && f.title ? f.title : key;
  }

  /* [key, "title（key）"] of the top-level fields `filter` accepts, in their order. */
  fieldChoices(filter) {
    const fields = this.topFields();
    return Object.keys(fields).filter((k) => !filter || filter(fields[k]))
      .map((k) => [k, _("%(title)s（%(key)s）", {title: fields[k].title || k, key: k})]);
  }

  /* The published schema of the container holding the same fields (for renames), or null. */
  publishedChildren(fs, pubContainer) {
    const origin = this.origins.get(fs);
    if (pubContainer && isObject(pubContainer.properties) && origin && pubContainer.properties[origin]) {
      return children(pubContainer.properties[origin]);
    }
    return null;
  }

  /* --- fields ------------------------------------------------------------------------------- */

  /* A new text field at the end of `container`; its key. */
  addField(container) {
    container.properties = container.properties || {};
    let n = Object.keys(container.properties).length + 1, k = "field_" + n;
    while (has(container.properties, k)) { n += 1; k = "field_" + n; }
    container.properties[k] = {type: "string", title: _("新字段%(n)s", {n: n}), maxLength: 200};
    return k;
  }

  /* `container.properties` rebuilt in the order of `keys`, every value kept. */
  reorder(container, keys) {
    const old = container.properties, out = {};
    keys.forEach((k) => { out[k] = old[k]; });
    container.properties = out;
  }

  /* One place up (step -1) or down (1); false at either end. */
  moveField(container, key, step) {
    const keys = Object.keys(container.properties), i = keys.indexOf(key), j = i + step;
    if (i < 0 || j < 0 || j >= keys.length) { return false; }
    swap(keys, i, j);
    this.reorder(container, keys);
    return true;
  }

  /* A dragged field dropped onto another: it takes that field's place (after it when moving down). */
  dropField(container, dragged, onto) {
    const all = Object.keys(container.properties);
    if (dragged === onto || all.indexOf(dragged) < 0 || all.indexOf(onto) < 0) { return false; }
    const keys = all.filter((k) => k !== dragged);
    keys.splice(keys.indexOf(onto) + (all.indexOf(dragged) < all.indexOf(onto) ? 1 : 0), 0, dragged);
    this.reorder(container, keys);
    return true;
  }

  removeField(container, key) {
    delete container.properties[key];
    if (Array.isArray(container.required)) { container.required = container.required.filter((k) => k !== key); }
    if (container === this.doc) { this.forgetReferences(key); }
  }

  /* Why `next` cannot be the new key of a field of `container`, or null. */
  keyProblem(container, next) {
    if (!KEY_RE.test(next)) { return _("字段名应以小写字母开头，只含小写字母、数字和下划线"); }
    if (has(container.properties, next)) { return _("字段名“%(key)s”已被使用", {key: next}); }
    return null;
  }

  /* The key changed in place: the order, `required`, the references and, for a published field,
     x-renamed-from (dropped again when it gets its old key back). */
  renameField(container, oldKey, newKey, pubContainer) {
    const out = {}, fs = container.properties[oldKey];
    Object.keys(container.properties).forEach((k) => { out[k === oldKey ? newKey : k] = container.properties[k]; });
    container.properties = out;
    if (Array.isArray(container.required)) {
      container.required = container.required.map((k) => (k === oldKey ? newKey : k));
    }
    if (container === this.doc) { this.renameReferences(oldKey, newKey); }
    const origin = this.origins.get(fs);
    const pubProps = pubContainer && isObject(pubContainer.properties) ? pubContainer.properties : null;
    if (origin && pubProps && has(pubProps, origin)) {
      if (newKey === origin) { delete fs["x-renamed-from"]; } else { fs["x-renamed-from"] = origin; }
    }
  }

  /* The field as `kind`, in the same place, still counted as the same field for renames. */
  changeKind(container, key, kind) {
    const fs = container.properties[key];
    const next = template(kind, fs);
    if (!next) { return false; }
    this.origins.set(next, this.origins.get(fs));
    const keys = Object.keys(container.properties);
    container.properties[key] = next;
    this.reorder(container, keys);
    return true;
  }

  setRequired(container, key, on) {
    const req = Array.isArray(container.required) ? container.required.filter((k) => k !== key) : [];
    if (on) { req.push(key); }
    setOrDelete(container, "required", req);
  }

  isRequired(container, key) { return Array.isArray(container.required) && container.required.indexOf(key) >= 0; }

  /* Where x-ledger names a top-level field, a rename follows it. */
  renameReferences(oldKey, newKey) {
    const o = this.options(), list = o.list;
    const swapKey = (k) => (k === oldKey ? newKey : k);
    if (isObject(list)) {
      ["columns", "filters", "search"].forEach((n) => { if (Array.isArray(list[n])) { list[n] = list[n].map(swapKey); } });
      if (typeof list.sort === "string" && list.sort.replace(/^-/, "") === oldKey) { list.sort = list.sort.replace(oldKey, newKey); }
    }
    if (o.business_key === oldKey) { o.business_key = newKey; }
    if (isObject(o.overdue)) { ["date", "status"].forEach((n) => { if (o.overdue[n] === oldKey) { o.overdue[n] = newKey; } }); }
    (Array.isArray(o.rules) ? o.rules : []).forEach((rule) => {
      if (isObject(rule)) { ["when", "check"].forEach((part) => { rule[part] = renamedConditions(rule[part], oldKey, newKey); }); }
    });
    (Array.isArray(o.reports) ? o.reports : []).forEach((report) => {
      if (!isObject(report)) { return; }
      if (Array.isArray(report.group_by)) {
        report.group_by = report.group_by.map((g) => (String(g).split(":")[0] === oldKey ? newKey + String(g).slice(oldKey.length) : g));
      }
      report.filter = renamedConditions(report.filter, oldKey, newKey);
      (Array.isArray(report.measures) ? report.measures : []).forEach((m) => {
        if (!isObject(m)) { return; }
        if (m.field === oldKey) { m.field = newKey; }
        m.where = renamedConditions(m.where, oldKey, newKey);
      });
    });
    const fields = this.topFields();
    Object.keys(fields).forEach((k) => {
      const f = fields[k];
      if (isObject(f) && f["x-show-when"] !== undefined) { f["x-show-when"] = renamedConditions(f["x-show-when"], oldKey, newKey); }
    });
  }

  /* A removed field leaves the list's columns, filters and search. */
  forgetReferences(key) {
    const list = this.options().list;
    if (!isObject(list)) { return; }
    ["columns", "filters", "search"].forEach((n) => {
      if (Array.isArray(list[n])) { list[n] = list[n].filter((k) => k !== key); if (!list[n].length) { delete list[n]; } }
    });
  }

  /* "字段“A” › “B”" for a JSON pointer into the fields, else the pointer. */
  describe(path) {
    const parts = path.split("/").slice(1), names = [];
    let node = this.doc;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i].replace(/~1/g, "/").replace(/~0/g, "~");
      if (parts[i - 1] === "properties" && node && isObject(node[part])) { names.push(_("“%(title)s”", {title: node[part].title || part})); }
      node = node && typeof node === "object" ? node[part] : undefined;
    }
    return names.length ? _("字段%(names)s", {names: names.join(" › ")}) : (path || _("定义"));
  }
}

export function fieldPointer(path, key) { return path + "/properties/" + escapePointer(key); }

