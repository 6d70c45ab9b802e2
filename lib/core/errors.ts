/**
 * One problem found in the input.
 */
export interface Problem {
  /** What is wrong: a construct path, a file and document, or a component name. */
  readonly subject: string;
  /** Where in that subject, e.g. `props.components.disable[2]`. */
  readonly path: string;
  /** What was expected and what was given. */
  readonly message: string;
  /** A short rule identifier, e.g. `unknown-component`. */
  readonly rule: string;
}

/**
 * Thrown when input breaks a rule. Carries every problem found, not only the first.
 */
export class CozystackValidationError extends Error {
  /** Every problem found. */
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], heading = 'invalid input') {
    super(`${heading}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'CozystackValidationError';
    this.problems = problems;
  }
}

/** Renders a problem as one line: `subject path: message [rule]`. */
export function formatProblem(p: Problem): string {
  const where = p.path ? `${p.subject} ${p.path}` : p.subject;
  return `${where}: ${p.message} [${p.rule}]`;
}

/**
 * Collects problems, then throws them all at once.
 * @internal
 */
export class Problems {
  private readonly list: Problem[] = [];

  constructor(private readonly subject: string) {}

  add(path: string, message: string, rule: string, subject = this.subject): void {
    this.list.push({ subject, path, message, rule });
  }

  get size(): number {
    return this.list.length;
  }

  all(): readonly Problem[] {
    return this.list;
  }

  throwIfAny(heading?: string): void {
    if (this.list.length) throw new CozystackValidationError(this.list, heading);
  }
}

/** The known name closest to `name` (edit distance), for "did you mean" hints. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** A " (did you mean 'x'?)" suffix, or an empty string. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const c = closest(name, known);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
