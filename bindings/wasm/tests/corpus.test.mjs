// The whole conformance corpus through the package's ES module entry point.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as api from 'commissio';
import support from './support.cjs';

support.corpusTests(api, test, assert, 'esm');
