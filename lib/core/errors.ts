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
  /** The first line of the message, e.g. `invalid platform settings`. */
  public readonly heading: string;
  /**
   * Warnings found before the error (the platform's, when there is one): the command line prints
   * them with the problems, so that an error never hides them.
   */
  public readonly warnings: string[] = [];

  constructor(problems: readonly Problem[], heading = 'invalid input') {
    super(`${heading}:\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'CozystackValidationError';
    this.problems = problems;
    this.heading = heading;
  }
}

/**
 * Runs `build`; when it throws a {@link CozystackValidationError}, throws one whose problems are
 * mapped by `map` (to name them as the caller's input names them: a document path, a prefix),
 * under `heading` (by default the original heading). Other errors pass unchanged.
 * @internal
 */
export function mapProblems<T>(build: () => T, map: (p: Problem) => Problem, heading?: string): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof CozystackValidationError)) throw e;
    throw new CozystackValidationError(e.problems.map(map), heading ?? e.heading);
  }
}

/** `path` under `prefix` (`rootTenant.` + `host`), or `bare` for a problem of the whole thing. @internal */
export function prefixed(prefix: string, path: string, bare = path): string {
  return path ? `${prefix}${path}` : bare;
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

  /** The problems added so far. */
  get problems(): readonly Problem[] {
    return this.list;
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
