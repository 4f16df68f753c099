'use strict';
// The whole conformance corpus through the package's CommonJS entry point.
const test = require('node:test');
const assert = require('node:assert/strict');
const api = require('commissio');
const support = require('./support.cjs');

support.corpusTests(api, test, assert, 'cjs');
