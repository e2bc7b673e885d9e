"""scripts/train_variants.py: its arguments, its checkpoints and --resume."""
import importlib.util
import json
import os

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "train_variants", os.path.join(ROOT, "scripts", "train_variants.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_arguments_are_parsed_and_checked(script, capsys):
    args = script.parse_args(["--variants", "dcgan, wgan", "--steps", "10"])
    assert args.variants == ["dcgan", "wgan"] and args.steps == 10 and not args.resume
    for bad in (["--variants", "bigan"], ["--steps", "0"], ["--checkpoint-every", "-5"],
                ["--variants", ","]):
        with pytest.raises(SystemExit):
            script.parse_args(bad)
    err = capsys.readouterr().err
    assert "unknown variant 'bigan'" in err and "--steps must be a positive integer" in err


def test_a_run_saves_its_state_and_resume_goes_on_from_it(script, tmp_path, capsys):
    common = ["--variants", "dcgan", "--batch-size", "16", "--checkpoint-every", "10",
              "--assets", str(tmp_path / "assets"), "--checkpoints", str(tmp_path / "ckpt")]
    assert script.main(common + ["--steps", "20"]) is None
    state = tmp_path / "ckpt" / "dcgan_b16_seed0_classroom.npz"
    assert state.is_file()
    with np.load(state) as f:
        assert int(f["meta"][0]) == 20
    script.main(common + ["--steps", "30", "--resume"])
    out = capsys.readouterr().out
    assert "resuming at step 20" in out
    manifest = json.loads((tmp_path / "assets" / "gan_variants.json").read_text())
    entry = manifest["variants"]["dcgan"]
    assert entry["steps"] == 30 and entry["status"] == "finished"
    assert (tmp_path / "assets" / entry["file"]).is_file()
    assert 0.0 <= entry["scores"]["readable"] <= 1.0


def test_the_manifest_keeps_every_variant_and_records_the_settings(script, tmp_path):
    path = tmp_path / "gan_variants.json"
    common = {"made_by": "scripts/train_variants.py"}
    script.update_manifest(str(path), "dcgan", {"steps": 5}, common)
    # a second run (another process, another variant) writes the same file later
    script.update_manifest(str(path), "cgan", {"steps": 7}, common)
    manifest = json.loads(path.read_text())
    assert manifest["variants"] == {"dcgan": {"steps": 5}, "cgan": {"steps": 7}}
    assert manifest["made_by"] == "scripts/train_variants.py"
    assert [p.name for p in tmp_path.iterdir()] == ["gan_variants.json"]  # no temporary left


def test_a_run_records_its_precision_and_r1_weight(script, tmp_path):
    script.main(["--variants", "lsgan", "--batch-size", "16", "--steps", "4",
                 "--precision", "float32", "--assets", str(tmp_path / "assets"),
                 "--checkpoints", str(tmp_path / "ckpt")])
    entry = json.loads((tmp_path / "assets" / "gan_variants.json").read_text())["variants"]["lsgan"]
    assert entry["precision"] == "float32"
    assert entry["settings"]["r1_weight"] == script.variants.SHIPPED_SETTINGS["lsgan"]["r1_weight"]
    with pytest.raises(SystemExit):
        script.parse_args(["--precision", "half"])
