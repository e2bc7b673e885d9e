"""Shared test set-up: quiet TensorFlow. (No MPLBACKEND here: nbval's kernels
inherit the environment, and a non-inline backend would drop the notebooks' figures.)"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
