import { stringify } from 'yaml';
import { parseTenancy } from '../dist/domain/tenancy/parse-tenancy.js';
import { compileAccessGraph } from '../dist/domain/access/access-graph.js';
import * as T from '../dist/domain/access/compile-access.js';
const mods = {
 idp: (await import('../dist/domain/access/tools/idp/compile-idp.js')).compileIdp,
 keycloak: (await import('../dist/domain/access/tools/keycloak/compile-keycloak.js')).compileKeycloak,
 kubernetes: (await import('../dist/domain/access/tools/kubernetes/compile-kubernetes.js')).compileKubernetes,
 argocd: (await import('../dist/domain/access/tools/argocd/compile-argocd.js')).compileArgoCd,
 grafana: (await import('../dist/domain/access/tools/grafana/compile-grafana.js')).compileGrafana,
 sonarqube: (await import('../dist/domain/access/tools/sonarqube/compile-sonarqube.js')).compileSonarQube,
 nexus: (await import('../dist/domain/access/tools/nexus/compile-nexus.js')).compileNexus,
 gerrit: (await import('../dist/domain/access/tools/gerrit/compile-gerrit.js')).compileGerrit,
 aws: (await import('../dist/domain/access/tools/aws/compile-aws.js')).compileAws,
 github: (await import('../dist/domain/access/tools/github/compile-github.js')).compileGitHub,
};
process.env.BENCH_SCALE ??= '0.2';
const src = await import('fs').then(fs=>fs.readFileSync('/tmp/bench-model.yaml','utf8'));
let t=performance.now();
const model = parseTenancy(src,{source:'x'}).model; console.log('parse', performance.now()-t);
t=performance.now(); const g = compileAccessGraph(model); console.log('graph', performance.now()-t);
for (const [k,f] of Object.entries(mods)) { t=performance.now(); const o=f(g); console.log(k, (performance.now()-t).toFixed(0), o.files.reduce((n,f)=>n+f.content.length,0)); }
