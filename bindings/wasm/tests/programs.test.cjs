'use strict';
// The whole program corpus (tests/programs) through the package's CommonJS entry point.
const test = require('node:test');
const assert = require('node:assert/strict');
const api = require('commissio');
const support = require('./support.cjs');

support.programTests(api, test, assert, 'cjs');
