/* Small DOM builders: every element the editor makes goes through `el` (text as text, never HTML). */

export function el(tag, attrs, kids) {
  const node = document.createElement(tag);
  Object.keys(attrs || {}).forEach((name) => {
    const value = attrs[name];
    if (value === undefined || value === null || value === false) { return; }
    if (name === "text") { node.textContent = value; } else if (name.slice(0, 2) === "on") {
      node.addEventListener(name.slice(2), value);
    } else { node.setAttribute(name, value === true ? "" : value); }
  });
  (kids || []).forEach((kid) => {
    if (kid !== null && kid !== undefined) { node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid); }
  });
  return node;
}

let uid = 0;
function newId() { uid += 1; return "d-" + uid; }

export function labelled(text, input, hint) {
  if (!input.id) { input.id = newId(); }
  const label = el("label", {"for": input.id, "class": "d-label"}, [text, input]);
  if (hint) { label.appendChild(el("small", {"class": "help", text: hint})); }
  return label;
}

export function textInput(value, onchange, attrs) {
  const input = el("input", Object.assign({type: "text", value: value === undefined || value === null ? "" : String(value)}, attrs || {}));
  input.addEventListener("input", () => { onchange(input.value, input); });
  return input;
}

/* options: [value, label] pairs. */
export function select(options, value, onchange, attrs) {
  const node = el("select", attrs || {}, options.map((o) => el("option", {
    value: o[0], text: o[1], selected: String(o[0]) === String(value === undefined ? "" : value)})));
  node.addEventListener("change", () => { onchange(node.value, node); });
  return node;
}

export function checkbox(text, checked, onchange, attrs) {
  const input = el("input", Object.assign({type: "checkbox", checked: !!checked}, attrs || {}));
  input.addEventListener("change", () => { onchange(input.checked); });
  input.id = newId();
  return el("label", {"for": input.id, "class": "d-check"}, [input, text]);
}

export function button(text, onclick, attrs) {
  return el("button", Object.assign({type: "button", "class": "secondary outline small", text: text, onclick: onclick}, attrs || {}));
}

/* A select's options replaced, `value` chosen (when no option has it, the first). */
export function setOptions(node, options, value) {
  node.textContent = "";
  options.forEach((o) => {
    node.appendChild(el("option", {value: o[0], text: o[1], selected: String(o[0]) === String(value === undefined ? "" : value)}));
  });
}
