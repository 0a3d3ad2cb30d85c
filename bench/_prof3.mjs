import { parseTenancy } from '../dist/domain/tenancy/parse-tenancy.js';
import { compileAccessGraph } from '../dist/domain/access/access-graph.js';
import { compileKubernetes } from '../dist/domain/access/tools/kubernetes/compile-kubernetes.js';
import { compileKeycloak } from '../dist/domain/access/tools/keycloak/compile-keycloak.js';
import fs from 'fs';
const model = parseTenancy(fs.readFileSync('/tmp/bench-model.yaml','utf8'),{source:'x'}).model;
const g = compileAccessGraph(model);
for (let i=0;i<3;i++){ let t=performance.now(); compileKubernetes(g); console.log('k8s', performance.now()-t); t=performance.now(); compileKeycloak(g); console.log('kc', performance.now()-t);}
