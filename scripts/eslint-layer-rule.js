// @ts-check
/**
 * The layer rule of docs/architecture.md as an ESLint rule that resolves what an import names instead of
 * matching its text: a relative path is resolved against the importing file and placed in its layer, a
 * package name is cut to the package (`electron/main` is `electron`, `zustand/vanilla` is `zustand`) and
 * checked against the importing layer's package list. Static imports, re-exports, `import()` and
 * `require()` all count; an `import()` of a computed name cannot be checked and is refused.
 * (import-x/no-restricted-paths or eslint-plugin-boundaries would do the paths; neither is installed, and
 * neither keeps a package list per layer.)
 */
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/**
 * @typedef {object} Layer
 * @property {string} name
 * @property {string[]} paths folders (or single files) relative to the root; a file belongs to the first
 *   layer, in the listed order, holding it
 * @property {string[]} mayImport the other layers it may import, or `*` for any
 * @property {string[]} packages npm packages it may import; `node` stands for Node's built-ins
 * @property {boolean} [usesTestHelpers] production files of this layer may import test helpers
 *
 * @typedef {object} Options
 * @property {string} root
 * @property {Layer[]} layers
 * @property {string[]} testHelpers where test helpers live: a folder name (`testing`) anywhere, or a folder
 * @property {string[]} testPackages packages any test file or test helper may import as well
 */

const builtins = new Set(builtinModules);
const testFile = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** `@scope/name/sub` → `@scope/name`, `electron/main` → `electron`, `node:fs` and `fs/promises` → `node`. */
export function packageOf(/** @type {string} */ specifier) {
  if (specifier.startsWith('node:')) return 'node';
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return builtins.has(name) ? 'node' : name;
}

const within = (/** @type {string} */ file, /** @type {string} */ path) =>
  file === path || file.startsWith(`${path}/`);

/** @type {import('eslint').Rule.RuleModule} */
export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer table of docs/architecture.md.' },
    schema: [{ type: 'object' }],
  },
  create(context) {
    const options = /** @type {Options} */ (context.options[0]);
    const posix = (/** @type {string} */ p) => relative(options.root, p).split('\\').join('/');
    const layerOf = (/** @type {string} */ file) =>
      options.layers.find((layer) => layer.paths.some((path) => within(file, path)));
    const isHelper = (/** @type {string} */ file) =>
      options.testHelpers.some((h) => (h.includes('/') ? within(file, h) : file.split('/').includes(h)));

    const file = posix(context.filename);
    const layer = layerOf(file);
    if (layer === undefined || file.startsWith('..')) return {};
    const isTest = testFile.test(file) || isHelper(file);

    /** @param {import('estree').Node} node @param {string} specifier */
    function check(node, specifier) {
      const report = (/** @type {string} */ message) => context.report({ node, message });
      if (layer === undefined) return;
      if (specifier.startsWith('.') || isAbsolute(specifier)) {
        const target = posix(resolve(dirname(context.filename), specifier));
        if (target.startsWith('..')) return report(`${specifier} is outside the repository.`);
        const to = layerOf(target);
        if (to === undefined) return report(`${target} is in no layer of eslint.config.js.`);
        if (to !== layer && !layer.mayImport.includes('*') && !layer.mayImport.includes(to.name))
          return report(`${layer.name} may not import ${to.name} (${target}); docs/architecture.md, Layers.`);
        if (isHelper(target) && !isTest && !layer.usesTestHelpers)
          return report(`Production code may not import the test helper ${target}; only tests may.`);
        return;
      }
      const pkg = packageOf(specifier);
      if (layer.packages.includes(pkg) || (isTest && options.testPackages.includes(pkg))) return;
      report(
        `${layer.name} may not import the package ${pkg} (${specifier}): it is not on its list in eslint.config.js.`,
      );
    }

    /** @param {import('estree').Node} node @param {import('estree').Node | null | undefined} source */
    function checkSource(node, source) {
      if (source === null || source === undefined) return;
      if (source.type === 'Literal' && typeof source.value === 'string') return check(node, source.value);
      if (source.type === 'TemplateLiteral' && source.expressions.length === 0)
        return check(node, source.quasis[0]?.value.cooked ?? '');
      context.report({ node, message: 'An import of a computed name cannot be checked against the layers.' });
    }

    return {
      ImportDeclaration: (node) => checkSource(node, node.source),
      ExportNamedDeclaration: (node) => checkSource(node, node.source),
      ExportAllDeclaration: (node) => checkSource(node, node.source),
      ImportExpression: (node) => checkSource(node, node.source),
      CallExpression(node) {
        if (
          node.callee.type === 'Identifier' &&
          node.callee.name === 'require' &&
          node.arguments.length === 1
        )
          checkSource(node, /** @type {import('estree').Expression} */ (node.arguments[0]));
      },
    };
  },
};
