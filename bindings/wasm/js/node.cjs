'use strict';
// Node entry point (`require('commissio')`, and `import` through node.mjs): the wasm module is
// read and instantiated synchronously by the wasm-bindgen glue, so nothing needs awaiting.
const glue = require('./glue.cjs');
const { createApi } = require('./api.cjs');

module.exports = createApi(
  () => glue,
  () => glue.__wbg_reset_state(),
  async () => {},
  () => {},
);
