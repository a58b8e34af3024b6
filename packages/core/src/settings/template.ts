// `{{name}}` templates as used by today's settings (`preview_docker_img: …-{{php_version}}`).

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Names used in `template`, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Why `template` is not a valid template over `allowed` names, or undefined when it is. Unbalanced
 * braces and unknown names are both errors: a typo must not reach an image URI.
 */
export function templateProblem(template: string, allowed: readonly string[]): string | undefined {
  const stripped = template.replace(PLACEHOLDER, '');
  if (stripped.includes('{') || stripped.includes('}')) {
    return `has an unbalanced "{{" or "}}"; placeholders are written {{name}} with name one of ${list(allowed)}`;
  }
  const unknown = placeholders(template).filter((p) => !allowed.includes(p));
  if (unknown.length > 0) {
    return `uses unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}; allowed: ${list(allowed)}`;
  }
  return undefined;
}

export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    return v;
  });
}

function list(names: readonly string[]): string {
  return names.length ? names.map((n) => `{{${n}}}`).join(', ') : '(none)';
}
