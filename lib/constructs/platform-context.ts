import type { Construct } from 'constructs';
import type { Values } from '../core/values.js';
import type { AppDefinition } from '../model/app-definition.js';
import type { Tenant } from './tenant.js';
import type { ChartSourcing } from '../model/platform-model.js';
import type { HostRegistry } from '../model/host-zones.js';
import type { ReleaseProfile } from '../releases/profiles.js';

/**
 * What tenants and apps need from their platform, without importing it.
 * @internal
 */
export interface PlatformContext {
  readonly rootHost: string;
  /** The release the platform pins: its app catalog gives each app's definition. */
  readonly release: ReleaseProfile;
  readonly clusterValues: Values;
  /** Tenant namespaces so far, namespace to owner description. */
  readonly namespaces: Map<string, string>;
  /** Tenant zones, reserved service hosts and app hosts claimed so far. */
  readonly hostRegistry: HostRegistry;
  /** Hosts claimed so far, host to owner description. */
  readonly hosts: Map<string, string>;
  /** Where app charts come from. */
  readonly charts: ChartSourcing;
  /** Apps placed so far, `namespace/kind/name`. */
  readonly apps: Set<string>;
  readonly bundleName: string;
  /** Where app credentials go: a Secret apart from the output, or inline in values. */
  readonly credentialHandling: 'secret' | 'inline';
  /** Unknown app values are errors, not warnings. */
  readonly strict: boolean;
  /** True when SOPS recipients are set: the credentials Secrets are committed encrypted, not kept out of Git. */
  readonly credentialsEncrypted: boolean;
  /** The SOPS recipients (age, then PGP) when credentials are encrypted: part of the salt of each Secret's values digest. */
  readonly sopsRecipients: readonly string[];
  /** The library's credentials Secrets made so far (`namespace/name`), each with the HelmRelease that reads it. */
  readonly credentialSecrets: Map<string, string>;
  /** HelmReleases of apps claimed so far, `namespace/name` to owner. */
  readonly releases: Map<string, string>;
  /**
   * Why the platform does not serve an app kind (v0.41: its -rd component is not installed; v1.x:
   * its Package is not rendered), or undefined when it does.
   */
  notServed(definition: AppDefinition): string | undefined;
  /** Records a warning. */
  warn(message: string): void;
  /** The construct a tenant's objects (and its apps') are added to. */
  objectScope(tenant: Tenant): Construct;
  /** Emits a tenant's objects in the chosen rendering. */
  renderTenant(tenant: Tenant): void;
}
