export { Bundle, type BundleChanges } from './model/bundle.js';
export type { BundleDefinition } from './model/bundle-definition.js';
export type {
  ComponentCondition,
  ComponentDefinition,
  ConditionalDependsOn,
  ConditionalValues,
} from './model/component.js';
export type { JsonValue, Values } from './core/values.js';
export { CozystackValidationError, formatProblem, type Problem } from './core/errors.js';
export {
  PackageSource,
  type PackageSourceComponent,
  type PackageSourceInstall,
  type PackageSourceLibrary,
  type PackageSourceProps,
  type PackageSourceRef,
  type PackageSourceVariant,
} from './renderings/package-source.js';
export { type CredentialsProps, Platform, type PlatformConstructProps, type PlatformProps } from './constructs/platform.js';
export type {
  ClusterStateProps,
  ComponentsProps,
  ExposedService,
  ExposeProps,
  HelmReleaseTuningProps,
  NetworkProps,
  OidcProps,
  Dns01ProviderValues,
  PlatformChartValues,
  PlatformMode,
  PlatformSettings,
  PlatformVariant,
  ResourceRatioProps,
  TelemetryProps,
  TenantRendering,
} from './model/settings.js';
export { DEFAULT_SOURCE_DIGEST, DEFAULT_SOURCE_URL, type PlatformSourceProps, type PlatformSourceRef } from './model/source.js';
export { Tenant } from './constructs/tenant.js';
export { ACCESS_LEVELS, type AccessLevel, type TenantChartGeneration, type TenantGroups, type TenantProps } from './model/tenant-model.js';
export type { AppCatalog, AppDefinition, AppReleaseShape, TenantService } from './model/app-definition.js';
export { collectObjects, renderFiles, synthesize, type SynthesisResult, type SynthesizeOptions } from './synthesis/synthesize.js';
export type { KubeObject } from './core/kube-object.js';
export { type AppOptions, CREDENTIALS_LABEL, ManagedApp } from './constructs/managed-app.js';
export { loadManifests, type SourcedManifest } from './input/manifest-loader.js';
export { APPS_API_VERSION, type AppManifest, CREDENTIALS_SECRET_ANNOTATION } from './constructs/tenant.js';
export * from '../apps/index.js';
export { GitOpsBootstrap, type GitOpsProps } from './renderings/gitops.js';
export { PLATFORM_API_VERSION, PLATFORM_SCHEMA } from './input/platform-document.js';
export { platformFromDocuments, type PlatformOverrides } from './input/yaml-platform.js';
export { readYamlInputs, type InputDocument, type InputLimits } from './input/yaml-input.js';
export type { OperatorProps, OperatorVariant } from './model/settings.js';
export { GUARDRAIL_NAME, NO_DELETE_LABEL } from './renderings/deletion-guardrail.js';
export { DEFAULT_PLATFORM_VERSION, KNOWN_RELEASES, VERSION_CONFIGMAP } from './releases/versions.js';
export { DEFAULT_OPERATOR_IMAGE } from './model/platform-model.js';
export { OutputWriteError } from './output/writer.js';
export { MANIFEST as OUTPUT_MANIFEST, OutputRefusedError } from './output/ownership.js';
