// Folio's worker glue: one Go instance per isolate answers every request that reaches the
// worker (the glue that syumai/workers generates starts a new instance per request): the
// API and the pages rendered on the server. Static files never reach it (wrangler.jsonc
// gives the worker only what is not a file, and the viewer's pages). folio worker writes
// it beside app.wasm and wasm_exec.js.
//
// Go reaches the assets binding through the runtime context of the request that started
// the instance (env is the same for every request of an isolate; that request's ctx is
// not used).
//
// Workers ties I/O and timers to the request during which they were started and cancels
// them when that request ends; Go's goroutines belong to no request. A fetch shared by two
// searches, or the search's background load of its route tables (started by a Go timer),
// may begin during one request and be awaited by the next: at 100k posts, without the
// two measures below, every search after the second hung in 2 of 3 runs. So
//  - every request stays alive (ctx.waitUntil) until Go has no asset fetch under way and
//    no timer pending, and Go's fetches are read whole before Go sees them. Go's timers
//    are counted through the global setTimeout/clearTimeout, which wasm_exec.js calls
//    (see counting below); the glue's own timers use the originals;
//  - a request takes Go's answer from timers of its own (waitAnswer), never from a promise
//    that Go resolved while it ran for another request. The timers also keep a request
//    that waits for another's fetch from being cancelled as hung, and end a request that
//    Go leaves unanswered.
import "./wasm_exec.js";
import mod from "./app.wasm";

// The glue's own timers; everything else (Go's runtime) gets the counting ones below.
const ownSetTimeout = globalThis.setTimeout.bind(globalThis);
const ownClearTimeout = globalThis.clearTimeout.bind(globalThis);
const timers = new Set(); // timers set by Go (through wasm_exec.js) and not yet run or cleared

// counting replaces the global timer functions with ones that keep track of the timers
// pending, so that the glue can tell when Go has nothing scheduled.
function counting() {
  globalThis.setTimeout = (fn, ms, ...args) => {
    const id = ownSetTimeout(() => {
      timers.delete(id);
      fn(...args);
    }, ms);
    timers.add(id);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    timers.delete(id);
    ownClearTimeout(id);
  };
}
counting();

// syumai/workers runs JavaScript calls that may throw through globalThis.tryCatch.
globalThis.tryCatch ??= (fn) => {
  try {
    return { result: fn() };
  } catch (error) {
    return { error };
  }
};

let inFlight = 0; // asset fetches of Go under way

// counted returns the assets binding as Go sees it. Go reads data files with read(url),
// which resolves to plain values {status, bytes, content}: a Response body is an I/O
// object of the request during which it was made, and Go may read it while running for
// another request, which Workers refuses ("Cannot perform I/O on behalf of a different
// request"). Each read is counted until its body has been read, and a content-addressed
// file ("p/1a2b3c4d5e6f7a8b.json") is compared with the hash in its name here, with the
// runtime's SHA-256 (native code; Go's, in WebAssembly, is several times slower): content
// is "checked" or "damaged", or "" where Go checks. fetch stays for syumai/workers' client.
function counted(assets) {
  return {
    fetch: (input, init) => assets.fetch(input, init),
    read(url) {
      inFlight++;
      return assets
        .fetch(url)
        .then(async (res) => {
          const bytes = new Uint8Array(await res.arrayBuffer());
          return { status: res.status, bytes, content: res.ok ? await contentOf(url, bytes) : "" };
        })
        .finally(() => inFlight--);
    },
  };
}

const hashedName = /\/([0-9a-f]{16})\.[a-z]+$/;

// contentOf compares bytes with the hash in url's file name: "checked", "damaged", or ""
// for a name without a hash.
async function contentOf(url, bytes) {
  const m = hashedName.exec(new URL(url).pathname);
  if (!m) return "";
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (let i = 0; i < 8; i++) hex += sum[i].toString(16).padStart(2, "0");
  return hex === m[1] ? "checked" : "damaged";
}

// answers holds Go's answers until the request they belong to takes them: the glue numbers
// each request in the Folio-Request header, and Go files its answer here under that
// number as plain values, {status, headers: [[name, value], …], body}; the request builds
// its Response itself, in its own context (see waitAnswer). A Response that Go made while
// it ran for another request (Go runs during whichever request's event woke it) would be
// an I/O object of that request.
// An answer that comes after its request stopped waiting (its deadline passed, or Go
// exited) is dropped rather than kept for ever: abandoned names those requests.
const abandoned = new Set();
class Answers extends Map {
  set(n, a) {
    if (abandoned.delete(n)) return this;
    return super.set(n, a);
  }
}
const answers = new Answers();
globalThis.folioAnswers = answers;

// toResponse turns Go's answer into the request's own Response.
function toResponse(a) {
  const empty = a.status === 204 || a.status === 304 || !a.body || a.body.length === 0;
  return new Response(empty ? null : a.body, { status: a.status, headers: new Headers(a.headers) });
}

// quiet resolves once Go has no fetch under way and no timer pending. It looks after the
// current task, when Go has started all that the last event lets it start.
function quiet() {
  return new Promise((resolve) => {
    let wait = 5;
    const check = () => {
      if (inFlight === 0 && timers.size === 0) {
        resolve();
        return;
      }
      ownSetTimeout(check, wait);
      wait = Math.min(2 * wait, 100); // looking costs CPU: a busy isolate is looked at less often
    };
    ownSetTimeout(check, 0);
  });
}

// deadline is how long a request waits for Go's answer.
const deadline = 30_000;

// waitAnswer resolves to Go's answer to request n once it is in answers, looking for it
// from timers of the request itself: often at first, then less so (nextLook). It does not
// resolve from the promise of syumai/workers' handleRequest: Go resolves that promise
// during whichever request's event woke the goroutine that answers, and a request whose
// response hung on such a chain was never answered, its deadline timer cleared by the same
// chain (the stall at 10k and 100k: the isolate answered others, the client gave up). The
// timers are also the request's own pending I/O while Go works for it on events of other
// requests (a fetch another search started), so that workerd does not cancel it as hung.
// It fails when Go exits or reports an error, or after deadline ms without an answer.
function waitAnswer(n, go, since) {
  return new Promise((resolve, reject) => {
    let looks = 0;
    const look = () => {
      const a = answers.get(n);
      if (a !== undefined) {
        answers.delete(n);
        if (a instanceof Error) reject(a);
        else resolve(a);
      } else if (go.exited) {
        reject(new Error("the Go program exited"));
      } else if (performance.now() - since > deadline) {
        abandoned.add(n);
        reject(new Error(`Go did not answer within ${deadline} ms`));
      } else {
        ownSetTimeout(look, nextLook(looks++));
      }
    };
    look();
  });
}

// nextLook is the wait (ms) before a request's next look for its answer: 1-2 ms for the
// first 25 ms (a search of data held, a page), then 5 ms to 200 ms (a first-run search),
// then 20 ms, then 100 ms after 2 s. Each look is a timer event of the isolate, so a
// request that waits long looks seldom.
function nextLook(looks) {
  if (looks < 5) return 1;
  if (looks < 15) return 2;
  if (looks < 50) return 5;
  if (looks < 140) return 20;
  return 100;
}

let live; // the running Go instance: {go, binding: a Promise of its binding}

// start runs a Go instance; its binding (handleRequest) resolves once Go is ready.
function start(env, ctx) {
  const go = new Go();
  const binding = {};
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  const instance = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: { ready: () => ready() },
  });
  const goEnv = { ...env, ASSETS: counted(env.ASSETS) };
  const exited = go.run(instance, { env: goEnv, ctx, binding }).then(() => {
    throw new Error("the Go program exited before it was ready");
  });
  return { go, binding: Promise.race([isReady.then(() => binding), exited]) };
}

let requestSeq = 0; // numbers the requests in the debug log

// trace logs a step of request n when the wrangler variable FOLIO_DEBUG is set (`wrangler
// dev --var FOLIO_DEBUG:1`; scripts/edge passes it with FOLIO_EDGE_DEBUG=1): one line per
// step, with the time since the request came and what Go has under way.
function trace(env, n, since, step, extra = "") {
  if (!env.FOLIO_DEBUG) return;
  const ms = (performance.now() - since).toFixed(1);
  console.log(`folio #${n} ${step} +${ms}ms fetches=${inFlight} timers=${timers.size} answers=${answers.size}${extra}`);
}

export default {
  async fetch(request, env, ctx) {
    const n = ++requestSeq;
    const since = performance.now();
    trace(env, n, since, "in", " " + new URL(request.url).pathname);
    // Go never exits on its own; after a crash (go.exited) the next request starts anew.
    if (!live || live.go.exited) {
      live = start(env, ctx);
      trace(env, n, since, "go-start");
    }
    const current = live;
    let binding;
    try {
      binding = await current.binding;
    } catch (err) {
      if (live === current) {
        live = undefined;
      }
      trace(env, n, since, "go-failed", " " + err);
      throw err;
    }
    const id = String(n);
    const headers = new Headers(request.headers);
    headers.set("Folio-Request", id);
    // Go's answer comes through answers; the promise only reports a failure to handle it,
    // which the request's next look finds.
    binding.handleRequest(new Request(request, { headers })).catch((err) => {
      trace(env, n, since, "go-error", " " + err);
      if (!answers.has(id)) answers.set(id, err instanceof Error ? err : new Error(String(err)));
    });
    const answer = waitAnswer(id, current.go, since);
    const settled = () => {
      trace(env, n, since, "answered");
      return quiet().then(() => trace(env, n, since, "quiet"));
    };
    ctx.waitUntil(answer.then(settled, settled));
    return answer.then(toResponse, (err) => {
      trace(env, n, since, "failed", " " + err);
      throw err;
    });
  },
};
