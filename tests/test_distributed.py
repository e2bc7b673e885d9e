"""The distributed path (MirroredStrategy) on two logical CPU devices.

Each check runs in a fresh process: the CPU can only be split into logical
devices before TensorFlow's first op, and this test session has long started it.
"""
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from helpers import CPU_DEVICES_VARIABLE
from helpers.devices import describe, make_strategy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_split(args, devices=2, timeout=600):
    env = dict(os.environ, **{CPU_DEVICES_VARIABLE: str(devices)})
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_two_devices_give_the_update_of_one_and_stay_in_sync():
    proc = run_split([os.path.join("tests", "distributed_check.py")])
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2 and "2 devices mirrored" in result["devices"]
    # the mirrored update is the one-device update of the whole batch
    assert result["max_weight_difference"] < 1e-5 and result["max_loss_difference"] < 1e-5
    assert result["weights_moved"] > 1e-3
    # a WGAN run: each device takes half the batch, the copies agree, the clip holds
    assert result["wgan_status"] == "finished" and result["wgan_finite"]
    assert result["replica_batch"] == 8 and result["mirrored_copies_equal"]
    assert result["critic_max_abs_weight"] <= result["clip_value"] + 1e-7
    assert result["replicas_draw_different_examples"]
    # refused: a batch of 15 over 2 devices, models built outside the strategy
    assert "cannot be split over 2 devices" in result["refusals"][0]
    assert "strategy.scope()" in result["refusals"][1]
    assert result["ok"] and proc.returncode == 0


def test_train_variants_runs_mirrored_and_records_the_devices(tmp_path):
    proc = run_split([os.path.join("scripts", "train_variants.py"), "--devices", "2",
                      "--variants", "acgan", "--steps", "6", "--batch-size", "16",
                      "--checkpoint-every", "3", "--assets", str(tmp_path / "assets"),
                      "--checkpoints", str(tmp_path / "ckpt")])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "training on 2 devices mirrored" in proc.stdout
    entry = json.loads((tmp_path / "assets" / "gan_variants.json").read_text())["variants"]["acgan"]
    assert entry["steps"] == 6 and entry["status"] == "finished"
    assert entry["devices"].startswith("2 devices mirrored")


def test_asking_for_devices_the_machine_lacks_says_how_to_get_them(tmp_path):
    proc = run_split([os.path.join("scripts", "train_variants.py"), "--devices", "2",
                      "--variants", "dcgan", "--steps", "2", "--assets", str(tmp_path)],
                     devices=1, timeout=300)
    if "GPU" in describe(None):
        pytest.skip("this machine has a GPU")
    assert proc.returncode == 2
    assert CPU_DEVICES_VARIABLE + "=2" in proc.stderr and "Traceback" not in proc.stderr


def test_make_strategy_refuses_bad_counts_and_defaults_to_one_device():
    for bad in (0, -1, 2.5, True, "2"):
        with pytest.raises(ValueError, match="positive integer"):
            make_strategy(bad)
    assert make_strategy(1) is None
    if "GPU" not in describe(None):
        assert make_strategy() is None and describe(None) == "one device (CPU)"


def test_batch_must_split_evenly_over_the_devices():
    spec = importlib.util.spec_from_file_location(
        "train_variants", os.path.join(ROOT, "scripts", "train_variants.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for bad in (["--devices", "3", "--batch-size", "32"], ["--devices", "0"]):
        with pytest.raises(SystemExit):
            module.parse_args(bad)
    assert module.parse_args(["--devices", "2"]).devices == 2
