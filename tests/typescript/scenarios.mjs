// The live fake driven through the official TypeScript SDK (@mistralai/mistralai), for
// tests/test_typescript_sdk.py: `node scenarios.mjs <scenario> '<JSON input>'`.
//
// The environment names the SDK's install folder (CLASSIFIERJOBS_TS_SDK_DIR, npm's --prefix) and
// the fake's URL (CLASSIFIERJOBS_SERVER_URL, the SDK's serverURL). The script prints one JSON
// object on stdout, {"sdkVersion": ..., "result": ...}. The outcome of every SDK call in it is
// {"ok": <what the SDK returned>} or {"error": {...}}: an error answer, or a body the SDK's zod
// schemas rejected (with zod's description), reaches the Python test as data, not as a crash.
import { createRequire } from "node:module";
import path from "node:path";

const TERMINAL = new Set(["SUCCESS", "FAILED", "FAILED_VALIDATION", "CANCELLED"]);

let jobs; // mistral.fineTuning.jobs, once the SDK is loaded
let files; // mistral.files
let models; // mistral.models
let classifiers; // mistral.classifiers
let keyless; // the same for a client without an API key
let errors; // the SDK's error classes

function describe(error) {
  const described = {
    name: error?.name,
    message: String(error?.message ?? error),
    isMistralError: error instanceof errors.MistralError,
    isSDKError: error instanceof errors.SDKError,
  };
  if (error instanceof errors.MistralError) {
    described.statusCode = error.statusCode;
    described.contentType = error.contentType;
    described.body = error.body;
  }
  if (error instanceof errors.HTTPValidationError) {
    described.isHTTPValidationError = true;
    described.detail = error.detail; // the 422's problems, as the SDK parsed them
  }
  if (error instanceof errors.ResponseValidationError) {
    described.zod = error.pretty(); // the response, then what the schema rejected, path by path
  }
  return described;
}

async function attempt(call) {
  try {
    return { ok: await call() };
  } catch (error) {
    return { error: describe(error) };
  }
}

// The SDK takes Date objects for the list's date filters; JSON brings ISO strings.
function listRequest(query) {
  const request = { ...query };
  for (const name of ["createdAfter", "createdBefore"]) {
    if (typeof request[name] === "string") {
      request[name] = new Date(request[name]);
    }
  }
  return request;
}

// Files travel as base64 both ways, so that any bytes (not only UTF-8 text) compare exactly.
function upload({ fileName, base64, purpose }) {
  const file = { fileName, content: new Uint8Array(Buffer.from(base64, "base64")) };
  return files.upload(purpose === undefined ? { file } : { file, purpose });
}

async function base64Of(stream) {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString("base64");
}

// A plain fetch, without the SDK and without a bearer token, as a browser follows a link.
async function plainFetch(url) {
  const response = await fetch(url);
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    base64: Buffer.from(await response.arrayBuffer()).toString("base64"),
  };
}

// A user's polling loop: create, get until the job is terminal, and start it once VALIDATED
// unless it starts itself; `seen` is the status of every get, in order.
async function pollJob(request, maxPolls) {
  const created = await attempt(() => jobs.create(request));
  const seen = [];
  let started = null;
  let last = null;
  for (let polls = 0; created.ok && polls < maxPolls; polls += 1) {
    last = await attempt(() => jobs.get({ jobId: created.ok.id }));
    if (!last.ok) {
      break;
    }
    seen.push(last.ok.status);
    if (TERMINAL.has(last.ok.status)) {
      break;
    }
    if (last.ok.status === "VALIDATED" && !request.autoStart && started === null) {
      started = await attempt(() => jobs.start({ jobId: created.ok.id }));
    }
  }
  return { created, seen, started, last };
}

// One classification: {chat: false, model, inputs} goes to classifiers.classify (a text or a list
// of texts), {chat: true, ...} to classifyChat (a conversation or a list); `headers` are the
// call's own (the SDK lets them replace its own, the content type too).
function classify({ chat, model, inputs, headers }) {
  const options = headers === undefined ? undefined : { headers };
  return chat
    ? classifiers.classifyChat({ model, inputs }, options)
    : classifiers.classify({ model, inputs }, options);
}

const scenarios = {
  // {request}: one create, as a user writes it (camelCase, TrainingFile objects).
  async create({ request }) {
    return attempt(() => jobs.create(request));
  },

  // {queries}: one list call per query, in order (no query: the SDK's defaults).
  async list({ queries }) {
    const answers = [];
    for (const query of queries) {
      answers.push(await attempt(() => (query ? jobs.list(listRequest(query)) : jobs.list())));
    }
    return answers;
  },

  // {jobIds}: one get per id.
  async get({ jobIds }) {
    const byId = {};
    for (const jobId of jobIds) {
      byId[jobId] = await attempt(() => jobs.get({ jobId }));
    }
    return byId;
  },

  // {validated, running}: start the first, cancel the second, then get the second.
  async start_cancel({ validated, running }) {
    return {
      start: await attempt(() => jobs.start({ jobId: validated })),
      cancel: await attempt(() => jobs.cancel({ jobId: running })),
      getAfterCancel: await attempt(() => jobs.get({ jobId: running })),
    };
  },

  // {request, maxPolls}: a user's polling loop (pollJob).
  async poll({ request, maxPolls }) {
    return pollJob(request, maxPolls);
  },

  // {missing, running, invalidRequest}: a 404, a 409, a 422, and a 401 for a client without a key.
  async errors({ missing, running, invalidRequest }) {
    return {
      notFound: await attempt(() => jobs.get({ jobId: missing })),
      conflict: await attempt(() => jobs.start({ jobId: running })),
      invalid: await attempt(() => jobs.create(invalidRequest)),
      unauthorized: await attempt(() => keyless.list()),
    };
  },

  // {uploads}: one upload per {fileName, base64, purpose?} (no purpose: the SDK sends none).
  async upload({ uploads }) {
    const answers = [];
    for (const file of uploads) {
      answers.push(await attempt(() => upload(file)));
    }
    return answers;
  },

  // {queries}: one files.list per query, in order (no query: the SDK's defaults).
  async list_files({ queries }) {
    const answers = [];
    for (const query of queries) {
      answers.push(await attempt(() => (query ? files.list(query) : files.list())));
    }
    return answers;
  },

  // {fileId, expiry?}: everything one can do with a stored file, then delete it and try again.
  // Downloads give {base64}; the signed link is fetched without the SDK and without a key.
  async file_lifecycle({ fileId, expiry }) {
    const retrieve = await attempt(() => files.retrieve({ fileId }));
    const download = await attempt(async () => ({
      base64: await base64Of(await files.download({ fileId })),
    }));
    const signedUrl = await attempt(() =>
      files.getSignedUrl(expiry === undefined ? { fileId } : { fileId, expiry }),
    );
    const fetchSigned = signedUrl.ok ? await plainFetch(signedUrl.ok.url) : null;
    return {
      retrieve,
      download,
      signedUrl,
      fetchSigned,
      delete: await attempt(() => files.delete({ fileId })),
      retrieveAfterDelete: await attempt(() => files.retrieve({ fileId })),
      downloadAfterDelete: await attempt(() => files.download({ fileId })),
      signedUrlAfterDelete: await attempt(() => files.getSignedUrl({ fileId })),
      deleteAgain: await attempt(() => files.delete({ fileId })),
      fetchSignedAfterDelete: signedUrl.ok ? await plainFetch(signedUrl.ok.url) : null,
    };
  },

  // {file, request, maxPolls}: upload the training data, create a job that trains on it (the
  // uploaded file's id as its one training file, weight 1), then poll it (pollJob).
  async upload_and_train({ file, request, maxPolls }) {
    const uploaded = await attempt(() => upload(file));
    if (!uploaded.ok) {
      return { uploaded };
    }
    const trainingFiles = [{ fileId: uploaded.ok.id, weight: 1 }];
    return { uploaded, ...(await pollJob({ ...request, trainingFiles }, maxPolls)) };
  },

  // {modelIds}: one models.retrieve per id (a base model's alias too), then one models.list.
  async models_list_and_retrieve({ modelIds }) {
    const retrieved = {};
    for (const modelId of modelIds) {
      retrieved[modelId] = await attempt(() => models.retrieve({ modelId }));
    }
    return { list: await attempt(() => models.list()), retrieved };
  },

  // {modelId, update, baseModel}: everything one can do with a fine-tuned model, then delete it
  // and try again; a base model cannot be deleted.
  async model_lifecycle({ modelId, update, baseModel }) {
    return {
      update: await attempt(() => models.update({ modelId, updateFTModelIn: update })),
      retrieveUpdated: await attempt(() => models.retrieve({ modelId })),
      archive: await attempt(() => models.archive({ modelId })),
      listArchived: await attempt(() => models.list()),
      classifyArchived: await attempt(() => classify({ model: modelId, inputs: "still here?" })),
      unarchive: await attempt(() => models.unarchive({ modelId })),
      retrieveUnarchived: await attempt(() => models.retrieve({ modelId })),
      delete: await attempt(() => models.delete({ modelId })),
      retrieveAfterDelete: await attempt(() => models.retrieve({ modelId })),
      updateAfterDelete: await attempt(() => models.update({ modelId, updateFTModelIn: update })),
      archiveAfterDelete: await attempt(() => models.archive({ modelId })),
      deleteAgain: await attempt(() => models.delete({ modelId })),
      classifyAfterDelete: await attempt(() => classify({ model: modelId, inputs: "hello" })),
      listAfterDelete: await attempt(() => models.list()),
      deleteBase: await attempt(() => models.delete({ modelId: baseModel })),
    };
  },

  // {calls}: one classification per call (see classify), in order.
  async classify_texts_and_chat({ calls }) {
    const answers = [];
    for (const call of calls) {
      answers.push(await attempt(() => classify(call)));
    }
    return answers;
  },

  // {file, request, maxPolls, inputs, conversation}: the whole workflow of a user. Train on the
  // uploaded data (upload_and_train; with autoStart false, the job is started once VALIDATED),
  // find the job's model in models.list, classify `inputs` and `conversation` with it, then
  // delete the model and the file, and try the model again.
  async train_then_classify({ file, request, maxPolls, inputs, conversation }) {
    const trained = await scenarios.upload_and_train({ file, request, maxPolls });
    const model = trained.last?.ok?.fineTunedModel;
    if (!model) {
      return trained;
    }
    const listed = await attempt(() => models.list());
    return {
      ...trained,
      listed,
      card: listed.ok?.data.find((card) => card.id === model) ?? null,
      classified: await attempt(() => classify({ model, inputs })),
      classifiedChat: await attempt(() => classify({ chat: true, model, inputs: conversation })),
      deleteModel: await attempt(() => models.delete({ modelId: model })),
      deleteFile: await attempt(() => files.delete({ fileId: trained.uploaded.ok.id })),
      listAfterDelete: await attempt(() => models.list()),
      classifyAfterDelete: await attempt(() => classify({ model, inputs })),
    };
  },
};

const [scenario, rawInput = "{}"] = process.argv.slice(2);
if (!Object.hasOwn(scenarios, scenario)) {
  console.error(
    `unknown scenario ${JSON.stringify(scenario)}; known: ${Object.keys(scenarios).join(", ")}`,
  );
  process.exit(2);
}
const sdkDir = process.env.CLASSIFIERJOBS_TS_SDK_DIR;
const serverURL = process.env.CLASSIFIERJOBS_SERVER_URL;
if (!sdkDir || !serverURL) {
  console.error("set CLASSIFIERJOBS_TS_SDK_DIR and CLASSIFIERJOBS_SERVER_URL");
  process.exit(2);
}
const require = createRequire(path.join(sdkDir, "package.json"));
const { Mistral } = require("@mistralai/mistralai");
errors = require("@mistralai/mistralai/models/errors");
const sdkVersion = require("@mistralai/mistralai/package.json").version;
// No retries (the SDK's default) and a bounded wait: a hung server fails a call, not the run.
const mistral = new Mistral({ apiKey: "test-key", serverURL, timeoutMs: 10_000 });
jobs = mistral.fineTuning.jobs;
files = mistral.files;
models = mistral.models;
classifiers = mistral.classifiers;
keyless = new Mistral({ serverURL, timeoutMs: 10_000 }).fineTuning.jobs;

const result = await scenarios[scenario](JSON.parse(rawInput));
process.stdout.write(`${JSON.stringify({ sdkVersion, result })}\n`);
