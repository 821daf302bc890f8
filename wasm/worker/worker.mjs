// Folio's worker glue: one Go instance per isolate answers every /api/ request (the glue
// that syumai/workers generates, build/worker.mjs, starts a new instance per request).
// Every other path is a static asset. Go reaches the assets binding, env.ASSETS, through
// the runtime context of the request that started the instance: env is the same for every
// request of an isolate; that request's ctx (waitUntil) is not used.
import "./build/wasm_exec.js";
import mod from "./build/app.wasm";

// syumai/workers runs JavaScript calls that may throw through globalThis.tryCatch.
globalThis.tryCatch ??= (fn) => {
  try {
    return { result: fn() };
  } catch (error) {
    return { error };
  }
};

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
  const exited = go.run(instance, { env, ctx, binding }).then(() => {
    throw new Error("the Go program exited before it was ready");
  });
  return { go, binding: Promise.race([isReady.then(() => binding), exited]) };
}

export default {
  async fetch(request, env, ctx) {
    if (!new URL(request.url).pathname.startsWith("/api/")) {
      return env.ASSETS.fetch(request);
    }
    // Go never exits on its own; after a crash (go.exited) the next request starts anew.
    if (!live || live.go.exited) {
      live = start(env, ctx);
    }
    const current = live;
    let binding;
    try {
      binding = await current.binding;
    } catch (err) {
      if (live === current) {
        live = undefined;
      }
      throw err;
    }
    return binding.handleRequest(request);
  },
};
