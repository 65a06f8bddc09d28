"""The demo's synthetic consumer-credit applications and their train/eval split (layer: demo).

Pure numpy, no MLflow and no files. The data is biased on purpose: ``sex`` is not a model
input, but income and employment history differ by sex, so a model trained on the features
selects the sexes at different rates. The same seed always gives the same data and split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

FEATURES = (
    "income",
    "debt_to_income",
    "credit_history_years",
    "num_late_payments",
    "loan_amount",
    "employment_years",
)
TARGET = "default"
SENSITIVE_ATTRIBUTE = "sex"
AGE_BANDS = ("18-29", "30-44", "45-59", "60-plus")
_AGE_BAND_EDGES = (30, 45, 60)

N_ROWS = 6_000
EVAL_FRACTION = 0.25


@dataclass(frozen=True, eq=False)
class CreditData:
    """Loan applications: raw features (columns in ``FEATURES`` order), label and attributes."""

    features: FloatArray
    default: IntArray
    sex: StrArray
    age_band: StrArray

    def __len__(self) -> int:
        return len(self.default)

    def take(self, rows: IntArray) -> CreditData:
        """The applications at ``rows``, in that order."""
        return CreditData(
            self.features[rows], self.default[rows], self.sex[rows], self.age_band[rows]
        )

    def groups(self) -> dict[str, StrArray]:
        """The slice attributes by name."""
        return {"sex": self.sex, "age_band": self.age_band}


def sigmoid(logits: FloatArray) -> FloatArray:
    """The logistic function, without overflow warnings for large negative logits."""
    return np.exp(-np.logaddexp(0.0, -logits))


def make_credit_data(n: int = N_ROWS, *, seed: int = 7) -> CreditData:
    """Synthetic consumer-credit applications with a sex-linked bias built into the features.

    ``default`` follows a logistic model that is linear in the raw features (so a logistic
    regression can be well calibrated). Women have, on average, lower incomes and shorter
    employment histories (career breaks), so a model that never sees ``sex`` still selects
    women as likely defaulters more often. The same seed always gives the same data.
    """
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.5
    age = rng.integers(18, 76, n)
    prime = np.minimum(age, 55) - 35
    income = rng.lognormal(np.log(38_000) + 0.25 * male + 0.012 * prime, 0.35)
    employment_years = np.minimum(rng.gamma(2.0, 3.0 + 2.0 * male), age - 18)
    credit_history_years = (age - 18) * rng.uniform(0.3, 1.0, n)
    debt_to_income = np.clip(rng.beta(2.0, 5.0, n) + 0.05 * ~male, 0.0, 1.2)
    num_late_payments = rng.poisson(0.3 + 2.5 * debt_to_income)
    loan_amount = income * rng.lognormal(np.log(0.30), 0.30)
    logits = (
        -0.20
        - 0.000065 * (income - 40_000)
        + 5.0 * (debt_to_income - 0.3)
        - 0.05 * (credit_history_years - 12)
        + 0.55 * (num_late_payments - 1)
        + 0.00003 * (loan_amount - 12_000)
        - 0.12 * (employment_years - 6)
    )
    default = (rng.random(n) < sigmoid(logits)).astype(np.int64)
    features = np.column_stack(
        [
            np.round(income, -1),
            np.round(debt_to_income, 3),
            np.round(credit_history_years, 1),
            num_late_payments,
            np.round(loan_amount, -1),
            np.round(employment_years, 1),
        ]
    ).astype(np.float64)
    sex = np.where(male, "male", "female")
    age_band = np.asarray(AGE_BANDS)[np.searchsorted(_AGE_BAND_EDGES, age, side="right")]
    return CreditData(features, default, sex, age_band)


def split_train_eval(
    data: CreditData, *, eval_fraction: float = EVAL_FRACTION, seed: int = 7
) -> tuple[CreditData, CreditData]:
    """A seeded random split into (train, eval); ``eval_fraction`` of the rows go to eval."""
    rows = np.random.default_rng(seed).permutation(len(data))
    n_eval = round(len(data) * eval_fraction)
    return data.take(rows[n_eval:]), data.take(rows[:n_eval])
