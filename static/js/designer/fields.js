/* The field cards of the visual editor: title, key, kind, required, help, example, default,
   limits, pattern, choices, x-show-when and sub-fields; reordered by buttons or by dragging. */
import { _ } from "./i18n.js";
import { button, checkbox, el, labelled, select, textInput } from "./dom.js";
import { children, kindOf, NUMBER_KINDS, TEXT_KINDS } from "./kinds.js";
import { fieldPointer } from "./model.js";
import { patternHint, presets } from "./patterns.js";
import { showWhenEditor } from "./rules.js";
import { cssString, escapePointer, isObject, numberOrText, setOrDelete, swap } from "./util.js";

/* The cards of `container`'s fields and the button adding one; `path` is the container's pointer. */
export function fieldList(ed, container, pubContainer, path, depth) {
  const keys = Object.keys(container.properties || {});
  const list = el("ol", {"class": "d-fields", "data-fields": path || "/"});
  keys.forEach((key, index) => {
    list.appendChild(fieldCard(ed, container, pubContainer, path, key, index, keys.length, depth));
  });
  const add = button(_("添加字段"), () => {
    const k = ed.model.addField(container);
    ed.openCards[path + "/properties/" + k] = true;
    ed.changed(true);
    const input = ed.visual.querySelector('[data-card="' + cssString(path + "/properties/" + k) + '"] [data-field-title]');
    if (input) { input.focus(); input.select(); }
  }, {"class": "secondary small", "data-add-field": path || "/"});
  return el("div", {"class": "d-field-list"}, [list, add]);
}

function fieldCard(ed, container, pubContainer, path, key, index, count, depth) {
  const fs = container.properties[key];
  const pointer = fieldPointer(path, key);
  const kind = kindOf(fs);
  const required = ed.model.isRequired(container, key);
  const card = el("li", {"class": "d-card", "data-card": pointer});
  const details = el("details", {open: !!ed.openCards[pointer]});
  details.addEventListener("toggle", () => { ed.openCards[pointer] = details.open; });
  const summary = el("summary", {draggable: "true", title: _("拖动可调整顺序")}, [
    el("span", {"class": "d-grip", "aria-hidden": "true", text: "⠿"}),
    el("strong", {"data-summary-title": true, text: (isObject(fs) && fs.title) || key}),
    el("code", {text: key}),
    el("span", {"class": "d-kind", text: kind ? ed.catalogue.label(kind) : _("（其他）")}),
    required ? el("span", {"class": "d-req", text: _("必填")}) : null,
    fs && fs["x-renamed-from"] ? el("span", {"class": "d-renamed", text: _("原名 %(key)s", {key: fs["x-renamed-from"]})}) : null
  ]);
  details.appendChild(summary);
  details.appendChild(el("div", {"class": "d-card-buttons"}, [
    button(_("上移"), () => { move(ed, container, key, -1); }, {disabled: index === 0, "data-move-up": key}),
    button(_("下移"), () => { move(ed, container, key, 1); }, {disabled: index === count - 1, "data-move-down": key}),
    button(_("删除"), () => {
      if (!window.confirm(_("删除字段“%(title)s”？已有记录中的值仍会保留并显示。", {title: (fs && fs.title) || key}))) { return; }
      ed.model.removeField(container, key);
      ed.changed(true);
    }, {"class": "secondary outline small d-danger", "data-remove": key})
  ]));
  if (!isObject(fs)) {
    details.appendChild(el("p", {"class": "field-error", text: _("此字段不是对象，请在“高级”标签中修改。")}));
  } else {
    fieldBody(ed, details, {container, pubContainer, key, fs, kind, required, pointer, depth});
  }
  details.appendChild(el("div", {"class": "d-card-problems", "data-problems-for": pointer}));
  card.appendChild(details);
  wireDrag(ed, card, summary, container, key);
  return card;
}

function fieldBody(ed, details, at) {
  const {container, pubContainer, key, fs, kind, required, pointer, depth} = at;
  const grid = el("div", {"class": "d-grid"});
  grid.appendChild(labelled(_("标题"), textInput(fs.title, (v, input) => {
    fs.title = v;
    const s = input.closest("details").querySelector("[data-summary-title]");
    if (s) { s.textContent = v || key; }
    ed.changed();
  }, {"data-field-title": key, maxlength: 100})));
  const keyInput = el("input", {type: "text", value: key, "data-field-key": key, pattern: "[a-z][a-z0-9_]{0,62}"});
  keyInput.addEventListener("change", () => {
    const next = keyInput.value.trim();
    if (next === key || next === "") { return; }  // left empty: restored when the input is left
    const problem = ed.model.keyProblem(container, next);
    if (problem) {
      ed.say(problem, true);
      keyInput.value = key;
      return;
    }
    const pathPrefix = pointer.slice(0, pointer.length - escapePointer(key).length);
    ed.openCards[pathPrefix + escapePointer(next)] = true;
    ed.model.renameField(container, key, next, pubContainer);
    ed.changed(true);
  });
  keyInput.addEventListener("blur", () => { if (!keyInput.value.trim()) { keyInput.value = key; } });
  grid.appendChild(labelled(_("字段名"), keyInput, _("小写字母开头；已发布字段改名后，旧记录的值随之迁移")));
  const kinds = ed.catalogue.choices(depth);
  if (!kind) { kinds.unshift(["", _("（其他，在 JSON 中编辑）")]); }
  grid.appendChild(labelled(_("类型"), select(kinds, kind || "", (v) => {
    if (v && ed.model.changeKind(container, key, v)) { ed.changed(true); }
  }, {"data-field-kind": key})));
  grid.appendChild(checkbox(_("必填"), required, (on) => {
    ed.model.setRequired(container, key, on);
    ed.changed(true);
  }));
  details.appendChild(grid);

  const more = el("div", {"class": "d-grid"});
  more.appendChild(labelled(_("帮助说明"), textInput(fs.description, (v) => { setOrDelete(fs, "description", v); ed.changed(); },
                                                {"data-field-description": key})));
  if (kind && kind !== "table" && kind !== "group" && kind !== "boolean") {
    more.appendChild(labelled(_("占位示例"), textInput(Array.isArray(fs.examples) ? fs.examples[0] : "", (v) => {
      setOrDelete(fs, "examples", v === "" ? null : [NUMBER_KINDS.indexOf(kind) >= 0 ? numberOrText(v) : v]);
      showPatternHint(fs, details);
      ed.changed();
    }, {"data-field-example": key}), _("输入框中浅色显示的“例：…”")));
  }
  defaultInput(ed, more, fs, kind, key);
  details.appendChild(more);
  limits(ed, details, fs, kind, key);
  if (kind === "choice" || kind === "multichoice") { choiceEditor(ed, details, fs, kind, key); }
  if (depth === 1) { showWhenEditor(ed, details, fs, key); }
  const inner = children(fs);
  if (inner) {
    details.appendChild(el("h3", {text: kind === "table" ? _("子表的列") : _("分组内的字段")}));
    details.appendChild(fieldList(ed, inner, ed.model.publishedChildren(fs, pubContainer),
                                  pointer + (kind === "table" ? "/items" : ""), depth + 1));
  }
}

function defaultInput(ed, box, fs, kind, key) {
  if (!kind || kind === "table" || kind === "group") { return; }
  let input;
  if (kind === "boolean") {
    input = select([["", _("（无）")], ["true", _("是")], ["false", _("否")]], fs["default"] === undefined ? "" : String(fs["default"]),
      (v) => { setOrDelete(fs, "default", v === "" ? null : v === "true"); ed.changed(); }, {"data-field-default": key});
  } else if (kind === "choice") {
    input = select([["", _("（无）")]].concat(fs.enum.map((c) => [c, c])), fs["default"],
      (v) => { setOrDelete(fs, "default", v); ed.changed(); }, {"data-field-default": key});
  } else {
    const shown = Array.isArray(fs["default"]) ? fs["default"].join("，") : fs["default"];
    input = textInput(shown, (v) => {
      let value = v;
      if (NUMBER_KINDS.indexOf(kind) >= 0) { value = numberOrText(v); }
      if (kind === "multichoice") { value = v.split(/[,，]/).map((s) => s.trim()).filter(Boolean); }
      setOrDelete(fs, "default", value);
      ed.changed();
    }, {"data-field-default": key});
  }
  box.appendChild(labelled(_("默认值"), input));
}

function numberField(ed, fs, name, label, key) {
  return labelled(label, textInput(fs[name], (v) => {
    const t = v.trim();
    setOrDelete(fs, name, t === "" ? null : numberOrText(t));
    ed.changed();
  }, {inputmode: "decimal", "data-limit": name, "data-for": key}));
}

function limits(ed, details, fs, kind, key) {
  const box = el("div", {"class": "d-grid"});
  if (TEXT_KINDS.indexOf(kind) >= 0) {
    box.appendChild(numberField(ed, fs, "minLength", _("最少字数"), key));
    box.appendChild(numberField(ed, fs, "maxLength", _("最多字数"), key));
  }
  if (NUMBER_KINDS.indexOf(kind) >= 0) {
    box.appendChild(numberField(ed, fs, "minimum", _("最小值"), key));
    box.appendChild(numberField(ed, fs, "maximum", _("最大值"), key));
  }
  if (kind === "table") {
    box.appendChild(numberField(ed, fs, "minItems", _("最少行数"), key));
    box.appendChild(numberField(ed, fs, "maxItems", _("最多行数"), key));
  }
  if (kind === "text") {
    const known = presets();
    const preset = select(known.map((p) => [p[0], p[1]]), "", (v) => {
      const chosen = known.filter((p) => p[0] === v)[0];
      if (!chosen || !v) { return; }
      fs.pattern = chosen[0];
      fs.examples = [chosen[2]];
      ed.changed(true);
    }, {"data-pattern-preset": key});
    box.appendChild(labelled(_("格式（正则表达式）"), textInput(fs.pattern, (v) => {
      setOrDelete(fs, "pattern", v); showPatternHint(fs, details); ed.changed();
    }, {"data-field-pattern": key, spellcheck: "false"}), _("录入内容须符合此格式；可选常用格式，并在“占位示例”中写一个符合的例子")));
    box.appendChild(labelled(_("常用格式"), preset));
  }
  if (kind === "choice" || kind === "multichoice") {
    const widgets = kind === "choice" ? [["", _("下拉列表")], ["radio", _("单选按钮")]] : [["", _("复选框")], ["select", _("下拉多选")]];
    box.appendChild(labelled(_("显示为"), select(widgets, fs["x-widget"] || "", (v) => {
      setOrDelete(fs, "x-widget", v); ed.changed();
    }, {"data-field-widget": key})));
  }
  if (box.childNodes.length) { details.appendChild(box); }
  if (kind === "text") {
    details.appendChild(el("p", {"class": "help d-pattern-hint", "data-pattern-hint": key}));
    showPatternHint(fs, details);
  }
}

function showPatternHint(fs, details) {
  const hint = details.querySelector("[data-pattern-hint]");
  if (!hint) { return; }
  const shown = patternHint(fs.pattern, Array.isArray(fs.examples) ? fs.examples[0] : "");
  hint.textContent = shown.text;
  hint.classList.toggle("field-error", shown.bad);
}

function choiceEditor(ed, details, fs, kind, key) {
  const values = kind === "choice" ? fs.enum : fs.items.enum;
  const box = el("fieldset", {"class": "d-choices", "data-choices": key}, [el("legend", {text: _("选项")})]);
  const list = el("ol");
  values.forEach((value, i) => {
    list.appendChild(el("li", {}, [
      textInput(value, (v) => {
        const old = values[i];
        values[i] = v;
        if (fs["default"] === old) { fs["default"] = v; }
        ed.changed();
      }, {"aria-label": _("选项 %(n)s", {n: i + 1}), "data-choice": i}),
      button("↑", () => { swap(values, i, i - 1); ed.changed(true); }, {disabled: i === 0, "aria-label": _("上移选项"), title: _("上移")}),
      button("↓", () => { swap(values, i, i + 1); ed.changed(true); }, {disabled: i === values.length - 1, "aria-label": _("下移选项"), title: _("下移")}),
      button("×", () => { values.splice(i, 1); ed.changed(true); }, {"aria-label": _("删除选项"), title: _("删除")})
    ]));
  });
  box.appendChild(list);
  box.appendChild(button(_("添加选项"), () => {
    let n = values.length + 1;
    while (values.indexOf(_("选项%(n)s", {n: n})) >= 0) { n += 1; }
    values.push(_("选项%(n)s", {n: n}));
    ed.changed(true);
    const inputs = details.querySelectorAll("[data-choices] [data-choice]");
    if (inputs.length) { inputs[inputs.length - 1].focus(); inputs[inputs.length - 1].select(); }
  }, {"data-add-choice": key}));
  details.appendChild(box);
}

function move(ed, container, key, step) {
  if (!ed.model.moveField(container, key, step)) { return; }
  ed.changed(true);
  const again = ed.visual.querySelector("[data-fields] [data-move-" + (step < 0 ? "up" : "down") + '="' + cssString(key) + '"]');
  if (again && !again.disabled) { again.focus(); }
}

let dragging = null;
/* The card's heading is dragged (inputs inside stay selectable); the card is the drop target. */
function wireDrag(ed, card, handle, container, key) {
  handle.addEventListener("dragstart", (event) => {
    event.stopPropagation();
    dragging = {container, key};
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", key);
    card.classList.add("d-dragging");
  });
  handle.addEventListener("dragend", () => { card.classList.remove("d-dragging"); dragging = null; });
  card.addEventListener("dragover", (event) => {
    if (dragging && dragging.container === container) { event.preventDefault(); event.stopPropagation(); card.classList.add("d-drop"); }
  });
  card.addEventListener("dragleave", () => { card.classList.remove("d-drop"); });
  card.addEventListener("drop", (event) => {
    card.classList.remove("d-drop");
    if (!dragging || dragging.container !== container || dragging.key === key) { return; }
    event.preventDefault();
    event.stopPropagation();
    const moved = ed.model.dropField(container, dragging.key, key);
    dragging = null;
    if (moved) { ed.changed(true); }
  });
}
