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
    assert _dense_units(default.generator)[0] == gaussian1d.RECIPE["g_hidden"] == 16
    assert _dense_units(default.discriminator)[0] == gaussian1d.RECIPE["d_hidden"] == 32
    assert default.batch_size == gaussian1d.RECIPE["batch_size"]
    assert default.noise.kind == "normal"
    with_mbd = gaussian1d.build_gan(0, minibatch=True)
    assert with_mbd.discriminator.name == "discriminator_mbd"


def _dense_units(model):
    """The widths of a model's Dense layers, in order, looking inside nested models."""
    import keras

    units = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            units.append(layer.units)
        elif hasattr(layer, "layers"):
            units += _dense_units(layer)
    return units


def test_check_names_each_problem():
    good = {"w1": 0.02, "std": 0.51}
    assert gaussian1d.check(good) == []
    problems = gaussian1d.check({"w1": 0.2, "std": 0.3})
    assert len(problems) == 2 and "W1" in problems[0] and "sd" in problems[1]
    assert gaussian1d.check({"w1": float("nan"), "std": 0.5})  # NaN never passes


def test_standardized_networks_work_in_data_units():
    t = gaussian1d.build_gan(0)
    mean, sd = gaussian1d.data_scale()
    assert abs(mean - 4) < 0.02 and abs(sd - 0.5) < 0.02
    x = t.generate(2000, seed=1)
    assert x.shape == (2000, 1)
    # untrained, G's output is centred near the data's mean: the fixed last layer puts it there
    assert abs(float(x.mean()) - mean) < 3 * sd


def test_the_lesson_holds_on_seeds_the_notebook_does_not_use():
    """Notebook 01 asserts the lesson on seeds 0-4; here seeds 20-24: at least 4 of 5
    reach W1 <= 0.05 with a spread within 0.05 of the data's."""
    sweep = gaussian1d.seed_sweep(range(20, 25), progress=False)
    assert sweep.passed.sum() >= 4, sweep
    assert sweep.w1.median() <= gaussian1d.W1_TARGET, sweep


def test_the_chapters_recipe_stays_fragile_on_other_seeds():
    """The notebook's contrast, on seeds 20-24: the chapter's recipe meets the
    targets on at most one seed of five."""
    sweep = gaussian1d.seed_sweep(range(20, 25), progress=False, recipe=gaussian1d.CHAPTER_RECIPE)
    assert sweep.passed.sum() <= 1, sweep


def test_minibatch_discrimination_lesson_on_other_seeds():
    """Notebook 01, section 9, on seeds 10-17 (the notebook uses 0-7): without
    minibatch discrimination some runs of the collapse recipe collapse and the
    median spread falls short of the data's; with it the median spread is closer."""
    seeds = range(10, 18)
    recipe = gaussian1d.COLLAPSE_RECIPE
    off = gaussian1d.seed_sweep(seeds, progress=False, recipe=recipe, minibatch=False)
    on = gaussian1d.seed_sweep(seeds, progress=False, recipe=recipe, minibatch=True)
    assert (off["std"] < gaussian1d.COLLAPSED_SD).sum() >= 1, off
    assert off["std"].median() < 0.45, off
    assert (on["std"] - 0.5).abs().median() < (off["std"] - 0.5).abs().median(), (on, off)
