/* A text field's `pattern` as the designer previews it: ECMA-262 with the unicode flag, as the engine
   reads it (core/definition/patterns.py), so `\p{Script=Han}` works here as it does there. */
import { _ } from "./i18n.js";

/* [pattern, name, an example that matches] (a function: the names are in the page's language,
   known once the page has set the messages). */
export function presets() {
  return [["", _("（常用格式）"), ""], ["^1[3-9]\\d{9}$", _("手机号码"), "13800000000"],
          ["^\\d{6}$", _("邮政编码"), "100000"], ["^\\d{17}[\\dXx]$", _("身份证号码"), "110101199003071234"],
          ["^([01]\\d|2[0-3]):[0-5]\\d$", _("时间（时:分）"), "09:30"],
          ["^[0-9A-Z]{18}$", _("统一社会信用代码"), "91110000100000000X"]];
}

/* The pattern compiled as the engine reads it, or null when it is no valid expression. */
export function compile(pattern) {
  try { return new RegExp(pattern, "u"); } catch (e) { return null; }
}

/* Whether `example` matches (JSON Schema: anywhere in the text, unless anchored). */
export function matches(pattern, example) {
  const re = compile(pattern);
  return re ? re.test(String(example)) : null;
}

/* The hint under the pattern input: {text, bad}; no text without a pattern. */
export function patternHint(pattern, example) {
  if (!pattern) { return {text: "", bad: false}; }
  const re = compile(pattern);
  if (!re) { return {text: _("格式不是有效的正则表达式"), bad: true}; }
  const text = example === undefined || example === null ? "" : String(example);
  if (text === "") { return {text: _("请写一个符合格式的示例"), bad: false}; }
  const ok = re.test(text);
  return {text: ok ? _("示例“%(example)s”符合格式", {example: text}) : _("示例“%(example)s”不符合格式", {example: text}), bad: !ok};
}
