/**
 * Finding the constructs of this library up the construct tree, as cdk8s' `Chart.of()` does:
 * an app finds its tenant, a tenant its platform, through any constructs of the user's in
 * between. Brands are global symbols, so the checks also hold across copies of the package.
 */
import type { IConstruct } from 'constructs';
import type { PlatformContext } from './platform-context.js';

/** Brand of a Platform. @internal */
export const PLATFORM_BRAND = Symbol.for('cozystack-cdk8s.Platform');
/** Brand of a Tenant. @internal */
export const TENANT_BRAND = Symbol.for('cozystack-cdk8s.Tenant');
/** Brand of a ManagedApp. @internal */
export const APP_BRAND = Symbol.for('cozystack-cdk8s.ManagedApp');

/** Marks a construct with a brand. @internal */
export function brand(c: IConstruct, b: symbol): void {
  Object.defineProperty(c, b, { value: true });
}

/** True when `x` carries the brand. @internal */
export function hasBrand(x: unknown, b: symbol): boolean {
  return typeof x === 'object' && x !== null && b in x;
}

/** The nearest construct at or above `c` that carries the brand. @internal */
export function findUp(c: IConstruct, b: symbol): IConstruct | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) if (hasBrand(s, b)) return s;
  return undefined;
}

const contexts = new WeakMap<IConstruct, PlatformContext>();

/** Registers what a platform offers its tenants and apps. @internal */
export function registerPlatformContext(platform: IConstruct, context: PlatformContext): void {
  contexts.set(platform, context);
}

/** The context of the platform `c` is in (or is), if any. @internal */
export function platformContextOf(c: IConstruct): PlatformContext | undefined {
  const platform = findUp(c, PLATFORM_BRAND);
  return platform ? contexts.get(platform) : undefined;
}
