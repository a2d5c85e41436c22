/**
 * Which handler sources can keep one QuickJS runtime across calls without keeping anything of one call
 * for the next. Evaluating a handler's source again for every call costs ~134 µs per 1,000 characters
 * (`npm run bench learn-sandbox`), which rules out handlers that carry a table of weights. A source is
 * evaluated once when its shape proves that nothing a call does can outlive the call, once the
 * runtime's global object and everything reachable from it are frozen after loading:
 *
 * - `expression`: the whole source is one function expression or arrow function (what `wrapSource`
 *   makes of `function (request) {…}`, `(request) => …` or `function handler(…) {…}`). Its locals are
 *   made anew by each call; there is no enclosing scope of its own.
 * - `script`: top-level `var` declarations whose values are data literals (numbers, strings, booleans,
 *   null, arrays and objects of them) and function declarations, one of them `handler`. Top-level
 *   `var`s and functions are properties of the global object, so they are frozen with it.
 *
 * Anything else (a function returned by code run at load time, which may close over a counter; a
 * top-level `let` or `const`, which is not a property of the global object; a class) is not proven
 * stateless and is evaluated afresh for every call, as every handler was before.
 */
import { parse } from 'acorn';
import { wrapSource } from './evaluate.js';
import type { StatelessForm } from './types.js';

export type { StatelessForm };

type Node = { type: string; [key: string]: unknown };

const parseOptions = { ecmaVersion: 2022, sourceType: 'script', allowReturnOutsideFunction: false } as const;

/** `expression`, `script`, or undefined when the source is not proven stateless (or does not parse). */
export function statelessForm(source: string): StatelessForm | undefined {
  if (parsesAs(isFunctionExpression, source)) return 'expression';
  if (parsesAs(isDataAndFunctions, source)) return 'script';
  return undefined;
}

/** A syntax error, or nesting deeper than the host's stack, proves nothing: evaluated afresh, where QuickJS reports it. */
function parsesAs(shape: (source: string) => boolean, source: string): boolean {
  try {
    return shape(source);
  } catch {
    return false;
  }
}

function isFunctionExpression(source: string): boolean {
  const program = parse(wrapSource(source), parseOptions) as unknown as { body: Node[] };
  if (program.body.length !== 1) return false;
  const statement = program.body[0]!;
  if (statement.type !== 'ExpressionStatement') return false;
  const expression = statement.expression as Node;
  return (
    (expression.type === 'FunctionExpression' || expression.type === 'ArrowFunctionExpression') &&
    expression.async !== true &&
    expression.generator !== true
  );
}

function isDataAndFunctions(source: string): boolean {
  const program = parse(source, parseOptions) as unknown as { body: Node[] };
  let handlers = 0;
  for (const statement of program.body) {
    if (statement.type === 'EmptyStatement') continue;
    if (statement.type === 'FunctionDeclaration') {
      if (statement.async === true || statement.generator === true) return false;
      if ((statement.id as Node | null)?.name === 'handler') handlers += 1;
      continue;
    }
    if (statement.type !== 'VariableDeclaration' || statement.kind !== 'var') return false;
    for (const declarator of statement.declarations as Node[]) {
      const id = declarator.id as Node;
      if (id.type !== 'Identifier' || id.name === 'handler') return false;
      if (declarator.init !== null && !isDataLiteral(declarator.init as Node)) return false;
    }
  }
  return handlers === 1;
}

/** Plain data written out: no calls, no functions, no regular expressions, no computed keys. */
function isDataLiteral(node: Node): boolean {
  switch (node.type) {
    case 'Literal':
      return node.regex === undefined && typeof node.value !== 'bigint';
    case 'UnaryExpression':
      return (
        node.operator === '-' &&
        (node.argument as Node).type === 'Literal' &&
        typeof (node.argument as Node).value === 'number'
      );
    case 'TemplateLiteral':
      return (node.expressions as Node[]).length === 0;
    case 'ArrayExpression':
      return (node.elements as Array<Node | null>).every(
        (element) => element !== null && isDataLiteral(element),
      );
    case 'ObjectExpression':
      return (node.properties as Node[]).every(
        (property) =>
          property.type === 'Property' &&
          property.kind === 'init' &&
          property.computed === false &&
          property.method === false &&
          property.shorthand === false &&
          ((property.key as Node).type === 'Identifier' || (property.key as Node).type === 'Literal') &&
          !isProtoKey(property.key as Node) &&
          isDataLiteral(property.value as Node),
      );
    default:
      return false;
  }
}

/** `__proto__: {…}` in a literal sets the object's prototype: not data. */
function isProtoKey(key: Node): boolean {
  return key.type === 'Identifier' ? key.name === '__proto__' : key.value === '__proto__';
}
