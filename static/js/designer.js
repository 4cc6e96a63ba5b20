/* The ledger designer (templates/designer/edit.html). The definition document itself is the
   model: the visual editor and the JSON tab both edit it, the server checks it (every problem
   at its JSON pointer) and renders the preview with the form builder staff use. */
(function () {
  "use strict";

  var root = document.getElementById("designer");
  var stateNode = document.getElementById("designer-state");
  if (!root || !stateNode) { return; }
  var state = JSON.parse(stateNode.textContent);
  var messages = state.messages || {};
  var csrf = root.dataset.csrf;
  var doc = clone(state.document);
  var published = state.published;
  var origins = new WeakMap();   // field schema -> its key when loaded (to declare renames)
  var openCards = {};            // pointers of the field cards left open
  var problems = [];
  var previewTimer = null, checkTimer = null, previewSeq = 0, checkSeq = 0;
  var visual = root.querySelector("[data-visual]");
  var jsonBox = root.querySelector("[data-json]");
  var jsonError = root.querySelector("[data-json-error]");
  var preview = root.querySelector("[data-preview]");
  var messageBox = root.querySelector("[data-message]");

  var OPS = [["", _("等于")], ["ne", _("不等于")], ["lt", _("小于")], ["lte", _("不大于")], ["gt", _("大于")],
             ["gte", _("不小于")], ["contains", _("包含")], ["in", _("属于（逗号分隔）")]];
  var PATTERNS = [["", _("（常用格式）"), ""], ["^1[3-9]\\d{9}$", _("手机号码"), "13800000000"],
                  ["^\\d{6}$", _("邮政编码"), "100000"], ["^\\d{17}[\\dXx]$", _("身份证号码"), "110101199003071234"],
                  ["^([01]\\d|2[0-3]):[0-5]\\d$", _("时间（时:分）"), "09:30"],
                  ["^[0-9A-Z]{18}$", _("统一社会信用代码"), "91110000100000000X"]];
  var SCALAR = ["text", "textarea", "date", "datetime", "email", "uri", "integer", "number", "money",
                "boolean", "choice"];

  /* Messages in the page's language: the page passes {msgid: translation} (web/designer.py reads
     the _("...") calls of this file); %(name)s takes values[name]. */
  function _(text, values) {
    var out = Object.prototype.hasOwnProperty.call(messages, text) ? messages[text] : text;
    return values ? out.replace(/%\((\w+)\)s/g, function (all, name) { return String(values[name]); }) : out;
  }

  function clone(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function escapePointer(key) { return String(key).replace(/~/g, "~0").replace(/\//g, "~1"); }

  /* --- kinds: how each is written in JSON Schema (docs/definitions.md, core/definition/kinds) ---------- */

  function kindOf(s) {
    if (!isObject(s)) { return null; }
    var items = s.items;
    if (s.type === "number") { return s["x-widget"] === "money" || s.multipleOf === 0.01 ? "money" : "number"; }
    if (s.type === "integer") { return "integer"; }
    if (s.type === "boolean") { return "boolean"; }
    if (s.type === "array" && s["x-file"] !== undefined) { return "file"; }  /* attachments (kinds/files.py) */
    if (s.type === "array" && isObject(items) && items.type === "object" && isObject(items.properties)) { return "table"; }
    if (s.type === "array" && isObject(items) && items.type === "string" && Array.isArray(items.enum)) { return "multichoice"; }
    if (s.type === "object" && isObject(s.properties)) { return "group"; }
    if (s.type !== "string") { return null; }
    if (Array.isArray(s.enum)) { return "choice"; }
    var formats = {"date": "date", "date-time": "datetime", "email": "email", "uri": "uri"};
    if (s.format) { return formats[s.format] || null; }
    return s["x-widget"] === "textarea" ? "textarea" : "text";
  }

  function choicesOf(s) {
    var k = kindOf(s);
    if (k === "choice") { return s.enum; }
    if (k === "multichoice") { return s.items.enum; }
    return null;
  }

  function children(s) {
    var k = kindOf(s);
    if (k === "table") { return s.items; }
    if (k === "group") { return s; }
    return null;
  }

  function template(kind, old) {
    var choices = (old && choicesOf(old)) || [_("选项一"), _("选项二")];
    var t = {
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
      table: {type: "array", items: {type: "object", properties: {item: {type: "string", title: _("项目"), maxLength: 200}},
                                     additionalProperties: false}},
      group: {type: "object", properties: {item: {type: "string", title: _("项目"), maxLength: 200}},
              additionalProperties: false},
      file: {type: "array", items: {type: "string"},
             "x-file": {types: ["application/pdf", "image/*"], max_bytes: 10485760, max_files: 5}}
    }[kind];
    var kept = {title: undefined, description: undefined, "x-show-when": undefined, "x-renamed-from": undefined};
    var out = {};
    Object.keys(kept).forEach(function (name) { if (old && old[name] !== undefined) { out[name] = old[name]; } });
    if (kind === "table" || kind === "group") {
      var inner = old ? children(old) : null;
      if (inner) { (kind === "table" ? t.items : t).properties = inner.properties; }
    }
    return Object.assign(out, t);
  }

  /* --- small DOM helpers ---------------------------------------------------------------- */

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) { return; }
      if (name === "text") { node.textContent = value; } else if (name.slice(0, 2) === "on") {
        node.addEventListener(name.slice(2), value);
      } else { node.setAttribute(name, value === true ? "" : value); }
    });
    (kids || []).forEach(function (kid) {
      if (kid !== null && kid !== undefined) { node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid); }
    });
    return node;
  }

  var uid = 0;
  function labelled(text, input, hint) {
    if (!input.id) { uid += 1; input.id = "d-" + uid; }
    var label = el("label", {"for": input.id, "class": "d-label"}, [text, input]);
    if (hint) { label.appendChild(el("small", {"class": "help", text: hint})); }
    return label;
  }

  function textInput(value, onchange, attrs) {
    var input = el("input", Object.assign({type: "text", value: value === undefined || value === null ? "" : String(value)}, attrs || {}));
    input.addEventListener("input", function () { onchange(input.value, input); });
    return input;
  }

  function select(options, value, onchange, attrs) {
    var node = el("select", attrs || {}, options.map(function (o) {
      return el("option", {value: o[0], text: o[1], selected: String(o[0]) === String(value === undefined ? "" : value)});
    }));
    node.addEventListener("change", function () { onchange(node.value, node); });
    return node;
  }

  function checkbox(text, checked, onchange, attrs) {
    var input = el("input", Object.assign({type: "checkbox", checked: !!checked}, attrs || {}));
    input.addEventListener("change", function () { onchange(input.checked); });
    uid += 1; input.id = "d-" + uid;
    return el("label", {"for": input.id, "class": "d-check"}, [input, text]);
  }

  function button(text, onclick, attrs) {
    return el("button", Object.assign({type: "button", "class": "secondary outline small", text: text, onclick: onclick}, attrs || {}));
  }

  function setOrDelete(obj, name, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) { delete obj[name]; }
    else { obj[name] = value; }
  }

  function numberOrText(text) {
    var t = String(text).trim();
    return t !== "" && !isNaN(Number(t)) ? Number(t) : text;
  }

  /* --- the document's parts --------------------------------------------------------------- */

  function options() {
    if (!isObject(doc["x-ledger"])) { doc["x-ledger"] = {key: state.key}; }
    return doc["x-ledger"];
  }

  function listOptions() {
    var o = options();
    if (!isObject(o.list)) { o.list = {}; }
    return o.list;
  }

  function topFields() { return isObject(doc.properties) ? doc.properties : {}; }

  function fieldChoices(filter) {
    return Object.keys(topFields()).filter(function (k) { return !filter || filter(topFields()[k]); })
      .map(function (k) { return [k, _("%(title)s（%(key)s）", {title: topFields()[k].title || k, key: k})]; });
  }

  function titleOf(key) {
    var f = topFields()[key];
    return f && f.title ? f.title : key;
  }

  /* Rebuild `container.properties` in a new order or with a key renamed, keeping every value. */
  function reorder(container, keys) {
    var old = container.properties, out = {};
    keys.forEach(function (k) { out[k] = old[k]; });
    container.properties = out;
  }

  function renameKey(container, oldKey, newKey, pubContainer) {
    var out = {}, fs = container.properties[oldKey];
    Object.keys(container.properties).forEach(function (k) { out[k === oldKey ? newKey : k] = container.properties[k]; });
    container.properties = out;
    if (Array.isArray(container.required)) {
      container.required = container.required.map(function (k) { return k === oldKey ? newKey : k; });
    }
    if (container === doc) { renameReferences(oldKey, newKey); }
    var origin = origins.get(fs);
    var pubProps = pubContainer && isObject(pubContainer.properties) ? pubContainer.properties : null;
    if (origin && pubProps && Object.prototype.hasOwnProperty.call(pubProps, origin)) {
      if (newKey === origin) { delete fs["x-renamed-from"]; } else { fs["x-renamed-from"] = origin; }
    }
  }

  /* Where x-ledger names a top-level field, a rename follows it. */
  function renameReferences(oldKey, newKey) {
    var o = options(), list = o.list;
    function swap(k) { return k === oldKey ? newKey : k; }
    if (isObject(list)) {
      ["columns", "filters", "search"].forEach(function (n) { if (Array.isArray(list[n])) { list[n] = list[n].map(swap); } });
      if (typeof list.sort === "string" && list.sort.replace(/^-/, "") === oldKey) { list.sort = list.sort.replace(oldKey, newKey); }
    }
    if (o.business_key === oldKey) { o.business_key = newKey; }
    if (isObject(o.overdue)) { ["date", "status"].forEach(function (n) { if (o.overdue[n] === oldKey) { o.overdue[n] = newKey; } }); }
    (Array.isArray(o.rules) ? o.rules : []).forEach(function (rule) {
      if (isObject(rule)) { ["when", "check"].forEach(function (part) { rule[part] = renamedConditions(rule[part], oldKey, newKey); }); }
    });
    (Array.isArray(o.reports) ? o.reports : []).forEach(function (report) {
      if (!isObject(report)) { return; }
      if (Array.isArray(report.group_by)) {
        report.group_by = report.group_by.map(function (g) { return String(g).split(":")[0] === oldKey ? newKey + String(g).slice(oldKey.length) : g; });
      }
      report.filter = renamedConditions(report.filter, oldKey, newKey);
      (Array.isArray(report.measures) ? report.measures : []).forEach(function (m) {
        if (!isObject(m)) { return; }
        if (m.field === oldKey) { m.field = newKey; }
        m.where = renamedConditions(m.where, oldKey, newKey);
      });
    });
    Object.keys(topFields()).forEach(function (k) {
      var f = topFields()[k];
      if (isObject(f) && f["x-show-when"] !== undefined) { f["x-show-when"] = renamedConditions(f["x-show-when"], oldKey, newKey); }
    });
  }

  /* Conditions in the list filters' syntax with `oldKey` renamed: in `field__op` and in "$field". */
  function renamedConditions(cond, oldKey, newKey) {
    if (!isObject(cond)) { return cond; }
    var out = {};
    Object.keys(cond).forEach(function (name) {
      var parts = name.split("__"), value = cond[name];
      if (parts[0] === oldKey) { parts[0] = newKey; }
      out[parts.join("__")] = value === "$" + oldKey ? "$" + newKey : value;
    });
    return out;
  }

  function forgetReferences(key) {
    var list = options().list;
    if (isObject(list)) {
      ["columns", "filters", "search"].forEach(function (n) {
        if (Array.isArray(list[n])) { list[n] = list[n].filter(function (k) { return k !== key; }); if (!list[n].length) { delete list[n]; } }
      });
    }
  }

  function rememberOrigins(container) {
    if (!isObject(container) || !isObject(container.properties)) { return; }
    Object.keys(container.properties).forEach(function (k) {
      var fs = container.properties[k];
      if (!isObject(fs)) { return; }
      origins.set(fs, typeof fs["x-renamed-from"] === "string" ? fs["x-renamed-from"] : k);
      rememberOrigins(children(fs));
    });
  }

  /* --- the visual editor ------------------------------------------------------------------ */

  function renderVisual() {
    visual.textContent = "";
    if (!isObject(doc)) {
      visual.appendChild(el("p", {"class": "field-error", text: _("定义不是 JSON 对象，请在“高级”标签中修改。")}));
      return;
    }
    visual.appendChild(ledgerSection());
    visual.appendChild(el("h2", {text: _("字段")}));
    visual.appendChild(fieldList(doc, published, "", 1));
    visual.appendChild(listSection());
    visual.appendChild(rulesSection());
    visual.appendChild(reportsSection());
    markProblems();
  }

  function ledgerSection() {
    var o = options();
    return el("section", {"class": "d-section", "data-pointer": "/title"}, [
      el("h2", {text: _("台帐")}),
      labelled(_("台帐名称"), textInput(doc.title, function (v) { doc.title = v; changed(); }, {"data-ledger-title": true, maxlength: 100})),
      labelled(_("台帐标识"), el("input", {type: "text", value: state.key, readonly: true}), _("用于网址与接口，不能修改")),
      labelled(_("说明"), (function () {
        var t = el("textarea", {rows: 2, "data-ledger-description": true});
        t.value = o.description || "";
        t.addEventListener("input", function () { setOrDelete(options(), "description", t.value); changed(); });
        return t;
      }())),
      el("div", {"class": "d-card-problems", "data-problems-for": "/title"})
    ]);
  }

  function fieldList(container, pubContainer, path, depth) {
    var keys = Object.keys(container.properties || {});
    var list = el("ol", {"class": "d-fields", "data-fields": path || "/"});
    keys.forEach(function (key, index) {
      list.appendChild(fieldCard(container, pubContainer, path, key, index, keys.length, depth));
    });
    var add = button(_("添加字段"), function () {
      var n = keys.length + 1, k = "field_" + n;
      while (container.properties[k]) { n += 1; k = "field_" + n; }
      container.properties = container.properties || {};
      container.properties[k] = {type: "string", title: _("新字段%(n)s", {n: n}), maxLength: 200};
      openCards[path + "/properties/" + k] = true;
      changed(true);
      var input = visual.querySelector('[data-card="' + cssPointer(path + "/properties/" + k) + '"] [data-field-title]');
      if (input) { input.focus(); input.select(); }
    }, {"class": "secondary small", "data-add-field": path || "/"});
    return el("div", {"class": "d-field-list"}, [list, add]);
  }

  function cssPointer(p) { return p.replace(/\\/g, "\\\\").replace(/"/g, '\\"'); }

  function fieldCard(container, pubContainer, path, key, index, count, depth) {
    var fs = container.properties[key];
    var pointer = path + "/properties/" + escapePointer(key);
    var kind = kindOf(fs);
    var required = Array.isArray(container.required) && container.required.indexOf(key) >= 0;
    var card = el("li", {"class": "d-card", "data-card": pointer});
    var details = el("details", {open: !!openCards[pointer]});
    details.addEventListener("toggle", function () { openCards[pointer] = details.open; });
    var summary = el("summary", {draggable: "true", title: _("拖动可调整顺序")}, [
      el("span", {"class": "d-grip", "aria-hidden": "true", text: "⠿"}),
      el("strong", {"data-summary-title": true, text: (isObject(fs) && fs.title) || key}),
      el("code", {text: key}),
      el("span", {"class": "d-kind", text: kind ? state.kinds[kind] : _("（其他）")}),
      required ? el("span", {"class": "d-req", text: _("必填")}) : null,
      fs && fs["x-renamed-from"] ? el("span", {"class": "d-renamed", text: _("原名 %(key)s", {key: fs["x-renamed-from"]})}) : null
    ]);
    details.appendChild(summary);
    var moves = el("div", {"class": "d-card-buttons"}, [
      button(_("上移"), function () { move(container, key, -1); }, {disabled: index === 0, "data-move-up": key}),
      button(_("下移"), function () { move(container, key, 1); }, {disabled: index === count - 1, "data-move-down": key}),
      button(_("删除"), function () {
        if (!window.confirm(_("删除字段“%(title)s”？已有记录中的值仍会保留并显示。", {title: (fs && fs.title) || key}))) { return; }
        delete container.properties[key];
        if (Array.isArray(container.required)) { container.required = container.required.filter(function (k) { return k !== key; }); }
        if (container === doc) { forgetReferences(key); }
        changed(true);
      }, {"class": "secondary outline small d-danger", "data-remove": key})
    ]);
    details.appendChild(moves);
    if (!isObject(fs)) {
      details.appendChild(el("p", {"class": "field-error", text: _("此字段不是对象，请在“高级”标签中修改。")}));
    } else {
      fieldBody(details, container, pubContainer, key, fs, kind, required, pointer, depth);
    }
    details.appendChild(el("div", {"class": "d-card-problems", "data-problems-for": pointer}));
    card.appendChild(details);
    wireDrag(card, summary, container, key);
    return card;
  }

  function fieldBody(details, container, pubContainer, key, fs, kind, required, pointer, depth) {
    var grid = el("div", {"class": "d-grid"});
    grid.appendChild(labelled(_("标题"), textInput(fs.title, function (v, input) {
      fs.title = v;
      var s = input.closest("details").querySelector("[data-summary-title]");
      if (s) { s.textContent = v || key; }
      changed();
    }, {"data-field-title": key, maxlength: 100})));
    var keyInput = el("input", {type: "text", value: key, "data-field-key": key, pattern: "[a-z][a-z0-9_]{0,62}"});
    keyInput.addEventListener("change", function () {
      var next = keyInput.value.trim();
      if (next === key || next === "") { return; }  // left empty: restored when the input is left
      if (!/^[a-z][a-z0-9_]{0,62}$/.test(next) || Object.prototype.hasOwnProperty.call(container.properties, next)) {
        say(!/^[a-z][a-z0-9_]{0,62}$/.test(next) ? _("字段名应以小写字母开头，只含小写字母、数字和下划线") : _("字段名“%(key)s”已被使用", {key: next}), true);
        keyInput.value = key;
        return;
      }
      var pathPrefix = pointer.slice(0, pointer.length - escapePointer(key).length);
      openCards[pathPrefix + escapePointer(next)] = true;
      renameKey(container, key, next, pubContainer);
      changed(true);
    });
    keyInput.addEventListener("blur", function () { if (!keyInput.value.trim()) { keyInput.value = key; } });
    grid.appendChild(labelled(_("字段名"), keyInput, _("小写字母开头；已发布字段改名后，旧记录的值随之迁移")));
    var kinds = Object.keys(state.kinds).filter(function (k) { return depth < 3 || (k !== "table" && k !== "group"); })
      .map(function (k) { return [k, state.kinds[k]]; });
    if (!kind) { kinds.unshift(["", _("（其他，在 JSON 中编辑）")]); }
    grid.appendChild(labelled(_("类型"), select(kinds, kind || "", function (v) {
      if (!v) { return; }
      var next = template(v, fs);
      origins.set(next, origins.get(fs));
      var keys = Object.keys(container.properties);
      container.properties[key] = next;
      reorder(container, keys);
      changed(true);
    }, {"data-field-kind": key})));
    grid.appendChild(checkbox(_("必填"), required, function (on) {
      var req = Array.isArray(container.required) ? container.required.filter(function (k) { return k !== key; }) : [];
      if (on) { req.push(key); }
      setOrDelete(container, "required", req);
      changed(true);
    }));
    details.appendChild(grid);

    var more = el("div", {"class": "d-grid"});
    more.appendChild(labelled(_("帮助说明"), textInput(fs.description, function (v) { setOrDelete(fs, "description", v); changed(); },
                                                  {"data-field-description": key})));
    if (kind && kind !== "table" && kind !== "group" && kind !== "boolean") {
      more.appendChild(labelled(_("占位示例"), textInput(Array.isArray(fs.examples) ? fs.examples[0] : "", function (v) {
        setOrDelete(fs, "examples", v === "" ? null : [kind === "integer" || kind === "number" || kind === "money" ? numberOrText(v) : v]);
        patternHint(fs, details);
        changed();
      }, {"data-field-example": key}), _("输入框中浅色显示的“例：…”")));
    }
    defaultInput(more, fs, kind, key);
    details.appendChild(more);
    limits(details, fs, kind, key);
    if (kind === "choice" || kind === "multichoice") { choiceEditor(details, fs, kind, key); }
    if (depth === 1) { showWhen(details, fs, key); }
    var inner = children(fs);
    if (inner) {
      var pubInner = null, origin = origins.get(fs);
      if (pubContainer && isObject(pubContainer.properties) && origin && pubContainer.properties[origin]) {
        pubInner = children(pubContainer.properties[origin]);
      }
      details.appendChild(el("h3", {text: kind === "table" ? _("子表的列") : _("分组内的字段")}));
      details.appendChild(fieldList(inner, pubInner, pointer + (kind === "table" ? "/items" : ""), depth + 1));
    }
  }

  function defaultInput(box, fs, kind, key) {
    if (!kind || kind === "table" || kind === "group") { return; }
    var input;
    if (kind === "boolean") {
      input = select([["", _("（无）")], ["true", _("是")], ["false", _("否")]], fs["default"] === undefined ? "" : String(fs["default"]),
        function (v) { setOrDelete(fs, "default", v === "" ? null : v === "true"); changed(); }, {"data-field-default": key});
    } else if (kind === "choice") {
      input = select([["", _("（无）")]].concat(fs.enum.map(function (c) { return [c, c]; })), fs["default"],
        function (v) { setOrDelete(fs, "default", v); changed(); }, {"data-field-default": key});
    } else {
      var shown = Array.isArray(fs["default"]) ? fs["default"].join("，") : fs["default"];
      input = textInput(shown, function (v) {
        var value = v;
        if (kind === "integer" || kind === "number" || kind === "money") { value = numberOrText(v); }
        if (kind === "multichoice") { value = v.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean); }
        setOrDelete(fs, "default", value);
        changed();
      }, {"data-field-default": key});
    }
    box.appendChild(labelled(_("默认值"), input));
  }

  function numberField(fs, name, label, key) {
    return labelled(label, textInput(fs[name], function (v) {
      var t = v.trim();
      setOrDelete(fs, name, t === "" ? null : numberOrText(t));
      changed();
    }, {inputmode: "decimal", "data-limit": name, "data-for": key}));
  }

  function limits(details, fs, kind, key) {
    var box = el("div", {"class": "d-grid"});
    if (["text", "textarea", "email", "uri"].indexOf(kind) >= 0) {
      box.appendChild(numberField(fs, "minLength", _("最少字数"), key));
      box.appendChild(numberField(fs, "maxLength", _("最多字数"), key));
    }
    if (kind === "integer" || kind === "number" || kind === "money") {
      box.appendChild(numberField(fs, "minimum", _("最小值"), key));
      box.appendChild(numberField(fs, "maximum", _("最大值"), key));
    }
    if (kind === "table") {
      box.appendChild(numberField(fs, "minItems", _("最少行数"), key));
      box.appendChild(numberField(fs, "maxItems", _("最多行数"), key));
    }
    if (kind === "text") {
      var preset = select(PATTERNS.map(function (p) { return [p[0], p[1]]; }), "", function (v) {
        var chosen = PATTERNS.filter(function (p) { return p[0] === v; })[0];
        if (!chosen || !v) { return; }
        fs.pattern = chosen[0];
        fs.examples = [chosen[2]];
        changed(true);
      }, {"data-pattern-preset": key});
      box.appendChild(labelled(_("格式（正则表达式）"), textInput(fs.pattern, function (v) {
        setOrDelete(fs, "pattern", v); patternHint(fs, details); changed();
      }, {"data-field-pattern": key, spellcheck: "false"}), _("录入内容须符合此格式；可选常用格式，并在“占位示例”中写一个符合的例子")));
      box.appendChild(labelled(_("常用格式"), preset));
    }
    if (kind === "choice" || kind === "multichoice") {
      var widgets = kind === "choice" ? [["", _("下拉列表")], ["radio", _("单选按钮")]] : [["", _("复选框")], ["select", _("下拉多选")]];
      box.appendChild(labelled(_("显示为"), select(widgets, fs["x-widget"] || "", function (v) {
        setOrDelete(fs, "x-widget", v); changed();
      }, {"data-field-widget": key})));
    }
    if (box.childNodes.length) { details.appendChild(box); }
    if (kind === "text") {
      details.appendChild(el("p", {"class": "help d-pattern-hint", "data-pattern-hint": key}));
      patternHint(fs, details);
    }
  }

  function patternHint(fs, details) {
    var hint = details.querySelector("[data-pattern-hint]");
    if (!hint) { return; }
    var example = Array.isArray(fs.examples) ? String(fs.examples[0]) : "";
    if (!fs.pattern) { hint.textContent = ""; return; }
    try {
      var ok = new RegExp(fs.pattern).test(example);
      hint.textContent = example ? (ok ? _("示例“%(example)s”符合格式", {example: example}) : _("示例“%(example)s”不符合格式", {example: example})) : _("请写一个符合格式的示例");
      hint.classList.toggle("field-error", example !== "" && !ok);
    } catch (e) {
      hint.textContent = _("格式不是有效的正则表达式");
      hint.classList.add("field-error");
    }
  }

  function choiceEditor(details, fs, kind, key) {
    var values = kind === "choice" ? fs.enum : fs.items.enum;
    var box = el("fieldset", {"class": "d-choices", "data-choices": key}, [el("legend", {text: _("选项")})]);
    var list = el("ol");
    values.forEach(function (value, i) {
      list.appendChild(el("li", {}, [
        textInput(value, function (v) {
          var old = values[i];
          values[i] = v;
          if (fs["default"] === old) { fs["default"] = v; }
          changed();
        }, {"aria-label": _("选项 %(n)s", {n: i + 1}), "data-choice": i}),
        button("↑", function () { swap(values, i, i - 1); changed(true); }, {disabled: i === 0, "aria-label": _("上移选项"), title: _("上移")}),
        button("↓", function () { swap(values, i, i + 1); changed(true); }, {disabled: i === values.length - 1, "aria-label": _("下移选项"), title: _("下移")}),
        button("×", function () { values.splice(i, 1); changed(true); }, {"aria-label": _("删除选项"), title: _("删除")})
      ]));
    });
    box.appendChild(list);
    box.appendChild(button(_("添加选项"), function () {
      var n = values.length + 1;
      while (values.indexOf(_("选项%(n)s", {n: n})) >= 0) { n += 1; }
      values.push(_("选项%(n)s", {n: n}));
      changed(true);
      var inputs = details.querySelectorAll("[data-choices] [data-choice]");
      if (inputs.length) { inputs[inputs.length - 1].focus(); inputs[inputs.length - 1].select(); }
    }, {"data-add-choice": key}));
    details.appendChild(box);
  }

  function swap(list, a, b) { var t = list[a]; list[a] = list[b]; list[b] = t; }

  /* x-show-when: shown only while another field holds a value (one condition here; more in JSON). */
  function showWhen(details, fs, key) {
    var cond = isObject(fs["x-show-when"]) ? fs["x-show-when"] : {};
    var names = Object.keys(cond);
    var box = el("div", {"class": "d-grid d-show-when"});
    if (names.length > 1) {
      box.appendChild(el("p", {"class": "help", text: _("仅当多个条件同时成立时显示（在“高级”标签中修改）。")}));
      details.appendChild(box);
      return;
    }
    var parts = (names[0] || "").split("__");
    var fieldKey = parts[0], op = parts[1] || "";
    var others = fieldChoices(function (f) { return f !== fs && SCALAR.indexOf(kindOf(f)) >= 0; });
    var value = names.length ? cond[names[0]] : "";
    function write() {
      if (!fieldKey) { delete fs["x-show-when"]; changed(); return; }
      var c = {};
      c[fieldKey + (op ? "__" + op : "")] = conditionValue(fieldKey, op, valueText);
      fs["x-show-when"] = c;
      changed();
    }
    var valueText = Array.isArray(value) ? value.join(",") : String(value);
    box.appendChild(labelled(_("仅当…时显示"), select([["", _("（总是显示）")]].concat(others), fieldKey, function (v) { fieldKey = v; write(); },
                                                 {"data-show-when-field": key})));
    box.appendChild(labelled(_("条件"), select(OPS, op, function (v) { op = v; write(); }, {"data-show-when-op": key})));
    box.appendChild(labelled(_("值"), textInput(valueText, function (v) { valueText = v; write(); }, {"data-show-when-value": key})));
    details.appendChild(box);
  }

  /* A condition's value as the field holds it: numbers, true/false, a list for `in`, "$field". */
  function conditionValue(fieldKey, op, text) {
    var f = topFields()[fieldKey], kind = kindOf(f);
    function one(t) {
      t = String(t).trim();
      if (t.charAt(0) === "$") { return t; }
      if (kind === "integer" || kind === "number" || kind === "money") { return numberOrText(t); }
      if (kind === "boolean") { return t === "true" || t === _("是") ? true : (t === "false" || t === _("否") ? false : t); }
      return t;
    }
    if (op === "in") { return String(text).split(/[,，]/).map(one).filter(function (v) { return v !== ""; }); }
    return one(text);
  }

  function move(container, key, step) {
    var keys = Object.keys(container.properties), i = keys.indexOf(key), j = i + step;
    if (j < 0 || j >= keys.length) { return; }
    swap(keys, i, j);
    reorder(container, keys);
    changed(true);
    var again = visual.querySelector('[data-fields] [data-move-' + (step < 0 ? "up" : "down") + '="' + cssPointer(key) + '"]');
    if (again && !again.disabled) { again.focus(); }
  }

  var dragging = null;
  /* The card's heading is dragged (inputs inside stay selectable); the card is the drop target. */
  function wireDrag(card, handle, container, key) {
    handle.addEventListener("dragstart", function (event) {
      event.stopPropagation();
      dragging = {container: container, key: key};
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", key);
      card.classList.add("d-dragging");
    });
    handle.addEventListener("dragend", function () { card.classList.remove("d-dragging"); dragging = null; });
    card.addEventListener("dragover", function (event) {
      if (dragging && dragging.container === container) { event.preventDefault(); event.stopPropagation(); card.classList.add("d-drop"); }
    });
    card.addEventListener("dragleave", function () { card.classList.remove("d-drop"); });
    card.addEventListener("drop", function (event) {
      card.classList.remove("d-drop");
      if (!dragging || dragging.container !== container || dragging.key === key) { return; }
      event.preventDefault();
      event.stopPropagation();
      var keys = Object.keys(container.properties).filter(function (k) { return k !== dragging.key; });
      keys.splice(keys.indexOf(key) + (Object.keys(container.properties).indexOf(dragging.key) < Object.keys(container.properties).indexOf(key) ? 1 : 0), 0, dragging.key);
      reorder(container, keys);
      dragging = null;
      changed(true);
    });
  }

  /* --- list, deadline, business key ---------------------------------------------------------- */

  function keyChecks(title, name, candidates, attr) {
    var list = listOptions();
    var chosen = Array.isArray(list[name]) ? list[name] : [];
    var box = el("fieldset", {"class": "d-checks", "data-list": name}, [el("legend", {text: title})]);
    candidates.forEach(function (c) {
      box.appendChild(checkbox(c[1], chosen.indexOf(c[0]) >= 0, function (on) {
        var now = (Array.isArray(listOptions()[name]) ? listOptions()[name] : []).filter(function (k) { return k !== c[0]; });
        if (on) {
          now.push(c[0]);
          var order = Object.keys(topFields());
          now.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); });
        }
        setOrDelete(listOptions(), name, now);
        if (!Object.keys(listOptions()).length) { delete options().list; }
        changed();
      }, {"data-list-option": name + ":" + c[0]}));
    });
    if (attr) { box.setAttribute(attr, ""); }
    return box;
  }

  function listSection() {
    var o = options();
    var scalar = function (f) { return SCALAR.indexOf(kindOf(f)) >= 0; };
    var filterable = function (f) { return SCALAR.indexOf(kindOf(f)) >= 0 || kindOf(f) === "multichoice"; };
    var texts = function (f) { return ["text", "textarea", "email", "uri", "choice"].indexOf(kindOf(f)) >= 0; };
    var sort = typeof (o.list || {}).sort === "string" ? o.list.sort : "";
    var sortKey = sort.replace(/^-/, ""), descending = sort.charAt(0) === "-";
    function writeSort() {
      setOrDelete(listOptions(), "sort", sortKey ? (descending && sortKey !== "_due" ? "-" : "") + sortKey : null);
      if (!Object.keys(listOptions()).length) { delete options().list; }
      changed();
    }
    var overdue = isObject(o.overdue) ? o.overdue : {};
    function writeOverdue(name, value) {
      var next = Object.assign({}, isObject(options().overdue) ? options().overdue : {});
      setOrDelete(next, name, value);
      setOrDelete(options(), "overdue", next.date ? next : null);
      changed();
    }
    var statusField = topFields()[overdue.status];
    return el("section", {"class": "d-section", "data-pointer": "/x-ledger/list"}, [
      el("h2", {text: _("列表与查询")}),
      keyChecks(_("列表显示的列（不选则显示前 6 个）"), "columns", fieldChoices(scalar)),
      keyChecks(_("筛选条件"), "filters", fieldChoices(filterable)),
      keyChecks(_("搜索范围（关键字搜索这些字段）"), "search", fieldChoices(texts)),
      el("div", {"class": "d-grid"}, [
        labelled(_("默认排序"), select([["", _("（按录入顺序）")]].concat(isObject(o.overdue) || sortKey === "_due" ? [["_due", _("按期限（超期在前，已办结在后）")]] : [])
                                  .concat(fieldChoices(scalar)), sortKey, function (v) { sortKey = v; writeSort(); },
                                  {"data-sort-field": true})),
        checkbox(_("降序（新的在前）"), descending, function (on) { descending = on; writeSort(); }),
        labelled(_("业务主键"), select([["", _("（无）")]].concat(fieldChoices(scalar)), o.business_key || "", function (v) {
          setOrDelete(options(), "business_key", v); changed();
        }, {"data-business-key": true}), _("导入时按此字段更新已有记录"))
      ]),
      el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/list"}),
      el("h3", {text: _("办理期限（超期提醒）")}),
      el("div", {"class": "d-grid", "data-pointer": "/x-ledger/overdue"}, [
        labelled(_("期限日期字段"), select([["", _("（不提醒）")]].concat(fieldChoices(function (f) { return kindOf(f) === "date"; })),
                                   overdue.date || "", function (v) { writeOverdue("date", v); }, {"data-overdue-date": true})),
        labelled(_("状态字段"), select([["", _("（无）")]].concat(fieldChoices(function (f) { return kindOf(f) === "choice"; })),
                                 overdue.status || "", function (v) { writeOverdue("status", v); changed(true); }, {"data-overdue-status": true})),
        statusField && kindOf(statusField) === "choice" ? (function () {
          var box = el("fieldset", {"class": "d-checks"}, [el("legend", {text: _("视为办结的状态")})]);
          var closed = Array.isArray(overdue.closed) ? overdue.closed : [];
          statusField.enum.forEach(function (c) {
            box.appendChild(checkbox(c, closed.indexOf(c) >= 0, function (on) {
              var now = closed.filter(function (x) { return x !== c; });
              if (on) { now.push(c); }
              closed = now;
              writeOverdue("closed", now);
            }));
          });
          return box;
        }()) : null
      ]),
      el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/overdue"})
    ]);
  }

  /* --- rules between fields (x-ledger.rules) ------------------------------------------------ */

  function rulesSection() {
    var o = options();
    var rules = Array.isArray(o.rules) ? o.rules : [];
    var box = el("section", {"class": "d-section", "data-pointer": "/x-ledger/rules"}, [
      el("h2", {text: _("字段间规则")}),
      el("p", {"class": "help", text: _("例：当 状态 等于 已办结 时，检查 办结日期 不小于 $交办日期 的字段名（以 $ 开头表示另一个字段），不符合时显示提示。")})
    ]);
    var list = el("ol", {"class": "d-rules"});
    rules.forEach(function (rule, i) { list.appendChild(ruleRow(rules, rule, i)); });
    box.appendChild(list);
    box.appendChild(button(_("添加规则"), function () {
      var keys = Object.keys(topFields());
      var check = {};
      check[keys[0] || "name"] = "";
      rules.push({check: check, message: _("请填写提示")});
      o.rules = rules;
      changed(true);
    }, {"class": "secondary small", "data-add-rule": true}));
    box.appendChild(el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/rules"}));
    return box;
  }

  function conditionEditor(rule, part, label, optional, index) {
    var cond = isObject(rule[part]) ? rule[part] : {};
    var names = Object.keys(cond);
    if (names.length > 1) {
      return el("p", {"class": "help", text: _("%(label)s：多个条件（在“高级”标签中修改）", {label: label})});
    }
    var parts = (names[0] || "").split("__"), fieldKey = parts[0], op = parts[1] || "";
    var value = names.length ? cond[names[0]] : "";
    var valueText = Array.isArray(value) ? value.join(",") : String(value);
    function write() {
      if (!fieldKey) { delete rule[part]; changed(); return; }
      var c = {};
      c[fieldKey + (op ? "__" + op : "")] = conditionValue(fieldKey, op, valueText);
      rule[part] = c;
      changed();
    }
    var fields = (optional ? [["", _("（总是检查）")]] : []).concat(fieldChoices(function (f) { return SCALAR.indexOf(kindOf(f)) >= 0; }));
    var datalist = el("datalist", {id: "d-fields-" + part + "-" + index}, Object.keys(topFields()).map(function (k) {
      return el("option", {value: "$" + k, text: titleOf(k)});
    }));
    return el("div", {"class": "d-grid d-condition"}, [
      labelled(label, select(fields, fieldKey, function (v) { fieldKey = v; write(); }, {"data-rule-field": part + "-" + index})),
      labelled(_("条件"), select(OPS, op, function (v) { op = v; write(); }, {"data-rule-op": part + "-" + index})),
      labelled(_("值或 $字段名"), textInput(valueText, function (v) { valueText = v; write(); },
                                        {list: datalist.id, "data-rule-value": part + "-" + index})),
      datalist
    ]);
  }

  function ruleRow(rules, rule, i) {
    if (!isObject(rule)) { return el("li", {text: _("（规则不是对象，请在“高级”标签中修改）")}); }
    return el("li", {"class": "d-rule", "data-pointer": "/x-ledger/rules/" + i}, [
      conditionEditor(rule, "when", _("当"), true, i),
      conditionEditor(rule, "check", _("检查"), false, i),
      labelled(_("不符合时的提示"), textInput(rule.message, function (v) { rule.message = v; changed(); },
                                        {"data-rule-message": i, maxlength: 200})),
      button(_("删除规则"), function () {
        rules.splice(i, 1);
        if (!rules.length) { delete options().rules; }
        changed(true);
      }, {"data-remove-rule": i}),
      el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/rules/" + i})
    ]);
  }

  /* --- reports: one JSON box each (the report syntax is in docs/definitions.md) -------------------- */

  function reportsSection() {
    var o = options();
    var reports = Array.isArray(o.reports) ? o.reports : [];
    var box = el("section", {"class": "d-section", "data-pointer": "/x-ledger/reports"}, [
      el("h2", {text: _("统计报表")}),
      el("p", {"class": "help", text: _("每个报表一段 JSON：key、title、group_by、measures、chart 等，写法见 definitions.md。")})
    ]);
    reports.forEach(function (report, i) {
      var area = el("textarea", {rows: 6, spellcheck: "false", "class": "designer-json", "data-report": i});
      area.value = JSON.stringify(report, null, 2);
      var error = el("p", {"class": "field-error", hidden: true});
      area.addEventListener("input", function () {
        try {
          reports[i] = JSON.parse(area.value);
          error.hidden = true;
          area.removeAttribute("aria-invalid");
          changed();
        } catch (e) {
          error.textContent = syntaxMessage(e, area.value);
          error.hidden = false;
          area.setAttribute("aria-invalid", "true");
        }
      });
      box.appendChild(el("div", {"class": "d-report", "data-pointer": "/x-ledger/reports/" + i}, [
        labelled(_("报表 %(n)s", {n: i + 1}), area), error,
        button(_("删除报表"), function () { reports.splice(i, 1); if (!reports.length) { delete options().reports; } changed(true); }),
        el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/reports/" + i})
      ]));
    });
    box.appendChild(button(_("添加报表"), function () {
      var first = Object.keys(topFields()).filter(function (k) { return kindOf(topFields()[k]) === "choice"; })[0];
      reports.push({key: "report_" + (reports.length + 1), title: _("新报表"), group_by: first ? [first] : [],
                    measures: [{fn: "count", title: _("数量")}], chart: "bar"});
      o.reports = reports;
      changed(true);
    }, {"class": "secondary small", "data-add-report": true}));
    return box;
  }

  /* --- keeping the JSON tab, the problems and the preview in step ------------------------------ */

  function changed(structural) {
    if (structural) { renderVisual(); }
    writeJson();
    schedulePreview();
  }

  function writeJson() {
    if (document.activeElement !== jsonBox) { jsonBox.value = JSON.stringify(doc, null, 2); }
  }

  function syntaxMessage(error, text) {
    var msg = String(error.message || error);
    var line, column, m = /line (\d+) column (\d+)/.exec(msg);
    if (m) { line = +m[1]; column = +m[2]; } else {
      m = /position (\d+)/.exec(msg);
      var at = m ? +m[1] : text.length;
      var before = text.slice(0, at).split("\n");
      line = before.length; column = before[before.length - 1].length + 1;
    }
    return _("JSON 语法错误：第 %(line)s 行第 %(column)s 列（%(message)s）", {line: line, column: column, message: msg});
  }

  jsonBox.addEventListener("input", function () {
    var parsed;
    try {
      parsed = JSON.parse(jsonBox.value);
    } catch (e) {
      jsonError.textContent = syntaxMessage(e, jsonBox.value);
      jsonError.hidden = false;
      jsonBox.setAttribute("aria-invalid", "true");
      return;
    }
    jsonError.hidden = true;
    jsonBox.removeAttribute("aria-invalid");
    doc = parsed;
    rememberOrigins(doc);
    renderVisual();
    schedulePreview();
  });

  function placeOf(path) {
    /* The nearest place the visual editor shows for a JSON pointer: a field card, a rule, a report, a section. */
    var best = null;
    visual.querySelectorAll("[data-problems-for]").forEach(function (node) {
      var p = node.getAttribute("data-problems-for");
      if ((path === p || path.indexOf(p + "/") === 0) && (!best || p.length > best.getAttribute("data-problems-for").length)) { best = node; }
    });
    if (!best && path.indexOf("/x-ledger") === 0) { best = visual.querySelector('[data-problems-for="/x-ledger/list"]'); }
    if (!best) { best = visual.querySelector('[data-problems-for="/title"]'); }
    return best;
  }

  function describe(path) {
    var parts = path.split("/").slice(1), names = [], node = doc;
    for (var i = 0; i < parts.length; i += 1) {
      var part = parts[i].replace(/~1/g, "/").replace(/~0/g, "~");
      if (parts[i - 1] === "properties" && node && isObject(node[part])) { names.push(_("“%(title)s”", {title: node[part].title || part})); }
      node = node && typeof node === "object" ? node[part] : undefined;
    }
    return names.length ? _("字段%(names)s", {names: names.join(" › ")}) : (path || _("定义"));
  }

  function showProblems(list) {
    problems = list || [];
    var box = root.querySelector("[data-problems]");
    var ul = root.querySelector("[data-problems-list]");
    ul.textContent = "";
    box.hidden = !problems.length;
    root.querySelector("[data-problems-title]").textContent = problems.length ? _("定义有 %(n)s 处问题，修改后才能发布", {n: problems.length}) : "";
    problems.forEach(function (p) {
      var link = el("a", {href: "#", text: _("%(place)s：%(message)s", {place: describe(p.path), message: p.message}), "data-problem-path": p.path});
      link.addEventListener("click", function (event) {
        event.preventDefault();
        showTab("visual");
        var place = placeOf(p.path);
        var details = place && place.closest("details");
        while (details) { details.open = true; details = details.parentElement && details.parentElement.closest("details"); }
        if (place) { place.scrollIntoView({block: "center"}); var f = place.parentElement.querySelector("input, select, textarea"); if (f) { f.focus(); } }
      });
      ul.appendChild(el("li", {}, [link, " ", el("code", {text: p.path || "/"})]));
    });
    markProblems();
  }

  function markProblems() {
    visual.querySelectorAll("[data-problems-for]").forEach(function (node) { node.textContent = ""; });
    visual.querySelectorAll(".d-has-problem").forEach(function (node) { node.classList.remove("d-has-problem"); });
    problems.forEach(function (p) {
      var place = placeOf(p.path);
      if (!place) { return; }
      place.appendChild(el("p", {"class": "field-error", "data-problem": p.path, text: p.message}));
      var card = place.closest("[data-card], .d-section, .d-rule, .d-report");
      if (card) { card.classList.add("d-has-problem"); }
      var details = place.closest("details");
      while (details) { details.open = true; details = details.parentElement && details.parentElement.closest("details"); }
    });
  }

  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
                       headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
                       body: JSON.stringify(body || {})})
      .then(function (response) {
        return response.json().catch(function () { return {error: _("服务器返回了无法读取的内容（%(status)s）", {status: response.status})}; })
          .then(function (data) { return {ok: response.ok, status: response.status, data: data}; });
      });
  }

  function say(text, bad) {
    messageBox.textContent = text;
    messageBox.classList.toggle("field-error", !!bad);
  }

  function schedulePreview() {
    window.clearTimeout(previewTimer);
    root.setAttribute("data-pending", "");  // tests and the busy cursor wait for the answer
    previewTimer = window.setTimeout(function () { previewTimer = null; refreshPreview(); }, 400);
  }

  function sampleValues() {
    var form = preview.querySelector("[data-preview-form]");
    var values = [];
    if (form) { new FormData(form).forEach(function (value, name) { if (typeof value === "string") { values.push([name, value]); } }); }
    return values;
  }

  /* What was typed into the sample survives a new rendering of the preview. */
  function restoreSample(form, values) {
    values.forEach(function (pair) {
      form.querySelectorAll('[name="' + cssPointer(pair[0]) + '"]').forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") { if (input.value === pair[1]) { input.checked = true; } }
        else if (input.tagName === "SELECT" && input.multiple) {
          Array.prototype.forEach.call(input.options, function (o) { if (o.value === pair[1]) { o.selected = true; } });
        } else { input.value = pair[1]; }
      });
    });
  }

  function refreshPreview() {
    var seq = previewSeq += 1;
    root.classList.add("d-busy");
    return post(state.urls.preview, {definition: doc}).then(function (r) {
      if (seq !== previewSeq) { return; }
      root.classList.remove("d-busy");
      if (previewTimer === null) { root.removeAttribute("data-pending"); }
      if (!r.ok) { say(r.data.error || _("预览失败"), true); return; }
      showProblems(r.data.problems);
      root.querySelector("[data-stale-note]").hidden = r.data.html !== null;
      if (r.data.html === null) {
        preview.classList.add("d-stale");
        return;
      }
      preview.classList.remove("d-stale");
      var typed = sampleValues();
      preview.innerHTML = r.data.html;  // rendered and escaped by the server's templates
      root.querySelector("[data-sample-ok]").hidden = true;
      if (window.ledgerForms) { window.ledgerForms.wire(preview); }  // child-table rows (app.js)
      var form = preview.querySelector("[data-preview-form]");
      restoreSample(form, typed);
      if (window.ledgerForms && window.ledgerForms.showWhen) { window.ledgerForms.showWhen(form); }  // x-show-when, when a script provides it
      if (typed.some(function (pair) { return pair[0] !== "" && pair[1] !== ""; })) { scheduleCheck(); }
      form.addEventListener("input", scheduleCheck);
      form.addEventListener("change", scheduleCheck);
      form.addEventListener("click", function (event) { if (event.target.matches("[data-remove-row], [data-add-row]")) { scheduleCheck(); } });
      form.addEventListener("submit", function (event) { event.preventDefault(); checkSample(); });
      root.dispatchEvent(new CustomEvent("designer:preview"));
    }).catch(function () {
      root.classList.remove("d-busy");
      root.removeAttribute("data-pending");
      say(_("无法连接服务器，预览未更新"), true);
    });
  }

  function scheduleCheck() {
    window.clearTimeout(checkTimer);
    checkTimer = window.setTimeout(checkSample, 500);
  }

  function checkSample() {
    var form = preview.querySelector("[data-preview-form]");
    if (!form) { return; }
    var values = sampleValues();
    var seq = checkSeq += 1;
    root.setAttribute("data-checking", "");
    post(state.urls.check, {definition: doc, values: values}).then(function (r) {
      if (seq !== checkSeq) { return; }
      root.removeAttribute("data-checking");
      if (!r.ok) { return; }
      form.querySelectorAll(".d-check-error").forEach(function (node) { node.remove(); });
      form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
      var errors = r.data.errors || {};
      Object.keys(errors).forEach(function (name) {
        var input = name ? form.querySelector('[name="' + cssPointer(name) + '"]') || form.querySelector('[id="' + cssPointer(name) + '"]') : null;
        var holder = input ? input.closest(".field, fieldset, td") || input.parentElement : form;
        if (input) { input.setAttribute("aria-invalid", "true"); }
        holder.appendChild(el("p", {"class": "field-error d-check-error", "data-check-error": name, text: errors[name].join("；")}));
      });
      root.querySelector("[data-sample-ok]").hidden = Object.keys(errors).length > 0;
    });
  }

  /* --- drafts, publishing, import ----------------------------------------------------------- */

  function draftShown(on) {
    root.querySelector('[data-action="discard"]').hidden = !on;
    root.querySelector("[data-export-draft]").hidden = !on;
  }

  function saveDraft() {
    return post(state.urls.draft_save, {definition: doc}).then(function (r) {
      if (!r.ok) { say(r.data.error || _("保存失败"), true); return; }
      showProblems(r.data.problems);
      draftShown(true);
      say(r.data.problems.length ? _("已保存草稿（还有 %(n)s 处问题，发布前需修改）", {n: r.data.problems.length}) : _("已保存草稿"));
    });
  }

  function discardDraft() {
    if (!window.confirm(_("放弃草稿？草稿中的修改将全部丢失，已发布的定义不受影响。"))) { return; }
    post(state.urls.draft_discard).then(function (r) {
      if (r.ok) { window.location.href = r.data.url; } else { say(r.data.error || _("操作失败"), true); }
    });
  }

  var dialog = root.querySelector("[data-publish-dialog]");
  var planBox = root.querySelector("[data-plan]");
  var lastPlan = null;

  function startPublish() {
    say(_("正在检查…"));
    post(state.urls.plan, {definition: doc}).then(function (r) {
      if (!r.ok) {
        if (r.data.errors && r.data.errors.length) { showProblems(r.data.errors); }
        say(_("%(error)s：请先修改标出的问题", {error: r.data.error || _("无法发布")}), true);
        return;
      }
      say("");
      lastPlan = r.data;
      renderPlan(r.data);
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    });
  }

  function renderPlan(plan) {
    planBox.textContent = "";
    if (plan["new"]) {
      planBox.appendChild(el("p", {text: _("将新建台帐“%(title)s”（%(key)s），发布后录入人员即可使用。", {title: doc.title || state.key, key: state.key})}));
      return;
    }
    var changes = plan.changes || [];
    planBox.appendChild(el("h3", {text: changes.length ? _("本次修改") : _("与当前版本相比没有字段变化")}));
    /* Each change with the entries it leaves invalid and its own examples (core/definition/versions.py). */
    function exampleList(examples) {
      return el("ul", {"class": "d-examples"}, examples.map(function (e) {
        return el("li", {text: (e.number || ("#" + e.id)) + _("：") + e.errors.map(function (x) { return x.message; }).join("；")});
      }));
    }
    if (changes.length) {
      planBox.appendChild(el("ul", {"data-changes": true}, changes.map(function (c) {
        var item = el("li", {"data-change": c.kind}, [el("span", {text: c.message})]);
        if (c.affected) {
          item.appendChild(el("span", {"class": "d-affected", "data-change-affected": c.affected,
                                       text: _("（影响 %(n)s 条已有记录，例如：）", {n: c.affected})}));
          item.appendChild(exampleList(c.examples || []));
        }
        return item;
      })));
    }
    if (!plan.affected) {
      planBox.appendChild(el("p", {"data-affected": 0, text: _("已有记录都符合新的定义。")}));
      return;
    }
    planBox.appendChild(el("p", {"class": "d-affected", "data-affected": plan.affected,
                                 text: _("共有 %(n)s 条已有记录不符合新的定义。", {n: plan.affected})}));
    var other = plan.other || {affected: 0, examples: []};
    if (other.affected) {
      planBox.appendChild(el("p", {"data-other-affected": other.affected,
                                   text: _("其中 %(n)s 条的问题不由上面某一项修改引起（如组合条件，或原本就不符合），例如：", {n: other.affected})}));
      planBox.appendChild(exampleList(other.examples));
    }
    var keep = el("input", {type: "radio", name: "affected", value: "keep", id: "affected-keep", checked: true});
    var migrate = el("input", {type: "radio", name: "affected", value: "migrate", id: "affected-migrate"});
    var migrateBox = el("div", {"class": "d-migrate", hidden: true, "data-migrate": true});
    planBox.appendChild(el("fieldset", {}, [
      el("legend", {text: _("如何处理这些记录")}),
      el("label", {"for": "affected-keep"}, [keep, _("保留：仍按原版本的定义有效，在列表中标记")]),
      el("label", {"for": "affected-migrate"}, [migrate, _("迁移：按下面填写的默认值或值对照改写，全部成功才发布，每条记录留修改历史")])
    ]));
    [keep, migrate].forEach(function (r) { r.addEventListener("change", function () { migrateBox.hidden = !migrate.checked; }); });
    var fields = {};
    var seen = plan.examples.concat(other.examples);
    changes.forEach(function (c) { seen = seen.concat(c.examples || []); });
    seen.forEach(function (e) { e.errors.forEach(function (x) { if (x.field) { fields[String(x.field).split(".")[0]] = true; } }); });
    Object.keys(fields).forEach(function (key) {
      var way = select([["default", _("缺少的值填默认值")], ["map", _("按对照改写（每行 旧值=新值）")]], "default", function () {}, {"data-migrate-way": key});
      var value = el("textarea", {rows: 2, "data-migrate-value": key});
      migrateBox.appendChild(el("div", {"class": "d-grid"}, [el("strong", {text: _("%(title)s（%(key)s）", {title: titleOf(key), key: key})}),
                                                            labelled(_("方式"), way), labelled(_("值"), value)]));
    });
    planBox.appendChild(migrateBox);
  }

  function migration() {
    var out = {};
    planBox.querySelectorAll("[data-migrate-way]").forEach(function (way) {
      var key = way.getAttribute("data-migrate-way");
      var text = planBox.querySelector('[data-migrate-value="' + cssPointer(key) + '"]').value;
      var f = topFields()[key], kind = kindOf(f);
      function typed(t) {
        t = t.trim();
        if (kind === "integer" || kind === "number" || kind === "money") { return numberOrText(t); }
        if (kind === "boolean") { return t === _("是") || t === "true"; }
        if (kind === "multichoice") { return t.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean); }
        return t;
      }
      if (way.value === "map") {
        var map = {};
        text.split("\n").forEach(function (line) {
          var at = line.indexOf("=");
          if (at > 0) { map[line.slice(0, at).trim()] = typed(line.slice(at + 1)); }
        });
        out[key] = {map: map};
      } else if (text.trim() !== "") {
        out[key] = {"default": typed(text)};
      }
    });
    return out;
  }

  function confirmPublish() {
    var chosen = planBox.querySelector('input[name="affected"]:checked');
    var affected = chosen ? chosen.value : "keep";
    var body = {definition: doc, affected: affected};
    if (affected === "migrate") { body.migrate = migration(); }
    post(state.urls.publish, body).then(function (r) {
      if (!r.ok) {
        var details = (r.data.errors || []).map(function (e) { return (e.path || e.field || "") + " " + (e.message || ""); });
        planBox.appendChild(el("p", {"class": "field-error", "data-publish-error": true,
                                     text: (r.data.error || _("发布失败")) + (details.length ? _("：") + details.join("；") : "")}));
        if (r.data.errors && r.data.errors.length && r.data.errors[0].path !== undefined) { showProblems(r.data.errors); }
        return;
      }
      window.location.href = r.data.url;
    });
  }

  function importFile(input) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    var data = new FormData();
    data.append("file", file);
    fetch(state.urls.import_file, {method: "POST", credentials: "same-origin", body: data,
                                   headers: {"X-CSRFToken": csrf, "Accept": "application/json"}})
      .then(function (response) { return response.json().then(function (body) { return {ok: response.ok, data: body}; }); })
      .then(function (r) {
        input.value = "";
        if (!r.ok) { say(r.data.error || _("导入失败"), true); return; }
        doc = r.data.document;
        rememberOrigins(doc);
        renderVisual();
        jsonBox.value = JSON.stringify(doc, null, 2);
        showProblems(r.data.problems);
        draftShown(true);
        say(r.data.problems.length ? _("已导入为草稿（有 %(n)s 处问题）", {n: r.data.problems.length}) : _("已导入为草稿"));
        schedulePreview();
      });
  }

  function showTab(name) {
    root.querySelectorAll("[data-tab]").forEach(function (tab) { tab.setAttribute("aria-selected", String(tab.dataset.tab === name)); });
    root.querySelectorAll("[data-panel]").forEach(function (panel) { panel.hidden = panel.dataset.panel !== name; });
    if (name === "json") { jsonBox.value = JSON.stringify(doc, null, 2); jsonError.hidden = true; }
  }

  root.querySelectorAll("[data-tab]").forEach(function (tab) { tab.addEventListener("click", function () { showTab(tab.dataset.tab); }); });
  root.querySelector('[data-action="save"]').addEventListener("click", saveDraft);
  root.querySelector('[data-action="discard"]').addEventListener("click", discardDraft);
  root.querySelector('[data-action="publish"]').addEventListener("click", startPublish);
  root.querySelector('[data-action="cancel-publish"]').addEventListener("click", function () { dialog.close ? dialog.close() : dialog.removeAttribute("open"); });
  root.querySelector('[data-action="confirm-publish"]').addEventListener("click", confirmPublish);
  root.querySelector("[data-import]").addEventListener("change", function (event) { importFile(event.target); });

  rememberOrigins(doc);  // a field whose key later differs from its published one declares the rename
  renderVisual();
  writeJson();
  refreshPreview();
}());
