// Browser (and bundler) entry point. The wasm module is fetched by `await init()` (from
// `commissio_wasm_bg.wasm` next to this file unless a URL, Response, bytes or
// WebAssembly.Module is given), or instantiated from bytes with `initSync(bytes)`.
import glueInit, * as glue from './glue.mjs';
import { createApi } from './api.mjs';

let ready = false;

async function init(input) {
  if (ready) return;
  await glueInit(input === undefined ? undefined : { module_or_path: input });
  ready = true;
}

function initSync(input) {
  if (ready) return;
  glue.initSync({ module: input });
  ready = true;
}

const api = createApi(
  () => {
    if (!ready) throw new Error('commissio: call `await init()` before using the package in a browser');
    return glue;
  },
  () => glue.__wbg_reset_state(),
  init,
  initSync,
);

export const {
  Plan,
  Results,
  Program,
  ProgramResults,
  check,
  format,
  curveSvg,
  version,
  CommissioError,
  PlanError,
  DataError,
  PeriodError,
  EvalError,
  __internal,
} = api;
export { init, initSync };
export default api;
