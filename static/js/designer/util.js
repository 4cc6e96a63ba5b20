/* Small helpers over plain JSON values, shared by the model and the editor. */

export function clone(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

export function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

/* One step of a JSON pointer (RFC 6901). */
export function escapePointer(key) { return String(key).replace(/~/g, "~0").replace(/\//g, "~1"); }

export function unescapePointer(step) { return step.replace(/~1/g, "/").replace(/~0/g, "~"); }

export function setOrDelete(obj, name, value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) { delete obj[name]; }
  else { obj[name] = value; }
}

/* Text that reads as a number becomes one; anything else stays as typed (the server names the problem). */
export function numberOrText(text) {
  const t = String(text).trim();
  return t !== "" && !isNaN(Number(t)) ? Number(t) : text;
}

export function swap(list, a, b) { const t = list[a]; list[a] = list[b]; list[b] = t; }

/* A value inside a CSS attribute selector's double quotes. */
export function cssString(text) { return String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"'); }

export function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
