"""Each benchmark runs (with its smallest settings) and prints its figures.

The figures themselves are not asserted (speed belongs to the benchmarks, not
to tests); that the scripts still run and print a table is.
"""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = {
    "bench_variants.py": (["--steps", "3", "--variants", "dcgan,wgan"],
                          [r"GFLOP/s", r"^dcgan\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+\d+%",
                           r"^wgan\s+[\d.]+"]),
    "bench_mnist_gan.py": (["--widths", "classroom", "--steps", "3",
                            "--precision", "float32", "mixed_bfloat16"],
                           [r"GFLOP/s", r"^classroom\s+float32\s+[\d.]+",
                            r"^classroom\s+mixed_bfloat16\s+[\d.]+"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_benchmark_runs_and_prints_its_table(name):
    args, patterns = CASES[name]
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, os.path.join("benchmarks", name), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for pattern in patterns:
        assert re.search(pattern, proc.stdout, re.MULTILINE), (pattern, proc.stdout)


def test_variants_benchmark_runs_mirrored_on_two_cpu_devices():
    env = dict(os.environ, PYTHONPATH=ROOT, GAN_CLASSROOM_CPU_DEVICES="2")
    proc = subprocess.run([sys.executable, os.path.join("benchmarks", "bench_variants.py"),
                           "--steps", "3", "--variants", "lsgan", "--devices", "2"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 devices mirrored" in proc.stdout and re.search(r"^lsgan\s+[\d.]+", proc.stdout,
                                                              re.MULTILINE)
