"""Time and score the faces notebook's three runs (SGD, RMSprop, Adam) over seeds.

    PYTHONPATH=. python benchmarks/bench_faces_optimizers.py --steps 1000 --seeds 0 1 2

Prints, per seed and optimizer, ms per step, the three final losses and the
two sample figures the notebook asserts on (nearest real face, diversity),
then whether the notebook's check would pass for that seed.
"""
import argparse

from helpers.experiments.faces import CHAPTER_OPTIMIZERS, face_scores, make_face_gan
from helpers.datasets.faces import load_faces


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    faces = load_faces(verbose=False)
    for seed in args.seeds:
        scores = {}
        for name, (optimizer, lr) in CHAPTER_OPTIMIZERS.items():
            run = make_face_gan(faces, optimizer=optimizer, learning_rate=lr, seed=seed)
            run.train(args.steps, progress=False)
            s = scores[name] = face_scores(run, faces)
            print(f"seed {seed} {name:8s} {1000 * s['seconds'] / args.steps:5.1f} ms/step  "
                  f"D real {s['D loss on real']:.3f}  D fake {s['D loss on fake']:.3f}  "
                  f"G {s['G loss']:.3f}  nearest real {s['nearest real']:.3f}  "
                  f"diversity {s['diversity']:.3f}", flush=True)
        ok = all(scores[n]["nearest real"] < 0.50 and 0.8 < scores[n]["diversity"] < 1.35
                 and scores["SGD"]["nearest real"] - scores[n]["nearest real"] >= 0.08
                 for n in ("RMSprop", "Adam"))
        print(f"seed {seed}: the notebook's check {'passes' if ok else 'FAILS'}")


if __name__ == "__main__":
    main()
