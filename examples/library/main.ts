// The same platform written in TypeScript: `npx tsx examples/library/main.ts` writes it to dist-library/.
import { App } from 'cdk8s';
import { Bundle, Kubernetes, Platform, Postgres, synthesize } from '../../lib/index.js';

const app = new App();
const platform = new Platform(app, 'platform', {
  bundle: Bundle.PAAS_FULL,
  rootHost: 'example.org',
  apiServerEndpoint: 'https://api.example.org:6443',
});
const foo = platform.rootTenant.addTenant('foo', { etcd: true, ingress: true });
const bar = foo.addTenant('bar');
new Postgres(foo, 'db', { replicas: 2, size: '10Gi' });
new Kubernetes(bar, 'dev');

const result = synthesize(app, { outdir: process.argv[2] ?? 'dist-library' });
console.log(`synthesized ${result.objects} objects into ${result.outdir}`);
