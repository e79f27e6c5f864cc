// PostGraphile 4 or 5 serving one PostgreSQL schema at /graphql, in one process or, with
// --workers N > 1, in N processes behind node's cluster module (the primary accepts and hands
// connections to the workers). bench/peers.py runs it; PostGraphile itself is installed by
// npm into a cache folder outside the repository and found through --modules.
//
//   node bench/postgraphile_cluster.js --major 4 --modules ~/.cache/profiling-bench/pg4 \
//     --connection postgres://postgres@127.0.0.1:5432/bench_peers --schema postgraphile_peers \
//     --port 5121 --workers 2 [--polyfill withResolvers]
"use strict";

const cluster = require("node:cluster");
const http = require("node:http");
const { createRequire } = require("node:module");
const path = require("node:path");

function parseOptions(argv) {
  const options = { major: "4", workers: "1", host: "127.0.0.1", polyfill: "" };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, "");
    if (!(name in { major: 1, modules: 1, connection: 1, schema: 1, port: 1, workers: 1, host: 1, polyfill: 1 })) {
      throw new Error(`unknown option ${argv[i]}`);
    }
    options[name] = argv[i + 1];
  }
  for (const required of ["modules", "connection", "schema", "port"]) {
    if (!options[required]) throw new Error(`--${required} is required`);
  }
  return options;
}

// Production settings of v4's documentation, without the query log (the servers it is
// compared with run with their access logs as quiet as they allow).
function serverV4(load, options) {
  const { postgraphile } = load("postgraphile");
  const handler = postgraphile(options.connection, options.schema, {
    disableQueryLog: true,
    graphiql: false,
    dynamicJson: true,
    setofFunctionsContainNulls: false,
    ignoreRBAC: false,
    legacyRelations: "omit",
    retryOnInitFail: false,
  });
  return Promise.resolve(http.createServer(handler));
}

async function serverV5(load, options) {
  const { postgraphile } = load("postgraphile");
  const { PostGraphileAmberPreset } = load("postgraphile/presets/amber");
  const { makePgService } = load("postgraphile/adaptors/pg");
  const { grafserv } = load("postgraphile/grafserv/node");
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ connectionString: options.connection, schemas: [options.schema] })],
    grafserv: { graphiql: false, watch: false },
    grafast: { explain: false },
  };
  const server = http.createServer();
  await postgraphile(preset).createServ(grafserv).addTo(server);
  return server;
}

// PostGraphile 5 asks for Node 22; on Node 20 the only missing piece it was seen to need is
// Promise.withResolvers. `--polyfill withResolvers` adds it (bench/peers.py
// --postgraphile5-on-node20): an unsupported set-up, and the benchmark says so beside its figures.
function addWithResolvers() {
  if (Promise.withResolvers) return;
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((yes, no) => {
      resolve = yes;
      reject = no;
    });
    return { promise, resolve, reject };
  };
}

async function serve(options) {
  if (options.polyfill === "withResolvers") addWithResolvers();
  const load = createRequire(path.join(path.resolve(options.modules), "package.json"));
  const build = options.major === "5" ? serverV5 : serverV4;
  const server = await build(load, options);
  server.keepAliveTimeout = 5000;
  server.listen(Number(options.port), options.host);
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  const workers = Number(options.workers);
  if (workers > 1 && cluster.isPrimary) {
    for (let n = 0; n < workers; n += 1) cluster.fork();
    // One worker that dies ends the whole server: the benchmark must not measure fewer.
    cluster.on("exit", (worker, code) => {
      console.error(`worker ${worker.process.pid} exited with ${code}`);
      process.exit(1);
    });
    return;
  }
  serve(options).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

main();
