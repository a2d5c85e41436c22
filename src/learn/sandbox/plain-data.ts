/**
 * Copies plain host data (strings, finite numbers, booleans, null, arrays, plain objects) into a
 * QuickJS context as new values, so nothing of the host (no function, prototype or getter) crosses.
 */
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten';
import { StewardError } from '../../errors/index.js';

const MAX_DEPTH = 16;

/** Throws `invalid-request` naming the path of the first value that is not plain data. */
export function assertPlainData(value: unknown, path: string, depth = 0): void {
  if (depth > MAX_DEPTH) throw notPlain(path, `nested deeper than ${MAX_DEPTH}`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notPlain(path, String(value));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertPlainData(item, `${path}[${index}]`, depth + 1);
    });
    return;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) throw notPlain(path, 'an instance of a class');
    for (const [key, item] of Object.entries(value)) {
      // Set inside the VM, this key would change the copy's prototype instead of adding a property.
      if (key === '__proto__') throw notPlain(`${path}.__proto__`, 'a key the sandbox does not copy');
      if (item !== undefined) assertPlainData(item, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw notPlain(path, `a ${typeof value}`);
}

/**
 * A new QuickJS value equal to `value` (checked by `assertPlainData` first). Every handle made is
 * pushed on `owned` for the caller to dispose; the returned one is among them.
 */
export function copyIntoVm(context: QuickJSContext, value: unknown, owned: QuickJSHandle[]): QuickJSHandle {
  if (value === null) return context.null;
  if (typeof value === 'boolean') return value ? context.true : context.false;
  if (typeof value === 'string') return keep(owned, context.newString(value));
  if (typeof value === 'number') return keep(owned, context.newNumber(value));
  if (Array.isArray(value)) {
    const array = keep(owned, context.newArray());
    value.forEach((item, index) => {
      context.setProp(array, index, copyIntoVm(context, item ?? null, owned));
    });
    return array;
  }
  const object = keep(owned, context.newObject());
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item !== undefined) context.setProp(object, key, copyIntoVm(context, item, owned));
  }
  return object;
}

function keep(owned: QuickJSHandle[], handle: QuickJSHandle): QuickJSHandle {
  owned.push(handle);
  return handle;
}

function notPlain(path: string, what: string): StewardError {
  return new StewardError(
    'invalid-request',
    `${path} is ${what}; only plain data (strings, finite numbers, booleans, null, arrays, plain objects) is passed to a handler`,
  );
}
