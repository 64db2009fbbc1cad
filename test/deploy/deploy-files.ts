import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/child-node.js';

/** The repository's deploy/ folder. */
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

/** Every file under deploy/, as paths relative to it (e.g. "kubernetes/deployment.yaml"), sorted. */
export function deployFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [relative(DEPLOY_DIR, join(dir, entry.name))]));
  return walk(DEPLOY_DIR).sort();
}

export function readDeployFile(file: string): string {
  return readFileSync(join(DEPLOY_DIR, file), 'utf8');
}

/**
 * The YAML documents of a deploy/ file; throws naming the file and the problem when one does not parse. Merge
 * keys (`<<: *anchor`) are resolved, as Compose and Kubernetes' YAML readers resolve them.
 */
export function yamlDocuments(file: string): unknown[] {
  return parseAllDocuments(readDeployFile(file), { merge: true }).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

/** A Kubernetes object as the manifests hold it (only the fields the tests read are typed). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** Every object of every manifest in deploy/kubernetes/, with the file it is in. */
export function kubernetesObjects(): { file: string; object: KubernetesObject }[] {
  return deployFiles()
    .filter((file) => file.startsWith('kubernetes/') && file.endsWith('.yaml'))
    .flatMap((file) => yamlDocuments(file).map((object) => ({ file, object: object as KubernetesObject })));
}

/** A container of a Deployment's or StatefulSet's pod template (only the fields the tests read). */
export interface Container {
  readonly name: string;
  readonly args?: string[];
  readonly ports?: { name: string; containerPort: number; protocol: string }[];
  readonly envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readonly readinessProbe?: { httpGet?: { path: string; port: string | number } };
  readonly livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readonly startupProbe?: { httpGet?: { path: string; port: string | number } };
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

export interface Workload extends KubernetesObject {
  readonly spec: {
    readonly selector: { matchLabels: Record<string, string> };
    readonly template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } } };
    readonly volumeClaimTemplates?: unknown[];
    readonly replicas?: number;
  };
}

/** The Deployments and StatefulSets of deploy/kubernetes/. */
export function workloads(): Workload[] {
  return kubernetesObjects()
    .map(({ object }) => object)
    .filter((object): object is Workload => object.kind === 'Deployment' || object.kind === 'StatefulSet');
}
