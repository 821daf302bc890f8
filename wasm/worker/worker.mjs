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

let running; // a Promise of the binding of the live Go instance

// start runs a Go instance and resolves to its binding (handleRequest) once Go is ready.
function start(env, ctx) {
  const binding = {};
  const go = new Go();
  let ready;
  const isReady = new Promise((resolve) => (ready = resolve));
  const instance = new WebAssembly.Instance(mod, {
    ...go.importObject,
    workers: { ready: () => ready() },
  });
  const exited = go.run(instance, { env, ctx, binding }).then(() => {
    running = undefined; // Go stopped (it never should): the next request starts anew
    throw new Error("the Go instance exited");
  });
  return Promise.race([isReady.then(() => binding), exited]);
}

export default {
  async fetch(request, env, ctx) {
    if (!new URL(request.url).pathname.startsWith("/api/")) {
      return env.ASSETS.fetch(request);
    }
    running ??= start(env, ctx);
    let binding;
    try {
      binding = await running;
    } catch (err) {
      running = undefined;
      throw err;
    }
    return binding.handleRequest(request);
  },
};
