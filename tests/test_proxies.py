"""Accepted proxies (another file, its series names, the parameters that change with it) and
multiples brought to a claim's date by price, on toy snapshots with hand-computed numbers."""

from __future__ import annotations

import pytest
import yaml

from analysis.claims import load_claims
from analysis.errors import WorkbookError
from tests.kindtools import check_one, write_prices

VINTAGE = "2025-09-30"


def _user(root, name, rows):
    user = root / "snap" / "user"
    user.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{d},{s},{v},x,test\n" for d, s, v in rows)
    (user / name).write_text("date,series,value,unit,source\n" + body)


def _point_claim(proxy=None):
    params = {"file": "user/forward_pe.csv", "small": "rut_pe", "large": "spx_pe",
              "date": "2025-12-31", "stated_small": 15, "stated_large": 22,
              "tolerance": 1.0}  # fmt: skip
    extra = {"proxies": {"user/forward_pe.csv": proxy}} if proxy else {}
    return params, extra


PROXY = {
    "file": "user/sp.csv",
    "series": {"rut_pe": "sp600_pe", "spx_pe": "sp500_pe"},
    "params": {"reprice": {"small": "prices/SML.csv", "large": "prices/SPX.csv"}},
    "says": "the S&P 600 stands in for the Russell 2000",
}


@pytest.fixture
def snap(tmp_path):
    _user(tmp_path, "sp.csv", [(VINTAGE, "sp600_pe", 14.0), (VINTAGE, "sp500_pe", 20.0)])
    write_prices(tmp_path / "snap", "SML", {VINTAGE: 100.0, "2025-12-31": 110.0})
    write_prices(tmp_path / "snap", "SPX", {VINTAGE: 200.0, "2025-12-31": 220.0})
    return tmp_path


def test_a_long_form_proxy_renames_series_sets_params_and_is_named(snap):
    params, extra = _point_claim(PROXY)
    r = check_one(snap, "valuation_point", params, ["user/forward_pe.csv"], **extra)
    # 14.0 x 110/100 = 15.4 and 20.0 x 220/200 = 22.0: both within 1x of 15x and 22x
    assert r.verdict == "supported"
    assert (r.observed["small"], r.observed["large"]) == (15.4, 22.0)
    assert "14.0x reported 2025-09-30, 92 days earlier, times SML's price change of +10.0%" in (
        r.summary
    )
    assert "(An accepted proxy: the S&P 600 stands in for the Russell 2000.)" in r.summary
    # the held estimates: an EPS revision of 15.4 / 16 - 1 (-3.75%, -3.7% in floating point)
    # or 22 / 23 - 1 (-4.3%) would take either out of the tolerance
    assert "small-cap: a revision of its 92-day-old EPS estimate by -3.7%" in r.summary
    assert "large-cap: a revision of its 92-day-old EPS estimate by -4.3%" in r.summary
    assert set(r.data) == {"user/sp.csv", "prices/SML.csv", "prices/SPX.csv"}


def test_without_a_reprice_rule_a_92_day_old_vintage_is_needs_data(snap):
    proxy = {k: v for k, v in PROXY.items() if k != "params"}
    params, extra = _point_claim(proxy)
    r = check_one(snap, "valuation_point", params, ["user/forward_pe.csv"], **extra)
    assert r.verdict == "needs_data"
    assert "within 45 days of 2025-12-31; the newest is from 2025-09-30" in r.summary


def test_a_proxy_is_not_used_when_its_own_files_are_missing(snap):
    (snap / "snap" / "prices" / "SML.csv").unlink()
    params, extra = _point_claim(PROXY)
    r = check_one(snap, "valuation_point", params, ["user/forward_pe.csv"], **extra)
    assert r.verdict == "needs_data" and r.missing == ("user/forward_pe.csv",)


def test_a_user_file_without_the_series_takes_the_proxy(snap):
    _user(snap, "forward_pe.csv", [(VINTAGE, "other", 1.0)])  # there, but not what is needed
    params, extra = _point_claim(PROXY)
    r = check_one(snap, "valuation_point", params, ["user/forward_pe.csv"], **extra)
    assert r.verdict == "supported" and "accepted proxy" in r.summary


def test_a_trailing_multiple_is_brought_forward_by_price_and_newest_eps(tmp_path):
    rows = [(f"{y}-12-31", s, v) for y in range(2008, 2025)
            for s, v in (("small_pe", 10.0 + (y % 3)), ("large_pe", 10.0))]  # fmt: skip
    _user(tmp_path, "pe.csv", rows)
    eps = [("2024-12-31", "small_eps", 50.0), ("2025-09-30", "small_eps", 55.0),
           ("2024-12-31", "large_eps", 100.0), ("2025-09-30", "large_eps", 100.0)]  # fmt: skip
    _user(tmp_path, "eps.csv", eps)
    write_prices(tmp_path / "snap", "SML", {"2024-12-31": 100.0, "2025-12-31": 121.0})
    write_prices(tmp_path / "snap", "SPX", {"2024-12-31": 100.0, "2025-12-31": 100.0})
    reprice = {"small": "prices/SML.csv", "large": "prices/SPX.csv", "eps_file": "user/eps.csv",
               "small_eps": "small_eps", "large_eps": "large_eps", "max_age_days": 370}  # fmt: skip
    params = {"file": "user/pe.csv", "small": "small_pe", "large": "large_pe",
              "as_of": "2025-12-31", "reprice": reprice}  # fmt: skip
    data = ["user/pe.csv", "user/eps.csv", "prices/SML.csv", "prices/SPX.csv"]
    r = check_one(tmp_path, "valuation_gap", params, data)
    # 2024: 10 + 2024 % 3 = 12; x 1.21 (price) / 1.10 (EPS 55 over 50) = 13.2 against 10.0
    assert r.observed["ratio"] == pytest.approx(1.32)
    assert "brought forward from the reports of 2024-12-31" in r.summary
    assert "over EPS reported through 2025-09-30, +10.0% on the report's" in r.summary
    assert r.tests[0].nobs == 18  # 17 year-ends and the brought-forward 2025-12-31


def _claims_file(tmp_path, proxies):
    doc = {"article": {"id": "a", "title": "A", "as_of": "2026-01-02"},
           "claims": [{"id": "c", "theme": "t", "text": "x", "kind": "valuation_point",
                       "data": ["user/forward_pe.csv"], "params": _point_claim()[0],
                       "proxies": proxies}]}  # fmt: skip
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize(
    ("proxies", "message"),
    [
        ({"user/forward_pe.csv": {**PROXY, "params": {"reprice": {"small": "prices/A.csv"}}}},
         "proxies.user/forward_pe.csv: reprice.large: Field required"),
        ({"user/other.csv": "user/sp.csv"}, "proxies names 'user/other.csv', which is not listed"),
        ({"user/forward_pe.csv": {"file": "../etc/passwd"}}, "is not <fred|prices|french|user>"),
        ({"user/forward_pe.csv": {"file": "user/sp.csv", "colour": 1}}, "colour"),
    ],
)  # fmt: skip
def test_a_bad_proxy_is_one_line_naming_the_claim(tmp_path, proxies, message):
    with pytest.raises(WorkbookError) as err:
        load_claims(_claims_file(tmp_path, proxies))
    text = str(err.value)
    assert message in text and "\n" not in text and "claims.yaml" in text
