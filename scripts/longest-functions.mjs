// The longest functions of the production code (packages/*/src, actions/*/src), measured with the
// TypeScript compiler API: lines from the function's first to its last, and how deep its blocks nest.
//   npm run longest-functions                 the 20 longest
//   npm run longest-functions -- --top 50     the 50 longest
//   npm run longest-functions -- --over 100   every function over 100 lines (exit 1 if there is one)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const top = option('--top', 20);
const over = option('--over', undefined);

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* sourceFiles(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) yield p;
  }
}
const roots = [
  ...readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p, 'src')),
  ...readdirSync(path.join(root, 'actions')).map((a) => path.join(root, 'actions', a, 'src')),
].filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});

/** A function's name as a reader would search for it. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) {
    const owner =
      node.parent && ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
    return owner + node.name.text;
  }
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)))
    return p.name.text;
  return '(anonymous)';
}

/** The deepest nesting of blocks inside the function, its own body not counted. */
function depthOf(body) {
  let deepest = 0;
  const walk = (node, depth) => {
    if (ts.isFunctionLike(node) && node !== body.parent) return; // a nested function is measured on its own
    const d = ts.isBlock(node) && node !== body ? depth + 1 : depth;
    deepest = Math.max(deepest, d);
    ts.forEachChild(node, (c) => walk(c, d));
  };
  walk(body, 0);
  return deepest;
}

const found = [];
for (const dir of roots) {
  for (const file of sourceFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (
        (ts.isFunctionDeclaration(node) ||
          ts.isMethodDeclaration(node) ||
          ts.isFunctionExpression(node) ||
          ts.isArrowFunction(node) ||
          ts.isConstructorDeclaration(node)) &&
        node.body
      ) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const end = source.getLineAndCharacterOfPosition(node.end).line + 1;
        found.push({
          name: nameOf(node),
          file: path.relative(root, file),
          line: start,
          lines: end - start + 1,
          depth: ts.isBlock(node.body) ? depthOf(node.body) : 0,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}
found.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
const shown = over !== undefined ? found.filter((f) => f.lines > over) : found.slice(0, top);
for (const f of shown)
  console.log(`${String(f.lines).padStart(5)} lines  depth ${f.depth}  ${f.name}  ${f.file}:${f.line}`);
console.log(
  `${found.length} functions; ${found.filter((f) => f.lines > 100).length} over 100 lines, ${found.filter((f) => f.lines > 80).length} over 80`,
);
if (over !== undefined && shown.length) process.exit(1);
