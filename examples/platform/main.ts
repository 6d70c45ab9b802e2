// The example platform: bundle paas-full under example.org with a small tenant tree.
// `npm run synth` writes it to dist/ (under `cdk8s synth`, to $CDK8S_OUTDIR).
import { App } from 'cdk8s';
import { Bundle, Platform, synthesize } from '../../lib/index.js';

const app = new App();
const platform = new Platform(app, 'platform', {
  bundle: Bundle.PAAS_FULL,
  rootHost: 'example.org',
  apiServerEndpoint: 'https://api.example.org:6443',
});
const foo = platform.rootTenant.addTenant('foo', { etcd: true, ingress: true });
foo.addTenant('bar');

const started = performance.now();
const result = synthesize(app);
const kinds = Object.entries(result.kinds).map(([k, n]) => `${n} ${k}`).join(', ');
console.log(`synthesized ${result.objects} objects (${kinds}) into ${result.outdir}/ as ${result.files} files in ${Math.round(performance.now() - started)} ms`);
