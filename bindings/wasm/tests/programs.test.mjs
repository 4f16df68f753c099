// The whole program corpus (tests/programs) through the package's ES module entry point.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as api from 'commissio';
import support from './support.cjs';

support.programTests(api, test, assert, 'esm');
