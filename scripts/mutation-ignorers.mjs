// A Stryker ignorer: no mutants inside a call that only writes a message (logger.info/warn/debug,
// core.info/warning/notice/debug, console.*). Their texts are for people; what a run decides is
// mutated everywhere else, error messages included when a test reads them.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const LOG_METHODS = new Set([
  'info',
  'warn',
  'warning',
  'notice',
  'debug',
  'log',
  'error',
  'group',
  'startGroup',
]);
const LOG_OBJECTS = new Set(['logger', 'log', 'core', 'console']);

const MEMBER = new Set(['MemberExpression', 'OptionalMemberExpression']);

function calleeName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if (MEMBER.has(node.type) && !node.computed) return `${calleeName(node.object)}.${node.property.name}`;
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'log-messages', {
    shouldIgnore(path) {
      // `log.info(…)` and `options.log?.info(…)` (an OptionalCallExpression in Babel's tree) alike.
      if (!path.isCallExpression() && !path.isOptionalCallExpression()) return undefined;
      const callee = path.node.callee;
      if (!MEMBER.has(callee.type) || callee.computed) return undefined;
      const object = calleeName(callee.object);
      const method = callee.property.name;
      if (object && LOG_OBJECTS.has(object.split('.').pop()) && LOG_METHODS.has(method))
        return 'a log message';
      return undefined;
    },
  }),
];
