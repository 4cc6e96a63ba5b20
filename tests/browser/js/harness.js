/* A few lines of test runner for the designer's modules: test(name, fn) registers, run() runs them
   in order and leaves [{name, ok, error}] in window.__jsResults for pytest to read
   (tests/browser/test_designer_modules_browser.py reports each failure by its name). */
const tests = [];

export function test(name, fn) { tests.push([name, fn]); }

function show(value) { return JSON.stringify(value); }

/* Equal as JSON text: key order counts (the order of fields is what several tests are about). */
export function eq(actual, expected, what) {
  if (show(actual) !== show(expected)) {
    throw new Error((what ? what + ": " : "") + "got " + show(actual) + ", expected " + show(expected));
  }
}

export function ok(value, what) {
  if (!value) { throw new Error((what || "expected a true value") + " (got " + show(value) + ")"); }
}

export function raises(fn, what) {
  try { fn(); } catch (e) { return e; }
  throw new Error((what || "expected an error") + ": none was raised");
}

export async function run() {
  const results = [];
  for (const [name, fn] of tests) {
    try {
      await fn();
      results.push({name, ok: true, error: null});
    } catch (e) {
      results.push({name, ok: false, error: String((e && e.stack) || e)});
    }
  }
  window.__jsResults = results;
  document.body.setAttribute("data-done", String(results.length));
  return results;
}
