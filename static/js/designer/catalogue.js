/* The field kinds and condition operators as the server declares them (core/definition/kinds, served
   by web/catalogue.py into the page): never written down here a second time. */

/* What a catalogue answers: the kinds in the engine's order, their labels and properties, and the
   operators of `field__op` conditions (eq is written without a suffix). */
export function makeCatalogue(data) {
  const kinds = (data && data.kinds) || [];
  const ops = (data && data.ops) || [];
  const byName = {};
  kinds.forEach((k) => { byName[k.name] = k; });

  function info(name) { return Object.prototype.hasOwnProperty.call(byName, name) ? byName[name] : null; }

  return {
    names() { return kinds.map((k) => k.name); },
    label(name) { const k = info(name); return k ? k.label : null; },
    /* A property of the kind (scalar, multiple, numeric, searchable, business_key, is_day, …); false for no kind. */
    is(name, flag) { const k = info(name); return !!(k && k[flag]); },
    /* The kinds one may choose for a field at `depth` (1: top level): no tables or groups from the third level on. */
    choices(depth) {
      return kinds.filter((k) => depth < 3 || !(k.rows || k.fieldset)).map((k) => [k.name, k.label]);
    },
    opNames() { return ops.map((o) => o.op); },
    opLabel(op) { const o = ops.filter((x) => x.op === (op || "eq"))[0]; return o ? o.label : op; },
    /* Whether `op` takes a list of values (in, nin). */
    many(op) { return ops.some((o) => o.op === op && o.many); },
    /* The operators a condition on a field of `kind` may use, as [suffix, label] ("" for eq); every
       operator while no field is chosen. `current` stays offered, so nothing changes unasked. */
    opChoices(kind, current) {
      const k = info(kind);
      const allowed = k ? k.rule_ops : null;
      const wanted = current === undefined || current === null ? null : (current || "eq");
      return ops.filter((o) => !allowed || allowed.indexOf(o.op) >= 0 || o.op === wanted)
        .map((o) => [o.op === "eq" ? "" : o.op, o.label]);
    }
  };
}

/* The catalogue the page embeds (<script type="application/json" id="designer-catalogue">). */
export function pageCatalogue(doc) {
  const node = (doc || document).getElementById("designer-catalogue");
  return makeCatalogue(node ? JSON.parse(node.textContent) : null);
}
