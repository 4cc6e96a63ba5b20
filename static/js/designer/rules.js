/* The condition editors: a field's x-show-when and the rules between fields (x-ledger.rules). One
   condition each here (more in the JSON tab); the operators are those the chosen field's kind
   accepts (the catalogue's rule_ops), so the editor writes what the engine reads. */
import { _ } from "./i18n.js";
import { button, el, labelled, select, setOptions, textInput } from "./dom.js";
import { buildCondition, parseCondition, valueText } from "./conditions.js";
import { kindOf } from "./kinds.js";
import { isObject } from "./util.js";

/* field / operator / value inputs over `holder[part]`; `none` is the label of "no condition". */
function conditionInputs(ed, holder, part, none, attrs) {
  const parsed = parseCondition(holder[part]);
  let fieldKey = parsed.field, op = parsed.op, text = valueText(parsed.value);
  const kindOfField = (k) => kindOf(ed.model.topFields()[k]);
  const write = () => {
    const c = buildCondition(ed.catalogue, kindOfField(fieldKey), fieldKey, op, text);
    if (c) { holder[part] = c; } else { delete holder[part]; }
    ed.changed();
  };
  const fields = (none ? [["", none]] : []).concat(ed.model.fieldChoices(
    (f) => f !== attrs.self && ed.catalogue.is(kindOf(f), "scalar")));
  const opSelect = select(ed.catalogue.opChoices(kindOfField(fieldKey), op), op, (v) => { op = v; write(); }, attrs.op);
  const fieldSelect = select(fields, fieldKey, (v) => {
    fieldKey = v;
    setOptions(opSelect, ed.catalogue.opChoices(kindOfField(fieldKey), op), op);
    op = opSelect.value;
    write();
  }, attrs.field);
  const valueInput = textInput(text, (v) => { text = v; write(); }, attrs.value);
  return {fieldSelect, opSelect, valueInput};
}

/* x-show-when: shown only while another field holds a value. */
export function showWhenEditor(ed, details, fs, key) {
  const box = el("div", {"class": "d-grid d-show-when"});
  if (parseCondition(fs["x-show-when"]).several) {
    box.appendChild(el("p", {"class": "help", text: _("仅当多个条件同时成立时显示（在“高级”标签中修改）。")}));
    details.appendChild(box);
    return;
  }
  const inputs = conditionInputs(ed, fs, "x-show-when", _("（总是显示）"), {
    self: fs, field: {"data-show-when-field": key}, op: {"data-show-when-op": key}, value: {"data-show-when-value": key}});
  box.appendChild(labelled(_("仅当…时显示"), inputs.fieldSelect));
  box.appendChild(labelled(_("条件"), inputs.opSelect));
  box.appendChild(labelled(_("值"), inputs.valueInput));
  details.appendChild(box);
}

export function rulesSection(ed) {
  const o = ed.model.options();
  const rules = Array.isArray(o.rules) ? o.rules : [];
  const box = el("section", {"class": "d-section", "data-pointer": "/x-ledger/rules"}, [
    el("h2", {text: _("字段间规则")}),
    el("p", {"class": "help", text: _("例：当 状态 等于 已办结 时，检查 办结日期 不小于 $交办日期 的字段名（以 $ 开头表示另一个字段），不符合时显示提示。")})
  ]);
  const list = el("ol", {"class": "d-rules"});
  rules.forEach((rule, i) => { list.appendChild(ruleRow(ed, rules, rule, i)); });
  box.appendChild(list);
  box.appendChild(button(_("添加规则"), () => {
    const keys = Object.keys(ed.model.topFields());
    const check = {};
    check[keys[0] || "name"] = "";
    rules.push({check: check, message: _("请填写提示")});
    o.rules = rules;
    ed.changed(true);
  }, {"class": "secondary small", "data-add-rule": true}));
  box.appendChild(el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/rules"}));
  return box;
}

function conditionEditor(ed, rule, part, label, optional, index) {
  if (parseCondition(rule[part]).several) {
    return el("p", {"class": "help", text: _("%(label)s：多个条件（在“高级”标签中修改）", {label: label})});
  }
  const name = part + "-" + index;
  const datalist = el("datalist", {id: "d-fields-" + name}, Object.keys(ed.model.topFields()).map((k) =>
    el("option", {value: "$" + k, text: ed.model.titleOf(k)})));
  const inputs = conditionInputs(ed, rule, part, optional ? _("（总是检查）") : null, {
    field: {"data-rule-field": name}, op: {"data-rule-op": name}, value: {list: datalist.id, "data-rule-value": name}});
  return el("div", {"class": "d-grid d-condition"}, [
    labelled(label, inputs.fieldSelect),
    labelled(_("条件"), inputs.opSelect),
    labelled(_("值或 $字段名"), inputs.valueInput),
    datalist
  ]);
}

function ruleRow(ed, rules, rule, i) {
  if (!isObject(rule)) { return el("li", {text: _("（规则不是对象，请在“高级”标签中修改）")}); }
  return el("li", {"class": "d-rule", "data-pointer": "/x-ledger/rules/" + i}, [
    conditionEditor(ed, rule, "when", _("当"), true, i),
    conditionEditor(ed, rule, "check", _("检查"), false, i),
    labelled(_("不符合时的提示"), textInput(rule.message, (v) => { rule.message = v; ed.changed(); },
                                      {"data-rule-message": i, maxlength: 200})),
    button(_("删除规则"), () => {
      rules.splice(i, 1);
      if (!rules.length) { delete ed.model.options().rules; }
      ed.changed(true);
    }, {"data-remove-rule": i}),
    el("div", {"class": "d-card-problems", "data-problems-for": "/x-ledger/rules/" + i})
  ]);
}
