/**
 * docker/docker-compose.yml and docker/Dockerfile, checked without a Docker engine: the Compose
 * file is loaded by compose-go (tests/compose: the loader of Docker Compose itself, with the
 * Compose specification's schema, interpolation, env files and profiles), and the test asserts
 * on the project it resolves to.
 */
import assert from "node:assert/strict";
import { programV8Flags, ROOT, runCli, spawnCli, tempDir } from "./helpers.ts";

const COMPOSE = `${ROOT}/docker/docker-compose.yml`;
const DOCKERFILE = `${ROOT}/docker/Dockerfile`;
const ENV_EXAMPLE = `${ROOT}/docker/.env.example`;
const RELEASE = `${ROOT}/.github/workflows/release.yml`;
const VALIDATOR = `${ROOT}/tests/compose/.work/validate`;
/** The Deno the project is built with: the Docker build stage and the release workflow. */
const DENO_VERSION = "2.9.6";
const SERVICES = ["kafka", "kafka-topic", "clickhouse", "kafka-producer"];
const KAFKA_VARS = [
  "KAFKA_BROKERS",
  "KAFKA_TOPIC",
  "KAFKA_SECURITY_PROTOCOL",
  "KAFKA_SASL_MECHANISM",
  "KAFKA_SASL_USERNAME",
  "KAFKA_SASL_PASSWORD",
  "KAFKA_RECORDS_PER_MESSAGE",
];

interface Mount {
  type: string;
  source?: string;
  target: string;
  read_only?: boolean;
}

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  entrypoint?: string[] | null;
  command?: string[] | null;
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[]; disable?: boolean };
  pull_policy?: string;
  depends_on?: Record<string, { condition: string }>;
  volumes?: Mount[];
  profiles?: string[];
  stop_signal?: string;
  stop_grace_period?: string;
}

interface Project {
  name: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

let built: Promise<void> | undefined;

/** Builds the validator once per run (setup.sh does nothing when it is up to date). */
function ensureValidator(): Promise<void> {
  built ??= (async () => {
    const out = await new Deno.Command("bash", {
      args: [`${ROOT}/tests/compose/setup.sh`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assert.equal(out.code, 0, dec.decode(out.stdout) + dec.decode(out.stderr));
  })();
  return built;
}

let envDir: string | undefined;
let envFiles = 0;

interface Loaded {
  code: number;
  stderr: string;
  project?: Project;
}

/**
 * Loads a Compose file with profile `platform` as `docker compose` would, with `dotEnv` as its
 * env file and `shellEnv` as the only process environment (so the caller's own KAFKA_* and
 * CLICKHOUSE_* variables cannot leak in).
 */
async function load(
  file = COMPOSE,
  opts: { dotEnv?: string; shellEnv?: Record<string, string>; profile?: string | null } = {},
): Promise<Loaded> {
  await ensureValidator();
  envDir ??= tempDir("compose_env");
  const envFile = `${envDir}/${++envFiles}.env`;
  Deno.writeTextFileSync(envFile, opts.dotEnv ?? "");
  const profile = opts.profile === undefined ? "platform" : opts.profile;
  const out = await new Deno.Command(VALIDATOR, {
    args: ["-env-file", envFile, ...(profile ? ["-profile", profile] : []), file],
    clearEnv: true,
    env: opts.shellEnv ?? {},
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr);
  if (out.code !== 0) return { code: out.code, stderr };
  return { code: 0, stderr, project: JSON.parse(dec.decode(out.stdout)) };
}

async function project(opts: Parameters<typeof load>[1] = {}): Promise<Project> {
  const loaded = await load(COMPOSE, opts);
  assert.equal(loaded.code, 0, `docker-compose.yml does not load: ${loaded.stderr}`);
  return loaded.project!;
}

function service(p: Project, name: string): Service {
  const s = p.services[name];
  assert.ok(s, `no service ${name} (has ${Object.keys(p.services).join(", ")})`);
  return s;
}

Deno.test("compose: valid; kafka, kafka-topic, clickhouse, kafka-producer in profile platform", async () => {
  const p = await project();
  assert.deepEqual(Object.keys(p.services).sort(), [...SERVICES].sort());
  for (const name of SERVICES) assert.deepEqual(service(p, name).profiles, ["platform"]);
  // Without the profile nothing starts.
  const bare = await load(COMPOSE, { profile: null });
  assert.equal(bare.code, 0, bare.stderr);
  assert.deepEqual(Object.keys(bare.project!.services), []);
});

Deno.test("compose: the producer streams continuously and stops gracefully", async () => {
  const producer = service(await project(), "kafka-producer");
  assert.deepEqual(producer.build, { context: ROOT, dockerfile: "docker/Dockerfile" });
  const argv = [...(producer.entrypoint ?? []), ...(producer.command ?? [])];
  assert.match(argv.join(" "), /^qrsdp run --realtime --speed 100 --days 0( |$)/);
  // `run --rm kafka-producer --seed 42 --days 5` replaces only the command: still `qrsdp run`.
  assert.deepEqual(producer.entrypoint, ["qrsdp", "run"]);
  assert.equal(producer.stop_signal, "SIGTERM");
  assert.ok(producer.stop_grace_period, "no stop_grace_period");

  // Every flag of the command is one that `qrsdp run` takes.
  const help = await runCli(["run", "--help"]);
  assert.equal(help.code, 0, help.stderr);
  for (const flag of (producer.command ?? []).filter((a) => a.startsWith("--"))) {
    assert.ok(help.stdout.includes(`  ${flag} `), `qrsdp run has no ${flag}`);
  }
});

Deno.test("compose: Kafka and ClickHouse settings default to the local services", async () => {
  const p = await project();
  const producer = service(p, "kafka-producer").environment ?? {};
  const clickhouse = service(p, "clickhouse").environment ?? {};
  assert.equal(producer.KAFKA_BROKERS, "kafka:9092");
  assert.equal(producer.KAFKA_TOPIC, "exchange.events");
  assert.equal(producer.KAFKA_SECURITY_PROTOCOL, "PLAINTEXT");
  assert.equal(producer.CLICKHOUSE_HOST, "clickhouse");
  assert.equal(producer.CLICKHOUSE_PORT, "8123");
  // init.sh reads the same Kafka settings as the producer.
  for (const v of KAFKA_VARS) assert.equal(clickhouse[v], producer[v], v);
  // The server's own clickhouse-client (healthcheck, init) must not follow a managed host.
  assert.equal(clickhouse.CLICKHOUSE_HOST, undefined);
});

Deno.test("compose: .env and the shell override the settings of every service", async () => {
  const managed = {
    KAFKA_BROKERS: "broker.example:9093",
    KAFKA_TOPIC: "sim.events",
    KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
    KAFKA_SASL_MECHANISM: "SCRAM-SHA-256",
    KAFKA_SASL_USERNAME: "qrsdp",
    KAFKA_SASL_PASSWORD: "s3cret",
    KAFKA_RECORDS_PER_MESSAGE: "64",
  };
  const dotEnv = Object.entries(managed).map(([k, v]) => `${k}=${v}`).join("\n") +
    "\nCLICKHOUSE_HOST=ch.example\nCLICKHOUSE_PASSWORD=pw\n";
  const p = await project({ dotEnv });
  for (const name of ["clickhouse", "kafka-producer"]) {
    const env = service(p, name).environment ?? {};
    for (const [k, v] of Object.entries(managed)) assert.equal(env[k], v, `${name}: ${k}`);
    assert.equal(env.CLICKHOUSE_PASSWORD, "pw", name);
  }
  assert.equal(service(p, "kafka-producer").environment?.CLICKHOUSE_HOST, "ch.example");

  // As with docker compose, the shell's variables win over .env.
  const shell = await project({ dotEnv, shellEnv: { KAFKA_BROKERS: "other.example:9094" } });
  for (const name of ["clickhouse", "kafka-producer"]) {
    assert.equal(service(shell, name).environment?.KAFKA_BROKERS, "other.example:9094");
  }
});

Deno.test("compose: .env.example documents exactly the variables the file reads", async () => {
  const compose = Deno.readTextFileSync(COMPOSE);
  const read = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
  const example = Deno.readTextFileSync(ENV_EXAMPLE);
  const documented = new Set(
    [...example.matchAll(/^#? ?([A-Z0-9_]+)=/gm)].map((m) => m[1]),
  );
  assert.deepEqual([...documented].sort(), [...read].sort());
  // The first line of each variable shows its default (the examples for managed services come
  // after): uncommented, those change nothing.
  const defaults = new Map<string, string>();
  for (const m of example.matchAll(/^# ([A-Z0-9_]+)=.*$/gm)) {
    if (!defaults.has(m[1])) defaults.set(m[1], m[0].slice(2));
  }
  const dotEnv = [...defaults.values()].join("\n");
  assert.deepEqual(await project({ dotEnv }), await project());
});

Deno.test("compose: ClickHouse data in volume clickhouse-data, init scripts mounted", async () => {
  const p = await project();
  assert.ok(p.volumes && "clickhouse-data" in p.volumes, "volume clickhouse-data not declared");
  const mounts = service(p, "clickhouse").volumes ?? [];
  const data = mounts.find((m) => m.target === "/var/lib/clickhouse");
  assert.deepEqual(data && { type: data.type, source: data.source }, {
    type: "volume",
    source: "clickhouse-data",
  });
  const mounted = (target: string) => mounts.find((m) => m.target === target);
  const init = mounted("/docker-entrypoint-initdb.d/init.sh");
  assert.equal(init?.source, `${ROOT}/sql/init.sh`);
  assert.equal(init?.read_only, true);
  // init.sql beside it would also run unsubstituted: it is elsewhere, and init.sh is told where.
  assert.deepEqual(
    mounts.filter((m) => m.target.startsWith("/docker-entrypoint-initdb.d/")).map((m) => m.target),
    ["/docker-entrypoint-initdb.d/init.sh"],
  );
  const sql = service(p, "clickhouse").environment?.QRSDP_INIT_SQL ?? "";
  const sqlDir = mounts.find((m) => sql.startsWith(`${m.target}/`));
  assert.equal(sqlDir?.source, `${ROOT}/sql`);
  Deno.statSync(`${sqlDir.source}/${sql.slice(sqlDir.target.length + 1)}`);
  // Executable, so that the image's entrypoint runs it rather than sourcing it.
  assert.ok((Deno.statSync(`${ROOT}/sql/init.sh`).mode ?? 0) & 0o100, "init.sh is not executable");
  const profile = mounted("/etc/clickhouse-server/users.d/qrsdp.xml");
  assert.match(
    Deno.readTextFileSync(profile!.source!),
    /<max_partitions_per_insert_block>0<\/max_partitions_per_insert_block>/,
  );
  const output = service(p, "kafka-producer").volumes?.find((m) => m.type === "volume");
  assert.ok(output?.source && p.volumes?.[output.source], "producer output is not in a volume");
});

Deno.test("compose: healthchecks and start order: kafka, the topic, clickhouse, the producer", async () => {
  const p = await project();
  for (const name of ["kafka", "clickhouse"]) {
    const hc = service(p, name).healthcheck;
    assert.ok(hc?.test?.length && !hc.disable && hc.test[0] !== "NONE", `${name}: no healthcheck`);
  }
  assert.deepEqual(service(p, "kafka-producer").depends_on, {
    kafka: { condition: "service_healthy", required: true },
    clickhouse: { condition: "service_healthy", required: true },
  });
  assert.deepEqual(service(p, "kafka-topic").depends_on, {
    kafka: { condition: "service_healthy", required: true },
  });
  assert.equal(
    service(p, "clickhouse").depends_on?.["kafka-topic"]?.condition,
    "service_completed_successfully",
  );
  const topic = service(p, "kafka-topic");
  assert.deepEqual(topic.entrypoint, ["qrsdp", "platform", "topic"]);
  for (const v of KAFKA_VARS) {
    assert.equal(topic.environment?.[v], service(p, "kafka-producer").environment?.[v], v);
  }
});

Deno.test("compose: images are pinned to exact releases; our image is built once", async () => {
  const p = await project();
  const builders = Object.entries(p.services).filter(([, s]) => s.build);
  assert.deepEqual(builders.map(([name]) => name), ["kafka-producer"], "one service builds");
  const ours = builders[0][1].image;
  assert.deepEqual(builders[0][1].build, { context: ROOT, dockerfile: "docker/Dockerfile" });
  const images: Record<string, string> = {};
  for (const [name, s] of Object.entries(p.services)) {
    assert.ok(s.image, `${name}: no image`);
    if (s.image === ours) {
      // The built image is never pulled from a registry under its local name.
      if (!s.build) assert.equal(s.pull_policy, "never", `${name}: pull_policy`);
      continue;
    }
    images[name] = s.image;
  }
  // A release number down to its last part, as the projects publish them: never a moving tag.
  assert.match(images.kafka, /^apache\/kafka:\d+\.\d+\.\d+$/);
  assert.match(images.clickhouse, /^clickhouse\/clickhouse-server:\d+\.\d+\.\d+\.\d+$/);
  assert.deepEqual(Object.keys(images).sort(), ["clickhouse", "kafka"]);
  // The Dockerfile's bases: Deno by its exact version, the distroless runtime by digest.
  const from = [...Deno.readTextFileSync(DOCKERFILE).matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.equal(from[0], `denoland/deno:${DENO_VERSION}`);
  for (const base of from.slice(1)) assert.match(base, /@sha256:[0-9a-f]{64}$/, base);
});

Deno.test("compose: the producer is healthy while its run holds the output directory", async () => {
  const producer = service(await project(), "kafka-producer");
  const argv = [...(producer.entrypoint ?? []), ...(producer.command ?? [])];
  const output = argv[argv.indexOf("--output") + 1];
  assert.deepEqual(producer.healthcheck?.test, ["CMD", "qrsdp", "info", "--running", output]);
});

/** Waits until a run holds `dir` (its lock), failing if the process ends first. */
async function whenRunning(dir: string, child: Deno.ChildProcess, stderr: () => string) {
  let ended = false;
  child.status.then(() => ended = true);
  while ((await runCli(["info", "--running", dir])).code !== 0) {
    assert.ok(!ended, `the producer exited before it ran: ${stderr()}`);
  }
}

Deno.test("compose: the producer's command restarts cleanly into the same output", async () => {
  const producer = service(await project(), "kafka-producer");
  const dir = `${tempDir("restart")}/live`;
  const command = (producer.command ?? []).map((a) => a === "/data/output/live" ? dir : a);
  assert.ok(command.includes(dir), `no --output /data/output/live in ${command.join(" ")}`);
  const args = [...(producer.entrypoint ?? []).slice(1), ...command];
  for (const start of ["first", "restart"]) {
    // Files only: what matters here is the output directory.
    const child = spawnCli(args, { KAFKA_BROKERS: "" });
    let stderr = "";
    const drained = (async () => {
      for await (const b of child.stderr.pipeThrough(new TextDecoderStream())) stderr += b;
    })();
    await whenRunning(dir, child, () => stderr);
    child.kill("SIGTERM");
    const status = await child.status;
    await child.stdout.cancel();
    await drained;
    assert.equal(status.code, 0, `${start}: ${stderr}`);
    if (start === "restart") {
      assert.match(stderr, new RegExp(`replacing the previous run in ${dir} \\(\\d+ files?\\)`));
    }
  }
  assert.equal((await runCli(["info", "--running", dir])).code, 1, "the lock outlived the run");
});

Deno.test("Dockerfile: deno compile on the project's Deno, a non-root image running qrsdp", () => {
  const text = Deno.readTextFileSync(DOCKERFILE);
  const from = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.equal(from[0], `denoland/deno:${DENO_VERSION}`);
  assert.ok(from.length >= 2, "not multi-stage");
  const compile = text.match(/deno compile [^\n\\&]*/)?.[0] ?? "";
  assert.match(compile, /^deno compile -A .*--output \S+ main\.ts/);

  const runtime = text.slice(text.lastIndexOf("\nFROM "));
  assert.match(runtime, /^ENTRYPOINT \["qrsdp"\]$/m);
  assert.match(runtime, /^COPY sql\/ \/usr\/local\/bin\/sql\/$/m, "init.sql not beside the binary");
  const user = runtime.match(/^USER\s+(\S+)/m)?.[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runs as ${user ?? "root"}`);

  // Everything the build copies is in the repository and not excluded from the context.
  const ignored = Deno.readTextFileSync(`${ROOT}/.dockerignore`).split("\n")
    .map((l) => l.trim().replace(/\/$/, "")).filter((l) => l && !l.startsWith("#"));
  for (const m of text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const src of m[1].split(/\s+/).map((s) => s.replace(/\/$/, ""))) {
      assert.ok(ignored.every((i) => i !== src), `${src} is in .dockerignore`);
      // sql/ is written separately; the build fails loudly without it.
      if (src !== "sql") Deno.statSync(`${ROOT}/${src}`);
    }
  }
});

Deno.test("release workflow: the five deno compile targets on the same Deno", () => {
  const text = Deno.readTextFileSync(RELEASE);
  assert.match(text, new RegExp(`deno-version: "?${DENO_VERSION.replaceAll(".", "\\.")}"?\\n`));
  for (
    const t of [
      "x86_64-unknown-linux-gnu",
      "aarch64-unknown-linux-gnu",
      "x86_64-apple-darwin",
      "aarch64-apple-darwin",
      "x86_64-pc-windows-msvc",
    ]
  ) assert.ok(text.includes(`- ${t}`), `no target ${t}`);
});

Deno.test("the binary, the Docker image, deno task run and deno install: the same V8 flags", () => {
  const flags = programV8Flags();
  assert.ok(flags.length > 0, "the compile task sets no V8 flag");
  const tasks = JSON.parse(Deno.readTextFileSync(`${ROOT}/deno.json`)).tasks;
  const starts: [string, string][] = [
    ["deno task run", tasks.run],
    ["Dockerfile", Deno.readTextFileSync(DOCKERFILE).match(/RUN deno compile [^\n]*/)?.[0] ?? ""],
    [
      "release workflow",
      Deno.readTextFileSync(RELEASE).match(/run: deno compile [^\n]*/)?.[0] ?? "",
    ],
    [
      "README's deno install",
      Deno.readTextFileSync(`${ROOT}/README.md`).match(/^deno install -g [^\n]*/m)?.[0] ?? "",
    ],
  ];
  for (const [where, command] of starts) {
    assert.deepEqual(command.match(/--v8-flags=\S+/g), flags, `${where}: ${command}`);
  }
});

Deno.test("compose: the validator rejects broken files", async () => {
  const good = Deno.readTextFileSync(COMPOSE);
  const cases: [string, string, RegExp][] = [
    ["unknown top-level key", `${good}\nservicez: {}\n`, /servicez/],
    [
      "unknown service field",
      good.replace("  kafka-producer:\n", "  kafka-producer:\n    restart_policy: always\n"),
      /restart_policy/,
    ],
    [
      "undeclared volume",
      good.replace(/^ {2}clickhouse-data:\n/m, ""),
      /clickhouse-data/,
    ],
  ];
  const dir = `${tempDir("compose_broken")}/docker`;
  Deno.mkdirSync(dir);
  for (const [what, text, error] of cases) {
    assert.notEqual(text, good, `${what}: the edit did not apply`);
    Deno.writeTextFileSync(`${dir}/docker-compose.yml`, text);
    const loaded = await load(`${dir}/docker-compose.yml`);
    assert.notEqual(loaded.code, 0, `${what}: accepted`);
    assert.match(loaded.stderr, error, what);
  }
});
