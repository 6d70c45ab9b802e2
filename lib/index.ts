export { Bundle, type BundleChanges } from './bundle.js';
export type { BundleDefinition } from './bundle-definition.js';
export type {
  ComponentCondition,
  ComponentDefinition,
  ConditionalDependsOn,
  ConditionalValues,
  JsonValue,
  Values,
} from './component.js';
export { CozystackValidationError, formatProblem, type Problem } from './errors.js';
export {
  PackageSource,
  type PackageSourceComponent,
  type PackageSourceInstall,
  type PackageSourceLibrary,
  type PackageSourceProps,
  type PackageSourceRef,
  type PackageSourceVariant,
} from './package-source.js';
export { type CredentialsProps, Platform, type PlatformConstructProps } from './platform.js';
export type {
  ComponentsProps,
  ExposedService,
  ExposeProps,
  HelmReleaseTuningProps,
  NetworkProps,
  OidcProps,
  PlatformMode,
  PlatformProps,
  ResourceRatioProps,
  TelemetryProps,
  TenantRendering,
} from './platform-props.js';
export { DEFAULT_SOURCE_DIGEST, DEFAULT_SOURCE_URL, type PlatformSourceProps, type PlatformSourceRef } from './platform-source.js';
export { ACCESS_LEVELS, type AccessLevel, Tenant, type TenantGroups, type TenantProps } from './tenant.js';
export type { AppDefinition, TenantService } from './app-definition.js';
export { collectObjects, renderFiles, synthesize, type SynthesisResult, type SynthesizeOptions } from './synthesize.js';
export type { KubeObject } from './manifest.js';
export { type AppOptions, CREDENTIALS_LABEL, ManagedApp } from './managed-app.js';
export { loadManifests, type SourcedManifest } from './manifest-loader.js';
export { APPS_API_VERSION, type AppManifest, CREDENTIALS_SECRET_ANNOTATION } from './tenant.js';
export * from '../apps/index.js';
export { GitOpsBootstrap, type GitOpsProps } from './gitops.js';
export { PLATFORM_API_VERSION, PLATFORM_SCHEMA } from './platform-document.js';
export { platformFromDocuments, type PlatformOverrides } from './yaml-platform.js';
export { readYamlInputs, type InputDocument, type InputLimits } from './yaml-input.js';
export type { OperatorProps, OperatorVariant } from './platform-props.js';
export { GUARDRAIL_NAME, NO_DELETE_LABEL } from './deletion-guardrail.js';
export { DEFAULT_PLATFORM_VERSION, KNOWN_RELEASES, VERSION_CONFIGMAP } from './platform-version.js';
export { DEFAULT_OPERATOR_IMAGE } from './platform-model.js';
export { OutputWriteError } from './output-writer.js';
export { MANIFEST as OUTPUT_MANIFEST, OutputRefusedError } from './output-ownership.js';
