import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './options.js';
import type { CommandResult } from './synth.js';

const PLATFORM = `# The platform: bundle and cluster settings (cozystack-cdk8s Platform document).
apiVersion: cdk8s.cozystack.io/v1alpha1
kind: Platform
metadata:
  name: platform
spec:
  bundle: paas-full
  rootHost: example.org
  apiServerEndpoint: https://api.example.org:6443
  # components:
  #   enable: [bootbox]
  #   disable: []
  #   values:
  #     cilium: {}
`;

const TENANTS = `# Tenants and apps, exactly as you would kubectl apply them to a Cozystack cluster.
apiVersion: apps.cozystack.io/v1alpha1
kind: Tenant
metadata:
  name: team
  namespace: tenant-root
spec:
  etcd: true
  resourceQuotas:
    cpu: "8"
    memory: 16Gi
---
apiVersion: apps.cozystack.io/v1alpha1
kind: Postgres
metadata:
  name: db
  namespace: tenant-team
spec:
  replicas: 2
  size: 10Gi
`;

/** `init [DIR]`: a starter platform folder that synthesizes as is. Never overwrites. */
export function initCommand(dir: string | undefined): CommandResult {
  const target = dir ?? 'platform';
  const files = { 'platform.yaml': PLATFORM, 'tenants.yaml': TENANTS };
  for (const f of Object.keys(files)) if (existsSync(join(target, f))) throw new UsageError(`init: ${join(target, f)} already exists; not overwriting`);
  mkdirSync(target, { recursive: true });
  for (const [f, c] of Object.entries(files)) writeFileSync(join(target, f), c);
  return { stdout: `wrote ${join(target, 'platform.yaml')} and ${join(target, 'tenants.yaml')}\nnext: cozystack-cdk8s synth -f ${target} --out dist\n`, code: 0 };
}
