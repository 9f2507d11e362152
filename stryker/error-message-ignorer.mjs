// A Stryker ignore-plugin: the text of an error message is not behaviour.
//
// The tests pin what an error *is* (its class, `code`, `path`, `offset`), never its
// wording (STYLE.md: "Tests assert on `code` and `path`, not on message text"). A
// mutant that only changes the words of a message — a string emptied, a template
// literal blanked, arithmetic inside `${…}` of a message — can therefore never be
// killed, and counting it would bury the mutants that matter. This ignores the
// message argument of
//   - `new SomethingError(…)` (any constructor whose name ends in "Error"), and
//   - a `fail(…)` / `x.fail(…)` / `x.errorAt(code, …)` helper (the decoders' and verifiers' error shorthands),
// when that argument is a string or template literal or a `+` concatenation of them.
// An all-capitals string literal (an error code such as 'BAD_HEADER') is never ignored,
// nor is any other argument (offsets, paths, causes): those are behaviour.
// Ignored mutants show as "Ignored" in the report and are left out of the score.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const ERROR_CODE = /^[A-Z][A-Z0-9_]+$/;

function calleeName(callee) {
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

function isMessageText(node) {
  if (node.type === 'StringLiteral') return !ERROR_CODE.test(node.value);
  if (node.type === 'TemplateLiteral') return true;
  if (node.type === 'BinaryExpression' && node.operator === '+') {
    return isMessageText(node.left) || isMessageText(node.right);
  }
  return false;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'error-message', {
    shouldIgnore(path) {
      const parent = path.parentPath;
      if (!parent || !(parent.isNewExpression() || parent.isCallExpression())) return undefined;
      if (!parent.node.arguments.includes(path.node)) return undefined;
      const name = calleeName(parent.node.callee);
      if (name === undefined) return undefined;
      const isErrorSite = (parent.isNewExpression() && name.endsWith('Error')) || name === 'fail' || name === 'errorAt';
      if (!isErrorSite || !isMessageText(path.node)) return undefined;
      return 'error message text: tests pin the error code, path and offset, not the wording';
    },
  }),
];
