// IAM policy documents as the suite writes them, and the small pieces the role definitions are built of.
// A grant on `*` carries `why`: the one-line reason AWS cannot scope it (printed by `mdl-preview iam
// --explain` and in docs/iam/README.md, never inside the JSON AWS reads).

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A statement with the reason it is on `*`, when it is. */
export interface Grant extends PolicyStatement {
  why?: string;
}

/** Condition blocks merged (operators and keys side by side; a key set twice is a bug here). */
export function allOf(...blocks: (ConditionBlock | undefined)[]): ConditionBlock | undefined {
  const out: ConditionBlock = {};
  for (const b of blocks)
    for (const [op, keys] of Object.entries(b ?? {}))
      for (const [k, v] of Object.entries(keys)) {
        out[op] ??= {};
        if (k in out[op]) throw new Error(`condition ${op} ${k} given twice`);
        out[op][k] = v;
      }
  return Object.keys(out).length ? out : undefined;
}

export function grant(
  Sid: string,
  actions: string[],
  resources: string[] | '*',
  options: { condition?: ConditionBlock; why?: string } = {},
): Grant {
  if (resources === '*' && !options.why) throw new Error(`${Sid}: a grant on * needs its reason`);
  return {
    Sid,
    Effect: 'Allow',
    Action: [...actions].sort(),
    Resource: resources === '*' ? '*' : resources.length === 1 ? resources[0]! : [...resources],
    ...(options.condition ? { Condition: options.condition } : {}),
    ...(options.why ? { why: options.why } : {}),
  };
}

/** The document AWS reads: the grants without their reasons. */
export function toDocument(grants: readonly Grant[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: grants.map(({ why: _why, ...s }) => s),
  };
}

/** Actions that change something: all but the Describe, List and Get reads. */
export const isMutating = (action: string) => !/^[a-z0-9-]+:(Describe|List|Get|BatchGet)/.test(action);
