import { parseTenancy } from '../dist/domain/tenancy/parse-tenancy.js';
import { compileAccessGraph } from '../dist/domain/access/access-graph.js';
import { compileKeycloak } from '../dist/domain/access/tools/keycloak/compile-keycloak.js';
import { realmImportSchema } from '../dist/domain/access/tools/keycloak/realm-import-schema.js';
import fs from 'fs';
const model = parseTenancy(fs.readFileSync('/tmp/bench-model.yaml','utf8'),{source:'x'}).model;
const g = compileAccessGraph(model);
for (let i=0;i<3;i++){ let t=performance.now(); const o=compileKeycloak(g); const k=performance.now()-t; t=performance.now(); for (const f of o.files) realmImportSchema.safeParse(JSON.parse(f.content)); console.log('kc', k, 'schema', performance.now()-t);}
