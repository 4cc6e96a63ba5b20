/* static/js/designer/patterns.js: the pattern hint reads a pattern as the engine does (ECMA-262
   with the unicode flag). */
import { eq, ok, test } from "./harness.js";
import { compile, matches, patternHint, presets } from "/static/js/designer/patterns.js";

test("\\p{Script=Han} is a Unicode property, as in the engine", () => {
  eq(matches("^\\p{Script=Han}+$", "台帐"), true);
  eq(matches("^\\p{Script=Han}+$", "ledger"), false);
  eq(matches("^\\p{Script=Han}+$", "p{Script=Han}"), false, "not the letters themselves (no u flag)");
});

test("ECMA spellings the engine accepts compile here too", () => {
  ["\\u5f20", "\\u{1F600}", "^\\s$", "[^]", "\\cJ", "^[\\p{L}\\p{N}]+$", "\\P{Script=Han}"].forEach((p) => {
    ok(compile(p) !== null, p);
  });
  eq(matches("^\\u{1F600}$", "😀"), true, "one astral character is one character");
  eq(matches("^.$", "😀"), true);
  eq(matches("^\\s$", "\u3000"), true, "ideographic space is \\s");
});

test("a pattern matches anywhere unless anchored", () => {
  eq(matches("\\d{3}", "编号123号"), true);
  eq(matches("^\\d{3}$", "编号123号"), false);
});

test("invalid patterns are named, unicode-mode escapes included", () => {
  eq(compile("("), null);
  eq(compile("\\q"), null, "an unknown escape is an error with the u flag");
  eq(patternHint("(", "x"), {text: "格式不是有效的正则表达式", bad: true});
});

test("the hint: none without a pattern, ask for an example, then whether it matches", () => {
  eq(patternHint("", "x"), {text: "", bad: false});
  eq(patternHint(undefined, "x"), {text: "", bad: false});
  eq(patternHint("^\\d+$", ""), {text: "请写一个符合格式的示例", bad: false});
  eq(patternHint("^\\d+$", undefined), {text: "请写一个符合格式的示例", bad: false});
  eq(patternHint("^\\d+$", "123"), {text: "示例“123”符合格式", bad: false});
  eq(patternHint("^\\d+$", 123), {text: "示例“123”符合格式", bad: false}, "a number example");
  eq(patternHint("^\\d+$", "12a"), {text: "示例“12a”不符合格式", bad: true});
});

test("every preset's example matches its own pattern", () => {
  const list = presets();
  eq(list[0][0], "", "the first is the prompt");
  list.slice(1).forEach((p) => { eq(matches(p[0], p[2]), true, p[1]); });
});
