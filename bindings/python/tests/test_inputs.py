"""Input tables: lists of dicts, dicts of columns, pandas, polars, pyarrow (through the Arrow
PyCapsule interface), CSV paths; the float rule; bad inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import commissio
from conftest import FLAT_PLAN, ae_rows, hierarchy_rows

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")


def canon(r: commissio.Results):
    return sorted((l.payee, l.period, l.component, l.deal, format(l.amount, "f")) for l in r.lines)


PAYEES = [{"id": "A", "quota": "100000.00"}, {"id": "B", "quota": "50000.00"}]
DEALS = [
    {"id": "D1", "payee": "A", "date": "2026-01-10", "amount": "60000.00", "product": "Core", "new_logo": False, "closed": "2026-01-10"},
    {"id": "D2", "payee": "A", "date": "2026-02-10", "amount": "70000.00", "product": "Platform", "new_logo": True, "closed": "2026-02-10"},
    {"id": "D3", "payee": "B", "date": "2026-03-01", "amount": "1200.00", "product": "Platform", "new_logo": False, "closed": "2026-03-01"},
]
CREDITS = [
    {"deal": "D1", "payee": "A", "share": "0.75"},
    {"deal": "D1", "payee": "B", "share": "25%"},
    {"deal": "D2", "payee": "A", "share": "1"},
]


def arrow_deals():
    return pa.table(
        {
            "id": pa.array(["D1", "D2", "D3"]),
            "payee": pa.array(["A", "A", "B"]),
            "date": pa.array([dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 1)], pa.date32()),
            "amount": pa.array([Decimal("60000.00"), Decimal("70000.00"), Decimal("1200.00")], pa.decimal128(12, 2)),
            "product": pa.array(["Core", "Platform", "Platform"]).dictionary_encode(),
            "new_logo": pa.array([False, True, False]),
            "closed": pa.array([dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 1)], pa.date64()),
            "margin": pa.array([0.1, 0.2, 0.3]),  # a float column the plan does not read: ignored
        }
    )


def arrow_payees():
    return pa.table({"id": ["A", "B"], "quota": pa.array([Decimal("100000.00"), Decimal("50000.00")], pa.decimal128(18, 2))})


def arrow_credits():
    return pa.table({"deal": ["D1", "D1", "D2"], "payee": ["A", "B", "A"], "share": pa.array([Decimal("0.75"), Decimal("0.25"), Decimal("1")], pa.decimal128(5, 2))})


@pytest.fixture
def reference(ae_plan):
    return canon(ae_plan.evaluate(payees=PAYEES, deals=DEALS, credits=CREDITS, period="2026-Q1"))


def test_reference_values(reference):
    assert ("B", "2026-Q1", "core", "D1", "750.00") in reference  # 25% of 60,000 x 5%


def test_pyarrow_tables(ae_plan, reference):
    r = ae_plan.evaluate(payees=arrow_payees(), deals=arrow_deals(), credits=arrow_credits(), period="2026-Q1")
    assert canon(r) == reference


def test_pyarrow_record_batches_and_chunked_streams(ae_plan, reference):
    deals = arrow_deals()
    batch = deals.to_batches()[0]
    r = ae_plan.evaluate(payees=arrow_payees().to_batches()[0], deals=batch, credits=arrow_credits(), period="2026-Q1")
    assert canon(r) == reference
    chunked = pa.Table.from_batches([deals.slice(0, 1).to_batches()[0], deals.slice(1).to_batches()[0]])
    assert chunked.column("id").num_chunks == 2
    r = ae_plan.evaluate(payees=arrow_payees(), deals=chunked, credits=arrow_credits(), period="2026-Q1")
    assert canon(r) == reference


def test_polars(ae_plan, reference):
    deals = pl.DataFrame(DEALS).with_columns(
        pl.col("amount").cast(pl.Decimal(18, 2)),
        pl.col("date").str.to_date(),
        pl.col("product").cast(pl.Categorical),
    )
    payees = pl.DataFrame(PAYEES).with_columns(pl.col("quota").cast(pl.Decimal(18, 2)))
    credits = pl.DataFrame(CREDITS)  # strings: "25%" is read as a percentage
    r = ae_plan.evaluate(payees=payees, deals=deals, credits=credits, period="2026-Q1")
    assert canon(r) == reference


def test_pandas(ae_plan, reference):
    deals = pd.DataFrame(DEALS)
    deals["amount"] = deals["amount"].map(Decimal)  # object column of Decimals -> decimal128
    payees = pd.DataFrame(PAYEES)  # strings
    credits = pd.DataFrame(CREDITS)
    r = ae_plan.evaluate(payees=payees, deals=deals, credits=credits, period="2026-Q1")
    assert canon(r) == reference
    # A non-default index is exported as an extra column and ignored.
    r = ae_plan.evaluate(payees=payees.set_index("quota", drop=False), deals=deals, credits=credits, period="2026-Q1")
    assert canon(r) == reference


def test_dict_of_columns(ae_plan, reference):
    cols = {k: [d[k] for d in DEALS] for k in DEALS[0]}
    r = ae_plan.evaluate(payees={"id": ["A", "B"], "quota": ["100000.00", "50000.00"]}, deals=cols, credits=CREDITS, period="2026-Q1")
    assert canon(r) == reference
    with pytest.raises(ValueError, match="same length"):
        ae_plan.evaluate(payees={"id": ["A", "B"], "quota": ["1"]}, deals=cols, period="2026-Q1")


def test_csv_and_json_paths(ae_plan, reference, tmp_path):
    import csv
    import json

    for name, rows in (("payees", PAYEES), ("deals", DEALS), ("credits", CREDITS)):
        with open(tmp_path / f"{name}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        (tmp_path / f"{name}.json").write_text(json.dumps(rows))
    r = ae_plan.evaluate(payees=tmp_path / "payees.csv", deals=tmp_path / "deals.csv", credits=str(tmp_path / "credits.csv"), period="2026-Q1")
    assert canon(r) == reference
    r = ae_plan.evaluate(payees=tmp_path / "payees.json", deals=tmp_path / "deals.json", credits=tmp_path / "credits.json", period="2026-Q1")
    assert canon(r) == reference


def test_generators_and_mappings(ae_plan, reference):
    from types import MappingProxyType

    r = ae_plan.evaluate(
        payees=(MappingProxyType(p) for p in PAYEES), deals=iter(DEALS), credits=tuple(CREDITS), period="2026-Q1"
    )
    assert canon(r) == reference


def test_python_value_types(flat_plan):
    deals = [
        {"id": 1, "payee": "A", "date": dt.date(2026, 1, 2), "amount": 100},
        {"id": "2", "payee": "A", "date": "2026-01-03", "amount": Decimal("1E+2")},
        {"id": "3", "payee": "A", "date": "2026-01-04", "amount": Decimal("0.10")},
        {"id": "4", "payee": "A", "date": "2026-01-05", "amount": "-5.00"},
    ]
    r = flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert [(l.deal, l.amount) for l in r.lines] == [
        ("1", Decimal("5.00")),
        ("2", Decimal("5.00")),
        ("3", Decimal("0.00")),  # 0.005 rounds half-even to 0.00
        ("4", Decimal("-0.25")),
    ]


def test_numpy_scalars(flat_plan):
    np = pytest.importorskip("numpy")
    r = flat_plan.evaluate(payees=[{"id": np.str_("A")}], deals=[{"id": np.int64(7), "payee": "A", "date": "2026-01-02", "amount": np.int32(20)}], period="2026-Q1")
    assert [(l.deal, l.amount) for l in r.lines] == [("7", Decimal("1.00"))]
    with pytest.raises(commissio.DataError):
        flat_plan.evaluate(payees=[{"id": "A"}], deals=[{"id": "1", "payee": "A", "date": "2026-01-02", "amount": np.float64(20)}], period="2026-Q1")


# --- the float rule ---------------------------------------------------------------------------


def test_float_values_are_refused_with_their_row(flat_plan):
    deals = [
        {"id": "D1", "payee": "A", "date": "2026-01-02", "amount": "10.00"},
        {"id": "D2", "payee": "A", "date": "2026-01-03", "amount": 0.1},
    ]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    err = e.value
    assert (err.code, err.table, err.row, err.field) == ("D0102", "deals", 2, "amount")
    issue = err.errors[0]
    assert (issue.table, issue.row, issue.id, issue.field, issue.expected) == ("deals", 2, "D2", "amount", "money")
    # The facade's words, the same as for a fractional JavaScript number.
    assert issue.message == FLOAT_REFUSED.format("0.1", "0.1")
    assert err.id == "D2" and str(issue) == '[D0102] deals row 2 (id "D2"), field "amount": ' + issue.message


FLOAT_REFUSED = (
    "binary floating-point number {} refused: binary floating point cannot hold most decimals exactly "
    '(0.1 is not one tenth), so it is never read as money, a rate or an id; pass the decimal as a string such as "{}"'
)


@pytest.mark.parametrize(
    "value, text, example",
    [(2.0, "2.0", "2.0"), (-0.0, "-0.0", "-0.0"), (float("nan"), "NaN", "1250.00"), (float("-inf"), "-Infinity", "1250.00"), (1e21, "1e+21", "1250.00")],
)
def test_every_float_is_refused_even_a_whole_one(flat_plan, value, text, example):
    # Python has int for whole numbers; a float's type says binary float, so even 2.0 is refused.
    for field, row in [("amount", {"amount": value}), ("id", {"id": value, "amount": "1"})]:
        deal = {"id": "D1", "payee": "A", "date": "2026-01-02", **row}
        with pytest.raises(commissio.DataError) as e:
            flat_plan.evaluate(payees=[{"id": "A"}], deals=[deal], period="2026-Q1")
        x = e.value.errors[0]
        assert (x.code, x.table, x.row, x.field, x.message) == ("D0102", "deals", 1, field, FLOAT_REFUSED.format(text, example))
    # A whole number passes as an int.
    deal = {"id": "D1", "payee": "A", "date": "2026-01-02", "amount": 2}
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=[deal], period="2026-Q1").grand_total == Decimal("0.10")


@pytest.mark.parametrize(
    "make",
    [
        lambda: pa.table({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": [10.0]}),
        lambda: pl.DataFrame({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": [10.0]}),
        lambda: pd.DataFrame({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": [10.0]}),
        lambda: pa.table({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": pa.array([10.0], pa.float32())}),
    ],
    ids=["pyarrow", "polars", "pandas", "float32"],
)
def test_float_columns_are_refused_with_advice(flat_plan, make):
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=make(), period="2026-Q1")
    err = e.value
    assert (err.code, err.table, err.field, err.row) == ("D0102", "deals", "amount", None)
    msg = str(err)
    assert "floating" in msg and "pl.Decimal" in msg and "astype(str)" in msg and "decimal128" in msg


def test_converted_float_columns_are_accepted(flat_plan):
    deals = pl.DataFrame({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": [1234.56]})
    fixed = deals.with_columns(pl.col("amount").cast(pl.Decimal(38, 2)))
    r = flat_plan.evaluate(payees=[{"id": "A"}], deals=fixed, period="2026-Q1")
    assert r.grand_total == Decimal("61.73")  # 1234.56 x 5% = 61.728
    pdf = pd.DataFrame({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": [1234.56]})
    pdf["amount"] = pdf["amount"].astype(str)  # shortest decimal text of each float
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=pdf, period="2026-Q1").grand_total == Decimal("61.73")


def test_unused_float_columns_are_ignored(flat_plan):
    deals = pa.table({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": ["10.00"], "probability": [0.5]})
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1").grand_total == Decimal("0.50")
    rows = [{"id": "D1", "payee": "A", "date": "2026-01-02", "amount": "10.00", "probability": 0.5}]
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1").grand_total == Decimal("0.50")


def test_midnight_timestamps_are_dates(flat_plan):
    ts = [dt.datetime(2026, 1, 2), dt.datetime(2026, 3, 31)]
    for unit in ("s", "ms", "us", "ns"):
        deals = pa.table({"id": ["D1", "D2"], "payee": ["A", "A"], "date": pa.array(ts, pa.timestamp(unit)), "amount": ["10.00", "20.00"]})
        r = flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
        assert r.grand_total == Decimal("1.50")
    pdf = pd.DataFrame({"id": ["D1"], "payee": ["A"], "date": pd.to_datetime(["2026-01-02"]), "amount": ["10.00"]})
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=pdf, period="2026-Q1").grand_total == Decimal("0.50")
    rows = [{"id": "D1", "payee": "A", "date": dt.datetime(2026, 1, 2), "amount": "10.00"}]
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1").grand_total == Decimal("0.50")
    rows = [{"id": "D1", "payee": "A", "date": pd.Timestamp("2026-01-02"), "amount": "10.00"}]
    assert flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1").grand_total == Decimal("0.50")


def test_times_of_day_and_zoned_timestamps_are_refused(flat_plan):
    ts = pa.array([dt.datetime(2026, 1, 2), dt.datetime(2026, 1, 3, 12, 30)], pa.timestamp("us"))
    deals = pa.table({"id": ["D1", "D2"], "payee": ["A", "A"], "date": ts, "amount": ["10.00", "10.00"]})
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert (e.value.row, e.value.field) == (2, "date") and "2026-01-03 12:30:00" in str(e.value)
    zoned = pa.table({"id": ["D1"], "payee": ["A"], "date": pa.array([dt.datetime(2026, 1, 2)], pa.timestamp("us", tz="UTC")), "amount": ["10.00"]})
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=zoned, period="2026-Q1")
    assert e.value.field == "date" and e.value.row is None and "time zone" in str(e.value)
    rows = [{"id": "D1", "payee": "A", "date": dt.datetime(2026, 1, 2, 12), "amount": "10.00"}]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1")
    assert (e.value.row, e.value.field) == (1, "date") and "midnight" in str(e.value)
    rows = [{"id": "D1", "payee": "A", "date": dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc), "amount": "10.00"}]
    with pytest.raises(commissio.DataError):
        flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1")


# --- exactness of the columnar path ----------------------------------------------------------


def test_decimal_extremes_through_arrow(flat_plan):
    amounts = [Decimal("0.01"), Decimal("-0.01"), Decimal("0.00"), Decimal("9999999999999999.99")]
    deals = pa.table(
        {
            "id": [f"D{i}" for i in range(len(amounts))],
            "payee": ["A"] * len(amounts),
            "date": ["2026-01-02"] * len(amounts),
            "amount": pa.array(amounts, pa.decimal128(38, 2)),
        }
    )
    r = flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert [l.amount for l in r.lines] == [Decimal("0.00"), Decimal("-0.00"), Decimal("0.00"), Decimal("499999999999999.9995").quantize(Decimal("0.01"))]


def test_too_large_decimal_is_a_data_error(flat_plan):
    deals = pa.table({"id": ["D1"], "payee": ["A"], "date": ["2026-01-02"], "amount": pa.array([Decimal("1" * 36)], pa.decimal128(38, 0))})
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert (e.value.code, e.value.row, e.value.field) == ("D0105", 1, "amount")
    rows = [{"id": "D1", "payee": "A", "date": "2026-01-02", "amount": 10**40}]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=rows, period="2026-Q1")
    assert (e.value.code, e.value.row) == ("D0105", 1)


def test_nulls(flat_plan):
    deals = pa.table({"id": ["D1", "D2"], "payee": ["A", "A"], "date": ["2026-01-02", "2026-01-03"], "amount": pa.array([Decimal("1.00"), None], pa.decimal128(10, 2))})
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert (e.value.code, e.value.row, e.value.field) == ("D0104", 2, "amount")


# --- bad inputs --------------------------------------------------------------------------------


def test_missing_column(flat_plan):
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=[{"id": "D1", "payee": "A", "date": "2026-01-02"}], period="2026-Q1")
    assert (e.value.code, e.value.table, e.value.field) == ("D0101", "deals", "amount")


def test_every_error_is_listed(flat_plan):
    deals = [{"id": f"D{i}", "payee": "A", "date": "2026-01-02", "amount": "x"} for i in range(150)]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert len(e.value.errors) == 100 and e.value.omitted == 50
    assert [x.row for x in e.value.errors[:3]] == [1, 2, 3]


def test_unknown_payee_and_duplicate_ids(flat_plan):
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}, {"id": "A"}], deals=[{"id": "D1", "payee": "Z", "date": "2026-01-02", "amount": "1"}], period="2026-Q1")
    codes = {(x.code, x.table, x.row) for x in e.value.errors}
    assert ("D0201", "payees", 2) in codes and ("D0202", "deals", 1) in codes


@pytest.mark.parametrize("bad", [42, 1.5, True, object()])
def test_wrong_table_kinds_are_type_errors(flat_plan, bad):
    with pytest.raises(TypeError, match="expected a list of dicts"):
        flat_plan.evaluate(payees=bad, deals=[], period="2026-Q1")


def test_rows_must_be_dicts(flat_plan):
    with pytest.raises(TypeError, match="row 2"):
        flat_plan.evaluate(payees=[{"id": "A"}, ["B"]], deals=[], period="2026-Q1")


def test_lazyframe_needs_collect(flat_plan):
    with pytest.raises(TypeError, match="collect"):
        flat_plan.evaluate(payees=pl.DataFrame({"id": ["A"]}).lazy(), deals=[], period="2026-Q1")


def test_unsupported_values(flat_plan):
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": ["A"]}], deals=[], period="2026-Q1")
    assert "not supported" in str(e.value)
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=pa.table({"id": pa.array([[1]])}), deals=[], period="2026-Q1")
    assert e.value.field == "id" and "Arrow type" in str(e.value)


def test_bad_period(flat_plan):
    with pytest.raises(commissio.PeriodError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=[], period="2026-Q9")
    assert e.value.code == "P0001" and e.value.text == "2026-Q9" and e.value.reason


def test_eval_error_is_located():
    text = """plan "Div" {
  currency USD
  period quarter
  effective 2026-01-01 to 2026-12-31
  rounding half_even 2 per line
  input deal { amount: money }
  input payee { quota: money }
  measure attainment = sum(credit.amount) / payee.quota
  component core {
    commission on credit.amount
    rate 5%
    gate attainment >= 50%
  }
}
"""
    plan = commissio.Plan.parse(text)
    with pytest.raises(commissio.EvalError) as e:
        plan.evaluate(payees=[{"id": "A", "quota": "0"}], deals=[{"id": "D1", "payee": "A", "date": "2026-01-10", "amount": "5"}], period="2026-Q1")
    err = e.value
    assert err.code == "R0101"
    assert err.payee == "A" or err.payee is None
    if err.line is not None:
        assert 1 <= err.line <= text.count("\n") + 1


def test_panics_become_internal_error():
    with pytest.raises(commissio.InternalError) as e:
        commissio._commissio._panic_for_tests()
    assert "bug" in str(e.value) and e.value.code == "INTERNAL"
    assert not isinstance(e.value, BaseException) or isinstance(e.value, Exception)


def test_managers_through_arrow():
    """The dated hierarchy (`managers=`) as a pyarrow table (date32 columns, a null end) and as
    a polars frame gives what the same rows give as Python values; a bad row through Arrow is
    a data error naming the managers table, row and field."""
    plan, payees, deals, columns = hierarchy_rows()
    arrow = pa.table(columns)
    assert arrow.schema.field("from").type == pa.date32()
    assert arrow.column("to").null_count == 4
    expected = {"VP": Decimal("1200.00"), "M1": Decimal("1300.00"), "M2": Decimal("1400.00")}
    plain = plan.evaluate(payees=payees, deals=deals, managers=columns, period="2026-Q1")
    for managers in (arrow, pl.DataFrame(columns)):
        r = plan.evaluate(payees=payees, deals=deals, managers=managers, period="2026-Q1")
        assert {p: r.total(p, "2026-Q1") for p in expected} == expected
        assert canon(r) == canon(plain)
    bad = pa.table({"payee": ["R1"], "manager": ["R1"], "from": [dt.date(2026, 1, 1)], "to": pa.array([None], pa.date32())})
    with pytest.raises(commissio.DataError) as e:
        plan.evaluate(payees=payees, deals=deals, managers=bad, period="2026-Q1")
    x = e.value.errors[0]
    assert (x.code, x.table, x.row, x.field) == ("D0208", "managers", 1, "manager")


# --- table files: what is refused, and where (issue 16) ------------------------------------------


def _only_error(excinfo):
    (err,) = excinfo.value.errors
    return (err.code, err.table, err.row, err.field, err.message)


def test_an_unclosed_quote_in_a_csv_file_is_refused_not_swallowed(flat_plan, tmp_path):
    (tmp_path / "deals.csv").write_text('id,payee,date,amount,note\nD1,A,2026-01-02,100.00,"Core\nD2,A,2026-01-03,200.00,Core\nD3,A,2026-01-04,300.00,Core\n')
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=tmp_path / "deals.csv", period="2026-Q1")
    assert _only_error(e) == (
        "D0001",
        "deals",
        1,
        None,
        'malformed CSV at line 2, column 24: a quoted field in row 1 is never closed, so every row after it would be lost; close the quote or double a quote that is part of the text ("")',
    )


def test_table_files_must_be_text_with_a_known_extension(flat_plan, tmp_path):
    cases = {
        "empty.csv": (b"", "the CSV text is empty: a table starts with a header row naming its columns"),
        "latin1.csv": (b"id\nA\xe9\n", "not text at line 2, column 2 (byte offset 4): byte 0xE9 is not UTF-8 text (save the file as UTF-8)"),
        "nul.json": (b'[{"id": "A"}]\x00', "not text at line 1, column 14 (byte offset 13): byte 0x00 (NUL): a table is UTF-8 text, not UTF-16 or binary data"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(commissio.DataError) as e:
            flat_plan.evaluate(payees=tmp_path / name, deals=[], period="2026-Q1")
        assert _only_error(e) == ("D0001", "payees", None, None, message), name
    (tmp_path / "payees.txt").write_text("id\nA\n")
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=tmp_path / "payees.txt", deals=[], period="2026-Q1")
    assert _only_error(e) == ("D0001", "payees", None, None, f"{tmp_path / 'payees.txt'}: unknown table format; name the file .csv or .json")


def test_headers_match_exactly_and_json_may_have_a_byte_order_mark(flat_plan, tmp_path):
    (tmp_path / "payees.csv").write_text(" id\nA\n")
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=tmp_path / "payees.csv", deals=[], period="2026-Q1")
    assert _only_error(e) == ("D0101", "payees", None, "id", 'missing column "id" (the header has " id"; columns match by exact name)')
    (tmp_path / "payees.json").write_bytes('\ufeff[{"id": "A"}]'.encode())
    deals = [{"id": "D1", "payee": "A", "date": "2026-01-02", "amount": "100.00"}]
    r = flat_plan.evaluate(payees=tmp_path / "payees.json", deals=deals, period="2026-Q1")
    assert [format(l.amount, "f") for l in r.lines] == ["5.00"]


def test_no_payees_means_every_owner_is_unknown(flat_plan):
    deals = [{"id": "D1", "payee": "A", "date": "2026-01-02", "amount": "100.00"}]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[], deals=deals, period="2026-Q1")
    assert _only_error(e) == ("D0202", "deals", 1, "payee", 'unknown payee "A" (no payee has this id)')


def test_a_lone_surrogate_is_a_data_error_at_its_cell(flat_plan):
    deals = [{"id": "D1", "payee": "A\ud800", "date": "2026-01-02", "amount": "100.00"}]
    with pytest.raises(commissio.DataError) as e:
        flat_plan.evaluate(payees=[{"id": "A"}], deals=deals, period="2026-Q1")
    assert _only_error(e) == ("D0102", "deals", 1, "payee", "text with a lone surrogate is not valid Unicode and cannot be read")
