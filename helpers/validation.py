"""Argument checks shared by the helpers: each raises a ValueError that names the
bad value and the range that is allowed."""
import math
import numbers

#: learning rates outside this range are refused
LEARNING_RATE_RANGE = (0.0, 1.0)


def check_positive_int(name, value, maximum=None):
    """Return ``value`` as an int if it is a positive integer (<= maximum)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer (>= 1), got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value!r}")
    return int(value)


def check_learning_rate(value, name="learning_rate"):
    """Return ``value`` as a float if 0 < value <= 1."""
    low, high = LEARNING_RATE_RANGE
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in ({low:g}, {high:g}], got {value!r}")
    value = float(value)
    if not math.isfinite(value) or not (low < value <= high):
        raise ValueError(f"{name} must lie in ({low:g}, {high:g}], got {value!r}")
    return value


def check_positive_number(name, value):
    """Return ``value`` as a float if it is a finite number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)
