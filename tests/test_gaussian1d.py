"""Notebook 01's experiment: recipes, checks and the lesson on seeds the notebook never uses."""
import pytest

from helpers.experiments import gaussian1d


def test_point_mass_reference():
    assert gaussian1d.point_mass_w1() == pytest.approx(0.399, abs=1e-3)


def test_build_gan_refuses_unknown_or_bad_settings():
    with pytest.raises(ValueError, match="unknown setting"):
        gaussian1d.build_gan(0, learnig_rate=0.1)
    with pytest.raises(ValueError, match="noise must be one of"):
        gaussian1d.build_gan(0, noise="pink")
    with pytest.raises(ValueError, match="learning_rate"):
        gaussian1d.build_gan(0, learning_rate=1e9)


def test_recipes_build_the_networks_they_name():
    chapter = gaussian1d.build_gan(0, gaussian1d.CHAPTER_RECIPE, pretrain_steps=0)
    assert chapter.generator.layers[0].units == 4 and chapter.batch_size == 12
    assert chapter.noise.kind == "stratified"
    default = gaussian1d.build_gan(0)
    assert default.generator.layers[0].units == 16 and default.batch_size == 128
    assert default.noise.kind == "normal"
    assert default.discriminator.name == "discriminator_mbd"


def test_check_names_each_problem():
    good = {"w1": 0.02, "std": 0.51}
    assert gaussian1d.check(good) == []
    problems = gaussian1d.check({"w1": 0.2, "std": 0.3})
    assert len(problems) == 2 and "W1" in problems[0] and "sd" in problems[1]
    assert gaussian1d.check({"w1": float("nan"), "std": 0.5})  # NaN never passes
