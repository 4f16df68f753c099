"""Commissio: exact, explainable sales commissions.

A plan is text in the Commissio plan language; it is checked before it runs, computes to the
cent with explicit rounding, and explains every line::

    import commissio

    plan = commissio.Plan.from_file("ae_quota_tiers.comp")
    results = plan.evaluate(payees=payees_df, deals=deals_df, period="2026-Q1")
    results.totals            # [Total(payee='ae01', period='2026-Q1', amount=Decimal('1234.50')), ...]
    print(results.explain("ae01"))
    results.to_polars()       # or to_pandas() / to_arrow()

Several plans evaluated together (a payee promoted mid-period, a split territory) are a
``Program``: ``commissio.Program([sdr, ae], split="days").evaluate(..., assignments=rows)``.

Money is always ``decimal.Decimal``; binary floats are refused as input for money and rates
(see the README: "Floats are never trusted").
"""

from ._commissio import (
    ArrowTable,
    CommissioError,
    ComponentTotal,
    CurvePoint,
    DataError,
    DataIssue,
    Diagnostic,
    EvalError,
    InternalError,
    Label,
    Line,
    PeriodError,
    Plan,
    PlanError,
    Program,
    ProgramResults,
    Results,
    Total,
    __version__,
    check,
    curve_svg,
    format,
)

__all__ = [
    "ArrowTable",
    "CommissioError",
    "ComponentTotal",
    "CurvePoint",
    "DataError",
    "DataIssue",
    "Diagnostic",
    "EvalError",
    "InternalError",
    "Label",
    "Line",
    "PeriodError",
    "Plan",
    "PlanError",
    "Program",
    "ProgramResults",
    "Results",
    "Total",
    "__version__",
    "check",
    "curve_svg",
    "format",
]
