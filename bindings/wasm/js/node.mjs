// Node ES module entry point: the CommonJS build re-exported, so `import` and `require` share
// one engine instance and one set of classes (`instanceof PlanError` holds across both).
import api from './node.cjs';

export const {
  init,
  initSync,
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
export default api;
